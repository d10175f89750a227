"""`/ready …`: every request acknowledged within Slack's three seconds.

Fast replies go in the acknowledgement. Slow work (import, export, or anything that has not
finished within FAST_BUDGET, say a database waiting on a lock) is acknowledged at once with a
"working on it" note and answered through the response_url when it is done.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.common import response_payload
from bot.runtime import Runtime
from bot.slack_render import modals
from commands import verbs as v
from commands.errors import CommandError
from commands.parse import parse
from commands.replies import Reply
from commands.run import SLOW_VERBS, error_reply, execute_command, verb_of
from commands.text import clean
from storage.models import Via

log = logging.getLogger(__name__)
FAST_BUDGET = 2.0  # seconds; Slack gives up at 3


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.command("/ready")
    async def ready(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await handle_command(runtime, ack=ack, body=body, respond=respond, client=client)


def _parse(text: str) -> v.Command | Reply:
    try:
        return parse(clean(text))
    except CommandError as exc:
        return error_reply(exc)


async def handle_command(
    runtime: Runtime,
    *,
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
) -> None:
    text = body.get("text") or ""
    ctx = runtime.context(
        team=body["team_id"], user=body["user_id"], channel=body.get("channel_id"), via=Via.COMMAND
    )
    if text.strip().lower() in ("import", "import --dry-run") and body.get("trigger_id"):
        await ack()  # a document is too long for a slash command: paste it in a modal
        await _open_import_modal(runtime, client, body)
        return
    parsed = _parse(text)
    if not isinstance(parsed, v.Command):
        runtime.metrics.commands.labels(verb_of(text) or "unknown", "refused").inc()
        await ack(**response_payload(parsed, None))
        return
    command = parsed
    verb = verb_of(text) or "status"
    work = asyncio.ensure_future(runtime.run(execute_command, runtime.store, ctx, command))
    slow = verb in SLOW_VERBS
    if not slow:
        done, _ = await asyncio.wait({work}, timeout=FAST_BUDGET)
        if done:
            reply = work.result()
            await ack(**response_payload(reply, command))
            _count(runtime, verb, reply)
            runtime.wake_delivery()
            return
    await ack(response_type="ephemeral", text="⏳ Working on it; the answer follows here shortly.")
    reply = await work
    _count(runtime, verb, reply)
    runtime.wake_delivery()
    payload = response_payload(reply, command)
    try:
        await respond(**payload, replace_original=False)
    except Exception:
        log.exception("could not answer through the response_url")


def _count(runtime: Runtime, verb: str, reply: Reply) -> None:
    from commands.replies import ErrorReply
    from commands.run import INTERNAL_ERROR_PREFIX

    outcome = "ok"
    if isinstance(reply, ErrorReply):
        outcome = "internal_error" if reply.message.startswith(INTERNAL_ERROR_PREFIX) else "refused"
        if outcome == "internal_error":
            runtime.metrics.errors.labels("command").inc()
    runtime.metrics.commands.labels(verb, outcome).inc()


async def _open_import_modal(
    runtime: Runtime, client: AsyncWebClient, body: dict[str, Any]
) -> None:
    metadata = json.dumps({"channel": body.get("channel_id")})
    await client.views_open(trigger_id=body["trigger_id"], view=modals.import_modal(None, metadata))
