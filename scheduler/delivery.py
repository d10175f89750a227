"""Deliver outbox rows: claimed one by one, paced per channel, retried, never doubled.

A Transport does the sending: Slack (bot.transport) or the local console's terminal. It is
given the claimed row, whose facts it renders through the composer registered for the
row's kind, and the Slack ts of the message the row answers in a thread, if any.

Outcomes a sender reports:
- Sent: done (the Slack message ts is kept).
- Retry: Slack said no and nothing was posted (429, a transient error): try again later;
  a 429's Retry-After is honoured.
- Uncertain: the request may have reached Slack (timeout, 5xx): try again later, but the
  next attempt first looks for the message (senders tag it with the outbox id) and only
  posts if it is not there.
- Permanent: it can never work (the channel is gone); kept as failed and logged.
Rows are never dropped silently: expired ones (an announcement too old to matter) and
failed ones stay in the table with their error, are logged and counted in /metrics.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from scheduler.wake import WakeLoop
from storage import outbox as rows
from storage.engine import Store
from storage.outbox import Claimed
from storage.vocabulary import OutboxKind, OutboxStatus

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300
# Past these ages a message is no longer worth posting (and is kept as expired, logged):
# an announcement of an old change, a digest or reminder for a morning long gone.
MAX_AGE = {
    OutboxKind.ANNOUNCE: timedelta(hours=1),
    OutboxKind.DIGEST: timedelta(hours=6),
    OutboxKind.CHART: timedelta(hours=6),
    OutboxKind.REMINDER: timedelta(hours=12),
}


@dataclass(frozen=True)
class Sent:
    ts: str | None


@dataclass(frozen=True)
class Retry:
    error: str
    after: float | None = None  # seconds; None: exponential backoff


@dataclass(frozen=True)
class Uncertain:
    error: str


@dataclass(frozen=True)
class Permanent:
    error: str


Outcome = Sent | Retry | Uncertain | Permanent
Clock = Callable[[], datetime]


class Transport(Protocol):
    """Sends one claimed row. `name` is the outbox transport it serves (slack, console)."""

    name: str

    async def send(self, claimed: Claimed, *, parent_ts: str | None) -> Outcome:
        """Post the row's message (in the thread of `parent_ts`, if given); never raises for
        what Slack answers: every answer is an Outcome."""
        ...


def backoff(attempts: int) -> float:
    return float(min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 1)))


@dataclass
class Pacer:
    """Stay inside Slack's limits instead of relying on 429s: at most one message per
    `interval` seconds per channel (Slack allows about one), and at most `rate` messages a
    second per workspace (a token bucket holding `burst`)."""

    interval: float = 1.0
    rate: float = 4.0
    burst: float = 4.0
    _last: dict[str, float] = field(default_factory=dict)
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # team -> (tokens, at)

    def delay(self, team: str, channel: str, now: float) -> float:
        """Seconds to wait before the next message to `channel` in `team` (pure arithmetic)."""
        channel_wait = 0.0
        if (last := self._last.get(channel)) is not None:
            channel_wait = max(0.0, last + self.interval - now)
        tokens, at = self._buckets.get(team, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        team_wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        return max(channel_wait, team_wait)

    def spend(self, team: str, channel: str, now: float) -> None:
        tokens, at = self._buckets.get(team, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        self._buckets[team] = (tokens - 1, now)
        self._last[channel] = now

    async def wait(self, team: str, channel: str) -> None:
        delay = self.delay(team, channel, time.monotonic())
        if delay > 0:
            await asyncio.sleep(delay)
        self.spend(team, channel, time.monotonic())


@dataclass
class Deliverer:
    store: Store
    transport: Transport
    worker_id: str
    clock: Clock
    lease: timedelta = timedelta(seconds=60)
    batch: int = 50
    poll_seconds: float = 2.0
    pacer: Pacer = field(default_factory=Pacer)
    on_outcome: Callable[[OutboxKind, Outcome | str], None] | None = None  # metrics hook

    def __post_init__(self) -> None:
        self._loop = WakeLoop(self.deliver_due, poll=self.poll_seconds, what="outbox")

    def wake(self) -> None:
        """Deliver soon: something was just queued (callable from any thread)."""
        self._loop.wake()

    async def deliver_due(self) -> int:
        """One pass over the rows that are due; returns how many were handled."""
        now = self.clock()
        ids = await asyncio.to_thread(self._due, now)
        handled = 0
        for outbox_id in ids:
            claimed = await asyncio.to_thread(self._claim, outbox_id)
            if claimed is None:
                continue  # another replica has it
            handled += 1
            await self._deliver(claimed)
        return handled

    async def run(self, stop: asyncio.Event) -> None:
        await self._loop.run(stop)

    # -- steps ---------------------------------------------------------------------------
    def _due(self, now: datetime) -> list[int]:
        with self.store.read() as session:
            return rows.due_ids(session, transport=self.transport.name, now=now, limit=self.batch)

    def _claim(self, outbox_id: int) -> Claimed | None:
        with self.store.write() as session:
            return rows.claim(
                session,
                outbox_id=outbox_id,
                worker=self.worker_id,
                now=self.clock(),
                lease=self.lease,
            )

    def _parent_ts(self, claimed: Claimed) -> str | None:
        if claimed.parent_key is None:
            return None
        with self.store.read() as session:
            return rows.sent_ts(session, dedupe_key=claimed.parent_key)

    async def _deliver(self, claimed: Claimed) -> None:
        max_age = MAX_AGE.get(claimed.kind)
        if max_age is not None and self.clock() - claimed.created_at > max_age:
            log.warning(
                "outbox %s (%s to %s) expired unsent", claimed.id, claimed.kind, claimed.channel_id
            )
            await asyncio.to_thread(
                self._final, claimed, OutboxStatus.EXPIRED, "expired before it could be sent"
            )
            self._count(claimed.kind, "expired")
            return
        await self.pacer.wait(claimed.team_id, claimed.channel_id)
        try:
            parent_ts = await asyncio.to_thread(self._parent_ts, claimed)
            outcome = await self.transport.send(claimed, parent_ts=parent_ts)
        except Exception as exc:  # a bug in rendering or sending: keep the row, try later
            log.exception("outbox %s: sender failed", claimed.id)
            outcome = Uncertain(f"{type(exc).__name__}: {exc}")
        await asyncio.to_thread(self._record, claimed, outcome)
        self._count(claimed.kind, outcome)

    def _record(self, claimed: Claimed, outcome: Outcome) -> None:
        now = self.clock()
        with self.store.write() as session:
            match outcome:
                case Sent(ts):
                    rows.mark_sent(
                        session, outbox_id=claimed.id, worker=self.worker_id, ts=ts, now=now
                    )
                case Retry(error, after):
                    delay = after if after is not None else backoff(claimed.attempts)
                    log.info("outbox %s: %s; retrying in %.0fs", claimed.id, error, delay)
                    rows.reschedule(
                        session,
                        outbox_id=claimed.id,
                        worker=self.worker_id,
                        at=now + timedelta(seconds=delay),
                        error=error,
                        uncertain=claimed.uncertain,
                    )
                case Uncertain(error):
                    delay = backoff(claimed.attempts)
                    log.warning(
                        "outbox %s: %s; will check Slack before retrying in %.0fs",
                        claimed.id,
                        error,
                        delay,
                    )
                    rows.reschedule(
                        session,
                        outbox_id=claimed.id,
                        worker=self.worker_id,
                        at=now + timedelta(seconds=delay),
                        error=error,
                        uncertain=True,
                    )
                case Permanent(error):
                    log.error(
                        "outbox %s to %s failed for good: %s", claimed.id, claimed.channel_id, error
                    )
                    rows.mark_final(
                        session,
                        outbox_id=claimed.id,
                        worker=self.worker_id,
                        status=OutboxStatus.FAILED,
                        error=error,
                    )

    def _final(self, claimed: Claimed, status: OutboxStatus, error: str) -> None:
        with self.store.write() as session:
            rows.mark_final(
                session, outbox_id=claimed.id, worker=self.worker_id, status=status, error=error
            )

    def _count(self, kind: OutboxKind, outcome: Outcome | str) -> None:
        if self.on_outcome is not None:
            self.on_outcome(kind, outcome)
