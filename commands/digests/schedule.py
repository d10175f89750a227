"""`digest` and `remind`: a channel's daily digest schedule, and a person's reminders."""

from __future__ import annotations

from datetime import UTC, datetime

from commands.audit import record
from commands.context import Context
from commands.digests.queue import queue_digest
from commands.errors import Conflict, UsageError
from commands.launching import current_launch
from commands.permissions import require_launch_admin
from commands.replies import Message
from commands.timing import describe_days, next_due, schedule_of
from commands.writes import writing
from storage import digests
from storage.engine import Store
from storage.models import DigestSchedule, Launch


def _describe(schedule: DigestSchedule, launch: Launch, now: datetime) -> str:
    zone = schedule.timezone or launch.timezone
    when = f"{schedule.at_time} {zone}, {describe_days(schedule.days)}"
    if not schedule.enabled:
        return (
            f"The daily digest here is off (it would be at {when}). Turn it on: `/ready digest on`."
        )
    plan = schedule_of(schedule.at_time, zone, schedule.days)
    upcoming = next_due(plan, now)
    nxt = f" Next: {upcoming[1].astimezone(plan.zone):%a %b %d, %H:%M}." if upcoming else ""
    quiet = "one line" if schedule.unchanged == "line" else "nothing"
    return f"The daily digest for {launch.name} is posted here at {when}.{nxt} On days without news: {quiet}."


def _channel(ctx: Context) -> str:
    if not ctx.channel_id:
        raise UsageError(
            "Digests belong to a channel; run this in the launch's channel.", usage_verb="digest"
        )
    return ctx.channel_id


def show(store: Store, ctx: Context) -> Message:
    channel = _channel(ctx)
    with store.read() as session:
        launch = current_launch(session, ctx)
        schedule = digests.schedule_for(
            session, team_id=ctx.team_id, channel_id=channel
        ) or _default(ctx, launch, channel)
        return Message(_describe(schedule, launch, ctx.now))


def post_now(store: Store, ctx: Context) -> Message:
    """Claim and queue a digest for this channel at once (`digest now`)."""
    channel = _channel(ctx)
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        run = digests.claim_digest(
            session,
            team_id=ctx.team_id,
            channel_id=channel,
            launch_id=launch.id,
            local_date=ctx.now.astimezone(UTC).date(),
            scheduled_for=ctx.now,
            worker=f"command:{ctx.user_id}",
            now=ctx.now,
            manual=True,
        )
        assert run is not None  # manual runs have their own key
        queue_digest(session, run=run, now=ctx.now)
        return Message(f"A digest for {launch.name} is on its way to this channel.")


def change(
    store: Store,
    ctx: Context,
    *,
    enabled: bool | None = None,
    unchanged: str | None = None,
    at: str | None = None,
    timezone: str | None = None,
    days: str | None = None,
) -> Message:
    """Turn the channel's digest off or on, set what quiet days get, or set when it runs
    (which also turns it on)."""
    channel = _channel(ctx)
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        require_launch_admin(ctx, launch, action="change this channel's digest")
        schedule = digests.schedule_for(session, team_id=ctx.team_id, channel_id=channel)
        if schedule is None:
            schedule = _default(ctx, launch, channel)
            digests.save_schedule(session, schedule=schedule)
        before = _settings(schedule)
        if enabled is not None and schedule.enabled == enabled:
            raise Conflict(f"The digest here is already {'on' if enabled else 'off'}.")
        if enabled is not None:
            schedule.enabled = enabled
        if unchanged is not None:
            schedule.unchanged = unchanged
        if at is not None:
            schedule.at_time = at
            schedule.timezone = timezone or schedule.timezone
            schedule.days = days or schedule.days
            schedule.enabled = True
        schedule.launch_id = launch.id
        schedule.updated_by, schedule.updated_at = ctx.user_id, ctx.now
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="digest.changed",
            before={**before, "channel": channel},
            after={**_settings(schedule), "channel": channel},
        )
        return Message("✓ " + _describe(schedule, launch, ctx.now))


def _settings(schedule: DigestSchedule) -> dict[str, object]:
    return {
        "at": schedule.at_time,
        "timezone": schedule.timezone,
        "days": schedule.days,
        "enabled": schedule.enabled,
        "unchanged": schedule.unchanged,
    }


def _default(ctx: Context, launch: Launch, channel: str) -> DigestSchedule:
    assert launch.id is not None
    return digests.default_schedule(
        team_id=ctx.team_id, channel_id=channel, launch_id=launch.id, by=ctx.user_id, at=ctx.now
    )


def remind(store: Store, ctx: Context, *, enabled: bool | None) -> Message:
    if enabled is None:
        with store.read() as session:
            on = digests.reminders_enabled(session, team_id=ctx.team_id, user_id=ctx.user_id)
        return Message(
            f"Your daily reminder about overdue items is {'on' if on else 'off'}. "
            "Change it: `/ready remind on|off`."
        )
    with writing(store, ctx) as session:
        digests.set_reminders(
            session, team_id=ctx.team_id, user_id=ctx.user_id, enabled=enabled, now=ctx.now
        )
    if enabled:
        return Message("✓ You will get one direct message a day listing your overdue items.")
    return Message(
        "✓ No more daily reminders about overdue items. Turn them back on: `/ready remind on`."
    )
