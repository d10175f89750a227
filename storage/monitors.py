"""Monitor rows: claiming due checks, heartbeat pings, transitions, configuration files."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, tuple_, update
from sqlmodel import Session, col, select

from storage.models import Item, Monitor, MonitorEvent


def get_monitor(session: Session, *, monitor_id: int) -> Monitor | None:
    return session.get(Monitor, monitor_id)


def get_many(session: Session, *, monitor_ids: Collection[int]) -> list[Monitor]:
    """The monitors with these ids that still exist (unlocked), in no particular order."""
    if not monitor_ids:
        return []
    return list(session.exec(select(Monitor).where(col(Monitor.id).in_(monitor_ids))).all())


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


CLAIM_CHUNK = 500  # (id, next_check_at) pairs per UPDATE: well under every bind limit


def claim_due(session: Session, *, now: datetime, worker: str, limit: int) -> list[Monitor]:
    """Take up to `limit` monitors whose check is due, moving each one's next check forward
    with a conditional UPDATE: a monitor another replica took meanwhile is skipped. One
    UPDATE per interval (and per CLAIM_CHUNK monitors), each taking only the rows whose
    next_check_at is still the one read here, and returning which it took."""
    candidates = session.exec(
        select(Monitor)
        .where(col(Monitor.paused).is_(False), col(Monitor.next_check_at) <= now)
        .order_by(col(Monitor.next_check_at))
        .limit(limit)
    ).all()
    by_interval: dict[int, list[Monitor]] = {}
    for monitor in candidates:
        by_interval.setdefault(monitor.interval_seconds, []).append(monitor)
    taken: set[int] = set()
    for interval, group in by_interval.items():
        for start in range(0, len(group), CLAIM_CHUNK):
            chunk = group[start : start + CLAIM_CHUNK]
            stmt = (
                update(Monitor)
                .where(
                    tuple_(col(Monitor.id), col(Monitor.next_check_at)).in_(
                        [(m.id, m.next_check_at) for m in chunk]
                    )
                )
                .values(next_check_at=now + timedelta(seconds=interval), claimed_by=worker)
                .returning(col(Monitor.id))
                .execution_options(synchronize_session=False)
            )
            taken.update(int(id_) for id_ in session.execute(stmt).scalars())
    return [monitor for monitor in candidates if monitor.id in taken]


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


# -- results that change nothing but the monitor's own row ----------------------------------


class Changed(Exception):
    """A monitor changed between being read and its state being saved (`save_states`)."""


@dataclass(frozen=True)
class StateRow:
    """A monitor's new state, to save if its version is still `version`."""

    monitor_id: int
    version: int
    state: dict[str, Any]
    status: str
    paused: bool


def save_states(session: Session, *, rows: list[StateRow], now: datetime) -> None:
    """Save many monitors' states in one statement, each only if its version is still the
    one read (the version moves on, as any state change does). Raises Changed, leaving the
    caller to roll the transaction back, when any monitor changed meanwhile."""
    if not rows:
        return
    table = Monitor.__table__  # type: ignore[attr-defined]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("m_id"), table.c.version == bindparam("m_version"))
        .values(
            state=bindparam("m_state"),
            status=bindparam("m_status"),
            paused=bindparam("m_paused"),
            updated_at=now,
            version=table.c.version + 1,
        )
    )
    params = [
        {
            "m_id": row.monitor_id,
            "m_version": row.version,
            "m_state": row.state,
            "m_status": row.status,
            "m_paused": row.paused,
        }
        for row in sorted(rows, key=lambda r: r.monitor_id)  # one lock order for every writer
    ]
    saved = session.connection().execute(stmt, params).rowcount
    if saved != len(rows):
        raise Changed(f"{len(rows) - saved} of {len(rows)} monitors changed meanwhile")


def linked_items(session: Session, *, item_ids: Collection[int]) -> dict[int, Item]:
    """The items with these ids, by id (unlocked: read to decide, not to change)."""
    if not item_ids:
        return {}
    stmt = select(Item).where(col(Item.id).in_(item_ids))
    return {item.id: item for item in session.exec(stmt).all() if item.id is not None}


def watching(session: Session, *, monitor_ids: Collection[int]) -> dict[int, list[Item]]:
    """Items whose stability window runs on one of these monitors, by monitor id (unlocked)."""
    if not monitor_ids:
        return {}
    stmt = select(Item).where(col(Item.stability_monitor_id).in_(monitor_ids))
    found: dict[int, list[Item]] = {}
    for item in session.exec(stmt).all():
        if item.stability_monitor_id is not None:
            found.setdefault(item.stability_monitor_id, []).append(item)
    return found
