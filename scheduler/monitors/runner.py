"""Run due monitor checks and act on what they find.

Due monitors are claimed with a conditional UPDATE (storage.monitors.claim_due), checked
concurrently (bounded), and each result is applied in its own transaction: the state
machine's transitions are stored as monitor_event rows, alerts are queued in the outbox in
the same transaction, and a linked checklist item is blocked when the monitor goes down (by
"monitor", with the failing value as the reason) and unblocked on recovery if the monitor
was what blocked it.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from commands import transitions
from commands.context import Context
from commands.items import apply_change
from commands.monitors.spec import BackupSpec, CertSpec, CheckResult, HttpSpec, Spec
from commands.monitors.state import Policy, Transition, TransitionKind, step, tick
from commands.monitors.state_json import load_state
from commands.monitors.verbs import save_state
from commands.replies import ItemView
from scheduler.monitors.checks.run import run_many
from scheduler.monitors.heartbeat import judge
from scheduler.monitors.net import AddressPolicy
from storage import monitors as rows
from storage import queries
from storage.engine import Store
from storage.models import Item, Monitor, MonitorEvent, Outbox, Status, Via

log = logging.getLogger(__name__)
MONITOR_ACTOR = "monitor"
Clock = Callable[[], datetime]


def spec_of(monitor: Monitor) -> Spec:
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


@dataclass
class MonitorRunner:
    store: Store
    worker: str
    clock: Clock
    network: AddressPolicy
    concurrency: int = 50
    batch: int = 2000
    ssl_context: ssl.SSLContext | None = None
    on_queued: Callable[[], None] = lambda: None  # alerts were queued: deliver soon

    async def run_due(self) -> int:
        """Check every due monitor once; returns how many were checked."""
        now = self.clock()
        claimed = await asyncio.to_thread(self._claim, now)
        if not claimed:
            return 0
        active = [(m.id, spec_of(m), _previous(m)) for m in claimed if m.kind != "heartbeat"]
        results: dict[int, CheckResult] = {}
        if active:
            results.update(
                await run_many(
                    active,
                    concurrency=self.concurrency,
                    policy=self.network,
                    now=now,
                    ssl_context=self.ssl_context,
                )
            )
        for monitor in claimed:
            if monitor.kind == "heartbeat":
                results[monitor.id or 0] = heartbeat_result(monitor, now)
        queued = await asyncio.to_thread(self._apply_all, results, self.clock())
        if queued:
            self.on_queued()
        return len(claimed)

    async def check_now(self, monitor_id: int) -> str:
        """Run one monitor's check at once (`/ready monitor test`) and apply it like any other."""
        with self.store.read() as session:
            monitor = session.get(Monitor, monitor_id)
        if monitor is None:
            return "that monitor no longer exists"
        now = self.clock()
        if monitor.kind == "heartbeat":
            result = heartbeat_result(monitor, now)
        else:
            found = await run_many(
                [(monitor_id, spec_of(monitor), _previous(monitor))],
                concurrency=1,
                policy=self.network,
                now=now,
                ssl_context=self.ssl_context,
            )
            result = found[monitor_id]
        if await asyncio.to_thread(self._apply_all, {monitor_id: result}, self.clock()):
            self.on_queued()
        return (
            ("ok: " if result.ok else "FAILED: ")
            + result.detail
            + (f" ({result.warning})" if result.warning else "")
        )

    def tick_all(self) -> int:
        """Let time pass for monitors that are down (reminders) or silenced (silences ending)."""
        now = self.clock()
        queued = 0
        with self.store.read() as session:
            ids = [m.id for m in session.exec(_silenced_or_down()).scalars()]
        for monitor_id in ids:
            queued += self._apply(monitor_id or 0, None, now)
        if queued:
            self.on_queued()
        return queued

    # -- steps ------------------------------------------------------------------------------
    def _claim(self, now: datetime) -> list[Monitor]:
        with self.store.write() as session:
            return rows.claim_due(session, now=now, worker=self.worker, limit=self.batch)

    def _apply_all(self, results: dict[int, CheckResult], now: datetime) -> int:
        return sum(self._apply(monitor_id, result, now) for monitor_id, result in results.items())

    def _apply(self, monitor_id: int, result: CheckResult | None, now: datetime) -> int:
        """Apply a result (or just time passing) in one transaction; returns alerts queued."""
        with self.store.write() as session:
            found = session.get(Monitor, monitor_id)
            if found is None:
                return 0
            launch = queries.lock_launch(
                session, found.launch_id
            )  # launch first, as every writer does
            monitor = rows.lock(session, monitor_id)
            if monitor is None or monitor.paused:
                return 0
            state = load_state(monitor.state)
            new, changes = (
                step(state, result, policy=policy_of(monitor), now=now)
                if result is not None
                else tick(state, policy=policy_of(monitor), now=now)
            )
            if result is not None and monitor.kind == "backup" and result.size is not None:
                monitor.params = {**monitor.params, "last_size": result.size}
            outage = monitor.state.get("outage_id")
            queued = 0
            for change in changes:
                event = MonitorEvent(
                    team_id=monitor.team_id,
                    launch_id=monitor.launch_id,
                    monitor_id=monitor.id,
                    monitor_name=monitor.name,
                    kind=change.kind.value,
                    detail=change.detail,
                    notify=change.notify,
                    outage_id=outage,
                    at=now,
                )
                session.add(event)
                session.flush()
                if change.kind == TransitionKind.DOWN:
                    outage = event.id
                    event.outage_id = event.id
                    self._block_item(session, monitor, launch, change, now)
                elif change.kind == TransitionKind.UP:
                    self._unblock_item(session, monitor, launch, now)
                if change.notify and monitor.channel_id:
                    session.add(
                        Outbox(
                            team_id=monitor.team_id,
                            channel_id=monitor.channel_id,
                            kind="alert",
                            ref_id=event.id,
                            dedupe_key=f"alert:{event.id}",
                            next_attempt_at=now,
                            created_at=now,
                        )
                    )
                    queued += 1
                log.info(
                    "monitor %s (%s): %s%s — %s",
                    monitor.id,
                    monitor.name,
                    change.kind.value,
                    "" if change.notify else " (silenced)",
                    change.detail,
                )
            save_state(monitor, new, now, outage_id=outage if new.down_since is not None else None)
            return queued

    def _block_item(
        self, session: object, monitor: Monitor, launch: object, change: Transition, now: datetime
    ) -> None:
        item = session.get(Item, monitor.item_id) if monitor.item_id else None  # type: ignore[attr-defined]
        if item is None or item.status in (
            Status.DONE.value,
            Status.WAIVED.value,
            Status.BLOCKED.value,
        ):
            return  # done or waived items are not reopened by a monitor; a blocked one stays as it is
        ctx = _monitor_context(monitor, now)
        reason = f"monitor {monitor.name}: {change.detail}"
        decided = transitions.block(
            ItemView.of(item), actor=MONITOR_ACTOR, reason=reason[:1000], now=now
        )
        apply_change(session, ctx, launch, item, replace(decided, announce=False))  # type: ignore[arg-type]
        monitor.blocked_item = True

    def _unblock_item(
        self, session: object, monitor: Monitor, launch: object, now: datetime
    ) -> None:
        if not monitor.blocked_item:
            return
        monitor.blocked_item = False
        item = session.get(Item, monitor.item_id) if monitor.item_id else None  # type: ignore[attr-defined]
        if item is None or item.status != Status.BLOCKED.value or item.blocked_by != MONITOR_ACTOR:
            return  # someone changed it since: their word stands
        decided = transitions.unblock(ItemView.of(item))
        apply_change(
            session, _monitor_context(monitor, now), launch, item, replace(decided, announce=False)
        )  # type: ignore[arg-type]


def _monitor_context(monitor: Monitor, now: datetime) -> Context:
    return Context(
        team_id=monitor.team_id,
        user_id=MONITOR_ACTOR,
        channel_id=monitor.channel_id,
        via=Via.MONITOR,
        now=now,
    )


def _previous(monitor: Monitor) -> CheckResult | None:
    size = monitor.params.get("last_size")
    if monitor.kind == "backup" and size is not None:
        return CheckResult(True, "previous backup", monitor.next_check_at, size=int(size))
    return None


def heartbeat_result(monitor: Monitor, now: datetime) -> CheckResult:
    p = monitor.params
    return judge(
        name=monitor.name,
        period=timedelta(seconds=float(p["period"])),
        grace=timedelta(seconds=float(p["grace"])),
        last_success=monitor.last_success_at,
        last_kind=monitor.last_ping_kind,
        last_at=monitor.last_ping_at,
        since=monitor.created_at,
        now=now,
    )


def _silenced_or_down():  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from sqlmodel import col

    return select(Monitor).where(
        col(Monitor.paused).is_(False), col(Monitor.status).in_(["down", "maintenance"])
    )
