"""Digest schedules, digest claims, daily score snapshots and reminder claims.

A digest is claimed by inserting its digest_run row, whose run_key (workspace, channel and
local date) is unique: of several replicas firing at once, one insert succeeds. The outbox
row that will post it is written in the same transaction (commands.digests.queue), so a
claimed digest cannot be lost by a crash either.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.launches import bindings
from storage.models import (
    DigestRun,
    DigestSchedule,
    Launch,
    LaunchDay,
    ReminderPref,
    ReminderRun,
    ReminderSnooze,
)
from storage.unique import insert_unique


def schedule_for(session: Session, *, team_id: str, channel_id: str) -> DigestSchedule | None:
    return session.get(DigestSchedule, (team_id, channel_id))


def default_schedule(
    *, team_id: str, channel_id: str, launch_id: int, by: str, at: datetime
) -> DigestSchedule:
    """09:00 in the launch's timezone, Monday to Friday: what a bound channel gets unasked."""
    return DigestSchedule(
        team_id=team_id, channel_id=channel_id, launch_id=launch_id, updated_by=by, updated_at=at
    )


def save_schedule(session: Session, *, schedule: DigestSchedule) -> None:
    session.add(schedule)


def schedules(session: Session) -> list[tuple[DigestSchedule, Launch]]:
    """Every bound channel's schedule (a default one where none was set), with its launch."""
    stored = {(s.team_id, s.channel_id): s for s in session.exec(select(DigestSchedule)).all()}
    result = []
    for binding, launch in bindings(session):
        assert launch.id is not None
        schedule = stored.get((binding.team_id, binding.channel_id)) or default_schedule(
            team_id=binding.team_id,
            channel_id=binding.channel_id,
            launch_id=launch.id,
            by="default",
            at=binding.bound_at,
        )
        schedule.launch_id = launch.id  # the binding decides which launch a channel follows
        result.append((schedule, launch))
    return result


def claim_digest(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    launch_id: int,
    local_date: date,
    scheduled_for: datetime,
    worker: str,
    now: datetime,
    manual: bool = False,
    weekly: bool = False,
) -> DigestRun | None:
    """Claim the digest; None if it was claimed before (by this or another replica)."""
    key = f"{team_id}:{channel_id}:{local_date.isoformat()}"
    if manual:
        key += f":manual:{uuid.uuid4().hex}"
    run = DigestRun(
        team_id=team_id,
        channel_id=channel_id,
        launch_id=launch_id,
        run_key=key,
        kind="manual" if manual else "scheduled",
        local_date=local_date,
        scheduled_for=scheduled_for,
        claimed_at=now,
        claimed_by=worker,
        weekly=weekly,
    )
    return run if insert_unique(session, run) else None


def skip_digest(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    launch_id: int,
    local_date: date,
    scheduled_for: datetime,
    worker: str,
    now: datetime,
    why: str,
) -> bool:
    """Record a digest that will not be posted (missed by too much); False if already decided."""
    run = DigestRun(
        team_id=team_id,
        channel_id=channel_id,
        launch_id=launch_id,
        run_key=f"{team_id}:{channel_id}:{local_date.isoformat()}",
        local_date=local_date,
        scheduled_for=scheduled_for,
        claimed_at=now,
        claimed_by=worker,
        status="skipped",
        note=why[:300],
    )
    return insert_unique(session, run)


def last_built(
    session: Session, *, team_id: str, channel_id: str, before_id: int | None = None
) -> DigestRun | None:
    """The channel's previous digest that was built (its score and time are the baseline)."""
    stmt = select(DigestRun).where(
        col(DigestRun.team_id) == team_id,
        col(DigestRun.channel_id) == channel_id,
        col(DigestRun.status) == "built",
    )
    if before_id is not None:
        stmt = stmt.where(col(DigestRun.id) != before_id)
    return session.exec(stmt.order_by(col(DigestRun.built_at).desc()).limit(1)).first()


def record_day(
    session: Session,
    *,
    launch_id: int,
    day: date,
    score: int,
    open_by_priority: dict[str, int],
    now: datetime,
) -> None:
    row = session.get(LaunchDay, (launch_id, day))
    if row is None:
        row = LaunchDay(launch_id=launch_id, day=day, score=score, recorded_at=now)
        session.add(row)
    row.score = score
    row.open_critical = open_by_priority.get("critical", 0)
    row.open_high = open_by_priority.get("high", 0)
    row.open_medium = open_by_priority.get("medium", 0)
    row.open_low = open_by_priority.get("low", 0)
    row.recorded_at = now


def days(session: Session, *, launch_id: int, since: date) -> list[LaunchDay]:
    stmt = (
        select(LaunchDay)
        .where(col(LaunchDay.launch_id) == launch_id, col(LaunchDay.day) >= since)
        .order_by(col(LaunchDay.day))
    )
    return list(session.exec(stmt).all())


def reminders_enabled(session: Session, *, team_id: str, user_id: str) -> bool:
    pref = session.get(ReminderPref, (team_id, user_id))
    return pref is None or pref.enabled


def set_reminders(
    session: Session, *, team_id: str, user_id: str, enabled: bool, now: datetime
) -> None:
    pref = session.get(ReminderPref, (team_id, user_id))
    if pref is None:
        session.add(ReminderPref(team_id=team_id, user_id=user_id, enabled=enabled, updated_at=now))
    else:
        pref.enabled, pref.updated_at = enabled, now


def claim_reminder(
    session: Session, *, team_id: str, user_id: str, local_date: date, now: datetime
) -> bool:
    return insert_unique(
        session,
        ReminderRun(team_id=team_id, user_id=user_id, local_date=local_date, claimed_at=now),
    )


def snoozed_items(session: Session, *, team_id: str, user_id: str, today: date) -> set[int]:
    stmt = select(ReminderSnooze.item_id).where(
        col(ReminderSnooze.team_id) == team_id,
        col(ReminderSnooze.user_id) == user_id,
        col(ReminderSnooze.until) >= today,
    )
    return set(session.exec(stmt).all())


def snooze(session: Session, *, team_id: str, user_id: str, item_id: int, until: date) -> None:
    row = session.get(ReminderSnooze, (team_id, user_id, item_id))
    if row is None:
        session.add(ReminderSnooze(team_id=team_id, user_id=user_id, item_id=item_id, until=until))
    else:
        row.until = until
