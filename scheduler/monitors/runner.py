"""Run due monitor checks and apply what they find.

Due monitors are claimed with conditional UPDATEs (storage.monitors.claim_due) and checked
concurrently (bounded). Results are applied while the sweep goes on, a few hundred at a time:
those that change nothing but their monitor's row in one statement
(commands.monitors.apply.apply_quiet), each of the others in its own transaction
(apply_result), which stores transitions, queues alerts and blocks or unblocks the linked
item.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from commands.monitors.apply import apply_quiet, apply_result, previous_result, spec_of
from commands.monitors.draft import MonitorDraft
from commands.monitors.spec import CheckResult
from scheduler.monitors.checks.run import run_many
from scheduler.monitors.heartbeat import judge
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.paths import BackupRoots
from scheduler.monitors.vet import Vetter
from scheduler.wake import WakeLoop
from storage import monitors as rows
from storage.engine import Store
from storage.models import Monitor

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass
class MonitorRunner:
    store: Store
    worker: str
    clock: Clock
    network: AddressPolicy
    backup_roots: BackupRoots = field(default_factory=BackupRoots)
    concurrency: int = 50
    batch: int = 2000
    ssl_context: ssl.SSLContext | None = None
    on_queued: Callable[[], object] = lambda: None  # alerts were queued: deliver soon
    poll_seconds: float = 5.0
    apply_every: int = 200  # results applied together while the sweep goes on
    on_sweep: Callable[[dict[str, float]], object] = lambda phases: None  # seconds per phase

    def __post_init__(self) -> None:
        self._loop = WakeLoop(self.run_due, poll=self.poll_seconds, what="monitor")

    def wake(self) -> None:
        """Check due monitors at once (a heartbeat arrived); callable from any thread."""
        self._loop.wake()

    async def run(self, stop: asyncio.Event) -> None:
        """Check due monitors every few seconds, or at once when woken, until stopped."""
        await self._loop.run(stop)

    def vet(self, draft: MonitorDraft) -> str | None:
        """Why a new monitor may not be added (refused address, backup outside the allowed
        folders), or None; blocking, for a command's worker thread."""
        return Vetter(self.network, self.backup_roots)(draft)

    def check_blocking(self, monitor_id: int) -> str:
        """`check_now` for callers outside the event loop (a command's worker thread, the
        console): the check runs on an event loop of its own."""
        return asyncio.run(self.check_now(monitor_id))

    async def run_due(self) -> int:
        """Check every due monitor once; returns how many were checked. Results are applied
        while the sweep goes on, `apply_every` at a time (one apply at a time, in a worker
        thread), the last ones once every check is done."""
        started = time.perf_counter()
        now = self.clock()
        claimed = await asyncio.to_thread(self._claim, now)
        if not claimed:
            return 0
        claimed_at = time.perf_counter()
        chunks: asyncio.Queue[dict[int, CheckResult] | None] = asyncio.Queue()
        applier = asyncio.ensure_future(self._applier(chunks))
        pending: dict[int, CheckResult] = {}

        def arrived(monitor_id: int, result: CheckResult) -> None:
            pending[monitor_id] = result
            if len(pending) >= self.apply_every:
                chunks.put_nowait(dict(pending))
                pending.clear()

        active = [
            (m.id or 0, spec_of(m), previous_result(m)) for m in claimed if m.kind != "heartbeat"
        ]
        try:
            if active:
                await run_many(
                    active,
                    concurrency=self.concurrency,
                    policy=self.network,
                    now=now,
                    ssl_context=self.ssl_context,
                    backup_roots=self.backup_roots,
                    on_result=arrived,
                )
            for monitor in claimed:
                if monitor.kind == "heartbeat":
                    pending[monitor.id or 0] = heartbeat_result(monitor, now)
            checked_at = time.perf_counter()
            chunks.put_nowait(pending)
        finally:
            chunks.put_nowait(None)
            await applier
        self.on_sweep(
            {
                "claim": claimed_at - started,
                "checks": checked_at - claimed_at,
                "apply after the checks": time.perf_counter() - checked_at,
            }
        )
        return len(claimed)

    async def _applier(self, chunks: asyncio.Queue[dict[int, CheckResult] | None]) -> None:
        while True:
            chunk = await chunks.get()
            if chunk is None:
                return
            if chunk:
                queued = await asyncio.to_thread(self._apply_all, chunk, self.clock())
                if queued:
                    self.on_queued()

    async def check_now(self, monitor_id: int) -> str:
        """Run one monitor's check at once (`/ready monitor test`) and apply it like any other."""
        with self.store.read() as session:
            monitor = rows.get_monitor(session, monitor_id=monitor_id)
        if monitor is None:
            return "that monitor no longer exists"
        now = self.clock()
        if monitor.kind == "heartbeat":
            result = heartbeat_result(monitor, now)
        else:
            found = await run_many(
                [(monitor_id, spec_of(monitor), previous_result(monitor))],
                concurrency=1,
                policy=self.network,
                now=now,
                ssl_context=self.ssl_context,
                backup_roots=self.backup_roots,
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
        with self.store.read() as session:
            ids = rows.down_or_silenced_ids(session)
        queued = sum(self._apply(monitor_id, None, now) for monitor_id in ids)
        if queued:
            self.on_queued()
        return queued

    # -- steps ------------------------------------------------------------------------------
    def _claim(self, now: datetime) -> list[Monitor]:
        with self.store.write() as session:
            return rows.claim_due(session, now=now, worker=self.worker, limit=self.batch)

    def _apply_all(self, results: dict[int, CheckResult], now: datetime) -> int:
        """Results that change nothing but their monitor's row are saved together, in one
        transaction; each of the others (transitions, alerts, items) in its own."""
        rest = list(results)
        if len(results) > 1:
            try:
                with self.store.write() as session:
                    rest = apply_quiet(session, results=results, now=now)
            except rows.Changed as changed:  # rolled back: each result on its own, as ever
                log.info("monitor results applied one by one: %s", changed)
        return sum(self._apply(monitor_id, results[monitor_id], now) for monitor_id in rest)

    def _apply(self, monitor_id: int, result: CheckResult | None, now: datetime) -> int:
        with self.store.write() as session:
            return apply_result(session, monitor_id=monitor_id, result=result, now=now)


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
