"""Validate rendered surfaces against Slack's rules, for tests and for the edge's own checks.

slack_sdk's models validate each element (`Block.parse(b).to_dict()`, `View(**v).to_dict()`)
but not the surface as a whole; `message_problems()` and `view_problems()` add the rest: block counts, the message text
budget, the fallback text, unique block_ids, unique action_ids within a block, overflow
menus of 2 to 5 options (Slack's documented minimum; slack_sdk accepts 1), and the absence
of user markers (NUL). An empty list means the surface is fine.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.render import blocks as b
from bot.render.messages import FALLBACK_LIMIT, SlackMessage

MESSAGE_TEXT_LIMIT = 12_000  # `msg_blocks_too_long` starts somewhere above this


def _block_problems(blocks: list[dict[str, Any]], max_blocks: int) -> list[str]:
    found = []
    if not blocks:
        found.append("no blocks")
    if len(blocks) > max_blocks:
        found.append(f"{len(blocks)} blocks; at most {max_blocks} allowed")
    for index, block in enumerate(blocks):
        try:
            parsed = Block.parse(block)
            if parsed is None:
                raise TypeError("not a block")
            parsed.to_dict()
        except (SlackObjectFormationError, KeyError, TypeError) as exc:
            found.append(f"block {index} ({block.get('type')}): {exc}")
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        for element in [*elements, block.get("accessory") or {}]:
            if element.get("type") == "overflow" and not 2 <= len(element["options"]) <= 5:
                found.append(f"block {index}: an overflow menu needs 2 to 5 options")
        repeated = [a for a, n in Counter(e.get("action_id") for e in elements).items() if n > 1]
        if repeated:
            found.append(f"block {index}: action_id repeated: {repeated}")
    block_ids = Counter(block["block_id"] for block in blocks if "block_id" in block)
    found += [f"block_id {bid!r} used {n} times" for bid, n in block_ids.items() if n > 1]
    if "\x00" in json.dumps(blocks):
        found.append("a user marker (NUL) was left in the blocks")
    return found


def message_problems(message: SlackMessage) -> list[str]:
    found = _block_problems(message.blocks, b.MAX_MESSAGE_BLOCKS)
    size = b.text_size(message.blocks)
    if size > MESSAGE_TEXT_LIMIT:
        found.append(f"blocks carry {size} chars of text; keep under {MESSAGE_TEXT_LIMIT}")
    if not message.text.strip():
        found.append("no fallback text")
    if len(message.text) > FALLBACK_LIMIT:
        found.append(f"fallback text is {len(message.text)} chars; at most {FALLBACK_LIMIT}")
    if "\x00" in message.text:
        found.append("a user marker (NUL) was left in the fallback text")
    return found


def view_problems(view: dict[str, Any]) -> list[str]:
    found = _block_problems(view.get("blocks", []), b.MAX_VIEW_BLOCKS)
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, TypeError) as exc:
        found.append(f"view: {exc}")
    if "\x00" in json.dumps(view):
        found.append("a user marker (NUL) was left in the view")
    return found


def check_message(message: SlackMessage) -> None:
    """Raise ValueError listing every problem, or return None."""
    if found := message_problems(message):
        raise ValueError("; ".join(found))


def check_view(view: dict[str, Any]) -> None:
    """Raise ValueError listing every problem, or return None."""
    if found := view_problems(view):
        raise ValueError("; ".join(found))
