"""Gather a digest's facts from the database (the I/O half; rendering is pure)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlmodel import Session, col

from commands.context import Context
from commands.digests.model import Change, DayScore, Digest, ExpiringWaiver, MonitorNote
from commands.launching import view
from commands.replies import ItemView
from commands.status import build_report
from storage import digests as rows
from storage import monitors as monitor_rows
from storage.models import OPEN_STATUSES, DigestRun, Event, Item, Launch, Status, Via

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


def local_today(launch: Launch, now: datetime) -> date:
    return now.astimezone(ZoneInfo(launch.timezone)).date()


def gather(session: Session, run: DigestRun, now: datetime) -> Digest:
    launch = session.get(Launch, run.launch_id)
    assert launch is not None and launch.id is not None
    today = local_today(launch, now)
    ctx = Context(
        team_id=run.team_id, user_id="readybot", channel_id=run.channel_id, via=Via.CLI, now=now
    )
    report, tallies = build_report(session, ctx, launch, today)
    previous = rows.last_built(session, run.team_id, run.channel_id, before_id=run.id)
    since = previous.built_at if previous else None
    record_today(session, launch, today, report.score.percent, tallies, now)
    return Digest(
        launch=view(session, launch),
        today=today,
        score=report.score.percent,
        previous_score=previous.score if previous else None,
        verdict=report.verdict,
        changes=tuple(_changes(session, launch.id, since or now - FIRST_DIGEST_LOOKBACK)),
        overdue=report.overdue,
        overdue_count=report.overdue_count,
        due_soon=tuple(
            b
            for b in report.next_due
            if b.due_date and b.due_date <= today + timedelta(days=DUE_SOON_DAYS)
        ),
        expiring_waivers=tuple(_expiring(session, launch.id, today)),
        monitors=tuple(
            MonitorNote(e.monitor_name, e.kind == "up", e.detail, e.at)
            for e in monitor_rows.events_since(
                session, launch.id, since or now - FIRST_DIGEST_LOOKBACK
            )
        ),
        days_to_target=report.days_to_target,
        forecast=report.forecast,
        trend=tuple(
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
            for d in rows.days(session, launch.id, today - timedelta(days=TREND_DAYS - 1))
        ),
        since=since,
        weekly=run.weekly,
    )


def record_today(
    session: Session, launch: Launch, today: date, score: int, tallies: list, now: datetime
) -> None:
    open_by_priority: dict[str, int] = {}
    for tally in tallies:
        if not tally.ready:
            open_by_priority[tally.priority.value] = (
                open_by_priority.get(tally.priority.value, 0) + tally.count
            )
    assert launch.id is not None
    rows.record_day(
        session,
        launch_id=launch.id,
        day=today,
        score=score,
        open_by_priority=open_by_priority,
        now=now,
    )


def _changes(session: Session, launch_id: int, since: datetime) -> list[Change]:
    stmt = (
        select(Event, Item.title)
        .outerjoin(Item, col(Item.id) == col(Event.item_id))
        .where(
            Event.launch_id == launch_id,
            col(Event.at) > since,
            col(Event.action).in_(CHANGE_ACTIONS),
            Event.via != Via.IMPORT.value,
        )
        .order_by(Event.at, Event.id)
    )
    changes = []
    for event, title in session.execute(stmt):
        title = title or (event.before or {}).get("title") or (event.after or {}).get("title") or ""
        action = "blocked" if event.action == "reblocked" else event.action
        changes.append(
            Change(action, event.item_key or "", title, event.actor, event.at, event.note)
        )
    return changes


def _expiring(session: Session, launch_id: int, today: date) -> list[ExpiringWaiver]:
    stmt = (
        select(Item)
        .where(
            Item.launch_id == launch_id,
            Item.status == Status.WAIVED.value,
            and_(
                col(Item.waiver_until) >= today,
                col(Item.waiver_until) <= today + timedelta(days=WAIVER_WARNING_DAYS),
            ),
        )
        .order_by(Item.waiver_until)
    )
    return [
        ExpiringWaiver(i.key, i.title, i.waiver_until, i.waived_by, i.waiver_reason)  # type: ignore[arg-type]
        for i in session.exec(stmt).scalars()
    ]


def overdue_for_owner(
    session: Session, team_id: str, owner: str, today: date
) -> list[tuple[str, ItemView]]:
    """(launch name, item) for every open item the owner has that is past due."""
    stmt = (
        select(Item, Launch.name)
        .join(Launch, col(Launch.id) == col(Item.launch_id))
        .where(
            Item.team_id == team_id,
            Item.owner == owner,
            col(Item.due_date) < today,
            col(Item.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(Item.due_date, Item.seq)
    )
    return [(name, ItemView.of(item)) for item, name in session.execute(stmt)]


def owners_with_overdue(session: Session, launch_id: int, today: date) -> list[str]:
    stmt = (
        select(Item.owner)
        .where(
            Item.launch_id == launch_id,
            col(Item.owner).is_not(None),
            col(Item.due_date) < today,
            col(Item.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .distinct()
    )
    return [owner for owner in session.execute(stmt).scalars() if owner]
