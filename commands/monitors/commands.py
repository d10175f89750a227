"""`/ready monitor …`: add, list, show, pause, resume, remove, test, snooze, acknowledge.

Adding and changing monitors is for launch owners and admins. Acknowledging and snoozing an
alert are for anyone: they silence notifications for the people on call, never the checks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from commands.audit import record
from commands.context import Context
from commands.errors import CommandError, Conflict, UsageError
from commands.items.find import find_item
from commands.launching import current_launch
from commands.monitors.apply import save_state
from commands.monitors.draft import MonitorDraft
from commands.monitors.state import (
    NotDown,
    acknowledge,
    describe,
    maintenance,
    pause,
    resume,
    snooze,
)
from commands.monitors.state_json import load_state
from commands.permissions import require_launch_admin
from commands.replies import Message
from commands.text import user
from commands.wording import duration
from commands.writes import writing
from storage import items, launches
from storage import monitors as rows
from storage.engine import Session, Store
from storage.models import Launch, Monitor, MonitorEvent
from storage.vocabulary import is_slack_channel

PUBLIC_URL_HINT = "<readybot's public URL>"


def list_monitors(store: Store, ctx: Context) -> Message:
    with store.read() as session:
        launch = current_launch(session, ctx)
        return Message(_list(session, launch, ctx.now))


def show(store: Store, ctx: Context, *, number: int) -> Message:
    with store.read() as session:
        launch = current_launch(session, ctx)
        return Message(_show(session, _get(session, launch, number), ctx.now))


def add(store: Store, ctx: Context, *, draft: MonitorDraft) -> Message:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        require_launch_admin(ctx, launch, action="add monitors")
        return Message(_add(session, ctx, launch, draft, ctx.public_url))


def _owned(store: Store, ctx: Context, number: int, action: str, change: _Change) -> Message:
    """Change one monitor as its launch's owner or an admin."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        found = _get(session, launch, number, lock=True)
        require_launch_admin(ctx, launch, action=f"{action} monitors")
        return Message(change(session, launch, found))


def pause_monitor(store: Store, ctx: Context, *, number: int) -> Message:
    return _owned(
        store, ctx, number, "pause", lambda s, launch, m: _change(s, ctx, launch, m, "pause")
    )


def resume_monitor(store: Store, ctx: Context, *, number: int) -> Message:
    return _owned(
        store, ctx, number, "resume", lambda s, launch, m: _change(s, ctx, launch, m, "resume")
    )


def remove(store: Store, ctx: Context, *, number: int) -> Message:
    return _owned(
        store, ctx, number, "remove", lambda s, launch, m: _change(s, ctx, launch, m, "remove")
    )


def maintain(store: Store, ctx: Context, *, number: int, seconds: float) -> Message:
    return _owned(
        store,
        ctx,
        number,
        "maintenance",
        lambda s, launch, m: _change(s, ctx, launch, m, "maintenance", seconds),
    )


def snooze_alerts(
    store: Store, ctx: Context, *, number: int, seconds: float, reason: str
) -> Message:
    """Anyone may snooze an alert: it silences notifications, never the checks."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        found = _get(session, launch, number, lock=True)
        return Message(_snooze(session, ctx, launch, found, seconds, reason))


def acknowledge_outage(store: Store, ctx: Context, *, number: int, reason: str) -> Message:
    """Anyone may acknowledge an outage: no more reminders for it."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        found = _get(session, launch, number, lock=True)
        return Message(_acknowledge(session, ctx, launch, found, reason))


_Change = Callable[[Session, Launch, Monitor], str]


def _get(session: Session, launch: Launch, number: int, *, lock: bool = False) -> Monitor:
    found = (
        rows.lock(session, monitor_id=number or 0)
        if lock
        else rows.get_monitor(session, monitor_id=number or 0)
    )
    if found is None or found.launch_id != launch.id:
        raise UsageError(
            f"There is no monitor {number} in {launch.name}; see `/ready monitor list`.",
            usage_verb="monitor",
        )
    return found


def _audit(
    session: Session,
    ctx: Context,
    launch: Launch,
    mon: Monitor,
    action: str,
    note: str | None = None,
) -> None:
    record(
        session,
        ctx,
        launch_id=launch.id,
        action=f"monitor.{action}",
        after={"monitor": mon.id, "name": mon.name, "kind": mon.kind},
        note=note,
    )


def _add(
    session: Session, ctx: Context, launch: Launch, draft: MonitorDraft, public_url: str | None
) -> str:
    assert launch.id is not None
    item_id = None
    if draft.item:
        item_id, _ = find_item(session, launch.id, draft.item, split=False, verb="monitor")
    channel = ctx.channel_id if ctx.channel_id and is_slack_channel(ctx.channel_id) else None
    channel = channel or next(
        (c for c in launches.channels_of(session, launch_id=launch.id) if is_slack_channel(c)), None
    )
    mon = Monitor(
        team_id=ctx.team_id,
        launch_id=launch.id,
        channel_id=channel,
        kind=draft.kind,
        name=draft.name,
        params=draft.params,
        item_id=item_id,
        interval_seconds=draft.interval,
        fail_after=draft.fail_after,
        recover_after=draft.recover_after,
        next_check_at=ctx.now,
        token=secrets.token_urlsafe(24) if draft.kind == "heartbeat" else None,
        created_by=ctx.user_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    if rows.by_name(session, launch_id=launch.id, name=draft.name):
        raise Conflict(f"{launch.name} already has a monitor for {draft.name}.")
    rows.add_monitor(session, monitor=mon)
    _audit(session, ctx, launch, mon, "added")
    linked = ""
    if item_id is not None:
        item = items.find_item(session, item_id=item_id)
        linked = f", linked to {item.key} (blocked while down)" if item else ""
    text = (
        f"✓ Monitor {mon.id}: {draft.kind} {draft.name}, checked every {duration(draft.interval)}"
        f"{linked}. Down after {draft.fail_after} failed check(s), up after {draft.recover_after} good one(s)."
    )
    if mon.token:
        base = (public_url or PUBLIC_URL_HINT).rstrip("/")
        text += (
            f"\nHave the job call `POST {base}/hooks/heartbeat/{mon.token}` when it succeeds "
            f"(`…/start` when it starts, `…/fail` or `…/<exit code>` when it fails). Keep this URL secret."
        )
    if not channel:
        text += (
            "\nNote: no Slack channel is bound to this launch, so alerts have nowhere to go yet."
        )
    return text


def _change(
    session: Session,
    ctx: Context,
    launch: Launch,
    mon: Monitor,
    action: str,
    duration: float | None = None,
) -> str:
    state = load_state(mon.state)
    if action == "pause":
        if state.paused:
            raise Conflict(f"Monitor {mon.id} is already paused.")
        state = pause(state)
    elif action == "resume":
        if not state.paused:
            raise Conflict(f"Monitor {mon.id} is not paused.")
        state = resume(state)
        mon.next_check_at = ctx.now
    elif action == "maintenance":
        until = ctx.now + timedelta(seconds=duration or 0)
        state = maintenance(state, until=until, now=ctx.now)
        save_state(mon, state, ctx.now)
        _audit(session, ctx, launch, mon, "maintenance", f"until {until:%Y-%m-%d %H:%M} UTC")
        return (
            f"✓ Monitor {mon.id} ({mon.name}) is in maintenance until {until:%b %d %H:%M} UTC: checks go on, "
            "alerts wait."
        )
    elif action == "remove":
        _audit(session, ctx, launch, mon, "removed")
        rows.delete_monitor(session, monitor=mon)
        return f"✓ Removed monitor {mon.id} ({mon.name}). Its alerts stay in the channel's history."
    save_state(mon, state, ctx.now)
    _audit(session, ctx, launch, mon, action + "d" if action.endswith("e") else action + "ed")
    return f"✓ Monitor {mon.id} ({mon.name}) is {'paused: no checks until resumed' if state.paused else 'running again'}."


def _acknowledge(session: Session, ctx: Context, launch: Launch, mon: Monitor, reason: str) -> str:
    state = load_state(mon.state)
    try:
        state = acknowledge(state, by=ctx.user_id, reason=reason, now=ctx.now)
    except NotDown:
        raise Conflict(
            f"Monitor {mon.id} ({mon.name}) is not down; there is nothing to acknowledge."
        ) from None
    save_state(mon, state, ctx.now)
    _audit(session, ctx, launch, mon, "acknowledged", reason)
    rows.add_event(
        session,
        event=MonitorEvent(
            team_id=ctx.team_id,
            launch_id=launch.id,
            monitor_id=mon.id,
            monitor_name=mon.name,
            kind="acknowledged",
            detail=reason,
            notify=False,
            at=ctx.now,
            outage_id=mon.state.get("outage_id"),
        ),
    )
    return (
        f"✓ {user(ctx.user_id)} acknowledged monitor {mon.id} ({mon.name}): no more reminders "
        "for this outage."
    )


def _snooze(
    session: Session, ctx: Context, launch: Launch, mon: Monitor, seconds: float, reason: str
) -> str:
    until = ctx.now + timedelta(seconds=seconds)
    state = snooze(load_state(mon.state), until=until, now=ctx.now)
    save_state(mon, state, ctx.now)
    _audit(session, ctx, launch, mon, "snoozed", f"until {until:%Y-%m-%d %H:%M} UTC: {reason}")
    return (
        f"✓ Monitor {mon.id} ({mon.name}) is snoozed until {until:%b %d %H:%M} UTC ({reason}). "
        "Checks go on; notifications wait."
    )


def test(store: Store, ctx: Context, *, number: int) -> Message:
    with store.read() as session:
        launch = current_launch(session, ctx)
        mon = _get(session, launch, number)
    if ctx.check_monitor is None:
        raise CommandError(
            "Checks run where readybot serves (`readybot serve` or `make run`), not here."
        )
    return Message(f"Monitor {mon.id} ({mon.name}), checked now: {ctx.check_monitor(mon.id or 0)}")


def _list(session: Session, launch: Launch, now: datetime) -> str:
    assert launch.id is not None
    found = rows.for_launch(session, launch_id=launch.id)
    if not found:
        return f"{launch.name} has no monitors. Add one: `/ready monitor add https://…/health item <item>`."
    icons = {"up": "🟢", "down": "🔴", "pending": "⚪", "paused": "⏸", "maintenance": "🛠"}
    lines = [f"Monitors of {launch.name}:"]
    for mon in found:
        state = load_state(mon.state)
        lines.append(
            f"{icons.get(mon.status, '⚪')} {mon.id:>3}  {mon.kind:<9} {mon.name}  —  {describe(state, now)}"
        )
    return "\n".join(lines)


def _show(session: Session, mon: Monitor, now: datetime) -> str:
    state = load_state(mon.state)
    item = items.find_item(session, item_id=mon.item_id) if mon.item_id else None
    lines = [
        f"Monitor {mon.id}: {mon.kind} {mon.name}",
        f"  {describe(state, now)}",
        f"  Every {duration(mon.interval_seconds)}; down after {mon.fail_after} failures, up after "
        f"{mon.recover_after} successes; next check {max(mon.next_check_at, now):%H:%M:%S} UTC.",
    ]
    if item is not None:
        lines.append(
            f"  Linked to {item.key} “{item.title}”"
            + (" (blocked by this monitor)" if mon.blocked_item else "")
        )
    settings = ", ".join(
        f"{k}={v}"
        for k, v in mon.params.items()
        if v is not None and k not in ("url", "host", "name")
    )
    if settings:
        lines.append(f"  Settings: {settings}")
    return "\n".join(lines)
