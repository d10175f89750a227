"""Launches: finding the channel's launch, and the `launch` and `launches` verbs."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from commands import wording
from commands.audit import record
from commands.context import Context
from commands.dates import DateError, parse_date
from commands.errors import Conflict, LaunchHint, Missing, NoLaunch, UsageError
from commands.model import DateText
from commands.notify import announce
from commands.permissions import require_launch_admin
from commands.replies import Announcement, LaunchesReply, LaunchReply, LaunchSummary, LaunchView
from commands.scoring import score, summarise
from commands.text import plural, user
from commands.writes import writing
from storage import items
from storage import launches as rows
from storage.audit import snapshot
from storage.engine import Session, Store
from storage.models import Event, Launch
from storage.vocabulary import Scenario


class LaunchField(StrEnum):
    """What `launch <field> <value>` changes."""

    TARGET_DATE = "target_date"
    SCENARIO = "scenario"
    TIMEZONE = "timezone"
    OWNER = "owner"
    BAR = "bar"
    REQUIRE_VERIFIED = "require_verified_critical"


LAUNCH_FIELDS = (
    "name",
    "target_date",
    "timezone",
    "scenario",
    "owner",
    "bar",
    "require_verified_critical",
)


def local_today(ctx: Context, launch: Launch | None) -> date:
    zone = ZoneInfo(launch.timezone if launch else ctx.default_timezone)
    return ctx.now.astimezone(zone).date()


def resolve_date(text: DateText, today: date, verb: str) -> date:
    try:
        return parse_date(text.text, today=today)
    except DateError as exc:
        raise UsageError(str(exc), usage_verb=verb) from exc


def _names(launches: list[Launch]) -> str:
    return ", ".join(launch.name for launch in launches[:10]) + (" …" if len(launches) > 10 else "")


def _hint(missing: Missing, launches: list[Launch], name: str | None = None) -> LaunchHint:
    shown = tuple(launch.name for launch in launches[:10])
    return LaunchHint(missing, shown, len(launches) - len(shown), name)


def find_launch(session: Session, ctx: Context, name: str) -> Launch:
    found = rows.launch_by_name(session, team_id=ctx.team_id, name=name)
    if found:
        return found
    all_launches = rows.launches(session, team_id=ctx.team_id)
    key = rows.name_key(name)
    prefixed = [launch for launch in all_launches if launch.name_key.startswith(key)]
    if len(prefixed) == 1:
        return prefixed[0]
    known = f" Launches: {_names(all_launches)}." if all_launches else " There are no launches yet."
    raise NoLaunch(
        f"No launch called “{name}”.{known}",
        usage_verb="launch",
        hint=_hint(Missing.UNKNOWN_NAME, all_launches, name),
    )


def current_launch(
    session: Session, ctx: Context, name: str | None = None, *, lock: bool = False
) -> Launch:
    """The launch a command acts on: the named one, the channel's, or the workspace's only one.

    Writers pass `lock=True`: every write to a launch and its items takes the launch
    row first, so writers queue in one order and never deadlock.
    """
    if ctx.launch_id is not None and not name:
        launch = rows.get_launch(session, launch_id=ctx.launch_id)
        if launch is None or launch.team_id != ctx.team_id:
            raise NoLaunch("That launch no longer exists.", hint=LaunchHint(Missing.GONE))
    else:
        launch = (
            find_launch(session, ctx, name)
            if name
            else rows.launch_for_channel(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        )
    if launch is None:
        all_launches = rows.launches(session, team_id=ctx.team_id)
        if len(all_launches) == 1:
            launch = all_launches[0]
        elif not all_launches:
            raise NoLaunch(
                "There is no launch yet. Create one: `/ready launch new <name> [date <date>]`, "
                "or import an assessment: `/ready import <markdown>`.",
                hint=LaunchHint(Missing.NO_LAUNCHES),
            )
        else:
            raise NoLaunch(
                f"This channel has no launch. Bind one: `/ready launch use <name>` (launches: {_names(all_launches)}).",
                hint=_hint(Missing.UNBOUND, all_launches),
            )
    if lock:
        assert launch.id is not None
        launch = rows.lock_launch(session, launch_id=launch.id)
    return launch


def view(session: Session, launch: Launch) -> LaunchView:
    assert launch.id is not None
    return LaunchView.of(launch, rows.channels_of(session, launch_id=launch.id))


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
    if rows.launch_by_name(session, team_id=ctx.team_id, name=name):
        raise Conflict(
            f"A launch called “{name}” already exists. To use it here: `/ready launch use {name}`."
        )
    rows.ensure_workspace(session, team_id=ctx.team_id, now=ctx.now)
    launch = Launch(
        team_id=ctx.team_id,
        name=name,
        name_key=rows.name_key(name),
        target_date=target_date,
        timezone=timezone or ctx.default_timezone,
        owner=ctx.user_id,
        created_by=ctx.user_id,
        created_at=ctx.now,
        updated_at=ctx.now,
        scenario=scenario or Scenario.INTERNET_FACING.value,
    )
    rows.add_launch(session, launch=launch)
    created = record(
        session,
        ctx,
        launch_id=launch.id,
        action="launch.created",
        after=snapshot(launch, LAUNCH_FIELDS),
        flush=True,
    )
    return launch, created


def launch_new(
    store: Store,
    ctx: Context,
    *,
    name: str,
    target_date: DateText | None = None,
    scenario: str | None = None,
    timezone: str | None = None,
) -> LaunchReply:
    with writing(store, ctx) as session:
        today = (
            local_today(ctx, None)
            if timezone is None
            else ctx.now.astimezone(ZoneInfo(timezone)).date()
        )
        target = resolve_date(target_date, today, "launch") if target_date else None
        launch, created = create_launch(
            session,
            ctx,
            name=name,
            target_date=target,
            scenario=scenario,
            timezone=timezone,
        )
        bound = False
        if (
            ctx.channel_id
            and rows.launch_for_channel(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
            is None
        ):
            _bind(session, ctx, launch)
            bound = True
        assert launch.id is not None and created.id is not None
        news = LaunchReply(
            view(session, launch), "created", ctx.user_id, announce=True, actor_name=ctx.user_name
        )
        announce(
            session, ctx, launch_id=launch.id, event_id=created.id, what=Announcement(launch=news)
        )
        detail = "bound to this channel" if bound else None
        return LaunchReply(
            view(session, launch),
            "created",
            ctx.user_id,
            detail,
            announce=True,
            actor_name=ctx.user_name,
        )


def _bind(session: Session, ctx: Context, launch: Launch) -> None:
    assert ctx.channel_id is not None and launch.id is not None
    previous = rows.bind_channel(
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


def launch_use(store: Store, ctx: Context, *, name: str) -> LaunchReply:
    if not ctx.channel_id:
        raise UsageError(
            "`launch use` binds the current channel, and there is none here.", usage_verb="launch"
        )
    with writing(store, ctx) as session:
        launch = find_launch(session, ctx, name)
        bound = rows.launch_for_channel(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        if bound is not None and bound.id == launch.id:
            raise Conflict(f"This channel already follows {launch.name}.")
        if bound is not None:
            require_launch_admin(ctx, bound, action=f"move this channel away from {bound.name}")
        _bind(session, ctx, launch)
        count, _ = items.count_items(session, launch_id=launch.id or 0)
        return LaunchReply(
            view(session, launch), "bound", ctx.user_id, announce=True, item_count=count
        )


def launch_show(store: Store, ctx: Context) -> LaunchReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        count, _ = items.count_items(session, launch_id=launch.id or 0)
        return LaunchReply(view(session, launch), "shown", ctx.user_id, item_count=count)


def launch_set(
    store: Store,
    ctx: Context,
    *,
    field: LaunchField,
    date: DateText | None = None,
    text: str | None = None,
) -> LaunchReply:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        require_launch_admin(ctx, launch, action="change the launch")
        value: object
        if field == LaunchField.TARGET_DATE:
            assert date is not None
            value = resolve_date(date, local_today(ctx, launch), "launch")
        elif field == LaunchField.OWNER and text == "me":
            value = ctx.user_id
        elif field == LaunchField.BAR:
            value = int(text or 0)
        elif field == LaunchField.REQUIRE_VERIFIED:
            value = text == "yes"
        else:
            value = text
        if getattr(launch, field.value) == value:
            raise Conflict(f"{launch.name} already has that {field.value.replace('_', ' ')}.")
        before = snapshot(launch, (field.value,))
        setattr(launch, field.value, value)
        rows.touch(launch, now=ctx.now)
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="launch.changed",
            before=before,
            after=snapshot(launch, (field.value,)),
        )
        raised = 0
        if field == LaunchField.SCENARIO:
            # Imported here: item changes find their launch through this module.
            from commands.items.critical import apply_scenario

            raised = apply_scenario(session, ctx, launch)
        moved = 0
        if field == LaunchField.TARGET_DATE:
            from commands.items.relative import move_with_target

            moved = move_with_target(session, ctx, launch)
        detail = {
            "target_date": "target date "
            + (wording.day(launch.target_date) if launch.target_date else "cleared")
            + (f" ({plural(moved, 'due date')} moved with it)" if moved else ""),
            "scenario": f"scenario {value}"
            + (f" ({plural(raised, 'item')} changed priority with it)" if raised else ""),
            "timezone": f"timezone {value}",
            "owner": f"owner {user(str(value))}",
            "bar": f"the score needed for GO: {value}",
            "require_verified_critical": "critical items must be verified for GO"
            if value
            else "critical items claimed done count as done",
        }[field.value]
        return LaunchReply(
            view(session, launch),
            "changed",
            ctx.user_id,
            detail,
            announce=True,
            actor_name=ctx.user_name,
        )


def launches(store: Store, ctx: Context) -> LaunchesReply:
    with store.read() as session:
        current = rows.launch_for_channel(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        summaries = []
        for launch in rows.launches(session, team_id=ctx.team_id):
            assert launch.id is not None
            today = local_today(ctx, launch)
            tallies = summarise(
                items.status_counts(
                    session, launch_id=launch.id, scenario=launch.scenario, today=today
                )
            ).tallies
            count, open_count = items.count_items(session, launch_id=launch.id)
            summaries.append(
                LaunchSummary(view(session, launch), count, open_count, score(tallies).percent)
            )
        return LaunchesReply(tuple(summaries), current.id if current else None)
