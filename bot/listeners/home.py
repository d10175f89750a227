"""The App Home tab: published on every `app_home_opened` and after a click on it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.home import home_view
from bot.runtime import Runtime
from commands.home import home
from storage.models import Via

log = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.event("app_home_opened")
    async def opened(
        ack: AsyncAck, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        if event.get("tab", "home") != "home":
            return  # the Messages tab
        team = body.get("team_id") or ""
        runtime.spawn(
            publish_home(runtime, client, team=team, user=event["user"]),
            what="publishing the Home tab",
        )


async def publish_home(runtime: Runtime, client: AsyncWebClient, *, team: str, user: str) -> None:
    ctx = runtime.context(team=team, user=user, channel=None, via=Via.BUTTON)
    reply = await runtime.run(home, runtime.store, ctx)
    await client.views_publish(user_id=user, view=home_view(reply, today=ctx.now.date()))
