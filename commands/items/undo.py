"""`undo`: revert a change made minutes ago, as one more audited change.

A change can be undone for UNDO_WINDOW after it was made, by whoever may change the item,
and only while the item still holds what the change left: a later change wins, and undoing
it is then a job for the verb that says what you want (`reopen`, `assign` …).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from commands.context import Context
from commands.errors import Conflict, UsageError
from commands.items.change import apply_change
from commands.launching import current_launch
from commands.permissions import require_item_change
from commands.replies import ItemChanged
from commands.transitions import Change
from commands.writes import writing
from storage import audit, items
from storage.audit import jsonable
from storage.engine import Store

UNDO_WINDOW = timedelta(minutes=10)
UNDOABLE = frozenset(
    {
        "done",
        "started",
        "blocked",
        "reblocked",
        "unblocked",
        "reopened",
        "assigned",
        "unassigned",
        "due",
        "waived",
        "priority",
        "scoped",
    }
)
# Announced changes are news, and so is taking one back.
_ANNOUNCED = frozenset({"done", "blocked", "unblocked", "reopened", "waived"})
_DATES = frozenset({"due_date", "waiver_until"})
_TIMES = frozenset({"done_at", "blocked_at"})


def undo(store: Store, ctx: Context, *, event_id: int | None) -> ItemChanged:
    """Undo the change `event_id` (or, without one, the asker's latest in this launch)."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        event = (
            audit.get_event(session, event_id=event_id)
            if event_id is not None
            else audit.latest_change_by(
                session, launch_id=launch.id, actor=ctx.user_id, actions=UNDOABLE
            )
        )
        if event is None or event.launch_id != launch.id or event.item_id is None:
            raise UsageError("There is no change of yours to undo here.", usage_verb="undo")
        if event.action not in UNDOABLE or event.before is None or event.after is None:
            raise Conflict(f"A {event.action} change cannot be undone.")
        if ctx.now - event.at > UNDO_WINDOW:
            minutes = int(UNDO_WINDOW.total_seconds() // 60)
            raise Conflict(
                f"That change is older than {minutes} minutes. Say what you want instead, e.g. "
                f"`/ready reopen {event.item_key}`."
            )
        item = items.get_item(session, item_id=event.item_id, for_update=True)
        require_item_change(ctx, launch, key=item.key, owner=item.owner, action="undo changes to")
        if any(jsonable(getattr(item, name)) != value for name, value in event.after.items()):
            raise Conflict(
                f"{item.key} has changed since, so the {event.action} cannot be undone as it was. "
                f"See `/ready history {item.key}`."
            )
        restore = {name: _value(name, value) for name, value in event.before.items()}
        change = Change(
            "undone",
            restore,
            f"undid {event.action}",
            announce=event.action in _ANNOUNCED,
        )
        return apply_change(session, ctx, launch, item, change)


def _value(name: str, stored: Any) -> Any:
    """A before-value from the audit log's JSON, as the column holds it."""
    if stored is None:
        return None
    if name in _DATES:
        return date.fromisoformat(stored)
    if name in _TIMES:
        return datetime.fromisoformat(stored)
    return stored
