"""`/ready …`: every request acknowledged within Slack's three seconds.

Bolt runs this app with `process_before_response=True`: the listener's `ack()` becomes the
HTTP response as soon as the listener returns. (With the default, Bolt polls every 10 ms
for the ack, which costs latency and CPU under load; see BENCHMARKS.md.)

Fast replies go in the acknowledgement. Slow work (import, export, or anything not done
within FAST_BUDGET, say a database waiting on a lock) is acknowledged at once with a
"working on it" note and answered through the response_url by a follow-up task.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, replace
from typing import Any

import orjson
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import answers
from bot.listeners.common import response_payload
from bot.middleware import context_of
from bot.render import modals
from bot.runtime import Runtime
from commands.context import Context
from commands.errors import CommandError
from commands.items.find import references
from commands.parse.text import parse, verb_of
from commands.replies import ErrorReply, Reply
from commands.run import (
    INTERNAL_ERROR_PREFIX,
    error_reply,
    execute_command,
    with_retries,
)
from commands.text import clean
from commands.verbs import REGISTRY, Command
from commands.verbs.digest import changes_schedule
from storage.engine import Store

log = logging.getLogger(__name__)
FAST_BUDGET = 2.0  # seconds; Slack gives up at 3
WORKING = "⏳ Working on it; the answer follows here shortly."
# Too many answers still to come (Runtime.slow): this request is turned away, not queued.
BUSY = "readybot is busy, try again in a moment: `/ready {verb}` was not run, nothing changed."


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.command("/ready")
    async def ready(
        ack: AsyncAck,
        body: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        await handle_command(
            runtime, ack=ack, body=body, respond=respond, client=client, context=context
        )


def _is_import_form(text: str) -> bool:
    """`/ready import` with no document: a document is too long to type, so open a modal."""
    return text.strip().lower() in ("import", "import --dry-run")


def _parse(text: str) -> Command | Reply:
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
    context: dict[str, Any],
) -> None:
    text = body.get("text") or ""
    if _is_import_form(text):
        await ack()
        runtime.spawn(_open_import_modal(client, body), what="opening the import modal")
        return
    parsed = _parse(text)
    verb = verb_of(text) or ("status" if not text.strip() else "unknown")
    if not isinstance(parsed, Command):
        runtime.metrics.commands.labels(verb, "refused").inc()
        await ack(**response_payload(parsed, None))
        return
    if runtime.slow.full:
        runtime.metrics.commands.labels(verb, "busy").inc()
        await ack(response_type="ephemeral", text=BUSY.format(verb=verb))
        return
    ctx = context_of(context)
    spec = REGISTRY.spec_of(parsed)
    slow = spec.slow
    if spec.read_only:
        key = answers.key_of(ctx, clean(text))
        if (again := runtime.answers.get(key)) is not None:
            await _acknowledge(ack, again)  # nothing committed since it was made: no thread hop
            runtime.metrics.answers_reused.labels(verb).inc()
            _count(runtime, verb, again.shown)
            if runtime.answers.due_for_renewal(key):
                _answer(runtime, key, replace(ctx, now=runtime.clock()), parsed, text)
            return
        work = _answer(runtime, key, ctx, parsed, text)
    else:
        if (missed := runtime.misses.reply(ctx, parsed)) is not None:
            # Names no item, and nothing was committed since the channel's items were read:
            # the reply it would get, with no worker thread, transaction or write lock.
            await ack(**response_payload(missed, parsed))
            runtime.metrics.misses_answered.labels(verb).inc()
            _count(runtime, verb, missed)
            return
        work = asyncio.ensure_future(
            runtime.run(_run, runtime.store, ctx, parsed, text, render=not slow)
        )
    if not slow:
        done, _ = await asyncio.wait({work}, timeout=FAST_BUDGET)
        if done:
            ran = work.result()
            await _acknowledge(ack, ran)
            _count(runtime, verb, ran.shown)
            _after(runtime, parsed)
            _learn(runtime, ctx, ran.reply)
            return
    await ack(response_type="ephemeral", text=WORKING)
    runtime.slow.pending += 1
    runtime.spawn(_answer_later(runtime, work, parsed, verb, respond), what=f"/ready {verb}")


def _learn(runtime: Runtime, ctx: Context, reply: Reply) -> None:
    """After a reference that named no item: read the channel's items for the next ones."""
    if not isinstance(reply, ErrorReply) or reply.unknown is None:
        return
    fill = runtime.misses.learn(ctx, lambda: runtime.run(references, runtime.store, ctx))
    if fill is not None:
        runtime.spawn(fill, what="reading a channel's item references")


def _answer(
    runtime: Runtime, key: answers.Key, ctx: Context, command: Command, text: str
) -> asyncio.Future[_Ran]:
    """A read-only command's answer, made once for everyone asking the same meanwhile, and
    kept to be given again (not an error: a database that did not answer is asked again)."""
    return runtime.answers.answer(
        key,
        lambda: runtime.run(_run, runtime.store, ctx, command, text, render=True),
        made_at=ctx.now,
        keep=lambda ran: not isinstance(ran.reply, ErrorReply),
    )


async def _acknowledge(ack: AsyncAck, ran: _Ran) -> None:
    assert ran.payload is not None
    if ran.encoded is not None:
        ack.response = BoltResponse(status=200, body=ran.encoded)  # what ack() makes
    else:
        await ack(**ran.payload)


@dataclass(frozen=True)
class _Ran:
    reply: Reply  # what the command answered (the slow path's answer)
    shown: Reply  # the acknowledgement's: with an ambiguous reference's retyped commands
    payload: dict[str, Any] | None  # `shown` rendered, when asked for
    encoded: str | None = None  # `payload` as the JSON body ack(**payload) would make


def _run(store: Store, ctx: Context, command: Command, text: str, *, render: bool) -> _Ran:
    """The command, and its acknowledgement rendered and encoded, in the worker thread:
    Block Kit for a page of items takes about a millisecond, and json.dumps of a 15 KB status
    80 µs, that the event loop need not spend."""
    reply = execute_command(store, ctx, command)
    if not render:
        return _Ran(reply, reply, None)
    shown = with_retries(reply, clean(text))
    payload = response_payload(shown, command)
    return _Ran(reply, shown, payload, encode_ack(payload))


def encode_ack(payload: dict[str, Any]) -> str | None:
    """The body Bolt's ack(**payload) would send (text, response_type, blocks), encoded by
    orjson: a tenth of json.dumps' time. None for what Bolt shapes otherwise (no blocks: a
    plain-text body) or orjson cannot encode (Block objects): ack() does those itself."""
    blocks, text = payload.get("blocks"), payload.get("text")
    if (
        not blocks
        or not isinstance(text, str)
        or set(payload) - {"text", "blocks", "response_type"}
    ):
        return None
    body: dict[str, Any] = {"text": text}
    if payload.get("response_type"):
        body["response_type"] = payload["response_type"]
    body["blocks"] = blocks
    try:
        return orjson.dumps(body).decode()
    except TypeError:
        return None


async def _open_import_modal(client: AsyncWebClient, body: dict[str, Any]) -> None:
    metadata = json.dumps({"channel": body.get("channel_id")})
    await client.views_open(trigger_id=body["trigger_id"], view=modals.import_modal(None, metadata))


async def _answer_later(
    runtime: Runtime,
    work: asyncio.Future[_Ran],
    command: Command,
    verb: str,
    respond: AsyncRespond,
) -> None:
    try:
        reply = (await work).reply
    finally:
        runtime.slow.pending -= 1
    _count(runtime, verb, reply)
    _after(runtime, command)
    await respond(**response_payload(reply, command), replace_original=False)


def _after(runtime: Runtime, command: Command) -> None:
    runtime.wake_delivery()  # announcements, `digest now`
    if changes_schedule(command):
        runtime.schedules_changed()


def _count(runtime: Runtime, verb: str, reply: Reply) -> None:
    outcome = "ok"
    if isinstance(reply, ErrorReply):
        outcome = "internal_error" if reply.message.startswith(INTERNAL_ERROR_PREFIX) else "refused"
        if outcome == "internal_error":
            runtime.metrics.errors.labels("command").inc()
    runtime.metrics.commands.labels(verb, outcome).inc()
