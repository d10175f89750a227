"""Slack deliveries already applied, and drafts a modal keeps between steps."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models import Draft, ProcessedRequest

# One statement on the hot path of every write from Slack: a Core INSERT that skips a row
# already there (no ORM flush, no exception to unwind), built once per dialect.
_TABLE = ProcessedRequest.__table__  # type: ignore[attr-defined]
_REMEMBER = {
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT.
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.key),
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.key),
}


def remember_request(session: Session, *, team_id: str, key: str, now: datetime) -> bool:
    """Record a Slack delivery (action_ts, view id …) in this transaction; False when it was
    recorded before, i.e. Slack sent it twice and it was applied the first time."""
    connection = session.connection()
    result = connection.execute(
        _REMEMBER[connection.dialect.name], {"team_id": team_id, "key": key[:200], "at": now}
    )
    return result.first() is not None


def save_draft(
    session: Session, *, draft_id: str, team_id: str, user_id: str, body: str, now: datetime
) -> None:
    session.add(Draft(id=draft_id, team_id=team_id, user_id=user_id, body=body, created_at=now))


def take_draft(
    session: Session, *, draft_id: str, team_id: str, user_id: str, now: datetime, ttl: timedelta
) -> str | None:
    """The draft's text, deleting it; None when it is missing, someone else's, or too old."""
    draft = session.get(Draft, draft_id)
    if draft is None or (draft.team_id, draft.user_id) != (team_id, user_id):
        return None
    session.delete(draft)
    if now - draft.created_at > ttl:
        return None
    return draft.body


def forget_drafts(session: Session, *, older_than: datetime) -> int:
    result = session.exec(delete(Draft).where(col(Draft.created_at) < older_than))
    return int(result.rowcount or 0)
