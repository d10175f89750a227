"""The audit event for a change a command makes: who, when and how come from the context."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from storage.audit import append_event
from storage.engine import Session
from storage.models import Event


def record(
    session: Session, ctx: Context, *, launch_id: int | None, action: str, **fields: Any
) -> Event:
    """Append one event (fields: item_id, item_key, before, after, note, flush) as `ctx`'s user."""
    return append_event(
        session,
        team_id=ctx.team_id,
        launch_id=launch_id,
        actor=ctx.user_id,
        actor_name=ctx.user_name,
        via=ctx.via,
        action=action,
        at=ctx.now,
        **fields,
    )
