"""Block Kit constructors that cannot exceed Slack's per-element limits, and a `Layout` that
keeps a whole surface within its block count and text size.

Text arguments named `mrkdwn` are finished markup (see `mrkdwn.py`); arguments named `raw`
are plain user-facing text and are escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from bot.render import mrkdwn as md

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000
CONTEXT_ELEMENTS = 10
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
OPTION_LIMIT = 75
# Slack rejects messages whose blocks carry more than roughly 12-13k characters of text
# (`msg_blocks_too_long`, undocumented, and containers seem to count a little too), so we
# stay well below it.
MESSAGE_TEXT_BUDGET = 8_000
VIEW_TEXT_BUDGET = 24_000  # views have no known total limit; keep them readable anyway

Block = dict[str, Any]


def mrkdwn_text(mrkdwn: str, limit: int = SECTION_LIMIT) -> dict[str, str]:
    return {"type": "mrkdwn", "text": md.truncate(mrkdwn, limit) or " "}


def plain(raw: str, limit: int) -> dict[str, str]:
    return {"type": "plain_text", "text": md.plain_text(raw, limit)}


def header(raw: str, *, suffix: str = "") -> Block:
    """A header of `raw` (shortened to make room) followed by our own `suffix`."""
    text = md.plain_text(raw, HEADER_LIMIT - len(suffix)) + suffix
    return {"type": "header", "text": {"type": "plain_text", "text": text[:HEADER_LIMIT]}}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": mrkdwn_text(mrkdwn)}


def context(*mrkdwn: str) -> Block:
    elements = [mrkdwn_text(m, CONTEXT_LIMIT) for m in mrkdwn if m][:CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements or [mrkdwn_text(" ")]}


def divider() -> Block:
    return {"type": "divider"}


def button(raw: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    if len(value) > 2000:
        raise ValueError(f"button value is {len(value)} chars; Slack allows 2000")
    element: Block = {
        "type": "button",
        "text": plain(raw, BUTTON_LIMIT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def option(raw: str, value: str) -> Block:
    return {"text": plain(raw, OPTION_LIMIT), "value": value[:150]}


def overflow(action_id: str, options: Sequence[tuple[str, str]]) -> Block:
    """An overflow menu; Slack wants 2 to 5 options."""
    assert 2 <= len(options) <= 5, options
    return {
        "type": "overflow",
        "action_id": action_id,
        "options": [option(label, value) for label, value in options],
    }


def actions(elements: Sequence[Block], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id:
        block["block_id"] = block_id[:255]
    return block


def text_size(value: Any) -> int:
    """Characters of text a surface carries: every string under a `text` key, recursively."""
    if isinstance(value, dict):
        return sum(
            len(v) if k == "text" and isinstance(v, str) else text_size(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return sum(text_size(v) for v in value)
    return 0


def _chunks(lines: Iterable[str], limit: int) -> Iterator[tuple[str, int]]:
    """Lines joined with newlines into chunks of at most `limit` chars, with their line counts."""
    current, count = "", 0
    for line in lines:
        line = md.truncate(line, limit)
        if count and len(current) + 1 + len(line) > limit:
            yield current, count
            current, count = line, 1
        else:
            current = f"{current}\n{line}" if count else line
            count += 1
    if count:
        yield current, count


def pack(lines: Iterable[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Join lines with newlines into as few chunks of at most `limit` chars as possible."""
    return [chunk for chunk, _ in _chunks(lines, limit)]


class Layout:
    """Blocks for one surface, added only while they fit its block count and text budget.

    `reserve_blocks` / `reserve_text` keep room for what must still come (a footer)."""

    def __init__(self, max_blocks: int, text_budget: int) -> None:
        self.blocks: list[Block] = []
        self.max_blocks = max_blocks
        self.text_budget = text_budget
        self.text_used = 0

    def fits(self, *blocks: Block, reserve_blocks: int = 0, reserve_text: int = 0) -> bool:
        return (
            len(self.blocks) + len(blocks) + reserve_blocks <= self.max_blocks
            and self.text_used + text_size(list(blocks)) + reserve_text <= self.text_budget
        )

    def add(self, *blocks: Block, reserve_blocks: int = 0, reserve_text: int = 0) -> bool:
        """Add all of `blocks` and return True, or none of them and return False."""
        if not self.fits(*blocks, reserve_blocks=reserve_blocks, reserve_text=reserve_text):
            return False
        self.blocks.extend(blocks)
        self.text_used += text_size(list(blocks))
        return True

    def add_lines(
        self, lines: Sequence[str], *, reserve_blocks: int = 0, reserve_text: int = 0
    ) -> int:
        """Pack `lines` into sections while they fit; return how many lines were shown
        (always a prefix of `lines`)."""
        shown = 0
        for chunk, count in _chunks(lines, SECTION_LIMIT):
            if self.add(section(chunk), reserve_blocks=reserve_blocks, reserve_text=reserve_text):
                shown += count
                continue
            # The whole chunk does not fit: show as many of its lines as the text budget allows.
            room = self.text_budget - self.text_used - reserve_text
            part: list[str] = []
            for line in lines[shown : shown + count]:
                if len("\n".join([*part, md.truncate(line, SECTION_LIMIT)])) > room:
                    break
                part.append(md.truncate(line, SECTION_LIMIT))
            if part and self.add(
                section("\n".join(part)), reserve_blocks=reserve_blocks, reserve_text=reserve_text
            ):
                shown += len(part)
            break
        return shown
