"""Launches: finding the channel's launch, and the `launch` and `launches` verbs."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands import verbs as v
from commands.announce import announce
from commands.audit import record
from commands.context import Context
from commands.dates import DateError, parse_date
from commands.errors import Conflict, NoLaunch, UsageError
from commands.permissions import require_launch_admin
from commands.replies import LaunchesReply, LaunchReply, LaunchSummary, LaunchView
from commands.scoring import score, summarise
from commands.text import user
from commands.writes import writing
from storage import queries
from storage.audit import snapshot
from storage.engine import Store
from storage.models import Event, Launch

LAUNCH_FIELDS = ("name", "target_date", "timezone", "scenario", "owner")


def local_today(ctx: Context, launch: Launch | None) -> date:
    zone = ZoneInfo(launch.timezone if launch else ctx.default_timezone)
    return ctx.now.astimezone(zone).date()


def resolve_date(text: v.DateText, today: date, verb: str) -> date:
    try:
        return parse_date(text.text, today=today)
    except DateError as exc:
        raise UsageError(str(exc), usage_verb=verb) from exc


def _names(launches: list[Launch]) -> str:
    return ", ".join(launch.name for launch in launches[:10]) + (" …" if len(launches) > 10 else "")


def find_launch(session: Session, ctx: Context, name: str) -> Launch:
    found = queries.launch_by_name(session, ctx.team_id, name)
    if found:
        return found
    all_launches = queries.launches(session, ctx.team_id)
    key = queries.name_key(name)
    prefixed = [launch for launch in all_launches if launch.name_key.startswith(key)]
    if len(prefixed) == 1:
        return prefixed[0]
    known = f" Launches: {_names(all_launches)}." if all_launches else " There are no launches yet."
    raise NoLaunch(f"No launch called “{name}”.{known}", usage_verb="launch")


def current_launch(
    session: Session, ctx: Context, name: str | None = None, *, lock: bool = False
) -> Launch:
    """The launch a command acts on: the named one, the channel's, or the workspace's only one.

    Writers pass `lock=True`: every write to a launch and its items takes the launch
    row first, so writers queue in one order and never deadlock.
    """
    if ctx.launch_id is not None and not name:
        launch = session.get(Launch, ctx.launch_id)
        if launch is None or launch.team_id != ctx.team_id:
            raise NoLaunch("That launch no longer exists.")
    else:
        launch = (
            find_launch(session, ctx, name)
            if name
            else queries.launch_for_channel(session, ctx.team_id, ctx.channel_id)
        )
    if launch is None:
        all_launches = queries.launches(session, ctx.team_id)
        if len(all_launches) == 1:
            launch = all_launches[0]
        elif not all_launches:
            raise NoLaunch(
                "There is no launch yet. Create one: `/ready launch new <name> [date <date>]`, "
                "or import an assessment: `/ready import <markdown>`."
            )
        else:
            raise NoLaunch(
                f"This channel has no launch. Bind one: `/ready launch use <name>` (launches: {_names(all_launches)})."
            )
    if lock:
        assert launch.id is not None
        launch = queries.lock_launch(session, launch.id)
    return launch


def view(session: Session, launch: Launch) -> LaunchView:
    assert launch.id is not None
    return LaunchView.of(launch, queries.channels_of(session, launch.id))


def create_launch(
    session: Session,
    ctx: Context,
    *,
    name: str,
    target_date: date | None = None,
    scenario: str | None = None,
    timezone: str | None = None,
) -> tuple[Launch, Event]:
    """A new launch owned by the caller, and its audit event."""
    if queries.launch_by_name(session, ctx.team_id, name):
        raise Conflict(
            f"A launch called “{name}” already exists. To use it here: `/ready launch use {name}`."
        )
    queries.ensure_workspace(session, ctx.team_id, ctx.now)
    launch = Launch(
        team_id=ctx.team_id,
        name=name,
        name_key=queries.name_key(name),
        target_date=target_date,
        timezone=timezone or ctx.default_timezone,
        owner=ctx.user_id,
        created_by=ctx.user_id,
        created_at=ctx.now,
        updated_at=ctx.now,
        **({"scenario": scenario} if scenario else {}),
    )
    session.add(launch)
    session.flush()
    created = record(
        session,
        ctx,
        launch_id=launch.id,
        action="launch.created",
        after=snapshot(launch, LAUNCH_FIELDS),
    )
    return launch, created


def launch_new(store: Store, ctx: Context, cmd: v.LaunchNew) -> LaunchReply:
    with writing(store, ctx) as session:
        today = (
            local_today(ctx, None)
            if cmd.timezone is None
            else ctx.now.astimezone(ZoneInfo(cmd.timezone)).date()
        )
        target = resolve_date(cmd.target_date, today, "launch") if cmd.target_date else None
        launch, created = create_launch(
            session,
            ctx,
            name=cmd.name,
            target_date=target,
            scenario=cmd.scenario,
            timezone=cmd.timezone,
        )
        bound = False
        if (
            ctx.channel_id
            and queries.launch_for_channel(session, ctx.team_id, ctx.channel_id) is None
        ):
            _bind(session, ctx, launch)
            bound = True
        announce(session, ctx, launch, created)
        detail = "bound to this channel" if bound else None
        return LaunchReply(view(session, launch), "created", ctx.user_id, detail, announce=True)


def _bind(session: Session, ctx: Context, launch: Launch) -> None:
    assert ctx.channel_id is not None and launch.id is not None
    previous = queries.bind_channel(
        session,
        team_id=ctx.team_id,
        channel_id=ctx.channel_id,
        launch_id=launch.id,
        actor=ctx.user_id,
        now=ctx.now,
    )
    record(
        session,
        ctx,
        launch_id=launch.id,
        action="launch.bound",
        before={"channel": ctx.channel_id, "launch_id": previous},
        after={"channel": ctx.channel_id, "launch_id": launch.id},
    )


def launch_use(store: Store, ctx: Context, cmd: v.LaunchUse) -> LaunchReply:
    if not ctx.channel_id:
        raise UsageError(
            "`launch use` binds the current channel, and there is none here.", usage_verb="launch"
        )
    with writing(store, ctx) as session:
        launch = find_launch(session, ctx, cmd.name)
        bound = queries.launch_for_channel(session, ctx.team_id, ctx.channel_id)
        if bound is not None and bound.id == launch.id:
            raise Conflict(f"This channel already follows {launch.name}.")
        if bound is not None:
            require_launch_admin(ctx, bound, action=f"move this channel away from {bound.name}")
        _bind(session, ctx, launch)
        count, _ = queries.count_items(session, launch.id or 0)
        return LaunchReply(
            view(session, launch), "bound", ctx.user_id, announce=True, item_count=count
        )


def launch_show(store: Store, ctx: Context) -> LaunchReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        count, _ = queries.count_items(session, launch.id or 0)
        return LaunchReply(view(session, launch), "shown", ctx.user_id, item_count=count)


def launch_set(store: Store, ctx: Context, cmd: v.LaunchSet) -> LaunchReply:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        require_launch_admin(ctx, launch, action="change the launch")
        value: object
        if cmd.field == "target_date":
            assert cmd.date is not None
            value = resolve_date(cmd.date, local_today(ctx, launch), "launch")
        elif cmd.field == "owner" and cmd.text == "me":
            value = ctx.user_id
        else:
            value = cmd.text
        if getattr(launch, cmd.field) == value:
            raise Conflict(f"{launch.name} already has that {cmd.field.replace('_', ' ')}.")
        before = snapshot(launch, (cmd.field,))
        setattr(launch, cmd.field, value)
        launch.updated_at = ctx.now
        launch.revision += 1
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="launch.changed",
            before=before,
            after=snapshot(launch, (cmd.field,)),
        )
        detail = {
            "target_date": f"target date {value}",
            "scenario": f"scenario {value}",
            "timezone": f"timezone {value}",
            "owner": f"owner {user(str(value))}",
        }[cmd.field]
        return LaunchReply(view(session, launch), "changed", ctx.user_id, detail, announce=True)


def launches(store: Store, ctx: Context) -> LaunchesReply:
    with store.read() as session:
        current = queries.launch_for_channel(session, ctx.team_id, ctx.channel_id)
        summaries = []
        for launch in queries.launches(session, ctx.team_id):
            assert launch.id is not None
            today = local_today(ctx, launch)
            tallies = summarise(
                queries.status_counts(session, launch.id, launch.scenario, today)
            ).tallies
            count, open_count = queries.count_items(session, launch.id)
            summaries.append(
                LaunchSummary(view(session, launch), count, open_count, score(tallies).percent)
            )
        return LaunchesReply(tuple(summaries), current.id if current else None)
