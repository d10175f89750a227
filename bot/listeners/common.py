"""Pieces the listeners share: reply payloads, refreshing the message a click came from,
acknowledging a click before its work."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import refresh
from bot.middleware import context_of
from bot.render import ids
from bot.render.messages import Notice, SlackMessage, render_message, with_notice
from bot.runtime import Runtime
from commands.context import Context
from commands.lru import LRU
from commands.refs import ref_for_id
from commands.replies import ErrorReply, ItemListReply, Reply, StatusReply
from commands.run import execute_command
from commands.verbs import Command
from commands.verbs.items import ListItems
from commands.verbs.status import Status
from storage import items
from storage.vocabulary import ItemFilter, Via

log = logging.getLogger(__name__)
VIEW_TAG = "view:"  # block_id of a message's first block: what to re-run to refresh it


def view_key(command: Command, launch_id: int | None) -> str | None:
    """How to re-run the command that produced a message, for refreshing it in place."""
    if isinstance(command, Status):
        return json.dumps({"v": "status", "launch": launch_id})
    if isinstance(command, ListItems):
        return json.dumps(
            {
                "v": "list",
                "kind": command.kind.value,
                "value": command.value,
                "page": command.page,
                "launch": launch_id,
            }
        )
    return None


def command_for_view(key: dict[str, Any]) -> Command | None:
    try:
        if key.get("v") == "status":
            return Status()
        if key.get("v") == "list":
            return ListItems(ItemFilter(key["kind"]), key.get("value"), int(key.get("page") or 1))
    except (KeyError, ValueError, TypeError):
        return None  # a tag from another version: nothing to refresh
    return None


class StatusMessages:
    """Rendered status messages, reused while the status report they show is.

    Status reports are cached per launch plan revision (commands.status.ReportCache) and are
    immutable, so the Block Kit for one is the same every time: rendering it again for each
    `/ready status` and each refresh would be most of the request's work. Entries hold the
    report itself, so its id() cannot be reused while it is a key here. Messages are
    shared, not copied: nothing may change a SlackMessage's blocks after rendering.
    """

    def __init__(self, size: int = 128) -> None:
        self._messages: LRU[tuple[object, ...], tuple[object, SlackMessage]] = LRU(size)

    def get(self, reply: StatusReply, render: Callable[[], SlackMessage]) -> SlackMessage:
        if reply.what_if is not None:
            return render()
        key = (id(reply.report), reply.launch, reply.today, reply.public)
        found = self._messages.get(key)
        if found is not None and found[0] is reply.report:
            return found[1]
        return self._messages.put(key, (reply.report, render()))[1]


STATUS_MESSAGES = StatusMessages()


def message_for(
    reply: Reply, command: Command | None, *, notice: Notice | None = None
) -> SlackMessage:
    """Render a reply; tag status and list messages so a click can refresh them in place;
    `notice` (what a click just did) goes first."""
    if isinstance(reply, StatusReply):
        message = STATUS_MESSAGES.get(reply, lambda: _render_tagged(reply, command))
    else:
        message = _render_tagged(reply, command)
    return with_notice(message, notice) if notice else message


def _render_tagged(reply: Reply, command: Command | None) -> SlackMessage:
    launch_id = getattr(getattr(reply, "launch", None), "id", None)
    more = None
    if (
        isinstance(reply, ItemListReply)
        and isinstance(command, ListItems)
        and reply.pages > reply.page
    ):
        more = ids.list_more_value(command.kind.value, command.value, reply.page + 1, launch_id)
    message = render_message(reply, more_value=more)
    key = view_key(command, launch_id) if command is not None else None
    if key and message.blocks and "block_id" not in message.blocks[0] and len(key) < 240:
        message.blocks[0]["block_id"] = VIEW_TAG + key
    return message


def response_payload(reply: Reply, command: Command | None) -> dict[str, Any]:
    message = message_for(reply, command)
    public = isinstance(reply, StatusReply) and reply.public
    return {
        "text": message.text,
        "blocks": message.blocks,
        "response_type": "in_channel" if public else "ephemeral",
    }


def tagged_view(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    for block in blocks[:3]:  # the first block, or the first after a notice
        block_id = block.get("block_id", "")
        if block_id.startswith(VIEW_TAG):
            try:
                return json.loads(block_id[len(VIEW_TAG) :])
            except ValueError:
                return None
    return None


async def refresh_origin(
    runtime: Runtime,
    client: AsyncWebClient,
    *,
    origin: dict[str, Any],
    ctx: Context,
    fallback: Reply | None = None,
    notice: Notice | None = None,
) -> None:
    """Show the truth where the click came from: re-run the status or list the message showed
    (or show `fallback`), replacing an ephemeral message via its response_url or updating a
    channel message in place, with `notice` first; on the App Home, publish the Home again."""
    from bot.listeners.home import publish_home

    if origin.get("home"):
        await publish_home(runtime, client, ctx=ctx)
        return
    key = origin.get("view")
    command = command_for_view(key) if isinstance(key, dict) else None
    reply: Reply | None = fallback
    if command is not None and isinstance(key, dict):
        launch = key.get("launch")
        again = replace(
            ctx,
            channel_id=origin.get("channel"),
            via=Via.BUTTON,
            request_key=None,
            launch_id=launch if isinstance(launch, int) else None,
        )
        reply = await runtime.run(execute_command, runtime.store, again, command)
    if reply is None or isinstance(reply, ErrorReply):
        return
    message = message_for(reply, command, notice=notice)
    try:
        if origin.get("ephemeral") or not origin.get("ts"):
            if origin.get("response_url"):
                from slack_sdk.webhook.async_client import AsyncWebhookClient

                webhook = AsyncWebhookClient(origin["response_url"])
                await webhook.send(text=message.text, blocks=message.blocks, replace_original=True)
        else:
            await runtime.run(
                refresh.queue_message,
                runtime.store,
                team_id=ctx.team_id,
                channel=origin["channel"],
                ts=origin["ts"],
                message=message,
                now=runtime.clock(),
            )
            runtime.wake_delivery()
    except Exception:
        log.exception("could not refresh the message a click came from")


def origin_of(body: dict[str, Any]) -> dict[str, Any]:
    """Where an interaction came from, compact enough for a modal's private_metadata."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    if container.get("type") == "view" and (body.get("view") or {}).get("type") == "home":
        return {"home": True}
    return {
        "channel": body.get("channel", {}).get("id") or container.get("channel_id"),
        "ts": container.get("message_ts") or message.get("ts"),
        "ephemeral": bool(container.get("is_ephemeral")),
        "response_url": body.get("response_url"),
        "view": tagged_view(message.get("blocks") or []),
    }


def launch_for_ref(runtime: Runtime, team: str, ref: ids.ItemRef) -> tuple[int | None, str]:
    """(launch id, the reference text to give a command) for a button's item reference."""
    if ref.item_id is not None:
        with runtime.store.read() as session:
            launch = items.launch_of_item(session, team_id=team, item_id=ref.item_id)
        return launch, ref_for_id(ref.item_id)
    return ref.launch_id, ref.key or ""


def about_item(runtime: Runtime, ctx: Context, ref: ids.ItemRef) -> tuple[Context, str]:
    """The request's context narrowed to the launch of the item a button names, and the
    reference text to give a command."""
    launch_id, target = launch_for_ref(runtime, ctx.team_id, ref)
    return replace(ctx, launch_id=launch_id), target


def acknowledge_then(
    runtime: Runtime, work: Callable[..., Awaitable[None]]
) -> Callable[..., Awaitable[None]]:
    """A click listener that acknowledges at once, then runs `work` in a follow-up task with
    whichever of body, action, respond, client and ctx (the request's Context) it names."""
    wanted = set(inspect.signature(work).parameters)

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        await ack()
        given = {
            "body": body,
            "action": action,
            "respond": respond,
            "client": client,
            "ctx": context_of(context),
        }
        runtime.spawn(
            work(**{k: v for k, v in given.items() if k in wanted}), what=action["action_id"]
        )

    return listener


async def answer_privately(
    respond: AsyncRespond, reply: Reply, command: Command | None = None
) -> None:
    """Show a reply to the clicker only, next to (not instead of) the message they clicked."""
    message = message_for(reply, command)
    await respond(
        text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False
    )
