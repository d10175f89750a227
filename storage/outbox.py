"""The outbox: messages queued in the transaction that caused them, then claimed and sent.

`enqueue` is the only way in. A row is claimed by moving it to `sending` with a short lease
(`claimed_until`) in one UPDATE whose WHERE clause repeats the conditions under which it may
be taken: exactly one worker sees rowcount 1, the others skip it. The worker renews the
lease while its send is in flight (`renew`); a worker that dies mid-send stops renewing, the
lease runs out within seconds, and the row is then taken again as uncertain (its message
may have gone out: scheduler.delivery checks Slack before sending it again, and gives it up
rather than guess when Slack cannot be asked). `uncertain_since` says since when.

Refreshes of one message or Home tab share a `coalesce_key`: queueing one supersedes the
older ones still waiting, an older one whose send is in flight holds the newer back until
it is done, and an older one found claimable after a newer one was queued is superseded
instead of sent. So only the newest refresh is shown, and never an older one after it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import Outbox
from storage.unique import insert_unique
from storage.vocabulary import OutboxKind, OutboxStatus, is_slack_channel, is_slack_user

_RETRYABLE = (OutboxStatus.PENDING.value, OutboxStatus.UNCERTAIN.value)
_OPEN = (*_RETRYABLE, OutboxStatus.SENDING.value)
SLACK, CONSOLE = "slack", "console"


def transport_for(channel_id: str) -> str:
    """Slack channels and people get Slack messages; console names get printed lines."""
    return SLACK if is_slack_channel(channel_id) or is_slack_user(channel_id) else CONSOLE


_queued_numbers = itertools.count(1)
_last_queued = 0


def queued_mark() -> int:
    """A number that changes whenever this process queues a row (in any transaction, even
    one rolled back later): a waker that remembers the last one it saw can skip a delivery
    pass when nothing new was queued."""
    return _last_queued


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
    coalesce_key: str | None = None,
) -> bool:
    """Queue one message in the caller's transaction; False if `dedupe_key` was queued before.

    `facts` is what the message is rendered from (JSON-ready), captured now: the change that
    caused it, not what the database says when the message goes out. With `coalesce_key`
    (refreshes), rows of the same key still waiting are superseded by this one."""
    if coalesce_key is not None:
        session.exec(
            update(Outbox)
            .where(col(Outbox.coalesce_key) == coalesce_key, col(Outbox.status).in_(_RETRYABLE))
            .values(status=OutboxStatus.SUPERSEDED.value, last_error="superseded by a newer one")
            .execution_options(synchronize_session=False)
        )
    global _last_queued
    _last_queued = next(_queued_numbers)  # unique, so never mistaken for a mark already seen
    row = Outbox(
        team_id=team_id,
        channel_id=channel_id,
        kind=kind.value,
        transport=transport_for(channel_id),
        ref_id=ref_id,
        dedupe_key=dedupe_key[:200],
        parent_key=parent_key,
        coalesce_key=coalesce_key,
        payload=facts,
        next_attempt_at=now,
        created_at=now,
    )
    return insert_unique(session, row)


def _claimable(now: datetime) -> ColumnElement[bool]:
    older = aliased(Outbox)
    older_in_flight = exists().where(
        col(older.coalesce_key) == col(Outbox.coalesce_key),
        col(older.id) < col(Outbox.id),
        col(older.status) == OutboxStatus.SENDING.value,
        col(older.claimed_until) >= now,
    )
    return and_(
        or_(
            and_(col(Outbox.status).in_(_RETRYABLE), col(Outbox.next_attempt_at) <= now),
            and_(
                col(Outbox.status) == OutboxStatus.SENDING.value,
                col(Outbox.claimed_until) < now,
            ),
        ),
        or_(col(Outbox.coalesce_key).is_(None), ~older_in_flight),
    )


@dataclass(frozen=True)
class Due:
    """A row that is due, and the lane it is delivered in (its workspace and channel, or
    the person whose Home tab it refreshes): one lane's rows go out one at a time, in order."""

    id: int
    team_id: str
    channel_id: str

    @property
    def lane(self) -> tuple[str, str]:
        return self.team_id, self.channel_id


def due_rows(session: Session, *, transport: str, now: datetime, limit: int) -> list[Due]:
    """Rows that may be claimed now, oldest due first."""
    stmt = (
        select(Outbox.id, Outbox.team_id, Outbox.channel_id)
        .where(col(Outbox.transport) == transport, _claimable(now))
        .order_by(col(Outbox.next_attempt_at), col(Outbox.id))
        .limit(limit)
    )
    return [
        Due(int(id_), team, channel)
        for id_, team, channel in session.exec(stmt).all()
        if id_ is not None
    ]


def next_in_lane(
    session: Session,
    *,
    transport: str,
    team_id: str,
    channel_id: str,
    now: datetime,
    skip: frozenset[int] = frozenset(),
) -> int | None:
    """The oldest row of a lane (a workspace and channel) that may be claimed now, leaving
    out `skip`; None if there is none."""
    stmt = (
        select(Outbox.id)
        .where(
            col(Outbox.transport) == transport,
            col(Outbox.team_id) == team_id,
            col(Outbox.channel_id) == channel_id,
            _claimable(now),
        )
        .order_by(col(Outbox.id))
        .limit(1)
    )
    if skip:
        stmt = stmt.where(col(Outbox.id).not_in(skip))
    found = session.exec(stmt).first()
    return int(found) if found is not None else None


def next_due_at(session: Session, *, transport: str) -> datetime | None:
    """When the next waiting row falls due (a retry's time), or None if none waits."""
    stmt = select(func.min(Outbox.next_attempt_at)).where(
        col(Outbox.transport) == transport, col(Outbox.status).in_(_RETRYABLE)
    )
    return session.exec(stmt).first()


def due_ids(session: Session, *, transport: str, now: datetime, limit: int) -> list[int]:
    return [row.id for row in due_rows(session, transport=transport, now=now, limit=limit)]


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
    uncertain_since: datetime | None = None
    coalesce_key: str | None = None


def claim(
    session: Session, *, outbox_id: int, worker: str, now: datetime, lease: timedelta
) -> Claimed | None:
    """Take the row for this worker; None if another worker has it, it is no longer due, or
    (a refresh) a newer refresh of the same thing was queued since."""
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
            # A worker that held it may have died mid-send: uncertain from now on.
            uncertain_since=case(
                (
                    col(Outbox.status) == OutboxStatus.SENDING.value,
                    func.coalesce(col(Outbox.uncertain_since), now),
                ),
                else_=col(Outbox.uncertain_since),
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    session.refresh(row)
    assert row.id is not None
    if row.coalesce_key is not None and _superseded(session, row):
        return None
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
        uncertain_since=row.uncertain_since,
        coalesce_key=row.coalesce_key,
    )


def _superseded(session: Session, row: Outbox) -> bool:
    """Mark `row` superseded (and say so) if a newer row with its coalesce key exists."""
    newer = select(Outbox.id).where(
        col(Outbox.coalesce_key) == row.coalesce_key,
        col(Outbox.id) > row.id,
        col(Outbox.status) != OutboxStatus.SUPERSEDED.value,
    )
    if session.exec(newer.limit(1)).first() is None:
        return False
    row.status = OutboxStatus.SUPERSEDED.value
    row.claimed_until = None
    row.last_error = "superseded by a newer one"
    session.flush()
    return True


def renew(
    session: Session, *, outbox_id: int, worker: str, now: datetime, lease: timedelta
) -> bool:
    """Extend this worker's lease on a row it is sending; False if it no longer holds it."""
    return _finish(session, outbox_id, worker, claimed_until=now + lease)


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
    session: Session,
    *,
    outbox_id: int,
    worker: str,
    at: datetime,
    error: str,
    uncertain: bool,
    now: datetime | None = None,
) -> bool:
    """Try again at `at`. An `uncertain` row keeps (or, from `now`, starts) its
    uncertain_since: how long Slack could not be asked counts from the first doubt."""
    status = OutboxStatus.UNCERTAIN if uncertain else OutboxStatus.PENDING
    since: object = col(Outbox.uncertain_since)
    if uncertain:
        since = func.coalesce(col(Outbox.uncertain_since), now or at)
    return _finish(
        session,
        outbox_id,
        worker,
        status=status.value,
        next_attempt_at=at,
        claimed_until=None,
        last_error=error[:500],
        uncertain_since=since,
    )


def mark_final(
    session: Session, *, outbox_id: int, worker: str, status: OutboxStatus, error: str
) -> bool:
    return _finish(
        session, outbox_id, worker, status=status.value, claimed_until=None, last_error=error[:500]
    )


@dataclass(frozen=True)
class Parent:
    """The row a threaded message answers: its status, and its Slack ts once sent."""

    status: OutboxStatus
    ts: str | None

    @property
    def waiting(self) -> bool:
        """Still to be sent (or being sent): the answer waits for it."""
        return self.status.value in _OPEN


def parent(session: Session, *, dedupe_key: str) -> Parent | None:
    """The row queued under `dedupe_key`, if any."""
    stmt = select(Outbox.status, Outbox.sent_ts).where(col(Outbox.dedupe_key) == dedupe_key)
    found = session.exec(stmt).first()
    return None if found is None else Parent(OutboxStatus(found[0]), found[1])


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
