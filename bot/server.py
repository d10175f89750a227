"""`readybot serve`: the Bolt app behind Starlette on uvicorn, plus /healthz and /metrics.

HTTP mode answers Slack on POST /slack/events. Socket Mode (SLACK_APP_TOKEN) talks to
Slack over a WebSocket instead, and the same small HTTP server still runs on PORT for
/healthz, /metrics and the heartbeat hooks monitors use. The outbox deliverer runs in the
same event loop. What runs is built once by bot.wiring; this module serves and starts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime

import uvicorn
from slack_bolt.adapter.starlette.async_handler import (
    AsyncSlackRequestHandler,
    to_async_bolt_request,
    to_starlette_response,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.edge import Edge, Refused
from bot.gate_api import gate_endpoint
from bot.health import HealthProbe
from bot.middleware import KEY, WorkspaceGate
from bot.settings import Settings
from bot.slack_client import web_client
from bot.wiring import Service, build_service
from scheduler.monitors.config import apply_config, load_config, vet_config
from scheduler.monitors.heartbeat import ping_kind
from storage import monitors as monitor_rows
from storage import outbox
from storage.engine import Store

log = logging.getLogger(__name__)


def create_web(service: Service) -> Starlette:
    settings, runtime = service.runtime.settings, service.runtime
    handler = AsyncSlackRequestHandler(service.app)

    secret = settings.slack_signing_secret
    edge = Edge(secret.get_secret_value() if secret else None)

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        admitted = await edge.admit(request)
        if isinstance(admitted, Refused):
            return admitted.response()
        bolt_request = to_async_bolt_request(request, admitted.body)
        response = to_starlette_response(await service.app.async_dispatch(bolt_request))
        kind = _kind_of(request.headers.get("content-type", ""), admitted.body)
        elapsed = time.perf_counter() - started
        runtime.metrics.latency.labels(kind).observe(elapsed)
        # The request's one log line (the middleware logs one only in Socket Mode).
        ctx = bolt_request.context.get(KEY)
        log.info(
            "slack %s from %s: %s in %.1f ms",
            kind,
            getattr(ctx, "user_id", None) or "-",
            response.status_code,
            elapsed * 1000,
        )
        return response

    async def oauth(request: Request) -> Response:
        return await handler.handle(request)

    health = HealthProbe(lambda: runtime.run(_health, runtime.store))

    async def healthz(request: Request) -> Response:
        found = await health.check()
        if not found.ok:
            return JSONResponse({"ok": False, "database": found.database}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok", "outbox": found.backlog})

    async def metrics(request: Request) -> Response:
        found = await health.check()
        for status, count in found.backlog.items():
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
        service.monitors.wake()
        return JSONResponse({"ok": True, "signal": kind})

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/hooks/heartbeat/{token}", heartbeat, methods=["POST", "GET"]),
        Route("/hooks/heartbeat/{token}/{signal}", heartbeat, methods=["POST", "GET"]),
        Route("/api/v1/launches/{launch}/gate", gate_endpoint(runtime), methods=["GET"]),
    ]
    if not settings.socket_mode:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    if settings.multi_workspace:
        routes += [
            Route("/slack/install", oauth, methods=["GET"]),
            Route("/slack/oauth_redirect", oauth, methods=["GET"]),
        ]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        if service.gate is not None:
            await identify_workspace(service.client, service.gate)
        if settings.monitors_file is not None:
            declared = load_config(settings.monitors_file)  # refuses to start on an invalid file
            source = str(settings.monitors_file)
            await runtime.run(vet_config, declared, service.monitors.vet, source=source)
            await runtime.run(apply_config, runtime.store, declared, now=runtime.clock())
        service.schedules.start(runtime.clock())
        service.schedules.scheduler.add_job(
            service.monitors.tick_all,
            "interval",
            seconds=60,
            id="monitor-ticks",
            coalesce=True,
            max_instances=1,
        )
        tasks = [
            asyncio.create_task(service.deliverer.run(stop)),
            asyncio.create_task(service.monitors.run(stop)),
        ]
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
            service.schedules.stop()
            stop.set()
            if socket_handler is not None:
                await socket_handler.close_async()
            await asyncio.gather(*tasks, return_exceptions=True)
            runtime.answers.close()

    return Starlette(routes=routes, lifespan=lifespan)


def record_ping(store: Store, token: str, kind: str, now: datetime) -> bool:
    """Store a heartbeat and make the monitor due now; False for an unknown token."""
    with store.write() as session:
        return monitor_rows.record_ping(session, token=token, kind=kind, now=now)


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


# Answers to auth.test that mean the bot token will never work: stop the start.
_TOKEN_REFUSED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}


async def identify_workspace(client: AsyncWebClient, gate: WorkspaceGate) -> None:
    """Ask Slack once which workspace the bot token belongs to: the only one served. A
    refused token stops the start; Slack out of reach leaves it to Bolt's first auth.test."""
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        if error in _TOKEN_REFUSED:
            raise RuntimeError(f"Slack refused SLACK_BOT_TOKEN ({error})") from None
        log.warning("could not ask Slack which workspace this is (%s); asking later", error)
        return
    except Exception as exc:
        log.warning("could not reach Slack to ask which workspace this is (%s)", exc)
        return
    gate.identify(dict(identity.data) if isinstance(identity.data, dict) else {})
    log.info("serving the workspace %s (%s) only", identity.get("team"), gate.team_id)


def _health(store: Store) -> dict[str, int]:
    with store.read() as session:
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
    web = create_web(build_service(settings, store))
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
