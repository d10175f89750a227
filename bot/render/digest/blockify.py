"""Template output (mrkdwn with marker lines) → Block Kit blocks that fit one Slack message.

Marker format. A line holding a marker starts a new block; the lines after it, up to the
next marker, are its body. Markers may be indented; text after `>>` on the same line is
the body's first line.

    <<header>> Checkout v2 — daily digest Mon Nov 16     a header (plain text, ≤ 150 chars)
    <<section>>                                          a section: the body's lines, as mrkdwn
    *Done (3)*
    • `SSL` Configure SSL — <@U1>
    <<context>>                                          a context: one element per line (≤ 10
    🎯 Target Fri Dec 04                                 per block; more lines, more blocks)
    <<divider>>                                          a divider
    <<actions 42>>                                       buttons the renderer builds for `42`
                                                         (only where it offers them: reminders)

Lines before the first marker form a section, so a template without markers is one
section; lines after `<<divider>>` or `<<actions …>>` form a section too. Blocks whose body
is empty are dropped (so a template can emit a heading and let an empty `{% for %}` remove
it), as are dividers at either end or next to another divider. An unknown `<<word>>` marker
raises TemplateProblem. Markers cannot be forged by inserted values: the mrkdwn environment
escapes every `<` in them.

Limits, whatever the template emits, in this order: when all text exceeds the budget
(8,000 chars), the longest sections and context elements are cut to a common length, so
short sections (the verdict, the forecast) always survive and long lists shrink; a cut
section keeps its first lines and ends with "… N more lines not shown", or, when its last
line reads `… and N more` (one line per item above it), keeps that line with N counting
the cut lines too. Then sections still longer than 3,000 chars are split at line breaks;
past 50 blocks, adjacent sections are merged and then the tail is cut with a context line
saying how many blocks were left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from bot.render import blocks as b
from bot.render import mrkdwn as md

MARKER = re.compile(r"<<(\w+)(?:[ \t]+([^<>]*?))?[ \t]*>>[ \t]*(.*)")
MORE = re.compile(r"… and ([\d,]+) more(.*)")
CUT_NOTE_ROOM = 40  # "… N more blocks not shown", added after the text budget is applied
KINDS = frozenset({"header", "section", "context", "divider", "actions"})
ActionsBuilder = Callable[[str], b.Block | None]


class TemplateProblem(ValueError):
    """The template's output cannot be turned into blocks (an unknown or misplaced marker)."""


@dataclass
class _Part:
    kind: str
    arg: str = ""
    lines: list[str] = field(default_factory=list)


@dataclass
class _Section:
    lines: list[str]

    @property
    def size(self) -> int:
        return len("\n".join(self.lines))


@dataclass
class _Context:
    elements: list[str]


@dataclass
class _Fixed:
    block: b.Block


_Item = _Section | _Context | _Fixed


def parse(output: str) -> list[_Part]:
    """Split template output into marker-delimited parts (empty ones included)."""
    parts = [_Part("section")]
    for line in output.splitlines():
        match = MARKER.fullmatch(line.strip())
        if match is None:
            parts[-1].lines.append(line.rstrip())
            continue
        kind, arg, rest = match[1], (match[2] or "").strip(), match[3].strip()
        if kind not in KINDS:
            raise TemplateProblem(f"unknown block marker <<{kind}>>; known: {sorted(KINDS)}")
        if kind in ("divider", "actions"):
            parts += [_Part(kind, arg), _Part("section", "", [rest] if rest else [])]
        else:
            parts.append(_Part(kind, arg, [rest] if rest else []))
    return parts


def to_blocks(
    output: str,
    *,
    actions: ActionsBuilder | None = None,
    max_blocks: int = b.MAX_MESSAGE_BLOCKS,
    text_budget: int = b.MESSAGE_TEXT_BUDGET,
) -> list[b.Block]:
    """Blocks for `output` (see the module docstring), at most `max_blocks` of them carrying
    at most `text_budget` chars of text. `actions(arg)` builds the block for `<<actions
    arg>>` or returns None to leave it out; without it such a marker raises TemplateProblem.
    A repeated block_id is dropped. May return [] when the output holds nothing."""
    items: list[_Item] = []
    block_ids: set[str] = set()
    for part in parse(output):
        items += _items(part, actions, block_ids)
    items = _tidy_dividers(items)
    _within_budget(items, text_budget - CUT_NOTE_ROOM)
    items = _split_sections(items)
    items = _within_count(items, max_blocks)
    return [_emit(item) for item in items]


def _split_sections(items: list[_Item]) -> list[_Item]:
    """Sections over Slack's 3,000 chars as several, split at line breaks."""
    split: list[_Item] = []
    for item in items:
        if isinstance(item, _Section) and item.size > b.SECTION_LIMIT:
            split += [_Section(chunk.split("\n")) for chunk in b.pack(item.lines)]
        else:
            split.append(item)
    return split


def _body(lines: Sequence[str]) -> list[str]:
    """Lines without blank ones at either end, and at most one blank line in a row."""
    body: list[str] = []
    for line in lines:
        if line.strip() or (body and body[-1].strip()):
            body.append(line)
    while body and not body[-1].strip():
        body.pop()
    return body


def _items(part: _Part, actions: ActionsBuilder | None, block_ids: set[str]) -> list[_Item]:
    match part.kind:
        case "section":
            body = [md.truncate(line, b.SECTION_LIMIT) for line in _body(part.lines)]
            return [_Section(body)] if body else []
        case "context":
            elements = [md.truncate(line.strip(), b.CONTEXT_LIMIT) for line in _body(part.lines)]
            elements = [e for e in elements if e]
            step = b.CONTEXT_ELEMENTS
            return [_Context(elements[i : i + step]) for i in range(0, len(elements), step)]
        case "header":
            text = " ".join(" ".join(line.split()) for line in part.lines).strip()
            if not text:
                return []
            text = md.truncate(text, b.HEADER_LIMIT)
            return [_Fixed({"type": "header", "text": {"type": "plain_text", "text": text}})]
        case "divider":
            return [_Fixed(b.divider())]
        case _:  # actions
            if actions is None:
                raise TemplateProblem("this template cannot use <<actions …>>")
            block = actions(part.arg)
            if block is None or block.get("block_id") in block_ids:
                return []
            if "block_id" in block:
                block_ids.add(block["block_id"])
            return [_Fixed(block)]


def _is_divider(item: _Item) -> bool:
    return isinstance(item, _Fixed) and item.block["type"] == "divider"


def _tidy_dividers(items: list[_Item]) -> list[_Item]:
    tidy: list[_Item] = []
    for item in items:
        if _is_divider(item) and (not tidy or _is_divider(tidy[-1])):
            continue
        tidy.append(item)
    while tidy and _is_divider(tidy[-1]):
        tidy.pop()
    return tidy


def _within_count(items: list[_Item], max_blocks: int) -> list[_Item]:
    """Merge neighbouring sections, then cut the tail, until `max_blocks` blocks remain."""
    merged: list[_Item] = []
    excess = len(items) - max_blocks
    for item in items:
        previous = merged[-1] if merged else None
        if (
            excess > 0
            and isinstance(item, _Section)
            and isinstance(previous, _Section)
            and previous.size + 1 + item.size <= b.SECTION_LIMIT
        ):
            merged[-1] = _Section([*previous.lines, *item.lines])
            excess -= 1
        else:
            merged.append(item)
    if len(merged) <= max_blocks:
        return merged
    cut = len(merged) - (max_blocks - 1)
    return [*merged[: max_blocks - 1], _Context([f"_… {cut:,} more blocks not shown_"])]


def _fair_share(sizes: list[int], room: int) -> int | None:
    """The largest cap c with sum(min(size, c)) ≤ room; None when everything fits."""
    if sum(sizes) <= room:
        return None
    remaining, count = room, len(sizes)
    for index, size in enumerate(sorted(sizes)):
        share = remaining // (count - index)
        if size > share:
            return max(share, 1)
        remaining -= size
    return None  # pragma: no cover (unreachable: the sizes did not fit)


def _trim_section(lines: list[str], limit: int) -> list[str]:
    """The first lines that fit in `limit` chars, then a note of how many were left out: a
    last line `… and N more…` stays last with N raised by the lines cut (each line an
    item), otherwise `… N more lines not shown` is added."""
    more = MORE.fullmatch(lines[-1]) if len(lines) > 2 else None
    body = lines[:-1] if more else lines
    earlier = int(more[1].replace(",", "")) if more else 0
    prefix = list(accumulate(len(line) + 1 for line in body))  # prefix[k-1]: k lines + \n
    for keep in range(len(body) - 1, 0, -1):
        hidden = len(body) - keep
        if more:
            note = f"… and {earlier + hidden:,} more{more[2]}"
        else:
            note = f"_… {hidden:,} more line{'s' if hidden != 1 else ''} not shown_"
        if prefix[keep - 1] + len(note) <= limit:
            return [*body[:keep], note]
    return [md.truncate("\n".join(lines), limit)]


def _within_budget(items: list[_Item], budget: int) -> None:
    fixed = sum(b.text_size(item.block) for item in items if isinstance(item, _Fixed))
    sizes = [item.size for item in items if isinstance(item, _Section)]
    sizes += [len(e) for item in items if isinstance(item, _Context) for e in item.elements]
    cap = _fair_share(sizes, max(budget - fixed, len(sizes)))
    if cap is None:
        return
    for item in items:
        if isinstance(item, _Section) and item.size > cap:
            item.lines = _trim_section(item.lines, cap)
        elif isinstance(item, _Context):
            item.elements = [md.truncate(e, cap) if len(e) > cap else e for e in item.elements]


def _emit(item: _Item) -> b.Block:
    if isinstance(item, _Section):
        return b.section("\n".join(item.lines))
    if isinstance(item, _Context):
        return b.context(*item.elements)
    return item.block
