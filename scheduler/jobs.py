"""Time-driven work on the project's own tables: claim due digests, skip ones missed by too
much, queue daily reminders, keep a daily score per launch.

Every function here is safe to run on several replicas at once and to run again: claims are
unique rows, so the second runner finds the work taken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from commands.decision import calls as decision_calls
from commands.digests.gather import local_today, record_today, scheduler_context
from commands.digests.queue import queue_digest, queue_reminder
from commands.items.expiry import expire_evidence
from commands.status import build_report
from commands.timing import latest_due, schedule_of
from storage import digests as rows
from storage import items, launches
from storage.engine import Store
from storage.vocabulary import is_slack_channel, is_slack_user

log = logging.getLogger(__name__)

CATCH_UP = timedelta(hours=3)  # a digest missed by more than this (downtime) is skipped
REMINDER_TIME = time(9, 0)  # local to each launch
Clock = Callable[[], datetime]


@dataclass
class Jobs:
    """`slack=True` (serve) handles Slack channels and people; `slack=False` (the local console)
    handles the others, printing instead of posting."""

    store: Store
    worker: str
    clock: Clock
    slack: bool = True
    on_queued: Callable[[], object] = lambda: None  # something was queued: deliver it soon

    # -- digests ------------------------------------------------------------------------
    def digests(self, only: tuple[str, str] | None = None) -> int:
        """Claim every digest that is due and not yet claimed; returns how many were claimed.

        A digest is due from its scheduled instant for CATCH_UP hours; a later one (readybot was
        down) is recorded as skipped with a log line, never posted hours late. Instants before the
        schedule was set or the channel bound do not count.
        """
        now = self.clock()
        claimed = 0
        with self.store.write() as session:
            for schedule, launch in rows.schedules(session):
                if (
                    (only and (schedule.team_id, schedule.channel_id) != only)
                    or not schedule.enabled
                    or is_slack_channel(schedule.channel_id) != self.slack
                ):
                    continue
                plan = schedule_of(
                    schedule.at_time, schedule.timezone or launch.timezone, schedule.days
                )
                due = latest_due(plan, now)
                if due is None or due[1] < schedule.updated_at:
                    continue
                day, instant = due
                late = now - instant
                if late > CATCH_UP:
                    if rows.skip_digest(
                        session,
                        team_id=schedule.team_id,
                        channel_id=schedule.channel_id,
                        launch_id=schedule.launch_id,
                        local_date=day,
                        scheduled_for=instant,
                        worker=self.worker,
                        now=now,
                        why=f"missed by {late} (over {CATCH_UP})",
                    ):
                        log.warning(
                            "skipping the %s digest for %s: it is %s late (readybot was not running)",
                            day,
                            schedule.channel_id,
                            late,
                        )
                    continue
                first_day = min(plan.days)
                run = rows.claim_digest(
                    session,
                    team_id=schedule.team_id,
                    channel_id=schedule.channel_id,
                    launch_id=schedule.launch_id,
                    local_date=day,
                    scheduled_for=instant,
                    worker=self.worker,
                    now=now,
                    weekly=day.weekday() == first_day,
                )
                if run is not None:
                    claimed += 1
                    queue_digest(session, run=run, now=now)
                    log.info("claimed the %s digest for %s", day, schedule.channel_id)
        if claimed:
            self.on_queued()
        return claimed

    # -- reminders ----------------------------------------------------------------------
    def reminders(self) -> int:
        """Once a day per person (from REMINDER_TIME in each launch's timezone, for CATCH_UP
        hours), queue one message listing their overdue items, unless they turned it off."""
        now = self.clock()
        queued = 0
        with self.store.write() as session:
            for launch in launches.all_launches(session):
                zone = ZoneInfo(launch.timezone)
                local = now.astimezone(zone)
                start = datetime.combine(local.date(), REMINDER_TIME, tzinfo=zone)
                if not start <= local < start + CATCH_UP:
                    continue
                assert launch.id is not None
                for owner in items.owners_with_overdue(
                    session, launch_id=launch.id, today=local.date()
                ):
                    if is_slack_user(owner) != self.slack or not rows.reminders_enabled(
                        session, team_id=launch.team_id, user_id=owner
                    ):
                        continue
                    if not rows.claim_reminder(
                        session,
                        team_id=launch.team_id,
                        user_id=owner,
                        local_date=local.date(),
                        now=now,
                    ):
                        continue
                    if queue_reminder(
                        session, team_id=launch.team_id, user_id=owner, today=local.date(), now=now
                    ):
                        queued += 1
        if queued:
            self.on_queued()
        return queued

    # -- Go/No-Go calls ------------------------------------------------------------------
    def calls(self) -> int:
        """Close calls past their deadline and remind voters halfway (every replica runs it;
        each close and each reminder is claimed by one of them)."""
        done = decision_calls.tick(self.store, self.clock(), slack=self.slack)
        if done:
            self.on_queued()
        return done

    # -- evidence that expires -------------------------------------------------------------
    def evidence(self) -> int:
        """Reopen done items whose evidence grew older than their `verify … every`."""
        done = expire_evidence(self.store, self.clock(), slack=self.slack)
        if done:
            self.on_queued()
        return done

    # -- daily scores -------------------------------------------------------------------
    def record_days(self) -> int:
        """Today's score and open items for every launch (the digest trend and weekly chart)."""
        now = self.clock()
        # Reports are made in a read transaction (they may take a while on big launches, and
        # reuse what status keeps); the write lock is held only to record them.
        with self.store.read() as session:
            made = []
            for launch in launches.all_launches(session):
                today = local_today(launch, now)
                report, tallies = build_report(
                    session, scheduler_context(launch.team_id, now), launch, today
                )
                made.append((launch.id, today, report.score.percent, tallies))
        recorded = 0
        with self.store.write() as session:
            for launch_id, today, percent, tallies in made:
                assert launch_id is not None
                still = launches.get_launch(session, launch_id=launch_id)
                if still is None:  # deleted meanwhile
                    continue
                record_today(session, still, today, percent, tallies, now)
                recorded += 1
        return recorded
