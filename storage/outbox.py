"""Outbox rows: finding due ones, claiming them with a conditional UPDATE, recording outcomes.

A row is claimed by moving it to `sending` with a lease (`claimed_until`) in one UPDATE
whose WHERE clause repeats the conditions under which it may be taken. Exactly one worker
sees rowcount 1; the others skip it. A worker that dies mid-send leaves the lease to
expire, and the row is then taken again, as `uncertain` (see scheduler.delivery).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlmodel import Session, col

from storage.models import Outbox, OutboxStatus

_RETRYABLE = (OutboxStatus.PENDING.value, OutboxStatus.UNCERTAIN.value)


def _claimable(now: datetime) -> object:
    return or_(
        and_(col(Outbox.status).in_(_RETRYABLE), col(Outbox.next_attempt_at) <= now),
        and_(Outbox.status == OutboxStatus.SENDING.value, col(Outbox.claimed_until) < now),
    )


def due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    stmt = (
        select(Outbox.id)
        .where(_claimable(now))
        .order_by(Outbox.next_attempt_at, Outbox.id)
        .limit(limit)
    )
    return [row[0] for row in session.execute(stmt)]


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox row, detached from the session."""

    id: int
    team_id: str
    channel_id: str
    kind: str
    ref_id: int | None
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    # An earlier attempt may have reached Slack (it timed out, got a 5xx, or its worker
    # died mid-send): look for the message before posting again.
    uncertain: bool


def claim(
    session: Session, outbox_id: int, *, worker: str, now: datetime, lease: timedelta
) -> Claimed | None:
    """Take the row for this worker; None if another worker has it or it is no longer due."""
    row = session.get(Outbox, outbox_id)
    if row is None:
        return None
    uncertain = row.status in (OutboxStatus.SENDING.value, OutboxStatus.UNCERTAIN.value)
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id, _claimable(now))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_by=worker,
            claimed_until=now + lease,
            attempts=Outbox.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    session.refresh(row)
    assert row.id is not None
    return Claimed(
        row.id,
        row.team_id,
        row.channel_id,
        row.kind,
        row.ref_id,
        dict(row.payload or {}),
        row.attempts,
        row.created_at,
        uncertain,
    )


def _finish(session: Session, outbox_id: int, worker: str, **values: object) -> bool:
    """Record an outcome, only if this worker still holds the claim."""
    result = session.execute(
        update(Outbox)
        .where(
            col(Outbox.id) == outbox_id,
            Outbox.claimed_by == worker,
            Outbox.status == OutboxStatus.SENDING.value,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_sent(
    session: Session, outbox_id: int, *, worker: str, ts: str | None, now: datetime
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
    session: Session, outbox_id: int, *, worker: str, at: datetime, error: str, uncertain: bool
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
    session: Session, outbox_id: int, *, worker: str, status: OutboxStatus, error: str
) -> bool:
    return _finish(
        session, outbox_id, worker, status=status.value, claimed_until=None, last_error=error[:500]
    )


def backlog(session: Session) -> dict[str, int]:
    """Rows per status, for /metrics and the health check."""
    stmt = select(Outbox.status, func.count()).group_by(Outbox.status)
    return {status: int(n) for status, n in session.execute(stmt)}
