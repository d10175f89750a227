"""Due dates relative to the target (`due SSL T-7d`): they move when the target moves."""

from __future__ import annotations

from datetime import timedelta

from commands.context import Context
from commands.items.change import apply_change
from commands.transitions import Change
from storage import readiness
from storage.engine import Session
from storage.models import Launch


def move_with_target(session: Session, ctx: Context, launch: Launch) -> int:
    """Move every `T-<n>d` due date to the launch's new target; how many moved. With the
    target cleared, they keep their dates but no longer follow anything."""
    assert launch.id is not None
    moved = 0
    for item in readiness.relative_due(session, launch_id=launch.id):
        assert item.due_offset_days is not None
        fields: dict[str, object]
        if launch.target_date is None:
            fields = {"due_offset_days": None}
        else:
            due = launch.target_date - timedelta(days=item.due_offset_days)
            if due == item.due_date:
                continue
            fields = {"due_date": due}
        apply_change(
            session,
            ctx,
            launch,
            item,
            Change("due", fields, f"T-{item.due_offset_days}d: moved with the target date"),
        )
        moved += 1
    return moved
