"""The App Home tab: published on every `app_home_opened` and after a click on it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import refresh
from bot.middleware import context_of
from bot.render.home import home_view
from bot.runtime import Runtime
from commands.context import Context
from commands.home import home

log = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.event("app_home_opened")
    async def opened(
        ack: AsyncAck, event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
    ) -> None:
        await ack()
        if event.get("tab", "home") != "home":
            return  # the Messages tab
        runtime.spawn(
            publish_home(runtime, client, ctx=context_of(context)),
            what="publishing the Home tab",
        )


async def publish_home(runtime: Runtime, client: AsyncWebClient, *, ctx: Context) -> None:
    reply = await runtime.run(home, runtime.store, ctx)
    view = home_view(reply)
    await runtime.run(
        refresh.queue_home,
        runtime.store,
        team_id=ctx.team_id,
        user_id=ctx.user_id,
        view=view,
        now=runtime.clock(),
    )
    runtime.wake_delivery()
