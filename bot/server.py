"""`readybot serve`: the Bolt app behind Starlette on uvicorn, plus /healthz and /metrics.

HTTP mode answers Slack on POST /slack/events. Socket Mode (SLACK_APP_TOKEN) talks to
Slack over a WebSocket instead, and the same small HTTP server still runs on PORT for
/healthz, /metrics and the heartbeat hooks monitors use. The outbox deliverer runs in the
same event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import create_app
from bot.metrics import Metrics
from bot.render.digest.templates import load_templates
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack_client import web_client
from bot.transport import SlackSender
from scheduler.delivery import Deliverer, Outcome, Pacer, Permanent, Retry, Sent, Uncertain
from scheduler.jobs import Jobs
from scheduler.monitors.config import apply_config, load_config
from scheduler.monitors.heartbeat import ping_kind
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.runner import MonitorRunner
from scheduler.service import SchedulerService
from storage import monitors as monitor_rows
from storage import outbox
from storage.engine import Store

log = logging.getLogger(__name__)


@dataclass
class Service:
    """Everything `serve` runs, wired once."""

    runtime: Runtime
    app: AsyncApp
    deliverer: Deliverer
    monitors: MonitorRunner
    monitor_wake: asyncio.Event = field(default_factory=asyncio.Event)
    monitor_poll: float = 5.0
    extra_routes: list[Route] = field(default_factory=list)
    background: list[Any] = field(default_factory=list)  # async callables taking the stop event


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def build_service(settings: Settings, store: Store, *, metrics: Metrics | None = None) -> Service:
    runtime = Runtime(
        settings=settings,
        store=store,
        metrics=metrics or Metrics(),
        templates=load_templates(settings.templates_dir),
    )
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = web_client(
        token=None if settings.multi_workspace else token,
        base_url=settings.slack_api_url,
        metrics=runtime.metrics,
    )
    app = create_app(runtime, client=client)
    poster = web_client(
        token=token,
        base_url=settings.slack_api_url,
        metrics=runtime.metrics,
        retries=False,
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
            token=bot.bot_token,
            base_url=settings.slack_api_url,
            metrics=runtime.metrics,
            retries=False,
        )

    def count(kind: str, outcome: Outcome | str) -> None:
        name = (
            outcome
            if isinstance(outcome, str)
            else {Sent: "sent", Retry: "retry", Uncertain: "uncertain", Permanent: "failed"}[
                type(outcome)
            ]
        )
        runtime.metrics.outbox.labels(kind, name).inc()

    deliverer = Deliverer(
        store=store,
        sender=SlackSender(store, client_for, templates=runtime.templates, clock=runtime.clock),
        worker_id=worker_id(),
        clock=runtime.clock,
        on_outcome=count,
        pacer=Pacer(rate=settings.slack_rate, burst=max(1.0, settings.slack_rate)),
    )
    runtime.wake_delivery = deliverer.wake
    monitors = MonitorRunner(
        store=store,
        worker=worker_id(),
        clock=runtime.clock,
        network=AddressPolicy(settings.monitor_allow),
        concurrency=settings.monitor_concurrency,
    )
    return Service(runtime=runtime, app=app, deliverer=deliverer, monitors=monitors)


def create_web(service: Service) -> Starlette:
    settings, runtime = service.runtime.settings, service.runtime
    handler = AsyncSlackRequestHandler(service.app)

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        response = await handler.handle(request)
        kind = _kind_of(request.headers.get("content-type", ""), await request.body())
        elapsed = time.perf_counter() - started
        runtime.metrics.latency.labels(kind).observe(elapsed)
        log.info("acknowledged %s with %s in %.1f ms", kind, response.status_code, elapsed * 1000)
        return response

    async def oauth(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        try:
            backlog = await runtime.run(_health, runtime.store)
        except Exception as exc:
            log.warning("health check: database unreachable: %s", type(exc).__name__)
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok", "outbox": backlog})

    async def metrics(request: Request) -> Response:
        with contextlib.suppress(Exception):
            for status, count in (await runtime.run(_health, runtime.store)).items():
                runtime.metrics.outbox_backlog.labels(status).set(count)
        return Response(
            runtime.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    async def heartbeat(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            kind = ping_kind(request.path_params.get("signal"))
        except ValueError as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        known = await runtime.run(record_ping, runtime.store, token, kind, runtime.clock())
        if not known:
            return JSONResponse({"ok": False, "error": "unknown heartbeat"}, status_code=404)
        service.monitor_wake.set()
        return JSONResponse({"ok": True, "signal": kind})

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/hooks/heartbeat/{token}", heartbeat, methods=["POST", "GET"]),
        Route("/hooks/heartbeat/{token}/{signal}", heartbeat, methods=["POST", "GET"]),
    ]
    if not settings.socket_mode:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    if settings.multi_workspace:
        routes += [
            Route("/slack/install", oauth, methods=["GET"]),
            Route("/slack/oauth_redirect", oauth, methods=["GET"]),
        ]
    routes += service.extra_routes

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        jobs = Jobs(
            store=runtime.store,
            worker=worker_id(),
            clock=runtime.clock,
            slack=True,
            on_queued=lambda: loop.call_soon_threadsafe(service.deliverer.wake),
        )
        if settings.monitors_file is not None:
            declared = load_config(settings.monitors_file)  # refuses to start on an invalid file
            await runtime.run(apply_config, runtime.store, declared, now=runtime.clock())
        service.monitors.on_queued = lambda: loop.call_soon_threadsafe(service.deliverer.wake)
        runtime.check_monitor = lambda monitor_id: asyncio.run_coroutine_threadsafe(
            service.monitors.check_now(monitor_id), loop
        ).result(timeout=60)
        schedules = SchedulerService(jobs, AsyncIOScheduler(event_loop=loop))
        schedules.start(runtime.clock())
        schedules.scheduler.add_job(
            service.monitors.tick_all,
            "interval",
            seconds=60,
            id="monitor-ticks",
            coalesce=True,
            max_instances=1,
        )
        runtime.on_schedule_change = schedules.sync
        tasks = [
            asyncio.create_task(service.deliverer.run(stop)),
            asyncio.create_task(run_monitors(service, stop)),
        ]
        tasks += [asyncio.create_task(job(stop)) for job in service.background]
        socket_handler = None
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            assert settings.slack_app_token is not None
            socket_handler = AsyncSocketModeHandler(
                service.app,
                settings.slack_app_token.get_secret_value(),
                web_client=web_client(
                    token=None, base_url=settings.slack_api_url, metrics=runtime.metrics
                ),
            )
            await check_app_token(
                socket_handler.client.web_client, settings.slack_app_token.get_secret_value()
            )
            await socket_handler.connect_async()
            log.info("connected to Slack over Socket Mode")
        try:
            yield
        finally:
            schedules.stop()
            stop.set()
            if socket_handler is not None:
                await socket_handler.close_async()
            await asyncio.gather(*tasks, return_exceptions=True)

    return Starlette(routes=routes, lifespan=lifespan)


async def run_monitors(service: Service, stop: asyncio.Event) -> None:
    """Check due monitors every few seconds, or at once after a heartbeat arrives."""
    while not stop.is_set():
        service.monitor_wake.clear()
        try:
            await service.monitors.run_due()
        except Exception:
            log.exception("monitor pass failed; retrying on the next tick")
        waiters = [
            asyncio.ensure_future(stop.wait()),
            asyncio.ensure_future(service.monitor_wake.wait()),
        ]
        await asyncio.wait(
            waiters, timeout=service.monitor_poll, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in waiters:
            waiter.cancel()


def record_ping(store: Store, token: str, kind: str, now: datetime) -> bool:
    """Store a heartbeat and make the monitor due now; False for an unknown token."""
    with store.write() as session:
        monitor = monitor_rows.by_token(session, token)
        if monitor is None:
            return False
        monitor.last_ping_at, monitor.last_ping_kind = now, kind
        if kind == "success":
            monitor.last_success_at = now
        if kind != "start":
            monitor.next_check_at = now
        return True


async def check_app_token(client: AsyncWebClient, app_token: str) -> None:
    """Fail the start loudly if Slack refuses the app-level token (slack_sdk would otherwise
    retry every 10 s forever, and the server would never start listening)."""
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        raise RuntimeError(
            f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}): check the app-level token and that "
            "Socket Mode is enabled for the app"
        ) from None


def _health(store: Store) -> dict[str, int]:
    with store.read() as session:
        session.execute(text("SELECT 1"))
        return outbox.backlog(session)


def _kind_of(content_type: str, body: bytes) -> str:
    if "json" in content_type:
        return "event"
    return "interaction" if body.startswith(b"payload=") else "command"


def run(settings: Settings, store: Store) -> None:
    """Serve until interrupted (SIGINT/SIGTERM stop uvicorn gracefully)."""
    # Database work runs in threads beside the event loop. With the default 5 ms switch
    # interval a thread that wants the GIL waits behind the loop for up to 5 ms at a time,
    # which under load shows up directly in acknowledgement latency (BENCHMARKS.md).
    sys.setswitchinterval(0.0005)
    service = build_service(settings, store)
    web = create_web(service)
    mode = "Socket Mode" if settings.socket_mode else "HTTP (POST /slack/events)"
    log.info("readybot serving on %s:%s, %s", settings.host, settings.port, mode)
    uvicorn.run(
        web,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
