"""`digest` and `remind`: a channel's daily digest schedule, and a person's reminders."""

from __future__ import annotations

from datetime import UTC, datetime

from commands import verbs as v
from commands.audit import record
from commands.context import Context
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


def digest(store: Store, ctx: Context, cmd: v.Digest) -> Message:
    if not ctx.channel_id:
        raise UsageError(
            "Digests belong to a channel; run this in the launch's channel.", usage_verb="digest"
        )
    if cmd.action == "show":
        with store.read() as session:
            launch = current_launch(session, ctx)
            schedule = digests.schedule_for(session, ctx.team_id, ctx.channel_id) or _default(
                ctx, launch
            )
            return Message(_describe(schedule, launch, ctx.now))
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        if cmd.action == "now":
            run = digests.claim_digest(
                session,
                team_id=ctx.team_id,
                channel_id=ctx.channel_id,
                launch_id=launch.id,
                local_date=ctx.now.astimezone(UTC).date(),
                scheduled_for=ctx.now,
                worker=f"command:{ctx.user_id}",
                now=ctx.now,
                manual=True,
            )
            assert run is not None  # manual runs have their own key
            return Message(f"A digest for {launch.name} is on its way to this channel.")
        require_launch_admin(ctx, launch, action="change this channel's digest")
        schedule = digests.schedule_for(session, ctx.team_id, ctx.channel_id)
        if schedule is None:
            schedule = _default(ctx, launch)
            session.add(schedule)
        before = {
            "at": schedule.at_time,
            "timezone": schedule.timezone,
            "days": schedule.days,
            "enabled": schedule.enabled,
            "unchanged": schedule.unchanged,
        }
        if cmd.action == "off":
            if not schedule.enabled:
                raise Conflict("The digest here is already off.")
            schedule.enabled = False
        elif cmd.action == "on":
            if schedule.enabled:
                raise Conflict("The digest here is already on.")
            schedule.enabled = True
        elif cmd.action == "unchanged":
            schedule.unchanged = cmd.unchanged or "line"
        else:
            schedule.at_time = cmd.at or schedule.at_time
            schedule.timezone = cmd.timezone if cmd.timezone else schedule.timezone
            schedule.days = cmd.days or schedule.days
            schedule.enabled = True
        schedule.launch_id = launch.id
        schedule.updated_by, schedule.updated_at = ctx.user_id, ctx.now
        after = {
            "at": schedule.at_time,
            "timezone": schedule.timezone,
            "days": schedule.days,
            "enabled": schedule.enabled,
            "unchanged": schedule.unchanged,
        }
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="digest.changed",
            before={**before, "channel": ctx.channel_id},
            after={**after, "channel": ctx.channel_id},
        )
        return Message("✓ " + _describe(schedule, launch, ctx.now))


def _default(ctx: Context, launch: Launch) -> DigestSchedule:
    assert ctx.channel_id is not None and launch.id is not None
    return DigestSchedule(
        team_id=ctx.team_id,
        channel_id=ctx.channel_id,
        launch_id=launch.id,
        updated_by=ctx.user_id,
        updated_at=ctx.now,
    )


def remind(store: Store, ctx: Context, cmd: v.Remind) -> Message:
    if cmd.enabled is None:
        with store.read() as session:
            enabled = digests.reminders_enabled(session, ctx.team_id, ctx.user_id)
        state = "on" if enabled else "off"
        return Message(
            f"Your daily reminder about overdue items is {state}. Change it: `/ready remind on|off`."
        )
    with writing(store, ctx) as session:
        digests.set_reminders(session, ctx.team_id, ctx.user_id, cmd.enabled, ctx.now)
    if cmd.enabled:
        return Message("✓ You will get one direct message a day listing your overdue items.")
    return Message(
        "✓ No more daily reminders about overdue items. Turn them back on: `/ready remind on`."
    )
