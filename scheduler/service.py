"""APScheduler 3 running readybot's time-driven jobs from its own tables.

Each bound channel's digest schedule becomes a cron job in an in-memory job store, rebuilt at
start and re-synced every minute (so a change made on another replica takes effect without a
restart; the replica that made it re-syncs at once). Cron fires on time; a catch-up pass every
few minutes claims anything due that a cron fire missed (a restart, a DST gap). Both end in
the same unique claim, so nothing is posted twice. There is no shared APScheduler job store:
the tables are the truth.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from commands.timing import parse_time
from scheduler.jobs import Jobs
from storage import digests as rows
from storage.vocabulary import is_slack_channel

log = logging.getLogger(__name__)

SYNC_SECONDS = 60
CATCH_UP_SECONDS = 300
DAY_RECORD_SECONDS = 1800
CALL_SECONDS = 20  # Go/No-Go deadlines and halfway reminders


class SchedulerService:
    def __init__(self, jobs: Jobs, scheduler: BaseScheduler) -> None:
        self.jobs = jobs
        self.scheduler = scheduler
        self._signatures: dict[str, str] = {}

    def start(self, now: datetime) -> None:
        self.sync()
        common = {
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": 60,
            "replace_existing": True,
        }
        self.scheduler.add_job(
            self.sync, IntervalTrigger(seconds=SYNC_SECONDS), id="sync", **common
        )
        self.scheduler.add_job(
            self.jobs.digests,
            IntervalTrigger(seconds=CATCH_UP_SECONDS),
            id="catch-up",
            next_run_time=now,
            **common,
        )
        self.scheduler.add_job(
            self.jobs.reminders,
            IntervalTrigger(seconds=CATCH_UP_SECONDS),
            id="reminders",
            next_run_time=now,
            **common,
        )
        self.scheduler.add_job(
            self.jobs.calls,
            IntervalTrigger(seconds=CALL_SECONDS),
            id="calls",
            next_run_time=now,
            **common,
        )
        self.scheduler.add_job(
            self.jobs.evidence,
            IntervalTrigger(seconds=CATCH_UP_SECONDS),
            id="evidence",
            next_run_time=now,
            **common,
        )
        self.scheduler.add_job(
            self.jobs.record_days,
            IntervalTrigger(seconds=DAY_RECORD_SECONDS),
            id="days",
            next_run_time=now,
            **common,
        )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def sync(self) -> int:
        """Make the cron jobs match the digest_schedule table; returns the number of digest jobs."""
        with self.jobs.store.read() as session:
            wanted = {}
            for schedule, launch in rows.schedules(session):
                if not schedule.enabled or is_slack_channel(schedule.channel_id) != self.jobs.slack:
                    continue
                zone = schedule.timezone or launch.timezone
                job_id = f"digest:{schedule.team_id}:{schedule.channel_id}"
                wanted[job_id] = (f"{schedule.at_time}|{zone}|{schedule.days}", schedule, zone)
        for job_id in set(self._signatures) - set(wanted):
            self.scheduler.remove_job(job_id)
            del self._signatures[job_id]
        for job_id, (signature, schedule, zone) in wanted.items():
            if self._signatures.get(job_id) == signature:
                continue
            at = parse_time(schedule.at_time)
            trigger = CronTrigger(
                day_of_week=schedule.days, hour=at.hour, minute=at.minute, timezone=zone
            )
            self.scheduler.add_job(
                self.jobs.digests,
                trigger,
                id=job_id,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(self.jobs_catch_up_seconds()),
                kwargs={"only": (schedule.team_id, schedule.channel_id)},
            )
            self._signatures[job_id] = signature
        return len(wanted)

    @staticmethod
    def jobs_catch_up_seconds() -> float:
        from scheduler.jobs import CATCH_UP

        return CATCH_UP.total_seconds()
