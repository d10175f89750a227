"""Build everything `serve` runs, once: the runtime, the Bolt app, the outbox deliverer, the
monitor runner and the scheduled jobs. Nothing here starts anything; `bot.server` does."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answers
from bot.app import create_app
from bot.metrics import Metrics
from bot.middleware import WorkspaceGate
from bot.misses import Misses
from bot.render.digest.templates import load_templates
from bot.runtime import Runtime, utc_now
from bot.settings import Settings
from bot.slack_client import web_client
from bot.transport import SlackTransport
from scheduler.delivery import (
    Deliverer,
    Outcome,
    Pacer,
    Permanent,
    Retry,
    Sent,
    Uncertain,
    Unverified,
)
from scheduler.jobs import Jobs
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.paths import BackupRoots
from scheduler.monitors.runner import MonitorRunner
from scheduler.service import SchedulerService
from storage.changes import ChangeWatch
from storage.engine import Store
from storage.vocabulary import OutboxKind

OUTCOME_NAMES: dict[type, str] = {
    Sent: "sent",
    Retry: "retry",
    Uncertain: "uncertain",
    Unverified: "unverified",
    Permanent: "failed",
}


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True)
class Service:
    """Everything `serve` runs, wired once."""

    runtime: Runtime
    app: AsyncApp
    deliverer: Deliverer
    monitors: MonitorRunner
    schedules: SchedulerService
    jobs: Jobs
    client: AsyncWebClient  # the Bolt app's client (with the bot token in single-workspace mode)
    gate: WorkspaceGate | None  # single-workspace mode: the one workspace served


def build_service(
    settings: Settings,
    store: Store,
    *,
    metrics: Metrics | None = None,
    delivery_poll: float = 2.0,
    monitor_poll: float = 5.0,
    pacer: Pacer | None = None,
) -> Service:
    """Everything `serve` runs. The polls and `pacer` are for tests and benchmarks that need
    delivery and checks sooner than production does."""
    metrics = metrics or Metrics()
    templates = load_templates(settings.templates_dir)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    poster = web_client(
        token=token, base_url=settings.slack_api_url, metrics=metrics, retries=False
    )

    async def client_for(team_id: str) -> AsyncWebClient:
        if not settings.multi_workspace:
            return poster
        from bot.oauth import installations

        bot = await installations(settings, store).async_find_bot(
            enterprise_id=None, team_id=team_id
        )
        if bot is None:
            raise RuntimeError(f"no installation for workspace {team_id}")
        return web_client(
            token=bot.bot_token, base_url=settings.slack_api_url, metrics=metrics, retries=False
        )

    def count(kind: OutboxKind, outcome: Outcome | str) -> None:
        name = outcome if isinstance(outcome, str) else OUTCOME_NAMES[type(outcome)]
        metrics.outbox.labels(kind.value, name).inc()

    worker = worker_id()
    deliverer = Deliverer(
        store=store,
        transport=SlackTransport(client_for, templates=templates),
        worker_id=worker,
        clock=utc_now,
        on_outcome=count,
        pacer=pacer or Pacer(rate=settings.slack_rate, burst=max(1.0, settings.slack_rate)),
        poll_seconds=delivery_poll,
        concurrency=settings.delivery_concurrency,
        give_up_after=timedelta(seconds=settings.uncertain_give_up),
        admins=settings.admins,
    )
    monitors = MonitorRunner(
        store=store,
        worker=worker,
        clock=utc_now,
        network=AddressPolicy(settings.monitor_allow),
        backup_roots=BackupRoots(settings.backup_paths),
        concurrency=settings.monitor_concurrency,
        on_queued=deliverer.wake,
        poll_seconds=monitor_poll,
    )
    jobs = Jobs(store=store, worker=worker, clock=utc_now, slack=True, on_queued=deliverer.wake)
    schedules = SchedulerService(jobs, AsyncIOScheduler())
    watch = ChangeWatch(store)  # closed with the answers
    runtime = Runtime(
        settings=settings,
        store=store,
        templates=templates,
        metrics=metrics,
        delivery=deliverer,
        monitors=monitors,
        schedules=schedules,
        answers=Answers(watch, utc_now),
        misses=Misses(watch),
    )
    client = web_client(
        token=None if settings.multi_workspace else token,
        base_url=settings.slack_api_url,
        metrics=metrics,
    )
    gate = None if settings.multi_workspace else WorkspaceGate()
    app = create_app(runtime, client=client, gate=gate)
    return Service(runtime, app, deliverer, monitors, schedules, jobs, client, gate)
