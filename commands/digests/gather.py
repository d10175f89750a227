"""Gather a digest's facts from the database (the I/O half; rendering is pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands.context import Context
from commands.digests.model import (
    Change,
    DayScore,
    Digest,
    ExpiringEvidence,
    ExpiringWaiver,
    MonitorNote,
)
from commands.launching import view
from commands.scoring import Tally
from commands.status import build_report
from storage import audit, digests, items, monitors, readiness
from storage.engine import Session
from storage.models import DigestRun, Launch
from storage.vocabulary import Via

CHANGE_ACTIONS = (
    "done",
    "blocked",
    "reblocked",
    "unblocked",
    "reopened",
    "waived",
    "created",
    "removed",
)
DUE_SOON_DAYS = 3
WAIVER_WARNING_DAYS = 7
TREND_DAYS = 14
FIRST_DIGEST_LOOKBACK = timedelta(days=1)
SCHEDULER = "readybot"  # the actor of work nobody started


def local_today(launch: Launch, now: datetime) -> date:
    return now.astimezone(ZoneInfo(launch.timezone)).date()


def scheduler_context(team_id: str, now: datetime, channel_id: str | None = None) -> Context:
    """Who acts when the clock does: readybot itself, via the scheduler."""
    return Context(
        team_id=team_id, user_id=SCHEDULER, channel_id=channel_id, via=Via.SCHEDULER, now=now
    )


def gather(session: Session, run: DigestRun, now: datetime) -> Digest:
    launch = session.get(Launch, run.launch_id)
    assert launch is not None and launch.id is not None
    today = local_today(launch, now)
    ctx = scheduler_context(run.team_id, now, run.channel_id)
    report, tallies = build_report(session, ctx, launch, today)
    previous = digests.last_built(
        session, team_id=run.team_id, channel_id=run.channel_id, before_id=run.id
    )
    since = previous.built_at if previous else None
    record_today(session, launch, today, report.score.percent, tallies, now)
    lookback = since or now - FIRST_DIGEST_LOOKBACK
    return Digest(
        launch=view(session, launch),
        today=today,
        score=report.score.percent,
        previous_score=previous.score if previous else None,
        verdict=report.verdict,
        changes=tuple(_changes(session, launch.id, lookback)),
        overdue=report.overdue,
        overdue_count=report.overdue_count,
        due_soon=tuple(
            b
            for b in report.next_due
            if b.due_date and b.due_date <= today + timedelta(days=DUE_SOON_DAYS)
        ),
        expiring_waivers=tuple(
            ExpiringWaiver(i.key, i.title, i.waiver_until, i.waived_by, i.waiver_reason)
            for i in items.expiring_waivers(
                session, launch_id=launch.id, today=today, days=WAIVER_WARNING_DAYS
            )
            if i.waiver_until is not None
        ),
        monitors=tuple(
            MonitorNote(e.monitor_name, e.kind == "up", e.detail, e.at)
            for e in monitors.events_since(session, launch_id=launch.id, since=lookback)
        ),
        days_to_target=report.days_to_target,
        forecast=report.forecast,
        signoffs=report.signoffs,
        plan=report.plan,
        expiring_evidence=tuple(
            ExpiringEvidence(
                i.key,
                i.title,
                (i.verified_at + timedelta(days=i.verify_every_days)).date(),
                i.owner,
            )
            for i in (
                readiness.expiring_before(session, launch_id=launch.id, day=launch.target_date)
                if launch.target_date
                else []
            )
            if i.verified_at is not None and i.verify_every_days is not None
        ),
        trend=trend(session, launch.id, today),
        since=since,
        weekly=run.weekly,
    )


def trend(session: Session, launch_id: int, today: date) -> tuple[DayScore, ...]:
    """The last TREND_DAYS daily scores, oldest first (days without data omitted)."""
    return tuple(
        DayScore(
            d.day,
            d.score,
            {
                "critical": d.open_critical,
                "high": d.open_high,
                "medium": d.open_medium,
                "low": d.open_low,
            },
        )
        for d in digests.days(
            session, launch_id=launch_id, since=today - timedelta(days=TREND_DAYS - 1)
        )
    )


def record_today(
    session: Session,
    launch: Launch,
    today: date,
    score: int,
    tallies: Sequence[Tally],
    now: datetime,
) -> None:
    open_by_priority: dict[str, int] = {}
    for tally in tallies:
        if not tally.ready:
            open_by_priority[tally.priority.value] = (
                open_by_priority.get(tally.priority.value, 0) + tally.count
            )
    assert launch.id is not None
    digests.record_day(
        session,
        launch_id=launch.id,
        day=today,
        score=score,
        open_by_priority=open_by_priority,
        now=now,
    )


def _changes(session: Session, launch_id: int, since: datetime) -> list[Change]:
    changes = []
    for event, title in audit.changes_since(
        session, launch_id=launch_id, since=since, actions=CHANGE_ACTIONS
    ):
        title = title or (event.before or {}).get("title") or (event.after or {}).get("title") or ""
        action = "blocked" if event.action == "reblocked" else event.action
        changes.append(
            Change(
                action,
                event.item_key or "",
                title,
                event.actor,
                event.at,
                event.note,
                actor_name=event.actor_name,
            )
        )
    return changes
