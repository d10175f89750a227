"""Write an assessment as markdown people can read and edit, and readybot can read back
exactly (the format is described in `native_format`)."""

from __future__ import annotations

from commands.assessment.escaping import escape, reference
from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.native_format import HEADER_LABELS, LABELS, MARKER, STATUS_WORDS
from commands.assessment.vocabulary import PRIORITY_EMOJI, PRIORITY_ICON
from storage.vocabulary import Status

HELP = """<!--
Edit freely and import again:
- tick a box when an item is done;
- the colour dot and word are the priority: 🔴 Critical, 🟠 High, 🟡 Medium, 🟢 Low;
- Status is todo, in progress, blocked, done or waived;
- add lines such as "  - Owner: @someone" or "  - Due: 2026-03-01" under an item.
Keep the first line: it tells readybot to read this file exactly.
-->"""
_CLOSED = (Status.DONE, Status.WAIVED)
# The box says done or not; the other three states need a Status line.
_BOX_SAYS = (Status.TODO, Status.DONE)


def export_markdown(assessment: Assessment) -> str:
    """The assessment in readybot's markdown format.

    `parse_assessment` of the result gives back every item field (title, category, status,
    priority, key, owner, due, effort, notes, evidence, blocked and waiver reasons, waiver
    date, scenarios) in the same order, and the name, target date, scenario, timezone and
    stated readiness. Empty strings and empty scenario tuples are written as absent (None),
    an empty category as "General", and the reader keeps at most 500 characters of a title
    and 100 of a category. Consecutive items of one category share a section; a category
    that comes back later gets a second section, so the order survives.
    """
    lines = [MARKER, HELP, ""]
    lines.append(f"# {escape(assessment.name)}" if assessment.name else "#")
    header = _header_lines(assessment)
    if header:
        lines += ["", *header]
    category: str | None = None
    for item in assessment.items:
        if category is None or item.category != category:
            category = item.category
            lines += ["", f"## {escape(category)}", ""]
        lines += _item_lines(item)
    return "\n".join(lines) + "\n"


def _header_lines(assessment: Assessment) -> list[str]:
    values = {
        "target_date": assessment.target_date.isoformat() if assessment.target_date else None,
        "scenario": escape(assessment.scenario) if assessment.scenario else None,
        "timezone": escape(assessment.timezone) if assessment.timezone else None,
        "stated_readiness": (
            f"{assessment.stated_readiness}%" if assessment.stated_readiness is not None else None
        ),
    }
    return [f"- {HEADER_LABELS[name]}: {value}" for name, value in values.items() if value]


def _title(item: ParsedItem) -> str:
    title = escape(item.title)
    if item.priority is None and item.title[:1] in PRIORITY_EMOJI:
        # A leading colour dot would be read as the priority.
        title = reference(item.title[0]) + title[1:]
    return title


def _item_lines(item: ParsedItem) -> list[str]:
    box = "x" if item.status in _CLOSED else " "
    priority = ""
    if item.priority is not None:
        priority = f"{PRIORITY_ICON[item.priority]} {item.priority.value.capitalize()} — "
    lines = [f"- [{box}] {priority}{_title(item)}"]
    if item.status not in _BOX_SAYS:
        lines.append(_detail("status", STATUS_WORDS[item.status]))
    simple = {
        "key": item.key,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "effort": item.effort,
    }
    lines += [_detail(name, escape(value)) for name, value in simple.items() if value]
    for name in ("scenarios", "depends_on", "critical_in"):
        values = getattr(item, name)
        if values:
            lines.append(_detail(name, ", ".join(escape(value, also=",") for value in values)))
    if item.parent:
        lines.append(_detail("parent", escape(item.parent)))
    reasons = {
        "evidence": item.evidence,
        "blocked_reason": item.blocked_reason,
        "waiver_reason": item.waiver_reason,
        "waiver_until": item.waiver_until.isoformat() if item.waiver_until else None,
    }
    lines += [_detail(name, escape(value)) for name, value in reasons.items() if value]
    if item.notes:
        lines += _notes_lines(item.notes)
    return lines


def _detail(name: str, escaped_value: str) -> str:
    return f"  - {LABELS[name]}: {escaped_value}"


def _notes_lines(notes: str) -> list[str]:
    if "\n" not in notes:
        return [_detail("notes", escape(notes))]
    lines = [f"  - {LABELS['notes']}:"]
    for line in notes.split("\n"):
        escaped = escape(line, line_start=True)
        lines.append(f"    > {escaped}" if escaped else "    >")
    return lines
