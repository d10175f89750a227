"""The Bolt app: built by a factory from settings and a runtime, never at import time."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.listeners import alerts, home, items, modals, reminders
from bot.listeners import slash as commands
from bot.oauth import oauth_settings
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def request_kind(body: dict[str, Any]) -> str:
    if body.get("command"):
        return "command"
    if body.get("type") in ("block_actions", "view_submission", "view_closed", "block_suggestion"):
        return str(body["type"])
    if body.get("type") == "event_callback":
        return "event"
    return str(body.get("type") or "other")


def create_app(runtime: Runtime, *, client: AsyncWebClient) -> AsyncApp:
    settings = runtime.settings
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    kwargs: dict[str, Any] = {
        "signing_secret": secret,
        "client": client,
        "request_verification_enabled": secret is not None,
        # ack() becomes the HTTP response when the listener returns; follow-up work runs in
        # tasks the listeners spawn (bot.runtime.Runtime.spawn), without Bolt's 10 ms ack polling.
        "process_before_response": True,
        "logger": logging.getLogger("slack_bolt"),
    }
    if settings.multi_workspace:
        kwargs["oauth_settings"] = oauth_settings(settings, runtime.store)
    # Otherwise Bolt takes the bot token from `client`, which was built with it.
    app = AsyncApp(**kwargs)

    @app.middleware
    async def request_context(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        logs.request_id.set(uuid.uuid4().hex[:12])
        kind = request_kind(req.body)
        runtime.metrics.requests.labels(kind).inc()
        log.info("slack %s from %s", kind, req.context.get("user_id") or "-")
        return await next()

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        runtime.metrics.errors.labels(request_kind(body)).inc()
        log.error("listener failed: %s", error, exc_info=error)

    commands.register(app, runtime)
    items.register(app, runtime)
    modals.register(app, runtime)
    home.register(app, runtime)
    reminders.register(app, runtime, runtime.templates)
    alerts.register(app, runtime)
    return app
