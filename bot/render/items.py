"""One checklist item as a line of mrkdwn, and as a row: that line with one menu.

Rows from an `ItemView` carry the item id; rows from an `ItemBrief` (status reasons, Home
blockers: no id) carry `key:<launch id>:<KEY>` instead, and the edge resolves the key within
that launch (see `ids.py`). Either way the row's `block_id` is `item:<ref>` and the menu's
values end in `<ref>`, so a message shows each item at most once (`Rows` sees to that:
block_ids must be unique within a message or view).
"""

from __future__ import annotations

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
        until = f" (until {wording.day(item.waiver_until)})" if item.waiver_until else ""
        tail = f" — waived: {md.inline(item.waiver_reason, REASON_LIMIT)}{until}"
    elif item.claimed:
        tail = " — _claimed, not verified_"
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


def menu(ref: str, status: Status, *, claimed: bool = False) -> b.Block:
    """The one control on an item row: an overflow menu (values `<choice>:<ref>`).

    Open: Done, Block… (Unblock when blocked), Assign…, Due…, More… (history, waive).
    Done or waived: (Verify, when only claimed,) Reopen, Assign…, Due…, More…."""
    if status in (Status.DONE, Status.WAIVED):
        choices = [("☑️ Verify", ids.MENU_VERIFY)] if claimed else []
        choices.append(("↩️ Reopen", ids.MENU_REOPEN))
    else:
        choices = [("✅ Done", ids.MENU_DONE)]
        if status == Status.BLOCKED:
            choices.append(("🔓 Unblock", ids.MENU_UNBLOCK))
        else:
            choices.append(("⛔ Block…", ids.MENU_BLOCK))
    choices += [("👤 Assign…", ids.MENU_ASSIGN), ("📅 Due date…", ids.MENU_DUE)]
    choices.append(("📜 History, waive…", ids.MENU_MORE))
    return b.overflow(ids.ACTION_ITEM_MENU, [(t, ids.menu_value(v, ref)) for t, v in choices])


def row(line: str, ref: str, status: Status, *, claimed: bool = False) -> b.Block:
    """An item row: its line, and its menu as the section's accessory. The block_id is
    `item:<ref>`, so a message shows each item at most once."""
    block = b.section(line)
    block["accessory"] = menu(ref, status, claimed=claimed)
    block["block_id"] = ids.BLOCK_ITEM_PREFIX + ref
    return block


def item_row(item: ItemView, line: str) -> b.Block:
    return row(line, ids.item_ref(item.id), item.status, claimed=item.claimed)


def brief_row(brief: ItemBrief, launch_id: int, line: str) -> b.Block:
    return row(line, ids.brief_ref(launch_id, brief.key), brief.status)


class Rows:
    """Item rows for one surface, in order, one block each, each item at most once. Rows
    stop once the layout is full; `close()` says how many were shown."""

    def __init__(self, layout: b.Layout, *, reserve_blocks: int = 0, reserve_text: int = 0) -> None:
        self.layout = layout
        self.reserve = {"reserve_blocks": reserve_blocks, "reserve_text": reserve_text}
        self.seen: set[str] = set()
        self.shown = 0
        self.full = False

    def _add(self, ref: str, block: b.Block) -> bool:
        if self.full or ref in self.seen:
            return False
        if not self.layout.add(block, **self.reserve):
            self.full = True
            return False
        self.seen.add(ref)
        self.shown += 1
        return True

    def item(self, item: ItemView, line: str, *, launch_id: int | None = None) -> bool:
        """`launch_id`, when given, lets the same item shown as a brief count as seen."""
        if launch_id is not None and ids.brief_ref(launch_id, item.key) in self.seen:
            return False
        added = self._add(ids.item_ref(item.id), item_row(item, line))
        if added and launch_id is not None:
            self.seen.add(ids.brief_ref(launch_id, item.key))
        return added

    def brief(self, brief: ItemBrief, launch_id: int, line: str) -> bool:
        return self._add(ids.brief_ref(launch_id, brief.key), brief_row(brief, launch_id, line))

    def showing(self, launch_id: int, key: str) -> bool:
        """Whether the item with `key` in the launch is on this surface already."""
        return ids.brief_ref(launch_id, key) in self.seen

    def close(self) -> int:
        """How many item rows were shown since the last close()."""
        shown, self.shown = self.shown, 0
        return shown


def progress(percent: int, width: int = 10) -> str:
    """Readiness as emoji blocks, `🟩🟩🟩🟩🟩🟩⬜⬜⬜⬜` (not inline code: Slack paints code red)."""
    filled = max(0, min(width, round(width * percent / 100)))
    return "🟩" * filled + "⬜" * (width - filled)
