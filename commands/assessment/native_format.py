"""readybot's own assessment format: what `export_markdown` writes and reads back exactly.

    <!-- readybot:assessment v1 ✓ -->
    # Checkout v2

    - Target date: 2026-03-01
    - Scenario: internet-facing
    - Timezone: Europe/Berlin

    ## Security

    - [ ] 🔴 Critical — Rotate the JWT secret
      - Key: SEC-1
      - Status: blocked
      - Owner: <@U123>
      - Blocked because: waiting for the vendor
      - Notes:
        > first line
        > second line
    - [x] Enable MFA

The first line marks the format; its ✓ is a canary: if it arrives as "‚úì" or "âœ“" the whole
file went through mojibake and is repaired, and if it is intact nothing is "repaired", so
text that merely looks like mojibake survives. Everything in the file is literal: titles are
not cleaned up, duplicates are kept, and escaping (`escaping`) makes any text safe.

The box says done ([x]) or not ([ ]); a `Status:` line says which open or closed state
(in progress, blocked, waived), and when the two disagree the box wins, because ticking it
is the edit people make. The colour dot and word give the priority; the word wins if they
disagree. Sub-bullets the format does not know become notes, so hand edits are kept.
"""

from __future__ import annotations

import re
from datetime import date

from commands.assessment.escaping import split_unescaped, unescape
from commands.assessment.fields import field_of, parse_date
from commands.assessment.inline import CATEGORY_MAX, DEFAULT_CATEGORY, TITLE_MAX, truncate
from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.vocabulary import (
    CHECKBOX_STATUS,
    PRIORITY_EMOJI,
    priority_from_value,
    refine_status,
    status_from_value,
)
from storage.vocabulary import Priority, Status

FORMAT_VERSION = 1
CANARY = "✓"
MARKER = f"<!-- readybot:assessment v{FORMAT_VERSION} {CANARY} -->"

# Field labels as written; the reader also accepts the synonyms in `fields.FIELD_LABELS`.
LABELS: dict[str, str] = {
    "key": "Key",
    "status": "Status",
    "owner": "Owner",
    "due": "Due",
    "effort": "Effort",
    "scenarios": "Scenarios",
    "evidence": "Evidence",
    "depends_on": "Depends on",
    "critical_in": "Critical in",
    "parent": "Parent",
    "blocked_reason": "Blocked because",
    "waiver_reason": "Waived because",
    "waiver_until": "Waived until",
    "notes": "Notes",
}
STATUS_WORDS: dict[Status, str] = {
    Status.TODO: "todo",
    Status.IN_PROGRESS: "in progress",
    Status.BLOCKED: "blocked",
    Status.DONE: "done",
    Status.WAIVED: "waived",
}
HEADER_LABELS = {
    "target_date": "Target date",
    "scenario": "Scenario",
    "timezone": "Timezone",
    "stated_readiness": "Stated readiness",
}

_MARKER = re.compile(r"^\ufeff?\s*<!--\s*readybot:assessment\s+v(\d+)\b(?P<canary>.*?)-->")
_H1 = re.compile(r"^#(?:[ \t]+(.*))?$")
_H2 = re.compile(r"^##(?:[ \t]+(.*))?$")
_ITEM = re.compile(r"^[-*+][ \t]+(?:\[(?P<box>.)\](?:[ \t]+|$))?(?P<rest>.*)$")
_DETAIL = re.compile(r"^[ \t]+[-*+][ \t]+(?P<text>.*)$")
_QUOTE = re.compile(r"^[ \t]*>(?: ?)(?P<text>.*)$")
_LABELLED = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{0,30}?)[ \t]*:(?:[ \t]+(?P<value>.*))?$")
_PRIORITY_DOT = re.compile("([" + "".join(PRIORITY_EMOJI) + "])\ufe0f?[ \t]*")
_PRIORITY_WORD = re.compile(r"(critical|high|medium|low)[ \t]*[—–:-][ \t]*", re.I)
_SEPARATOR = re.compile(r"[—–:-][ \t]*")
_READINESS = re.compile(r"(\d{1,3})\s*%?")


def marker_canary(text: str) -> str | None:
    """The canary text of the format marker if the document starts with one, else None."""
    for line in text.split("\n", 3)[:3]:
        if line.strip():
            match = _MARKER.match(line)
            return match.group("canary").strip() if match else None
    return None


class _Item:
    """An item being read, with the raw pieces that need the whole item to interpret."""

    def __init__(self, parsed: ParsedItem, box: Status | None) -> None:
        self.parsed = parsed
        self.box = box
        self.stated: Status | None = None
        self.notes: list[str] = []
        self.in_notes = False


def read_native(lines: list[str]) -> Assessment:
    """An Assessment from the lines of a readybot-format document (marker already checked)."""
    assessment = Assessment()
    seen_title = False
    category: str | None = None
    current: _Item | None = None
    items: list[_Item] = []
    in_comment = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if in_comment or line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if not line:
            continue
        if category is None and current is None and not seen_title:
            heading = _H1.match(line)
            if heading:
                seen_title = True
                name = unescape((heading.group(1) or "").strip()) or None
                assessment.title = assessment.name = name
                continue
        heading = _H2.match(line)
        if heading:
            category = truncate(unescape((heading.group(1) or "").strip()), CATEGORY_MAX)
            current = None
            continue
        item = _ITEM.match(line)
        if item:
            if category is None and current is None and item.group("box") is None:
                # The header block: launch facts; bullets it does not know are ignored.
                _read_header_line(assessment, item.group("rest"))
                continue
            current = _start_item(item, category or DEFAULT_CATEGORY, number)
            current.parsed.source = line.strip()
            items.append(current)
            continue
        if current is not None:
            _read_detail(current, line)
    assessment.items = [_finish(item) for item in items]
    return assessment


def _read_header_line(assessment: Assessment, text: str) -> None:
    labelled = _LABELLED.match(text)
    if not labelled:
        return
    label = " ".join(labelled.group("label").casefold().split())
    value = unescape((labelled.group("value") or "").strip())
    if label == "target date":
        assessment.target_date = parse_date(value)
    elif label == "scenario":
        assessment.scenario = value or None
    elif label in ("timezone", "time zone"):
        assessment.timezone = value or None
    elif label == "stated readiness":
        match = _READINESS.match(value)
        assessment.stated_readiness = int(match.group(1)) if match else None


def _start_item(match: re.Match[str], category: str, number: int) -> _Item:
    box_char = match.group("box")
    box = CHECKBOX_STATUS.get(box_char) if box_char is not None else None
    rest = match.group("rest")
    if box_char is not None and box is None:  # "[?]": not a box we know, keep it as text
        rest = f"[{box_char}] {rest}"
    priority: Priority | None = None
    dot = _PRIORITY_DOT.match(rest)
    if dot:
        priority = PRIORITY_EMOJI[dot.group(1)]
        rest = rest[dot.end() :]
        word = _PRIORITY_WORD.match(rest)
        if word:
            priority = priority_from_value(word.group(1)) or priority
            rest = rest[word.end() :]
        else:
            separator = _SEPARATOR.match(rest)
            if separator:
                rest = rest[separator.end() :]
    parsed = ParsedItem(
        title=truncate(unescape(rest.strip()), TITLE_MAX),
        category=category,
        status=box or Status.TODO,
        priority=priority,
        line=number,
    )
    return _Item(parsed, box)


# Labels only readybot's own format has (the free-form vocabulary is in `fields`).
_NATIVE_ONLY = {"critical in": "critical_in", "parent": "parent"}


def _read_detail(item: _Item, line: str) -> None:
    quote = _QUOTE.match(line)
    if quote and item.in_notes:
        item.notes.append(unescape(quote.group("text")))
        return
    item.in_notes = False
    detail = _DETAIL.match(line)
    text = detail.group("text") if detail else line.strip()
    labelled = _LABELLED.match(text) if detail else None
    label = " ".join(labelled.group("label").casefold().split()) if labelled else ""
    name = _NATIVE_ONLY.get(label) or (field_of(label) if labelled else None)
    if labelled is None or name is None:
        item.notes.append(unescape(text))
        return
    raw_value = (labelled.group("value") or "").strip()
    if not _apply(item, name, raw_value):
        item.notes.append(unescape(text))


def _apply(item: _Item, name: str, raw_value: str) -> bool:
    """Set a field from its escaped value; False if the value cannot be read as one."""
    parsed = item.parsed
    value = unescape(raw_value)
    if name == "notes":
        item.in_notes = True
        if raw_value:
            item.notes.append(value)
        return True
    if not raw_value:
        return True  # "Owner:" with nothing after it: unset
    if name == "status":
        item.stated = status_from_value(value)
        return item.stated is not None
    if name == "priority":
        priority = priority_from_value(value)
        if priority is not None and parsed.priority is None:
            parsed.priority = priority
        return priority is not None
    if name in ("due", "waiver_until"):
        when: date | None = parse_date(value)
        setattr(parsed, name, when)
        return when is not None
    if name in ("scenarios", "depends_on", "critical_in"):
        parts = [unescape(part.strip()) for part in split_unescaped(raw_value, ",")]
        setattr(parsed, name, tuple(part for part in parts if part))
        return True
    if name == "evidence":
        parsed.evidence = value
        parsed.evidence_items = tuple(value.split("\n"))
        return True
    setattr(parsed, name, value)
    return True


def _finish(item: _Item) -> ParsedItem:
    parsed = item.parsed
    box = item.box
    if box is None:
        parsed.status = item.stated or Status.TODO
    else:
        parsed.status = refine_status(box, item.stated)
    parsed.notes = "\n".join(item.notes) if item.notes else None
    return parsed
