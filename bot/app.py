"""The Bolt app: built by a factory from a runtime, never at import time."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners import (
    alerts,
    decision,
    from_messages,
    home,
    items,
    modals,
    reminders,
    slash,
    unfurls,
)
from bot.middleware import WorkspaceGate, request_context, request_kind, workspace_gate
from bot.oauth import oauth_settings
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def create_app(
    runtime: Runtime, *, client: AsyncWebClient, gate: WorkspaceGate | None = None
) -> AsyncApp:
    """The Bolt app. With `gate` (single-workspace mode) requests from other workspaces are
    refused before anything else runs."""
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
    if gate is not None:
        app.middleware(workspace_gate(gate))
    app.middleware(request_context(runtime))

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        runtime.metrics.errors.labels(request_kind(body)).inc()
        log.error("listener failed: %s", error, exc_info=error)

    slash.register(app, runtime)
    items.register(app, runtime)
    modals.register(app, runtime)
    home.register(app, runtime)
    reminders.register(app, runtime)
    alerts.register(app, runtime)
    decision.register(app, runtime)
    from_messages.register(app, runtime)
    unfurls.register(app, runtime)
    return app
