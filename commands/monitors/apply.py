"""Applying what a check found (or time passing) to a monitor, in one transaction.

The state machine's transitions are stored as monitor_event rows, alerts are queued with
their facts in the same transaction, and a linked checklist item is blocked when the monitor
goes down (by "monitor", with the failing value as the reason) and unblocked on recovery if
the monitor was what blocked it. An up monitor verifies its linked done item, and a
stability window (`verify <item> by monitor <id> for 72h`) completes or reopens its item.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from commands import transitions
from commands.context import Context
from commands.decision.signoffs import revoke
from commands.digests.gather import local_today, scheduler_context
from commands.facts import encode
from commands.items.change import apply_change
from commands.monitors.alerts import alert_facts
from commands.monitors.spec import BackupSpec, CertSpec, CheckResult, HttpSpec, Spec
from commands.monitors.state import (
    MonitorState,
    MonitorStatus,
    Policy,
    Transition,
    TransitionKind,
    step,
    tick,
)
from commands.monitors.state_json import dump_state, load_state
from commands.replies import ItemView
from commands.status import build_report
from commands.wording import duration
from storage import items, launches, monitors, outbox, readiness
from storage.engine import Session
from storage.models import Item, Launch, Monitor, MonitorEvent
from storage.vocabulary import OutboxKind, Status, Via

log = logging.getLogger(__name__)
MONITOR_ACTOR = "monitor"


def spec_of(monitor: Monitor) -> Spec:
    """What an active monitor checks, from its stored parameters."""
    p = monitor.params
    if monitor.kind == "http":
        return HttpSpec(
            p["url"],
            int(p.get("expect_status", 200)),
            timedelta(seconds=float(p.get("within", 5))),
            p.get("contains"),
        )
    if monitor.kind == "cert":
        return CertSpec(
            p["host"],
            int(p.get("port", 443)),
            tuple(int(d) for d in p.get("warn_days", (21, 14, 7))),
        )
    if monitor.kind == "backup":
        return BackupSpec(
            p["pattern"],
            timedelta(seconds=float(p.get("max_age", 93600))),
            int(p.get("min_size", 1)),
        )
    raise ValueError(f"{monitor.kind} monitors are not checked actively")


def policy_of(monitor: Monitor) -> Policy:
    return Policy(
        monitor.fail_after, monitor.recover_after, timedelta(seconds=monitor.repeat_seconds)
    )


def previous_result(monitor: Monitor) -> CheckResult | None:
    """What the last check remembered (a backup's size, to spot one that shrank)."""
    size = monitor.params.get("last_size")
    if monitor.kind == "backup" and size is not None:
        return CheckResult(True, "previous backup", monitor.next_check_at, size=int(size))
    return None


def save_state(
    monitor: Monitor, state: MonitorState, now: datetime, *, outage_id: int | None = None
) -> None:
    """Write a MonitorState into the row (and its status and paused copies); `outage_id`
    records the open outage's `down` event, kept while the outage lasts."""
    monitor.state = state_data(monitor.state, state, outage_id=outage_id)
    monitor.status = state.status.value
    monitor.paused = state.paused
    monitor.updated_at = now
    monitor.version += 1


def state_data(
    previous: dict[str, Any], state: MonitorState, *, outage_id: int | None = None
) -> dict[str, Any]:
    """The `monitor.state` value for `state`, the row's `previous` one being replaced."""
    data = dump_state(state)
    outage = outage_id if outage_id is not None else previous.get("outage_id")
    if outage is not None and state.down_since is not None:
        data["outage_id"] = outage
    return data


def apply_result(
    session: Session, *, monitor_id: int, result: CheckResult | None, now: datetime
) -> int:
    """Apply a result (or, with None, time passing) to the monitor; returns alerts queued."""
    found = monitors.get_monitor(session, monitor_id=monitor_id)
    if found is None:
        return 0
    launch = launches.lock_launch(session, launch_id=found.launch_id)  # launch first, as always
    monitor = monitors.lock(session, monitor_id=monitor_id)
    if monitor is None or monitor.paused:
        return 0
    state = load_state(monitor.state)
    policy = policy_of(monitor)
    new, changes = (
        step(state, result, policy=policy, now=now)
        if result is not None
        else tick(state, policy=policy, now=now)
    )
    if result is not None and monitor.kind == "backup" and result.size is not None:
        monitor.params = {**monitor.params, "last_size": result.size}
    outage = monitor.state.get("outage_id")
    linked = bool(monitor.item_id) and any(
        c.kind in (TransitionKind.DOWN, TransitionKind.UP) for c in changes
    )
    verdict_before = _verdict_of(session, launch, now) if linked else None
    queued = 0
    pending_alerts: list[MonitorEvent] = []
    for change in changes:
        event = monitors.add_event(
            session,
            event=MonitorEvent(
                team_id=monitor.team_id,
                launch_id=monitor.launch_id,
                monitor_id=monitor.id,
                monitor_name=monitor.name,
                kind=change.kind.value,
                detail=change.detail,
                notify=change.notify,
                outage_id=outage,
                at=now,
            ),
        )
        if change.kind == TransitionKind.DOWN:
            outage = event.outage_id = event.id
            _block_item(session, monitor, launch, change, now)
        elif change.kind == TransitionKind.UP:
            _unblock_item(session, monitor, launch, now)
        if change.notify and monitor.channel_id:
            pending_alerts.append(event)
        log.info(
            "monitor %s (%s): %s%s — %s",
            monitor.id,
            monitor.name,
            change.kind.value,
            "" if change.notify else " (silenced)",
            change.detail,
        )
    save_state(monitor, new, now, outage_id=outage if new.down_since is not None else None)
    _verify_by_monitor(session, monitor, launch, new, changes, now)
    verdicts = (
        (verdict_before, _verdict_of(session, launch, now)) if verdict_before is not None else None
    )
    for event in pending_alerts:
        queued += _queue_alert(
            session, monitor, event, now, failures=new.consecutive_failures, verdicts=verdicts
        )
    return queued


def _verdict_of(session: Session, launch: Launch, now: datetime) -> str:
    """The launch's verdict as it stands in this transaction (uncached: it just changed)."""
    ctx = scheduler_context(launch.team_id, now)
    report, _ = build_report(session, ctx, launch, local_today(launch, now))
    return report.verdict.label


def _queue_alert(
    session: Session,
    monitor: Monitor,
    event: MonitorEvent,
    now: datetime,
    *,
    failures: int,
    verdicts: tuple[str, str] | None,
) -> int:
    assert monitor.channel_id is not None and event.id is not None
    item = items.find_item(session, item_id=monitor.item_id) if monitor.item_id else None
    facts = alert_facts(
        session, monitor=monitor, event=event, item=item, failures=failures, verdicts=verdicts
    )
    threaded = event.kind in ("reminder", "up") and event.outage_id not in (None, event.id)
    queued = outbox.enqueue(
        session,
        kind=OutboxKind.ALERT,
        team_id=monitor.team_id,
        channel_id=monitor.channel_id,
        dedupe_key=alert_key(event.id),
        facts=encode(facts),
        now=now,
        ref_id=event.id,
        parent_key=alert_key(event.outage_id) if threaded and event.outage_id else None,
    )
    return int(queued)


def alert_key(event_id: int) -> str:
    """The outbox key of the alert about one monitor event (an outage's thread hangs on it)."""
    return f"alert:{event_id}"


def _context(monitor: Monitor, now: datetime) -> Context:
    return Context(
        team_id=monitor.team_id,
        user_id=MONITOR_ACTOR,
        channel_id=monitor.channel_id,
        via=Via.MONITOR,
        now=now,
    )


def _block_item(
    session: Session, monitor: Monitor, launch: Launch, change: Transition, now: datetime
) -> None:
    item = _linked(session, monitor)
    if item is not None:
        # What the signer saw is no longer true, whatever the item's own status says.
        revoke(
            session,
            _context(monitor, now),
            launch,
            item.category,
            f"monitor {monitor.name[:100]} went down ({item.key}): {change.detail[:200]}",
        )
    if item is None or item.status in (Status.DONE, Status.WAIVED, Status.BLOCKED):
        return  # done or waived items are not reopened by a monitor; a blocked one stays as it is
    reason = f"monitor {monitor.name}: {change.detail}"
    decided = transitions.block(
        ItemView.of(item), actor=MONITOR_ACTOR, reason=reason[:1000], now=now
    )
    apply_change(session, _context(monitor, now), launch, item, replace(decided, announce=False))
    monitor.blocked_item = True


def _unblock_item(session: Session, monitor: Monitor, launch: Launch, now: datetime) -> None:
    if not monitor.blocked_item:
        return
    monitor.blocked_item = False
    item = _linked(session, monitor)
    if item is None or item.status != Status.BLOCKED or item.blocked_by != MONITOR_ACTOR:
        return  # someone changed it since: their word stands
    decided = transitions.unblock(ItemView.of(item))
    apply_change(session, _context(monitor, now), launch, item, replace(decided, announce=False))


def _linked(session: Session, monitor: Monitor) -> Item | None:
    return items.find_item(session, item_id=monitor.item_id) if monitor.item_id else None


def _verify_by_monitor(
    session: Session,
    monitor: Monitor,
    launch: Launch,
    state: MonitorState,
    changes: list[Transition],
    now: datetime,
) -> None:
    """What the monitor says about the claims behind items: an up monitor verifies its
    linked done item; a stability window completes its item once the monitor has been up
    that long without a failed check, and a confirmed failure before the launch reopens it."""
    ctx = _context(monitor, now)
    up = _up(state)
    linked = _linked(session, monitor) if up else None
    if linked is not None and _verifies(linked):
        apply_change(
            session,
            ctx,
            launch,
            linked,
            transitions.Change(
                "verified",
                transitions.verified(MONITOR_ACTOR, "monitor", now),
                f"monitor {monitor.name[:100]} is up",
            ),
        )
    went_down = any(c.kind == TransitionKind.DOWN for c in changes)
    before_launch = launch.target_date is None or local_today(launch, now) <= launch.target_date
    for item in readiness.watched_by(session, monitor_id=monitor.id or 0):
        hours = item.stability_hours or 0
        window = f"monitor {monitor.name[:100]} up for {duration(hours * 3600)} without a break"
        if _completes(item, state, now) and item.status == Status.DONE:
            # Done on a document's word: the window it waited for verifies it.
            verified = transitions.verified(MONITOR_ACTOR, "monitor", now)
            apply_change(
                session, ctx, launch, item, transitions.Change("verified", verified, window)
            )
        elif _completes(item, state, now):
            fields = {
                "status": Status.DONE,
                "done_at": now,
                "done_by": MONITOR_ACTOR,
                "blocked_reason": None,
                "blocked_by": None,
                "blocked_at": None,
                **transitions.verified(MONITOR_ACTOR, "monitor", now),
            }
            apply_change(
                session,
                ctx,
                launch,
                item,
                transitions.Change("done", fields, window, announce=True),
            )
        elif (
            went_down
            and before_launch
            and item.status == Status.DONE
            and MONITOR_ACTOR in (item.done_by, item.verified_by)
        ):
            note = f"monitor {monitor.name[:100]} failed before the launch: the window starts again"
            reopen = transitions.reopen(ItemView.of(item))
            apply_change(session, ctx, launch, item, replace(reopen, note=note))


def _up(state: MonitorState) -> bool:
    return state.verdict == MonitorStatus.UP and state.consecutive_failures == 0


def _verifies(linked: Item) -> bool:
    """Whether an up monitor verifies its linked item now."""
    return linked.status == Status.DONE and linked.verified_at is None


def _completes(item: Item, state: MonitorState, now: datetime) -> bool:
    """Whether the stability window `item` runs on this monitor completes it now: an open
    item is done, a done one only claimed is verified."""
    since = state.streak_since if _up(state) else None
    hours = item.stability_hours or 0
    waiting = item.status not in (Status.DONE, Status.WAIVED) or (
        item.status == Status.DONE and item.verified_at is None
    )
    return waiting and since is not None and now - since >= timedelta(hours=hours)


def apply_quiet(session: Session, *, results: dict[int, CheckResult], now: datetime) -> list[int]:
    """Save, in one statement, every result that changes nothing but its monitor's own row
    (no transition, so no event, alert or item change; no backup size to remember; no item
    to verify or complete), exactly as `apply_result` would save it; returns the ids of the
    others, for `apply_result` each in its own transaction. Raises monitors.Changed (the
    caller rolls back and applies every result with `apply_result`) when a monitor changed
    between being read here and being saved."""
    found = monitors.get_many(session, monitor_ids=list(results))
    linked = monitors.linked_items(
        session, item_ids={m.item_id for m in found if m.item_id is not None}
    )
    watchers = monitors.watching(session, monitor_ids=[m.id for m in found if m.id is not None])
    quiet: list[monitors.StateRow] = []
    rest: list[int] = []
    for monitor in found:
        assert monitor.id is not None
        result = results[monitor.id]
        if monitor.paused:
            continue  # apply_result leaves a paused monitor alone
        new, changes = step(load_state(monitor.state), result, policy=policy_of(monitor), now=now)
        item = linked.get(monitor.item_id) if monitor.item_id is not None else None
        if (
            changes
            or (monitor.kind == "backup" and result.size is not None)
            or (item is not None and _up(new) and _verifies(item))
            or any(_completes(w, new, now) for w in watchers.get(monitor.id, []))
        ):
            rest.append(monitor.id)
            continue
        data = state_data(monitor.state, new)  # as save_state writes it
        quiet.append(
            monitors.StateRow(monitor.id, monitor.version, data, new.status.value, new.paused)
        )
    monitors.save_states(session, rows=quiet, now=now)
    return rest
