"""What every listener needs, built once per process and passed in (no globals)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.metrics import Metrics
from bot.settings import Settings
from commands.context import Context
from storage.engine import Store
from storage.models import Via

T = TypeVar("T")
log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    metrics: Metrics = field(default_factory=Metrics)
    clock: Clock = utc_now
    # Called after a command that may have queued outbox rows (announcements): deliver soon.
    wake_delivery: Callable[[], None] = lambda: None
    # Called after `/ready digest …` changed a schedule: re-sync the cron jobs now.
    on_schedule_change: Callable[[], object] = lambda: None
    templates: Any = None  # bot.render.digest.templates.Templates
    # Run one monitor's check now (`/ready monitor test`); set by `serve`, which runs monitors.
    check_monitor: Callable[[int], str] | None = None
    # Follow-up work started after an acknowledgement; kept so it is not garbage-collected.
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def context(
        self,
        *,
        team: str,
        user: str,
        channel: str | None,
        via: Via,
        request_key: str | None = None,
        launch_id: int | None = None,
    ) -> Context:
        return Context(
            team_id=team,
            user_id=user,
            channel_id=channel,
            via=via,
            now=self.clock(),
            admins=self.settings.admins,
            default_timezone=self.settings.default_timezone,
            request_key=request_key,
            launch_id=launch_id,
            check_monitor=self.check_monitor,
            public_url=self.settings.public_url,
        )

    def spawn(self, work: Coroutine[Any, Any, Any], *, what: str) -> None:
        """Run `work` after the acknowledgement has gone back to Slack.

        readybot is a long-running server, so a task on its event loop outlives the request
        (Bolt's lazy listeners exist for serverless hosts, and deep-copy every request).
        """

        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("%s failed after the acknowledgement", what)

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for follow-up work (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking work (database, rendering of big replies) off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)
