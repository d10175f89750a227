"""`/ready monitor …`: add, list, show, pause, resume, remove, test, snooze, acknowledge.

Adding and changing monitors is for launch owners and admins. Acknowledging and snoozing an
alert are for anyone: they silence notifications for the people on call, never the checks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from commands.audit import record
from commands.context import Context
from commands.errors import CommandError, Conflict, NotAllowed, UsageError
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
from commands.wording import duration, latency
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
    """Add a monitor, as the launch's owner or an admin. A target the outbound policy or
    READYBOT_BACKUP_PATHS refuses is refused now, with the reason and the setting that
    would allow it (vetted outside the write transaction: it may resolve a name)."""
    if ctx.vet_monitor is not None:
        with store.read() as session:
            require_launch_admin(ctx, current_launch(session, ctx), action="add monitors")
        refused = ctx.vet_monitor(draft)
        if refused is not None:
            raise NotAllowed(f"readybot will not monitor {draft.name}: {refused}.")
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
        item_id, _ = find_item(session, launch, draft.item, split=False, verb="monitor")
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
        linked = f"linked to {item.key}, which it blocks while down" if item else ""
    rules = _sentence(
        _schedule(draft.kind, draft.interval),
        thresholds(draft.kind, draft.fail_after, draft.recover_after),
        linked,
    )
    text = f"✓ Monitor {mon.id}: {what_it_checks(draft.kind, draft.name, draft.params)}.\n{rules}."
    if mon.token:
        base = (public_url or PUBLIC_URL_HINT).rstrip("/")
        text += (
            f"\nHave the job call `POST {base}/hooks/heartbeat/{mon.token}` when it succeeds "
            f"(`…/start` when it starts, `…/fail` or `…/<exit code>` when it fails). Keep this URL secret."
        )
    if not channel:
        text += (
            "\nNote: alerts go to the launch's Slack channel, and none is bound yet; until one "
            "is, `/ready monitor list` shows what the checks find."
        )
    return text


# -- wording ----------------------------------------------------------------------------------


def what_it_checks(kind: str, name: str, params: dict[str, Any]) -> str:
    """A monitor's target and settings in words: `https://…/health (HTTP), expects 200
    within 500 ms, body contains “ok”`."""
    if kind == "http":
        within = float(params.get("within", 5))
        limit = (
            f"{within:g} s" if within >= 1 and within * 10 == int(within * 10) else latency(within)
        )
        text = f"{name} (HTTP), expects {params.get('expect_status', 200)} within {limit}"
        if params.get("contains") is not None:
            text += f", body contains “{params['contains']}”"
        return text
    if kind == "cert":
        warn = [int(d) for d in params.get("warn_days", (21, 14, 7))]
        return (
            f"the TLS certificate of {name}, warns {_and(warn)} "
            f"{'day' if warn == [1] else 'days'} before it expires"
        )
    if kind == "backup":
        min_size = int(params.get("min_size", 1))
        size = f"at least {_size(min_size)}" if min_size > 1 else "not empty"
        return (
            f"backups {name}, the newest at most {duration(float(params.get('max_age', 0)))} "
            f"old and {size}"
        )
    period, grace = float(params.get("period", 0)), float(params.get("grace", 0))
    return f"heartbeat {name}, a ping every {duration(period)} with {duration(grace)} of grace"


def thresholds(kind: str, fail_after: int, recover_after: int) -> str:
    """`down after 3 failed checks in a row, up after 2 good ones`."""
    if kind == "heartbeat" and fail_after == recover_after == 1:
        return "down when a ping is late or reports a failure, up at the next good one"
    down = (
        "down after 1 failed check"
        if fail_after == 1
        else f"down after {fail_after} failed checks in a row"
    )
    up = "up after 1 good one" if recover_after == 1 else f"up after {recover_after} good ones"
    return f"{down}, {up}"


def _schedule(kind: str, interval: float) -> str:
    """How often it is checked; a heartbeat is judged by its period, not by this."""
    return "" if kind == "heartbeat" else f"checked every {duration(interval)}"


def _sentence(*parts: str) -> str:
    """`Checked every 1 min; down after …`: the parts given, capitalised."""
    text = "; ".join(part for part in parts if part)
    return text[:1].upper() + text[1:]


def _and(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _size(count: int) -> str:
    """Bytes in the units `min-size` takes (1 KB is 1,024 bytes): `1 MB`, `1.5 GB`, `300 bytes`."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= factor:
            value = count / factor
            return f"{value:g} {unit}" if value == round(value, 1) else f"{value:.1f} {unit}"
    return "1 byte" if count == 1 else f"{count} bytes"


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
            "Checks cannot run from here; `readybot serve`, `readybot console` and "
            '`readybot ready "monitor test …"` run them.'
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
        f"Monitor {mon.id}: {what_it_checks(mon.kind, mon.name, mon.params)}",
        f"  Now: {describe(state, now)}",
        "  "
        + _sentence(
            _schedule(mon.kind, mon.interval_seconds),
            thresholds(mon.kind, mon.fail_after, mon.recover_after),
            f"next check at {max(mon.next_check_at, now):%H:%M:%S} UTC",
        )
        + ".",
    ]
    if item is not None:
        lines.append(
            f"  Linked to {item.key} “{item.title}”"
            + (" (blocked by this monitor)" if mon.blocked_item else "")
        )
    return "\n".join(lines)
