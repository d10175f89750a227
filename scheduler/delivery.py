"""Deliver outbox rows: in parallel across channels, in order within one, never doubled.

A Transport does the sending: Slack (bot.transport) or the local console's terminal. It is
given the claimed row, whose facts it renders through the composer registered for the
row's kind, and the Slack ts of the message the row answers in a thread, if any.

Lanes. Due rows are grouped by workspace and channel (a Home refresh: by person). A lane
sends its rows one at a time, oldest first, at least a second apart (scheduler.pacing);
lanes run side by side, at most `concurrency` sends in flight, within `READYBOT_SLACK_RATE`
messages a second per workspace. So a slow or failing call holds up only its own channel.
`run` keeps dispatching lanes as rows fall due; `deliver_due` makes one pass to the end.

Leases. A claimed row is leased for `lease` (15 s) and a heartbeat renews the lease while
the row is being paced and sent, so a replica that dies mid-send loses its rows within
seconds, and another takes them over as uncertain.

Outcomes a sender reports:
- Sent: done (the Slack message ts is kept; follow-ups, such as rewriting the message a
  recovery answers, are queued in the same transaction).
- Retry: Slack said no and nothing was posted (429, a transient error): try again later;
  a 429's Retry-After is honoured for the row and its channel (nothing else is sent there
  before it is up). Refreshes are retried after any error: sending one twice
  is harmless.
- Uncertain: the request may have reached Slack (timeout, 5xx): try again later, but the
  next attempt first looks for the message (senders tag it with the outbox id) and only
  posts if it is not there.
- Unverified: an earlier attempt may have reached Slack and Slack could not be asked
  (history unreadable): nothing is posted. The row stays uncertain and is asked about
  again later; uncertain for longer than `give_up_after`, it is given up: never posted on a
  guess, logged at ERROR with its id and channel, counted, and each admin (READYBOT_ADMINS)
  gets a direct message through the outbox (a notice, which is never itself noticed). A
  message may be late or, at worst, missing with an alert; never doubled.
- Permanent: it can never work (the channel is gone); kept as failed and logged.
Rows are never dropped silently: expired, failed, given-up and superseded rows stay in the
table with their error, and are logged and counted in /metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

from commands.facts import AdminNotice, encode
from scheduler.pacing import Pacer
from scheduler.wake import WakeLoop
from storage import outbox as rows
from storage.engine import DatabaseUnavailable, Session, Store
from storage.outbox import Claimed
from storage.vocabulary import REFRESH_KINDS, OutboxKind, OutboxStatus, is_slack_user

__all__ = [
    "Deliverer",
    "FollowUp",
    "Outcome",
    "Pacer",
    "Permanent",
    "Retry",
    "Sent",
    "Transport",
    "Uncertain",
    "Unverified",
]

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300
# Past these ages a message is no longer worth posting (and is kept as expired, logged):
# an announcement of an old change, a digest or reminder for a morning long gone, a refresh
# that a later click or visit will have made again.
MAX_AGE = {
    OutboxKind.ANNOUNCE: timedelta(hours=1),
    OutboxKind.DIGEST: timedelta(hours=6),
    OutboxKind.CHART: timedelta(hours=6),
    OutboxKind.REMINDER: timedelta(hours=12),
    OutboxKind.UPDATE: timedelta(hours=1),
    OutboxKind.HOME: timedelta(hours=1),
    OutboxKind.NOTICE: timedelta(days=1),
}
Lane = tuple[str, str]
FOLLOW_UP_PASSES = 3  # deliver_due: passes for rows that sent rows queue (a recovery's rewrite)


@dataclass(frozen=True)
class FollowUp:
    """A row to queue once the row that asked for it is sent (in the same transaction)."""

    kind: OutboxKind
    channel_id: str
    dedupe_key: str
    facts: dict[str, Any]
    coalesce_key: str | None = None


@dataclass(frozen=True)
class Sent:
    ts: str | None
    follow_ups: Sequence[FollowUp] = ()


@dataclass(frozen=True)
class Retry:
    error: str
    after: float | None = None  # seconds; None: exponential backoff


@dataclass(frozen=True)
class Uncertain:
    error: str


@dataclass(frozen=True)
class Unverified:
    error: str
    after: float | None = None  # seconds (Slack's Retry-After); None: exponential backoff


@dataclass(frozen=True)
class Permanent:
    error: str


Outcome = Sent | Retry | Uncertain | Unverified | Permanent
Clock = Callable[[], datetime]


class Transport(Protocol):
    """Sends one claimed row. `name` is the outbox transport it serves (slack, console)."""

    name: str

    async def send(self, claimed: Claimed, *, parent_ts: str | None) -> Outcome:
        """Post the row's message (in the thread of `parent_ts`, if given); never raises for
        what Slack answers: every answer is an Outcome."""
        ...


def backoff(attempts: int) -> float:
    """Seconds before the next attempt: a second for the first three (most failures are
    blips), then doubling, up to five minutes (an outage)."""
    return float(min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 3)))


def gives_up(claimed: Claimed, *, now: datetime, after: timedelta) -> bool:
    """Whether an unverifiable row has been uncertain for long enough to give it up."""
    since = claimed.uncertain_since or claimed.created_at
    return now - since >= after


@dataclass
class Deliverer:
    store: Store
    transport: Transport
    worker_id: str
    clock: Clock
    lease: timedelta = timedelta(seconds=15)
    batch: int = 500
    poll_seconds: float = 2.0
    pacer: Pacer = field(default_factory=Pacer)
    concurrency: int = 8  # sends in flight at once, across lanes
    give_up_after: timedelta = timedelta(hours=1)
    admins: frozenset[str] = frozenset()  # told about given-up rows
    on_outcome: Callable[[OutboxKind, Outcome | str], None] | None = None  # metrics hook

    def __post_init__(self) -> None:
        self._loop = WakeLoop(
            self._dispatch, poll=self.poll_seconds, what="outbox", sooner=self._next_due_in
        )
        self._next_due: datetime | None = None
        self._lanes: dict[Lane, asyncio.Task[int]] = {}
        self._gate: asyncio.Semaphore | None = None
        self._follow_ups_queued = 0
        self._stopping = False
        self._seen_mark = rows.queued_mark()

    def wake(self) -> None:
        """Deliver soon: something was just queued (callable from any thread)."""
        self._loop.wake()

    def wake_if_queued(self) -> None:
        """Deliver soon if this process queued a row since the last call: after a command
        that queued nothing (every read) there is nothing new to deliver, and a pass would
        cost two transactions. Rows that fall due later wake the loop themselves."""
        mark = rows.queued_mark()
        if mark != self._seen_mark:
            self._seen_mark = mark
            self._loop.wake()

    async def deliver_due(self) -> int:
        """Deliver what is due now, to the end: every due row claimed and sent once (lanes
        in parallel), and the follow-ups those queued; returns how many rows were handled."""
        gate = asyncio.Semaphore(self.concurrency)
        total = 0
        for _ in range(FOLLOW_UP_PASSES):
            queued = self._follow_ups_queued
            lanes = await asyncio.to_thread(self._due_lanes, self.clock(), frozenset())
            handled = await asyncio.gather(*(self._lane(lane, gate, once=True) for lane in lanes))
            total += sum(handled)
            if self._follow_ups_queued == queued:
                break
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until stopped: lanes start as their rows fall due, without waiting for
        each other. On stop, sends in flight get a few seconds to finish."""
        self._gate = asyncio.Semaphore(self.concurrency)
        self._stopping = False
        try:
            await self._loop.run(stop)
        finally:
            self._stopping = True  # lanes finish the row in hand and take no other
            running = list(self._lanes.values())
            if running:
                _done, pending = await asyncio.wait(running, timeout=5)
                for task in pending:
                    task.cancel()

    # -- lanes ---------------------------------------------------------------------------
    async def _dispatch(self) -> int:
        """Start a lane for every channel with due rows and no lane running; do not wait."""
        assert self._gate is not None
        lanes = await asyncio.to_thread(self._due_lanes, self.clock(), frozenset(self._lanes))
        for lane in lanes:
            task = asyncio.create_task(self._lane(lane, self._gate, once=False))
            self._lanes[lane] = task
            task.add_done_callback(partial(self._lane_done, lane))
        return len(lanes)

    def _next_due_in(self) -> float | None:
        """Seconds until the next waiting row falls due (as of the last dispatch). A row due
        already is in a lane still running, which wakes the loop when it ends: None."""
        if self._next_due is None:
            return None
        due_in = (self._next_due - self.clock()).total_seconds()
        return due_in if due_in > 0 else None

    def _lane_done(self, lane: Lane, task: asyncio.Task[int]) -> None:
        self._lanes.pop(lane, None)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("outbox lane %s/%s failed: %s", *lane, error, exc_info=error)
        self.wake()  # the lane may have more rows due by now

    async def _lane(self, lane: Lane, gate: asyncio.Semaphore, *, once: bool) -> int:
        """Send the lane's due rows one at a time, the oldest first, until none is due: a
        retry that falls due meanwhile goes before newer rows. With `once`, each row at most
        once (a pass that ends); otherwise until nothing in the lane is due."""
        handled = 0
        passed: set[int] = set()  # rows another replica holds, and with `once` rows tried
        while not self._stopping:
            try:
                claimed = await asyncio.to_thread(self._claim_next, lane, frozenset(passed))
            except DatabaseUnavailable as exc:
                log.warning("outbox lane %s/%s: the database is not answering (%s)", *lane, exc)
                return handled
            if isinstance(claimed, int):
                passed.add(claimed)  # another replica has it, or a newer refresh replaced it
                continue
            if claimed is None:
                return handled
            handled += 1
            if once:
                passed.add(claimed.id)
            heartbeat = asyncio.create_task(self._keep_lease(claimed.id))
            try:
                outcome = await self._deliver(claimed, gate)
            except DatabaseUnavailable as exc:
                # Its lease runs out, and it is taken again as uncertain: checked, not doubled.
                log.warning("outbox %s: the database is not answering (%s)", claimed.id, exc)
                return handled
            finally:
                heartbeat.cancel()
            if isinstance(outcome, Retry) and outcome.after and claimed.kind not in REFRESH_KINDS:
                # Slack rate limited the channel: nothing else goes to it before Retry-After.
                until = self.clock() + timedelta(seconds=outcome.after)
                self.pacer.hold(*lane, until=until)
                return handled
        return handled

    async def _keep_lease(self, outbox_id: int) -> None:
        """Renew the lease every third of it while the row is being sent."""
        every = max(0.05, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(every)
            try:
                held = await asyncio.to_thread(self._renew, outbox_id)
            except DatabaseUnavailable:
                continue  # try again; the lease has two more thirds to go
            if not held:
                log.warning("outbox %s: the lease was lost mid-send", outbox_id)
                return

    async def _deliver(self, claimed: Claimed, gate: asyncio.Semaphore) -> Outcome | None:
        max_age = MAX_AGE.get(claimed.kind)
        if max_age is not None and self.clock() - claimed.created_at > max_age:
            log.warning(
                "outbox %s (%s to %s) expired %s",
                claimed.id,
                claimed.kind,
                claimed.channel_id,
                "(an earlier attempt may have been posted)" if claimed.uncertain else "unsent",
            )
            await asyncio.to_thread(
                self._final, claimed, OutboxStatus.EXPIRED, "expired before it could be sent"
            )
            self._count(claimed.kind, "expired")
            return None
        parent = await asyncio.to_thread(self._parent, claimed)
        if parent is not None and parent.waiting:
            outcome: Outcome = Retry("waiting for the message it answers to be posted")
        else:
            outcome = await self._send(claimed, parent.ts if parent else None, gate)
        label = await asyncio.to_thread(self._record, claimed, outcome)
        self._count(claimed.kind, label or outcome)
        return outcome

    async def _send(
        self, claimed: Claimed, parent_ts: str | None, gate: asyncio.Semaphore
    ) -> Outcome:
        refresh = claimed.kind in REFRESH_KINDS
        if not refresh:
            await self.pacer.wait(claimed.team_id, claimed.channel_id)
        async with gate:
            if not refresh:
                self.pacer.started(claimed.team_id, claimed.channel_id, time.monotonic())
            try:
                return await self.transport.send(claimed, parent_ts=parent_ts)
            except Exception as exc:  # a bug in rendering or sending: keep the row, try later
                log.exception("outbox %s: sender failed", claimed.id)
                error = f"{type(exc).__name__}: {exc}"
                return Retry(error) if refresh else Uncertain(error)

    # -- database steps (in worker threads) ----------------------------------------------
    def _due_lanes(self, now: datetime, busy: frozenset[Lane]) -> list[Lane]:
        with self.store.read() as session:
            found = rows.due_rows(session, transport=self.transport.name, now=now, limit=self.batch)
            self._next_due = rows.next_due_at(session, transport=self.transport.name)
        return list(
            dict.fromkeys(
                row.lane
                for row in found
                if row.lane not in busy and not self.pacer.held(*row.lane, now)
            )
        )

    def _claim_next(self, lane: Lane, passed: frozenset[int]) -> Claimed | int | None:
        """Claim the lane's oldest due row (not in `passed`): the claimed row; the id of a
        row that could not be claimed (taken by another replica, or superseded); None when
        nothing in the lane is due."""
        now = self.clock()
        with self.store.write() as session:
            outbox_id = rows.next_in_lane(
                session,
                transport=self.transport.name,
                team_id=lane[0],
                channel_id=lane[1],
                now=now,
                skip=passed,
            )
            if outbox_id is None:
                return None
            claimed = rows.claim(
                session, outbox_id=outbox_id, worker=self.worker_id, now=now, lease=self.lease
            )
            return outbox_id if claimed is None else claimed

    def _renew(self, outbox_id: int) -> bool:
        with self.store.write() as session:
            return rows.renew(
                session,
                outbox_id=outbox_id,
                worker=self.worker_id,
                now=self.clock(),
                lease=self.lease,
            )

    def _parent(self, claimed: Claimed) -> rows.Parent | None:
        if claimed.parent_key is None:
            return None
        with self.store.read() as session:
            return rows.parent(session, dedupe_key=claimed.parent_key)

    def _record(self, claimed: Claimed, outcome: Outcome) -> str | None:
        """Store the outcome; returns a metrics label when it is not the outcome's own."""
        now = self.clock()
        with self.store.write() as session:
            match outcome:
                case Sent(ts, follow_ups):
                    if rows.mark_sent(
                        session, outbox_id=claimed.id, worker=self.worker_id, ts=ts, now=now
                    ):
                        self._queue_follow_ups(session, claimed, follow_ups, now)
                case Retry(error, after):
                    delay = after if after is not None else backoff(claimed.attempts)
                    log.info("outbox %s: %s; retrying in %.0fs", claimed.id, error, delay)
                    self._reschedule(session, claimed, now, delay, error, claimed.uncertain)
                case Uncertain(error):
                    delay = backoff(claimed.attempts)
                    log.warning(
                        "outbox %s: %s; will check Slack before retrying in %.0fs",
                        claimed.id,
                        error,
                        delay,
                    )
                    self._reschedule(session, claimed, now, delay, error, True)
                case Unverified(error, after):
                    if gives_up(claimed, now=now, after=self.give_up_after):
                        self._give_up(session, claimed, error, now)
                        return "given_up"
                    delay = after if after is not None else backoff(claimed.attempts)
                    log.warning(
                        "outbox %s to %s may have been posted and Slack cannot be asked (%s); "
                        "not posting it on a guess, asking again in %.0fs",
                        claimed.id,
                        claimed.channel_id,
                        error,
                        delay,
                    )
                    self._reschedule(session, claimed, now, delay, error, True)
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
        return None

    def _reschedule(
        self,
        session: Session,
        claimed: Claimed,
        now: datetime,
        delay: float,
        error: str,
        uncertain: bool,
    ) -> None:
        rows.reschedule(
            session,
            outbox_id=claimed.id,
            worker=self.worker_id,
            at=now + timedelta(seconds=delay),
            error=error,
            uncertain=uncertain,
            now=now,
        )

    def _give_up(self, session: Session, claimed: Claimed, error: str, now: datetime) -> None:
        since = claimed.uncertain_since or claimed.created_at
        log.error(
            "outbox %s (%s to %s) given up: it may have been posted, and for %.0f min Slack "
            "could not be asked (%s); not posted again, so it may be missing",
            claimed.id,
            claimed.kind,
            claimed.channel_id,
            (now - since).total_seconds() / 60,
            error,
        )
        if not rows.mark_final(
            session,
            outbox_id=claimed.id,
            worker=self.worker_id,
            status=OutboxStatus.GIVEN_UP,
            error=f"given up: {error}",
        ):
            return
        if claimed.kind == OutboxKind.NOTICE:
            return  # a notice about a notice could go on for ever
        notice = encode(AdminNotice(claimed.id, claimed.kind.value, claimed.channel_id, error))
        for admin in sorted(a for a in self.admins if is_slack_user(a)):
            rows.enqueue(
                session,
                kind=OutboxKind.NOTICE,
                team_id=claimed.team_id,
                channel_id=admin,
                dedupe_key=f"notice:{claimed.id}:{admin}",
                facts=notice,
                now=now,
                ref_id=claimed.id,
            )

    def _queue_follow_ups(
        self, session: Session, claimed: Claimed, follow_ups: Sequence[FollowUp], now: datetime
    ) -> None:
        for follow_up in follow_ups:
            self._follow_ups_queued += 1
            rows.enqueue(
                session,
                kind=follow_up.kind,
                team_id=claimed.team_id,
                channel_id=follow_up.channel_id,
                dedupe_key=follow_up.dedupe_key,
                facts=follow_up.facts,
                now=now,
                ref_id=claimed.id,
                coalesce_key=follow_up.coalesce_key,
            )

    def _final(self, claimed: Claimed, status: OutboxStatus, error: str) -> None:
        with self.store.write() as session:
            rows.mark_final(
                session, outbox_id=claimed.id, worker=self.worker_id, status=status, error=error
            )

    def _count(self, kind: OutboxKind, outcome: Outcome | str) -> None:
        if self.on_outcome is not None:
            with contextlib.suppress(Exception):
                self.on_outcome(kind, outcome)
