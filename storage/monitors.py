"""Monitor rows: claiming due checks, heartbeat pings, transitions, configuration files."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Monitor, MonitorEvent


def get_monitor(session: Session, *, monitor_id: int) -> Monitor | None:
    return session.get(Monitor, monitor_id)


def lock(session: Session, *, monitor_id: int) -> Monitor | None:
    stmt = select(Monitor).where(col(Monitor.id) == monitor_id).with_for_update()
    return session.exec(stmt).first()


def add_monitor(session: Session, *, monitor: Monitor) -> Monitor:
    session.add(monitor)
    session.flush()
    return monitor


def delete_monitor(session: Session, *, monitor: Monitor) -> None:
    session.delete(monitor)
    session.flush()


def claim_due(session: Session, *, now: datetime, worker: str, limit: int) -> list[Monitor]:
    """Take up to `limit` monitors whose check is due, moving each one's next check forward
    with a conditional UPDATE: a monitor another replica took meanwhile is skipped."""
    candidates = session.exec(
        select(Monitor)
        .where(col(Monitor.paused).is_(False), col(Monitor.next_check_at) <= now)
        .order_by(col(Monitor.next_check_at))
        .limit(limit)
    ).all()
    claimed = []
    for monitor in candidates:
        taken = session.exec(
            update(Monitor)
            .where(
                col(Monitor.id) == monitor.id,
                col(Monitor.next_check_at) == monitor.next_check_at,
            )
            .values(
                next_check_at=now + timedelta(seconds=monitor.interval_seconds), claimed_by=worker
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            claimed.append(monitor)
    return claimed


def down_or_silenced_ids(session: Session) -> list[int]:
    """Monitors for which time passing matters: down (reminders) or in maintenance."""
    stmt = select(Monitor.id).where(
        col(Monitor.paused).is_(False), col(Monitor.status).in_(["down", "maintenance"])
    )
    return [int(id_) for id_ in session.exec(stmt).all() if id_ is not None]


def by_token(session: Session, *, token: str) -> Monitor | None:
    return session.exec(select(Monitor).where(col(Monitor.token) == token)).first()


def for_launch(session: Session, *, launch_id: int) -> list[Monitor]:
    stmt = select(Monitor).where(col(Monitor.launch_id) == launch_id).order_by(col(Monitor.id))
    return list(session.exec(stmt).all())


def by_name(session: Session, *, launch_id: int, name: str) -> Monitor | None:
    stmt = select(Monitor).where(col(Monitor.launch_id) == launch_id, col(Monitor.name) == name)
    return session.exec(stmt).first()


def from_config(session: Session) -> list[Monitor]:
    """Monitors declared in a configuration file (READYBOT_MONITORS)."""
    return list(session.exec(select(Monitor).where(col(Monitor.source) == "config")).all())


def record_ping(session: Session, *, token: str, kind: str, now: datetime) -> bool:
    """Store a heartbeat and make the monitor due now; False for an unknown token."""
    monitor = by_token(session, token=token)
    if monitor is None:
        return False
    monitor.last_ping_at, monitor.last_ping_kind = now, kind
    if kind == "success":
        monitor.last_success_at = now
    if kind != "start":
        monitor.next_check_at = now
    return True


# -- transitions ------------------------------------------------------------------------------


def add_event(session: Session, *, event: MonitorEvent) -> MonitorEvent:
    session.add(event)
    session.flush()
    return event


def get_event(session: Session, *, event_id: int) -> MonitorEvent | None:
    return session.get(MonitorEvent, event_id)


def events_since(session: Session, *, launch_id: int, since: datetime) -> list[MonitorEvent]:
    stmt = (
        select(MonitorEvent)
        .where(
            col(MonitorEvent.launch_id) == launch_id,
            col(MonitorEvent.at) > since,
            col(MonitorEvent.kind).in_(["down", "up"]),
        )
        .order_by(col(MonitorEvent.at))
    )
    return list(session.exec(stmt).all())
