"""What every listener needs, built once per process by bot.wiring and never changed after."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.answers import Answers, Blind
from bot.metrics import Metrics
from bot.misses import Misses
from commands.context import Context

if TYPE_CHECKING:  # the command line builds a Runtime without delivery, monitors or schedules
    from bot.render.digest.templating import Templates
    from bot.settings import Settings
    from commands.monitors.draft import MonitorDraft
    from scheduler.delivery import Deliverer
    from scheduler.monitors.runner import MonitorRunner
    from scheduler.service import SchedulerService
    from storage.engine import Store
    from storage.vocabulary import Via

T = TypeVar("T")
log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class FollowUps:
    """Work started after an acknowledgement, kept so it is not garbage-collected.

    readybot is a long-running server, so a task on its event loop outlives the request
    (Bolt's lazy listeners exist for serverless hosts, and deep-copy every request)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Awaitable[Any], *, what: str) -> None:
        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("%s failed after the acknowledgement", what)

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


# Requests answered later ("working on it") whose work may still wait: past this many, new
# requests are told readybot is busy rather than queued behind them without end.
SLOW_LIMIT = 16


@dataclass
class SlowWork:
    """The requests acknowledged with "working on it" whose work has not finished. Touched
    on the event loop only."""

    limit: int = SLOW_LIMIT
    pending: int = 0

    @property
    def full(self) -> bool:
        return self.pending >= self.limit


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    store: Store
    templates: Templates
    metrics: Metrics = field(default_factory=Metrics)
    clock: Clock = utc_now
    delivery: Deliverer | None = None  # woken after a command that may have queued messages
    monitors: MonitorRunner | None = None  # runs `/ready monitor test` checks
    schedules: SchedulerService | None = None  # re-synced after `/ready digest …` changes
    followups: FollowUps = field(default_factory=FollowUps)
    slow: SlowWork = field(default_factory=SlowWork)
    # Read-only answers given again while the database is unchanged (`serve` watches it).
    answers: Answers[Any] = field(default_factory=lambda: Answers(Blind(), utc_now))
    # Mistyped item references answered while the database is unchanged (bot.misses).
    misses: Misses = field(default_factory=lambda: Misses(Blind()))

    @property
    def check_monitor(self) -> Callable[[int], str] | None:
        return self.monitors.check_blocking if self.monitors is not None else None

    @property
    def vet_monitor(self) -> Callable[[MonitorDraft], str | None] | None:
        return self.monitors.vet if self.monitors is not None else None

    def wake_delivery(self) -> None:
        """After a request: deliver what it queued, if it queued anything."""
        if self.delivery is not None:
            self.delivery.wake_if_queued()

    def schedules_changed(self) -> None:
        if self.schedules is not None:
            self.spawn(self.run(self.schedules.sync), what="re-syncing digest schedules")

    def context(self, *, team: str, user: str, channel: str | None, via: Via) -> Context:
        """A context for work that does not come from a Slack request (the console, the CLI)."""
        return Context(
            team_id=team,
            user_id=user,
            channel_id=channel,
            via=via,
            now=self.clock(),
            admins=self.settings.admins,
            default_timezone=self.settings.default_timezone,
            check_monitor=self.check_monitor,
            vet_monitor=self.vet_monitor,
            public_url=self.settings.public_url,
        )

    def spawn(self, work: Awaitable[Any], *, what: str) -> None:
        """Run `work` after the acknowledgement has gone back to Slack."""
        self.followups.spawn(work, what=what)

    async def drain(self) -> None:
        """Wait for follow-up work (shutdown, tests)."""
        await self.followups.drain()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking work (database, rendering of big replies) off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)
