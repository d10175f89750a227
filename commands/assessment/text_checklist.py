"""Checklists written as plain lines: "[X] secrets in vault", "☐ Support macros",
"TODO: PodDisruptionBudget", "(done) DNS record", "N/A: feature flag", "✅ TLS configured",
"Load testing — 60%" (a share done: 0% todo, 100% done, in progress between).

Without list markers such lines are one paragraph to markdown. Where a paragraph's lines
are mostly boxes or status prefixes, each is a checkbox item, as if it were a task list:
the prefix becomes the box (done, todo, in progress, blocked, waived), and a line without
one continues the item above it.
"""

from __future__ import annotations

import re

from commands.assessment.blocks import ListBlock, ListItem, Paragraph
from commands.assessment.titles import share_done
from commands.assessment.vocabulary import STATUS_EMOJI
from storage.vocabulary import Status

# "(done) x", "(wip) x"; "TODO: x", "DONE - x", "N/A: x" (capitals: a marker, not a word).
_PAREN = re.compile(
    r"^\((?P<word>done|x|ok|wip|todo|to do|n/a|na|skip|skipped|blocked)\)\s+(?=\S)", re.I
)
_CAPS = re.compile(r"^(?P<word>TODO|TO DO|DONE|WIP|N/A|SKIP|SKIPPED|BLOCKED)\s*[:–—-]\s+(?=\S)")
_BOX_OF = {
    "done": "x",
    "x": "x",
    "ok": "x",
    "wip": "~",
    "todo": " ",
    "to do": " ",
    "n/a": "-",
    "na": "-",
    "skip": "-",
    "skipped": "-",
    "blocked": "!",
}


_EMOJI_BOX = {
    Status.DONE: "x",
    Status.TODO: " ",
    Status.IN_PROGRESS: "~",
    Status.BLOCKED: "!",
    Status.WAIVED: "-",
}
_EMOJI_LEAD = re.compile(r"^(?P<mark>\S)[\ufe0f\ufe0e]?\s+(?=\S)")


def _prefixed(line_text: str) -> tuple[str, int] | None:
    """(box, length of the prefix) of a line that starts with a status prefix."""
    match = _PAREN.match(line_text) or _CAPS.match(line_text)
    if match is None:
        return None
    return _BOX_OF[match.group("word").casefold()], match.end()


def _emoji_led(line_text: str) -> tuple[str, int] | None:
    """(box, length of the mark) of "✅ TLS configured"."""
    lead = _EMOJI_LEAD.match(line_text)
    if lead is None or lead.group("mark") not in STATUS_EMOJI:
        return None
    return _EMOJI_BOX[STATUS_EMOJI[lead.group("mark")]], lead.end()


def checklist_paragraph(paragraph: Paragraph) -> tuple[Paragraph, ListBlock] | None:
    """(the lines before the first box, the boxes as a task list) of a paragraph whose
    lines are mostly boxes; None for any other paragraph."""
    lines = paragraph.lines
    prefixes = [None if line.box is not None else _prefixed(line.text) for line in lines]
    led = [None if line.box is not None else _emoji_led(line.text) for line in lines]
    if sum(mark is not None for mark in led) >= 2:
        # Lines led by status marks, two or more: a legend line is one sentence alone.
        prefixes = [prefix or mark for prefix, mark in zip(prefixes, led, strict=True)]
    shares = [
        share_done(line.text) if line.box is None and prefix is None else None
        for line, prefix in zip(lines, prefixes, strict=True)
    ]
    if sum(share is not None for share in shares) >= 2:
        # Lines that each end in a share done: the title keeps it, for `split_title`.
        for line, share in zip(lines, shares, strict=True):
            if share is not None:
                line.box = _EMOJI_BOX[share]
    marked = sum(
        line.box is not None or prefix is not None
        for line, prefix in zip(lines, prefixes, strict=True)
    )
    if not marked or marked * 2 < len(lines):
        return None
    for line, prefix in zip(lines, prefixes, strict=True):
        if prefix is not None:
            box, cut = prefix
            head = line.text[:cut]
            line.box, line.text = box, line.text[cut:]
            line.note = line.note[cut:] if line.note.startswith(head) else line.text
            if line.lead is not None and not line.text.startswith(line.lead):
                line.lead, line.rest = None, ""
    first = next(index for index, line in enumerate(lines) if line.box is not None)
    items: list[ListItem] = []
    for line in lines[first:]:
        if line.box is not None or not items:
            items.append(ListItem([line]))
        else:
            items[-1].lines.append(line)
    return Paragraph(lines[:first]), ListBlock(False, items)
