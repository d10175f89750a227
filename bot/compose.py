"""From a claimed digest, chart or reminder to what goes to Slack (or the terminal).

Gathering reads the database; rendering is pure (templates). Building a digest marks its
run as built with the score it showed, the baseline for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.render.digest.digest import (
    render_digest,
    render_digest_text,
    render_reminder,
    render_unchanged,
)
from bot.render.digest.templates import Templates
from bot.render.messages import SlackMessage
from commands.digests.gather import gather, overdue_for_owner
from commands.digests.model import Digest
from storage import digests as rows
from storage.engine import Store
from storage.models import DigestRun, Launch


@dataclass(frozen=True)
class Composed:
    message: SlackMessage | None  # None: nothing to post (a quiet day with `unchanged none`)
    digest: Digest | None = None
    note: str | None = None


def compose_digest(
    store: Store, run_id: int, now: datetime, templates: Templates
) -> Composed | None:
    """None if the run no longer exists (its launch was deleted)."""
    with store.write() as session:
        run = session.get(DigestRun, run_id)
        if run is None:
            return None
        digest = gather(session, run, now)
        schedule = rows.schedule_for(session, run.team_id, run.channel_id)
        quiet_mode = schedule.unchanged if schedule else "line"
        run.score, run.built_at = digest.score, now
        if digest.unchanged and run.kind == "scheduled" and quiet_mode == "none":
            run.status, run.note = "built", "nothing changed; nothing posted (unchanged none)"
            return Composed(None, digest, run.note)
        run.status = "built"
    message = (
        render_unchanged(digest, templates)
        if digest.unchanged and run.kind == "scheduled"
        else (render_digest(digest, templates))
    )
    return Composed(message, digest)


def compose_digest_text(
    store: Store, run_id: int, now: datetime, templates: Templates
) -> str | None:
    """The digest as terminal text (the local console prints digests at their time)."""
    with store.write() as session:
        run = session.get(DigestRun, run_id)
        if run is None:
            return None
        digest = gather(session, run, now)
        run.score, run.built_at, run.status = digest.score, now, "built"
    return render_digest_text(digest, templates)


def chart_data(store: Store, run_id: int, now: datetime) -> tuple[Digest, str] | None:
    """The digest facts (for the trend) and a file name, for the weekly chart."""
    with store.write() as session:
        run = session.get(DigestRun, run_id)
        launch = session.get(Launch, run.launch_id) if run else None
        if run is None or launch is None:
            return None
        digest = gather(session, run, now)
        return digest, f"readiness-{launch.id}-{run.local_date.isoformat()}.png"


def compose_reminder(
    store: Store, team_id: str, user_id: str, day: str, now: datetime, templates: Templates
) -> SlackMessage | None:
    """None when the person has nothing overdue any more (or snoozed all of it)."""
    today = date.fromisoformat(day)
    with store.read() as session:
        items = overdue_for_owner(session, team_id, user_id, today)
        snoozed = rows.snoozed_items(session, team_id, user_id, today)
    items = [(launch, item) for launch, item in items if item.id not in snoozed]
    if not items:
        return None
    return render_reminder(user_id, items, today, templates)
