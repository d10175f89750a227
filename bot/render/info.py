"""Help, history, import and export as blocks, added to a `Layout` so that the same builders
fill a message (50 blocks) or a modal (100 blocks)."""

from __future__ import annotations

import re
from typing import Any

from bot.render import blocks as b
from bot.render import import_report
from bot.render import mrkdwn as md
from commands import replies as r
from commands import wording
from commands.text import plural
from commands.transitions import describe_status

PEOPLE_FIELDS = frozenset({"owner", "done_by", "blocked_by", "waived_by", "verified_by"})
EXPORT_TEXT = 7_000  # of a message's text budget, for the markdown itself
CODE_CHUNK = 2_900  # escaped markdown per section, leaving room for the ``` fences
_FENCE = re.compile(r"`{3,}")


# -- help ------------------------------------------------------------------------------


def help_blocks(reply: r.HelpReply, layout: b.Layout) -> None:
    if reply.detail:
        verb = reply.detail
        usage = md.code(md.escape(f"/ready {verb.usage}"))
        layout.add(b.section(f"{usage}\n{md.text(verb.summary)}"))
        if verb.details:
            layout.add(b.section(md.text(verb.details)))
        if verb.examples:
            examples = "\n".join(f"/ready {e}" for e in verb.examples)
            layout.add(b.section("*Examples*\n" + code_block(examples)))
        if verb.aliases:
            layout.add(b.context("Also: " + ", ".join(md.code(a) for a in verb.aliases)))
        return
    layout.add(b.section("*readybot*: the launch checklist, live. Commands:"))
    groups: dict[str, list[str]] = {}
    for verb in reply.verbs:
        groups.setdefault(verb.group, []).append(f"{md.code(verb.name)} {md.text(verb.summary)}")
    for group, entries in groups.items():
        layout.add_lines([md.bold(md.escape(group)), *entries], reserve_blocks=1)
    layout.add(b.context("`/ready help &lt;command&gt;` shows details and examples."))


def code_block(raw: str) -> str:
    """Our own ``` block around user text: escaped, and a run of backticks inside cannot
    close it early."""
    inner = _FENCE.sub(lambda m: "ˋ" * len(m[0]), md.escape(raw))
    return f"```{inner}```" if inner.strip() else ""


# -- history ---------------------------------------------------------------------------


# Said by the event's own time (or internal).
HIDDEN_FIELDS = frozenset({"blocked_at", "done_at", "verified_at", "import_ref"})
CHANGES_LIMIT = 300  # characters of an event's changes in a history line


def changed_fields(event: r.EventView) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for what an event changed, in its order: fields whose value
    moved, without those the event's own time says."""
    if event.action == "created" or not event.after:
        return []
    before = event.before or {}
    return [
        (k, before.get(k), v)
        for k, v in event.after.items()
        if k not in HIDDEN_FIELDS and before.get(k) != v
    ]


def whole(parts: list[str], limit: int) -> str:
    """`parts` joined with commas, as many whole ones as fit in `limit`, then `+N more`:
    a value is never cut in the middle."""
    shown: list[str] = []
    used = 0
    for part in parts:
        if shown and used + len(part) + 2 > limit:
            return ", ".join(shown) + f", +{len(parts) - len(shown)} more"
        shown.append(part)
        used += len(part) + 2
    return ", ".join(shown)


def _value(field: str, value: Any, timezone: str) -> str:
    if value in (None, ""):
        return "—"
    if field in PEOPLE_FIELDS:
        return md.mention(str(value))
    return md.inline(wording.field_value(field, value, timezone), 60)


def event_line(event: r.EventView, timezone: str = "UTC") -> str:
    """`Tue Dec 1, 18:30 · alice · done (status: blocked → done) “cert installed”`."""
    changes = whole(
        [
            f"{md.inline(wording.field_name(k), 30)}: "
            f"{_value(k, before, timezone)} → {_value(k, after, timezone)}"
            for k, before, after in changed_fields(event)
        ],
        CHANGES_LIMIT,
    )
    note = f" “{md.inline(event.note, 120)}”" if event.note else ""
    who = md.inline(event.actor_name, 60) if event.actor_name else md.mention(event.actor)
    via = f" via {md.inline(event.via, 20)}" if event.via not in ("command", "button") else ""
    return (
        f"{wording.moment(event.at, timezone)} · {who}{via} · {md.inline(event.action, 32)}{note}"
        + (f" ({changes})" if changes else "")
    )


def history_blocks(reply: r.HistoryReply, layout: b.Layout) -> None:
    """Item summary, notes, evidence, then the newest events that fit (oldest first)."""
    item = reply.item
    head = (
        f"{md.code(md.inline(item.key, 40))} {md.bold(md.inline(item.title, 300))}: "
        f"{describe_status(item.status)}, {item.priority.value}, {md.inline(item.category, 100)}"
    )
    layout.add(b.section(head), reserve_blocks=2, reserve_text=300)
    if item.notes:
        layout.add(b.section("*Notes*\n" + md.quote(md.block_text(item.notes, 1500))))
    if item.evidence:
        layout.add(b.section("*Evidence:* " + md.block_text(item.evidence, 1000)))
    lines = [event_line(e, reply.launch.timezone) for e in reply.events]
    room = layout.text_budget - layout.text_used - 300
    start, used = len(lines), 0
    while start > 0 and used + len(lines[start - 1]) + 1 <= room:
        start -= 1
        used += len(lines[start]) + 1
    page = f", page {reply.page} of {reply.pages}" if reply.pages > 1 else ""
    layout.add(b.section(f"*History* ({plural(reply.total, 'event')}{page})"), reserve_blocks=1)
    shown = layout.add_lines(lines[start:], reserve_blocks=1, reserve_text=100)
    hidden = len(lines) - shown
    notes = []
    if hidden:
        notes.append(f"{plural(hidden, 'event')} on this page not shown")
    if reply.page < reply.pages:
        notes.append(f"older: `/ready history {md.inline(item.key, 40)} page {reply.page + 1}`")
    if notes:
        layout.add(b.context(" · ".join(notes)))


# -- import ----------------------------------------------------------------------------


def import_blocks(reply: r.ImportReply, layout: b.Layout) -> None:
    """The verdict and the document's claims first, then what was read, then the merges and
    what was skipped."""
    rep = import_report.report(reply)
    head = f"{rep.head} {md.bold(md.inline(rep.launch, 220))}"
    judged = [head]
    if rep.verdict:
        judged.append(md.bold(md.inline(rep.verdict, 100)))
    if rep.said:
        judged.append(md.inline(rep.said, 300))
    judged += [f"⚠️ {md.inline(w[:1].upper() + w[1:], 300)}" for w in rep.warnings]
    layout.add(b.section("\n".join(judged)), reserve_blocks=3, reserve_text=900)
    lines = [
        f"{md.bold(md.inline(c.name, 60))}"
        + (f" ({md.mention(c.owner)})" if c.owner and c.owner.startswith(("U", "W")) else "")
        + (
            f" (owner: {md.inline(c.owner, 60)})"
            if c.owner and not c.owner.startswith(("U", "W"))
            else ""
        )
        + f": {md.escape(c.counts)}"
        for c in rep.categories
    ]
    shown = layout.add_lines(lines, reserve_blocks=3, reserve_text=900)
    summary = [rep.outcome]
    if shown < len(lines):
        summary.append(f"+{plural(len(lines) - shown, 'more category', 'more categories')}")
    if rep.merges:
        summary.append(
            f"*Merged {plural(len(rep.merges) + rep.more_merges, 'repeated statement')}:*"
        )
        summary += [f"• {md.inline(m, 200)}" for m in rep.merges]
        if rep.more_merges:
            summary.append(f"… and {rep.more_merges:,} more (`readybot import FILE --dry-run`)")
    summary += [f"Note: {md.inline(w, 300)}" for w in rep.notes[:5]]
    if len(rep.notes) > 5:
        summary.append(f"+{plural(len(rep.notes) - 5, 'more note')}")
    layout.add(b.section("\n".join(summary)), reserve_blocks=1)
    notes = []
    if rep.skipped:
        notes.append(md.escape(rep.skipped))
    if rep.repaired:
        notes.append(f"Repaired text that had been mis-decoded as {md.escape(rep.repaired)}")
    if reply.dry_run:
        notes.append("Nothing was changed (dry run)")
    if notes:
        layout.add(b.context(" · ".join(notes)))


# -- export ----------------------------------------------------------------------------


def _code_chunks(markdown: str, budget: int) -> tuple[list[str], bool]:
    """The markdown as escaped ``` chunks of ≤ CODE_CHUNK chars, ≤ `budget` chars in all;
    True when everything fit."""
    chunks: list[str] = []
    current, used = "", 0
    for raw_line in markdown.splitlines():
        pieces = [raw_line[i : i + 500] for i in range(0, len(raw_line), 500)] or [""]
        for piece in pieces:
            line = _FENCE.sub(lambda m: "ˋ" * len(m[0]), md.escape(piece))
            if used + len(line) + 1 > budget:
                if current:
                    chunks.append(current)
                return chunks, False
            if current and len(current) + 1 + len(line) > CODE_CHUNK:
                chunks.append(current)
                current = line
            else:
                current = f"{current}\n{line}" if current else line
            used += len(line) + 1
    if current:
        chunks.append(current)
    return chunks, True


def export_blocks(reply: r.ExportReply, layout: b.Layout) -> None:
    name = md.bold(md.inline(reply.launch.name, 200))
    layout.add(b.section(f"Export of {name} ({plural(reply.items, 'item')})"))
    chunks, complete = _code_chunks(reply.markdown, EXPORT_TEXT)
    for chunk in chunks:
        if not layout.add(b.section(f"```{chunk}```"), reserve_blocks=1, reserve_text=200):
            complete = False
            break
    if not complete:
        layout.add(
            b.context(
                f"The export is {len(reply.markdown):,} chars; this shows the start. "
                "Use `readybot export` for the full file."
            )
        )
