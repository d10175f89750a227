"""The audit log: every change appends one Event row in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, col, select

from storage.models import Event, Item
from storage.vocabulary import Via


def jsonable(value: Any) -> Any:
    """Values as they go into the JSON before/after columns."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: jsonable(getattr(row, name)) for name in fields}


_EVENTS = Event.__table__  # type: ignore[attr-defined]
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)


def append_event(
    session: Session,
    *,
    team_id: str,
    launch_id: int | None,
    actor: str,
    via: str,
    action: str,
    at: datetime,
    actor_name: str | None = None,
    item_id: int | None = None,
    item_key: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
    flush: bool = False,
) -> Event:
    """Append one event in the caller's transaction; with `flush`, it is written at once and
    its id is set on return."""
    values: dict[str, Any] = {
        "team_id": team_id,
        "launch_id": launch_id,
        "item_id": item_id,
        "item_key": item_key,
        "at": at,
        "actor": actor,
        "actor_name": actor_name[:80] if actor_name else None,
        "via": str(via),
        "action": action,
        "before": before,
        "after": after,
        "note": note,
    }
    if not flush:
        event = Event(**values)
        session.add(event)
        return event
    # Written with one INSERT … RETURNING rather than a flush of the session: on the path of
    # every change, and a unit-of-work flush costs several times the statement. Rows this one
    # refers to (a new item, a new launch) get their ids first.
    if session.new:
        session.flush()
    event_id = session.connection().execute(_INSERT_EVENT, values).scalar_one()
    return Event(id=event_id, **values)


def item_events(session: Session, *, item_id: int, limit: int, offset: int = 0) -> list[Event]:
    """An item's events, oldest first: the newest `limit` after skipping `offset` newer ones."""
    stmt = (
        select(Event)
        .where(col(Event.item_id) == item_id)
        .order_by(col(Event.at).desc(), col(Event.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return list(reversed(session.exec(stmt).all()))


def count_item_events(session: Session, *, item_id: int) -> int:
    stmt = select(func.count()).select_from(Event).where(col(Event.item_id) == item_id)
    return int(session.exec(stmt).one())


_CLOSED_SINCE = (
    select(func.count())
    .select_from(Event)
    .where(
        col(Event.launch_id) == bindparam("launch"),
        col(Event.at) >= bindparam("since"),
        col(Event.action).in_(["done", "waived"]),
        col(Event.via) != Via.IMPORT.value,
    )
)


def closed_since(session: Session, *, launch_id: int, since: datetime) -> int:
    """Items closed by people (not by an import) since `since`: the launch's recent pace."""
    return int(session.exec(_CLOSED_SINCE, params={"launch": launch_id, "since": since}).one())


def changes_since(
    session: Session, *, launch_id: int, since: datetime, actions: Sequence[str]
) -> list[tuple[Event, str | None]]:
    """Events with one of `actions` after `since` not made by an import, oldest first, each
    with its item's current title (None once the item is gone)."""
    stmt = (
        select(Event, Item.title)
        .outerjoin(Item, col(Item.id) == col(Event.item_id))
        .where(
            col(Event.launch_id) == launch_id,
            col(Event.at) > since,
            col(Event.action).in_(list(actions)),
            col(Event.via) != Via.IMPORT.value,
        )
        .order_by(col(Event.at), col(Event.id))
    )
    return [(event, title) for event, title in session.exec(stmt).all()]


def get_event(session: Session, *, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def latest_change_by(
    session: Session, *, launch_id: int, actor: str, actions: Sequence[str] | frozenset[str]
) -> Event | None:
    """The actor's latest change of one of `actions` to an item of the launch."""
    stmt = (
        select(Event)
        .where(
            col(Event.launch_id) == launch_id,
            col(Event.actor) == actor,
            col(Event.item_id).is_not(None),
            col(Event.action).in_(list(actions)),
        )
        .order_by(col(Event.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()
