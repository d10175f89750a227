"""Digests and reminders in the local console: printed to the terminal at their time.

The same jobs as `serve` run here (APScheduler, claims in the database), limited to what is
not Slack's: console channels and people who are not Slack users. What they queue goes
through the same outbox, delivered by a transport that prints instead of posting.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import ValidationError

from bot.render.composers import compose_text
from bot.render.digest.templating import Templates
from commands.facts import decode
from commands.text import replace_users
from scheduler.delivery import Deliverer, Outcome, Pacer, Permanent, Sent
from scheduler.jobs import Jobs
from scheduler.service import SchedulerService
from storage.engine import Store
from storage.outbox import CONSOLE, Claimed

log = logging.getLogger(__name__)
PRINT_SECONDS = 2


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConsoleTransport:
    """Prints what the outbox holds for console channels and people."""

    name = CONSOLE

    def __init__(self, write: Callable[[str], None], templates: Templates) -> None:
        self.write = write
        self.templates = templates

    async def send(self, claimed: Claimed, *, parent_ts: str | None) -> Outcome:
        try:
            facts = decode(claimed.kind, claimed.facts)
        except ValidationError:
            return Permanent(f"unreadable facts for a {claimed.kind} row")
        self.write(compose_text(claimed.kind, facts, self.templates))
        return Sent(None)


class ConsoleSchedule:
    def __init__(
        self,
        store: Store,
        stdout: TextIO,
        templates: Templates,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.stdout = stdout
        self.templates = templates
        self.clock = clock
        self._lock = threading.Lock()
        self.deliverer = Deliverer(
            store=store,
            transport=ConsoleTransport(self._write, templates),
            worker_id="console",
            clock=clock,
            pacer=Pacer(interval=0, rate=1000, burst=1000),
        )
        jobs = Jobs(
            store=store, worker="console", clock=clock, slack=False, on_queued=self.print_due
        )
        self.service = SchedulerService(jobs, BackgroundScheduler(daemon=True))

    def start(self) -> None:
        self.service.start(self.clock())
        self.service.scheduler.add_job(
            self.print_due,
            IntervalTrigger(seconds=PRINT_SECONDS),
            id="print",
            coalesce=True,
            max_instances=1,
        )

    def stop(self) -> None:
        self.service.stop()

    def sync(self) -> None:
        self.service.sync()

    def print_due(self) -> int:
        """Print every queued console digest and reminder not printed yet."""
        return asyncio.run(self.deliverer.deliver_due())

    def _write(self, text: str) -> None:
        with self._lock:
            plain = replace_users(text, lambda user: f"@{user}")
            self.stdout.write(f"\n{plain.rstrip()}\n")
            self.stdout.flush()
