"""Queueing what the clock brings: a claimed digest (and the week's chart) and a person's
daily reminder. Each is queued with its facts in the transaction that claimed it, so a
crash cannot lose a claimed message and a replica cannot send it twice."""

from __future__ import annotations

from datetime import date, datetime

from commands.digests.gather import gather
from commands.digests.model import ChartFacts, DigestFacts, ReminderEntry, ReminderFacts
from commands.facts import encode
from commands.replies import ItemView
from storage import digests, items, outbox
from storage.engine import Session
from storage.models import DigestRun
from storage.vocabulary import OutboxKind


def queue_digest(session: Session, *, run: DigestRun, now: datetime) -> bool:
    """Build the claimed run's digest and queue it; False when there is nothing to post
    (a quiet day in a channel that asked for `unchanged none`). Marks the run built with the
    score it shows, the next digest's baseline."""
    assert run.id is not None
    digest = gather(session, run, now)
    schedule = digests.schedule_for(session, team_id=run.team_id, channel_id=run.channel_id)
    quiet_mode = schedule.unchanged if schedule else "line"
    quiet = digest.unchanged and run.kind == "scheduled"
    run.score, run.built_at, run.status = digest.score, now, "built"
    if quiet and quiet_mode == "none":
        run.note = "nothing changed; nothing posted (unchanged none)"
        return False
    outbox.enqueue(
        session,
        kind=OutboxKind.DIGEST,
        team_id=run.team_id,
        channel_id=run.channel_id,
        dedupe_key=f"digest:{run.id}",
        facts=encode(DigestFacts(digest, quiet=quiet)),
        now=now,
        ref_id=run.id,
    )
    if run.weekly and outbox.transport_for(run.channel_id) == outbox.SLACK:
        chart = ChartFacts(
            digest.launch.name, f"readiness-{run.launch_id}-{run.local_date}.png", digest.trend
        )
        outbox.enqueue(
            session,
            kind=OutboxKind.CHART,
            team_id=run.team_id,
            channel_id=run.channel_id,
            dedupe_key=f"chart:{run.id}",
            facts=encode(chart),
            now=now,
            ref_id=run.id,
        )
    return True


def overdue_entries(
    session: Session, *, team_id: str, user_id: str, today: date
) -> tuple[ReminderEntry, ...]:
    """A person's overdue open items across launches, without the ones they snoozed."""
    snoozed = digests.snoozed_items(session, team_id=team_id, user_id=user_id, today=today)
    return tuple(
        ReminderEntry(ItemView.of(item), launch)
        for launch, item in items.overdue_for_owner(
            session, team_id=team_id, owner=user_id, today=today
        )
        if item.id not in snoozed
    )


def queue_reminder(
    session: Session, *, team_id: str, user_id: str, today: date, now: datetime
) -> bool:
    """Queue the person's reminder for `today` if they have overdue items; False otherwise."""
    entries = overdue_entries(session, team_id=team_id, user_id=user_id, today=today)
    if not entries:
        return False
    return outbox.enqueue(
        session,
        kind=OutboxKind.REMINDER,
        team_id=team_id,
        channel_id=user_id,
        dedupe_key=f"reminder:{team_id}:{user_id}:{today}",
        facts=encode(ReminderFacts(user_id, today, entries)),
        now=now,
    )
