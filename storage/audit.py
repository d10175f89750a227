"""The audit log: every change appends one Event row in the same transaction as the change."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session

from storage.models import Event


def jsonable(value: Any) -> Any:
    """Values as they go into the JSON before/after columns."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: jsonable(getattr(row, name)) for name in fields}


def append_event(
    session: Session,
    *,
    team_id: str,
    launch_id: int | None,
    actor: str,
    via: str,
    action: str,
    at: datetime,
    item_id: int | None = None,
    item_key: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> Event:
    event = Event(
        team_id=team_id,
        launch_id=launch_id,
        item_id=item_id,
        item_key=item_key,
        at=at,
        actor=actor,
        via=str(via),
        action=action,
        before=before,
        after=after,
        note=note,
    )
    session.add(event)
    return event
