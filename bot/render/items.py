"""One checklist item as a line of mrkdwn and as a row of buttons.

Rows from an `ItemView` carry the item id; rows from an `ItemBrief` (status reasons, Home
blockers: no id) carry `key:<launch id>:<KEY>` instead, and the edge resolves the key within
that launch (see `ids.py`). Either way the actions block's `block_id` is `item:<ref>` and the
buttons' `value` is `<ref>`, so a message must show each item's buttons at most once
(`Rows` takes care of that: block_ids must be unique within a message or view).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.render import blocks as b
from bot.render import ids
from bot.render import mrkdwn as md
from commands import wording
from commands.replies import ItemView
from commands.scoring import ItemBrief
from storage.vocabulary import Status

STATUS_EMOJI = {
    Status.TODO: "⬜",
    Status.IN_PROGRESS: "🔄",
    Status.BLOCKED: "⛔",
    Status.DONE: "✅",
    Status.WAIVED: "➖",
}
TITLE_LIMIT = 120
REASON_LIMIT = 100


def due_text(due: date | None, today: date | None) -> str:
    """`overdue 3 d (due Mon Nov 30)`, `due today`, `due Fri Dec 4 (in 3 d)` (commands.wording)."""
    return wording.due(due, today)


def _line(
    key: str,
    title: str,
    status: Status,
    owner: str | None,
    due: str,
    *,
    priority: str | None = None,
    tail: str = "",
    title_limit: int = TITLE_LIMIT,
) -> str:
    parts = [
        f"{STATUS_EMOJI[status]} {md.code(md.inline(key, 40))} {md.inline(title, title_limit)}"
    ]
    if priority:
        parts.append(priority)
    if owner:
        parts.append(md.mention(owner))
    if due:
        parts.append(due)
    return " · ".join(parts) + tail


def item_line(item: ItemView, today: date | None, *, title_limit: int = TITLE_LIMIT) -> str:
    """`⛔ `SSL` Configure SSL · critical · <@U1> · due today — blocked: waiting on CA`"""
    tail = ""
    if item.status == Status.BLOCKED and item.blocked_reason:
        tail = f" — blocked: {md.inline(item.blocked_reason, REASON_LIMIT)}"
    elif item.status == Status.WAIVED and item.waiver_reason:
        until = f" (until {item.waiver_until:%Y-%m-%d})" if item.waiver_until else ""
        tail = f" — waived: {md.inline(item.waiver_reason, REASON_LIMIT)}{until}"
    return _line(
        item.key,
        item.title,
        item.status,
        item.owner,
        due_text(item.due_date, today),
        priority=item.priority.value,
        tail=tail,
        title_limit=title_limit,
    )


def brief_line(brief: ItemBrief, today: date | None, *, reason: bool = False) -> str:
    tail = ""
    if reason and brief.blocked_reason:
        tail = f" — {md.inline(brief.blocked_reason, REASON_LIMIT)}"
    return _line(
        brief.key,
        brief.title,
        brief.status,
        brief.owner,
        due_text(brief.due_date, today),
        tail=tail,
    )


def _actions(ref: str, status: Status) -> b.Block:
    if status in (Status.DONE, Status.WAIVED):
        buttons = [b.button("Reopen", ids.ACTION_ITEM_REOPEN, ref)]
        more = [("Set due date", ids.OVERFLOW_DUE)]
        if status == Status.WAIVED:
            more.append(("Change waiver…", ids.OVERFLOW_WAIVE))
    else:
        buttons = [b.button("Done", ids.ACTION_ITEM_DONE, ref, style="primary")]
        if status == Status.BLOCKED:
            buttons.append(b.button("Unblock", ids.ACTION_ITEM_UNBLOCK, ref))
        else:
            buttons.append(b.button("Block…", ids.ACTION_ITEM_BLOCK, ref))
        buttons.append(b.button("Assign to me", ids.ACTION_ITEM_ASSIGN_ME, ref))
        more = [("Set due date", ids.OVERFLOW_DUE), ("Waive…", ids.OVERFLOW_WAIVE)]
    more.append(("History", ids.OVERFLOW_HISTORY))
    menu = b.overflow(ids.ACTION_ITEM_MORE, [(t, ids.overflow_value(v, ref)) for t, v in more])
    return b.actions([*buttons, menu], block_id=ids.BLOCK_ITEM_PREFIX + ref)


def item_actions(item: ItemView) -> b.Block:
    """The actions block for an item: block_id `item:<id>`, every value `<id>`.

    Open: Done (primary), Block… or Unblock, Assign to me. Done / waived: Reopen.
    Overflow `item_more`: Set due date (`due:<id>`), Waive… (`waive:<id>`, not for done
    items), History (`history:<id>`)."""
    return _actions(ids.item_ref(item.id), item.status)


def brief_actions(brief: ItemBrief, launch_id: int) -> b.Block:
    """As `item_actions`, for a brief: block_id `item:key:<launch>:<KEY>`, values likewise."""
    return _actions(ids.brief_ref(launch_id, brief.key), brief.status)


class Rows:
    """Item rows for one surface, in order: a row whose item gets buttons is a section plus
    its actions block; consecutive rows without buttons share sections. An item gets buttons
    only the first time it appears (block_ids are unique per message) and only for the first
    `buttons` items. Rows stop once the layout is full; `close()` says how many were shown."""

    def __init__(
        self, layout: b.Layout, *, buttons: int, reserve_blocks: int = 0, reserve_text: int = 0
    ) -> None:
        self.layout = layout
        self.buttons = buttons
        self.reserve = {"reserve_blocks": reserve_blocks, "reserve_text": reserve_text}
        self.seen: set[str] = set()
        self.pending: list[tuple[str, bool]] = []  # (line, is an item)
        self.shown = 0
        self.full = False

    def _flush(self) -> None:
        if self.pending and not self.full:
            count = self.layout.add_lines([line for line, _ in self.pending], **self.reserve)
            self.shown += sum(1 for _, is_item in self.pending[:count] if is_item)
            self.full = count < len(self.pending)
        self.pending = []

    def _add(self, line: str, ref: str, actions: Callable[[], b.Block] | None) -> None:
        if self.full:
            return
        if actions and ref not in self.seen and len(self.seen) < self.buttons:
            self._flush()
            if not self.full and self.layout.add(b.section(line), actions(), **self.reserve):
                self.seen.add(ref)
                self.shown += 1
                return
        self.pending.append((line, bool(ref)))

    def item(self, item: ItemView, line: str, *, with_buttons: bool = True) -> None:
        actions = (lambda: item_actions(item)) if with_buttons else None
        self._add(line, ids.item_ref(item.id), actions)

    def brief(self, brief: ItemBrief, launch_id: int, line: str) -> None:
        self._add(
            line, ids.brief_ref(launch_id, brief.key), lambda: brief_actions(brief, launch_id)
        )

    def text(self, line: str) -> None:
        """A line that is not an item (a heading inside the rows)."""
        self._add(line, "", None)

    def close(self) -> int:
        """Flush; return how many item rows were shown since the last close()."""
        self._flush()
        shown, self.shown = self.shown, 0
        return shown
