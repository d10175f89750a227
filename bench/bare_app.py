"""A bare Bolt AsyncApp that only acknowledges `/ready`, served exactly as readybot is
(Starlette + uvicorn): the baseline bench.serve compares readybot with."""

from __future__ import annotations

import os

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create() -> Starlette:
    app = AsyncApp(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=AsyncWebClient(
            token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
        ),
        # True is the fastest configuration (no 10 ms polling for the ack); the benchmark also
        # runs Bolt's default (False) to show what that polling costs.
        process_before_response=os.environ.get("BARE_PROCESS_BEFORE_RESPONSE", "true") == "true",
    )

    @app.command("/ready")
    async def ready(ack) -> None:  # type: ignore[no-untyped-def]
        await ack("ok")

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
