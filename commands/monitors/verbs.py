"""`/ready monitor …`: add, list, show, pause, resume, remove, test, snooze, acknowledge.

Adding and changing monitors is for launch owners and admins. Acknowledging and snoozing an
alert are for anyone: they silence notifications for the people on call, never the checks.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session

from commands import verbs as v
from commands.audit import record
from commands.context import Context
from commands.errors import CommandError, Conflict, UsageError
from commands.items import find_item
from commands.launching import current_launch
from commands.monitors.draft import MonitorDraft, describe_duration, draft_from_words
from commands.monitors.state import (
    NotDown,
    acknowledge,
    describe,
    maintenance,
    pause,
    resume,
    snooze,
)
from commands.monitors.state_json import dump_state, load_state
from commands.permissions import require_launch_admin
from commands.replies import Message
from commands.text import user
from commands.writes import writing
from storage import monitors as rows
from storage import queries
from storage.digests import is_slack_channel
from storage.engine import Store
from storage.models import Item, Launch, Monitor, MonitorEvent

PUBLIC_URL_HINT = "<readybot's public URL>"


def monitor(
    store: Store, ctx: Context, cmd: v.Monitor, *, public_url: str | None = None
) -> Message:
    if cmd.action == "list":
        with store.read() as session:
            launch = current_launch(session, ctx)
            return Message(_list(session, launch, ctx.now))
    if cmd.action == "show":
        with store.read() as session:
            launch = current_launch(session, ctx)
            return Message(_show(session, _get(session, launch, cmd.monitor), ctx.now))
    if cmd.action == "test":
        return _test(store, ctx, cmd)
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        if cmd.action == "add":
            require_launch_admin(ctx, launch, action="add monitors")
            return Message(_add(session, ctx, launch, draft_from_words(cmd.spec or ""), public_url))
        found = _get(session, launch, cmd.monitor, lock=True)
        if cmd.action in ("snooze", "ack"):
            return Message(_silence(session, ctx, launch, found, cmd))
        require_launch_admin(ctx, launch, action=f"{cmd.action} monitors")
        return Message(_change(session, ctx, launch, found, cmd.action, cmd.duration))


def _get(session: Session, launch: Launch, number: int | None, *, lock: bool = False) -> Monitor:
    found = rows.lock(session, number or 0) if lock else session.get(Monitor, number or 0)
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
        (c for c in queries.channels_of(session, launch.id) if is_slack_channel(c)), None
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
    if rows.by_name(session, launch.id, draft.name):
        raise Conflict(f"{launch.name} already has a monitor for {draft.name}.")
    session.add(mon)
    session.flush()
    _audit(session, ctx, launch, mon, "added")
    linked = ""
    if item_id is not None:
        item = session.get(Item, item_id)
        linked = f", linked to {item.key} (blocked while down)" if item else ""
    text = (
        f"✓ Monitor {mon.id}: {draft.kind} {draft.name}, checked every {describe_duration(draft.interval)}"
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
        session.delete(mon)
        return f"✓ Removed monitor {mon.id} ({mon.name}). Its alerts stay in the channel's history."
    save_state(mon, state, ctx.now)
    _audit(session, ctx, launch, mon, action + "d" if action.endswith("e") else action + "ed")
    return f"✓ Monitor {mon.id} ({mon.name}) is {'paused: no checks until resumed' if state.paused else 'running again'}."


def _silence(session: Session, ctx: Context, launch: Launch, mon: Monitor, cmd: v.Monitor) -> str:
    state = load_state(mon.state)
    if cmd.action == "ack":
        try:
            state = acknowledge(state, by=ctx.user_id, reason=cmd.reason, now=ctx.now)
        except NotDown:
            raise Conflict(
                f"Monitor {mon.id} ({mon.name}) is not down; there is nothing to acknowledge."
            ) from None
        save_state(mon, state, ctx.now)
        _audit(session, ctx, launch, mon, "acknowledged", cmd.reason)
        session.add(
            MonitorEvent(
                team_id=ctx.team_id,
                launch_id=launch.id,
                monitor_id=mon.id,
                monitor_name=mon.name,
                kind="acknowledged",
                detail=cmd.reason or "",
                notify=False,
                at=ctx.now,
                outage_id=mon.state.get("outage_id"),
            )
        )
        return f"✓ {user(ctx.user_id)} acknowledged monitor {mon.id} ({mon.name}): no more reminders for this outage."
    until = ctx.now + timedelta(seconds=cmd.duration or 0)
    state = snooze(state, until=until, now=ctx.now)
    save_state(mon, state, ctx.now)
    _audit(session, ctx, launch, mon, "snoozed", f"until {until:%Y-%m-%d %H:%M} UTC: {cmd.reason}")
    return (
        f"✓ Monitor {mon.id} ({mon.name}) is snoozed until {until:%b %d %H:%M} UTC ({cmd.reason}). "
        "Checks go on; notifications wait."
    )


def save_state(mon: Monitor, state: object, now: datetime, *, outage_id: int | None = None) -> None:
    """Write a MonitorState into the row (and its status and paused copies); `outage_id`
    records the open outage's `down` event, kept while the outage lasts."""
    data = dump_state(state)  # type: ignore[arg-type]
    outage = outage_id if outage_id is not None else mon.state.get("outage_id")
    if outage is not None and getattr(state, "down_since", None) is not None:
        data["outage_id"] = outage
    mon.state = data
    mon.status = state.status.value  # type: ignore[attr-defined]
    mon.paused = state.paused  # type: ignore[attr-defined]
    mon.updated_at = now
    mon.version += 1


def _test(store: Store, ctx: Context, cmd: v.Monitor) -> Message:
    with store.read() as session:
        launch = current_launch(session, ctx)
        mon = _get(session, launch, cmd.monitor)
    if ctx.check_monitor is None:
        raise CommandError(
            "Checks run where readybot serves (`readybot serve` or `make run`), not here."
        )
    return Message(f"Monitor {mon.id} ({mon.name}), checked now: {ctx.check_monitor(mon.id or 0)}")


def _list(session: Session, launch: Launch, now: datetime) -> str:
    assert launch.id is not None
    found = rows.for_launch(session, launch.id)
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
    item = session.get(Item, mon.item_id) if mon.item_id else None
    lines = [
        f"Monitor {mon.id}: {mon.kind} {mon.name}",
        f"  {describe(state, now)}",
        f"  Every {describe_duration(mon.interval_seconds)}; down after {mon.fail_after} failures, up after "
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
