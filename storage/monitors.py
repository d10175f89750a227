"""Monitor rows: claiming due checks, heartbeat pings, transitions for digests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session, col

from storage.models import Monitor, MonitorEvent


def claim_due(session: Session, *, now: datetime, worker: str, limit: int) -> list[Monitor]:
    """Take up to `limit` monitors whose check is due, moving each one's next check forward
    with a conditional UPDATE: a monitor another replica took meanwhile is skipped."""
    candidates = (
        session.exec(
            select(Monitor)
            .where(col(Monitor.paused).is_(False), col(Monitor.next_check_at) <= now)
            .order_by(Monitor.next_check_at)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    claimed = []
    for monitor in candidates:
        taken = session.execute(
            update(Monitor)
            .where(col(Monitor.id) == monitor.id, Monitor.next_check_at == monitor.next_check_at)
            .values(
                next_check_at=now + timedelta(seconds=monitor.interval_seconds), claimed_by=worker
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            claimed.append(monitor)
    return claimed


def by_token(session: Session, token: str) -> Monitor | None:
    return session.exec(select(Monitor).where(Monitor.token == token)).scalars().first()


def for_launch(session: Session, launch_id: int) -> list[Monitor]:
    return list(
        session.exec(
            select(Monitor).where(Monitor.launch_id == launch_id).order_by(Monitor.id)
        ).scalars()
    )


def lock(session: Session, monitor_id: int) -> Monitor | None:
    return (
        session.exec(select(Monitor).where(Monitor.id == monitor_id).with_for_update())
        .scalars()
        .first()
    )


def events_since(session: Session, launch_id: int, since: datetime) -> list[MonitorEvent]:
    stmt = (
        select(MonitorEvent)
        .where(
            MonitorEvent.launch_id == launch_id,
            col(MonitorEvent.at) > since,
            col(MonitorEvent.kind).in_(["down", "up"]),
        )
        .order_by(MonitorEvent.at)
    )
    return list(session.exec(stmt).scalars())


def by_name(session: Session, launch_id: int, name: str) -> Monitor | None:
    stmt = select(Monitor).where(Monitor.launch_id == launch_id, Monitor.name == name)
    return session.exec(stmt).scalars().first()
