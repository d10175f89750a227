"""The outbox: messages queued in the transaction that caused them, then claimed and sent.

`enqueue` is the only way in. A row is claimed by moving it to `sending` with a lease
(`claimed_until`) in one UPDATE whose WHERE clause repeats the conditions under which it may
be taken: exactly one worker sees rowcount 1, the others skip it. A worker that dies
mid-send leaves the lease to expire, and the row is then taken again as `uncertain`
(scheduler.delivery checks Slack before sending it again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import Outbox
from storage.unique import insert_unique
from storage.vocabulary import OutboxKind, OutboxStatus, is_slack_channel, is_slack_user

_RETRYABLE = (OutboxStatus.PENDING.value, OutboxStatus.UNCERTAIN.value)
SLACK, CONSOLE = "slack", "console"


def transport_for(channel_id: str) -> str:
    """Slack channels and people get Slack messages; console names get printed lines."""
    return SLACK if is_slack_channel(channel_id) or is_slack_user(channel_id) else CONSOLE


def enqueue(
    session: Session,
    *,
    kind: OutboxKind,
    team_id: str,
    channel_id: str,
    dedupe_key: str,
    facts: dict[str, Any],
    now: datetime,
    ref_id: int | None = None,
    parent_key: str | None = None,
) -> bool:
    """Queue one message in the caller's transaction; False if `dedupe_key` was queued before.

    `facts` is what the message is rendered from (JSON-ready), captured now: the change that
    caused it, not what the database says when the message goes out."""
    row = Outbox(
        team_id=team_id,
        channel_id=channel_id,
        kind=kind.value,
        transport=transport_for(channel_id),
        ref_id=ref_id,
        dedupe_key=dedupe_key[:200],
        parent_key=parent_key,
        payload=facts,
        next_attempt_at=now,
        created_at=now,
    )
    return insert_unique(session, row)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(col(Outbox.status).in_(_RETRYABLE), col(Outbox.next_attempt_at) <= now),
        and_(col(Outbox.status) == OutboxStatus.SENDING.value, col(Outbox.claimed_until) < now),
    )


def due_ids(session: Session, *, transport: str, now: datetime, limit: int) -> list[int]:
    stmt = (
        select(Outbox.id)
        .where(col(Outbox.transport) == transport, _claimable(now))
        .order_by(col(Outbox.next_attempt_at), col(Outbox.id))
        .limit(limit)
    )
    return [int(id_) for id_ in session.exec(stmt).all() if id_ is not None]


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox row, detached from the session."""

    id: int
    team_id: str
    channel_id: str
    kind: OutboxKind
    dedupe_key: str
    parent_key: str | None
    facts: dict[str, Any]
    attempts: int
    created_at: datetime
    # An earlier attempt may have reached Slack (it timed out, got a 5xx, or its worker
    # died mid-send): look for the message before posting again.
    uncertain: bool


def claim(
    session: Session, *, outbox_id: int, worker: str, now: datetime, lease: timedelta
) -> Claimed | None:
    """Take the row for this worker; None if another worker has it or it is no longer due."""
    row = session.get(Outbox, outbox_id)
    if row is None:
        return None
    uncertain = row.status in (OutboxStatus.SENDING.value, OutboxStatus.UNCERTAIN.value)
    result = session.exec(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id, _claimable(now))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_by=worker,
            claimed_until=now + lease,
            attempts=col(Outbox.attempts) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    session.refresh(row)
    assert row.id is not None
    return Claimed(
        id=row.id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        kind=OutboxKind(row.kind),
        dedupe_key=row.dedupe_key,
        parent_key=row.parent_key,
        facts=dict(row.payload or {}),
        attempts=row.attempts,
        created_at=row.created_at,
        uncertain=uncertain,
    )


def _finish(session: Session, outbox_id: int, worker: str, **values: object) -> bool:
    """Record an outcome, only if this worker still holds the claim."""
    result = session.exec(
        update(Outbox)
        .where(
            col(Outbox.id) == outbox_id,
            col(Outbox.claimed_by) == worker,
            col(Outbox.status) == OutboxStatus.SENDING.value,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_sent(
    session: Session, *, outbox_id: int, worker: str, ts: str | None, now: datetime
) -> bool:
    return _finish(
        session,
        outbox_id,
        worker,
        status=OutboxStatus.SENT.value,
        sent_ts=ts,
        sent_at=now,
        claimed_until=None,
        last_error=None,
    )


def reschedule(
    session: Session, *, outbox_id: int, worker: str, at: datetime, error: str, uncertain: bool
) -> bool:
    status = OutboxStatus.UNCERTAIN if uncertain else OutboxStatus.PENDING
    return _finish(
        session,
        outbox_id,
        worker,
        status=status.value,
        next_attempt_at=at,
        claimed_until=None,
        last_error=error[:500],
    )


def mark_final(
    session: Session, *, outbox_id: int, worker: str, status: OutboxStatus, error: str
) -> bool:
    return _finish(
        session, outbox_id, worker, status=status.value, claimed_until=None, last_error=error[:500]
    )


def sent_ts(session: Session, *, dedupe_key: str) -> str | None:
    """The Slack ts of the message a row posted; None until it has been sent."""
    stmt = select(Outbox.sent_ts).where(
        col(Outbox.dedupe_key) == dedupe_key, col(Outbox.status) == OutboxStatus.SENT.value
    )
    return session.exec(stmt).first()


def backlog(session: Session) -> dict[str, int]:
    """Rows per status, for /metrics and the health check."""
    stmt = select(Outbox.status, func.count()).group_by(col(Outbox.status))
    return {status: int(n) for status, n in session.exec(stmt).all()}
