"""Digests and reminders in the local console: printed to the terminal at their time.

The same jobs as `serve` run here (APScheduler, claims in the database), limited to what is
not Slack's: console channels and people who are not Slack users.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.compose import compose_digest_text, compose_reminder
from bot.render.digest.templates import Templates
from commands.text import replace_users
from scheduler.jobs import Jobs
from scheduler.service import SchedulerService
from storage import digests as rows
from storage.engine import Store

log = logging.getLogger(__name__)
PRINT_SECONDS = 2


def utc_now() -> datetime:
    return datetime.now(UTC)


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
        jobs = Jobs(
            store=store,
            worker="console",
            clock=clock,
            slack=False,
            on_queued=self.print_due,
            print_reminder=self._print_reminder,
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
        """Print every claimed console digest not printed yet."""
        with self.store.read() as session:
            pending = [run.id for run in rows.unbuilt_runs(session, slack=False)]
        for run_id in pending:
            text = compose_digest_text(self.store, run_id or 0, self.clock(), self.templates)
            if text:
                self._write(text)
        return len(pending)

    def _print_reminder(self, team: str, user: str, day: str) -> None:
        message = compose_reminder(self.store, team, user, day, self.clock(), self.templates)
        if message is not None:
            self._write(message.text)

    def _write(self, text: str) -> None:
        with self._lock:
            plain = replace_users(text, lambda user: f"@{user}")
            self.stdout.write(f"\n{plain.rstrip()}\n")
            self.stdout.flush()
