"""Buttons and menus on item rows, and message-level buttons (refresh, show more, add item).

A click applies the change as the clicker (the audit log says "button"), then updates the
message it came from so the channel shows the truth. A repeated delivery of the same click
(same action_ts) is applied once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.common import (
    about_item,
    acknowledge_then,
    answer_privately,
    origin_of,
    refresh_origin,
)
from bot.render import ids, modals
from bot.runtime import Runtime
from commands.context import Context
from commands.launching import view
from commands.replies import AlreadyApplied, ErrorReply, HistoryReply, ItemView, LaunchView
from commands.run import execute_command
from commands.verbs import Command
from commands.verbs.items import Assign, Done, History, ListItems, Reopen, Unblock
from storage import items, launches
from storage.vocabulary import ItemFilter

log = logging.getLogger(__name__)

_BUTTON_COMMANDS: dict[str, Callable[[str], Command]] = {
    ids.ACTION_ITEM_DONE: Done,
    ids.ACTION_ITEM_UNBLOCK: Unblock,
    ids.ACTION_ITEM_REOPEN: Reopen,
    ids.ACTION_ITEM_ASSIGN_ME: lambda ref: Assign(ref, "me"),
}


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Every click is acknowledged at once; the work runs in a follow-up task after it."""

    async def item_button(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        ctx: Context,
    ) -> None:
        await on_item_button(
            runtime, body=body, action=action, respond=respond, client=client, ctx=ctx
        )

    async def block_button(
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        ctx: Context,
    ) -> None:
        ref = ids.parse_item_ref(action["value"])
        await open_item_modal(runtime, client, respond, body=body, ctx=ctx, ref=ref, verb="block")

    async def overflow(
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        ctx: Context,
    ) -> None:
        verb, ref = ids.parse_overflow(action["selected_option"]["value"])
        await open_item_modal(runtime, client, respond, body=body, ctx=ctx, ref=ref, verb=verb)

    async def refresh(body: dict[str, Any], client: AsyncWebClient, ctx: Context) -> None:
        await refresh_origin(runtime, client, origin=origin_of(body), ctx=ctx)

    async def more(action: dict[str, Any], respond: AsyncRespond, ctx: Context) -> None:
        spec = json.loads(action["value"])
        command = ListItems(ItemFilter(spec["kind"]), spec.get("value"), int(spec.get("page") or 1))
        launch = spec.get("launch")
        asked = replace(ctx, launch_id=launch if isinstance(launch, int) else None)
        reply = await runtime.run(execute_command, runtime.store, asked, command)
        await answer_privately(respond, reply, command)

    async def open_add(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, ctx: Context
    ) -> None:
        launch_id = int(action["value"])
        launch, categories = await runtime.run(
            _launch_and_categories, runtime, ctx.team_id, launch_id
        )
        if launch is None:
            return
        metadata = json.dumps({"launch": launch_id, "origin": origin_of(body)})
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=modals.add_item_modal(launch, categories, fit_metadata(metadata)),
        )

    def acknowledged(work: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        return acknowledge_then(runtime, work)

    for action_id in _BUTTON_COMMANDS:
        app.action(action_id)(acknowledged(item_button))
    app.action(ids.ACTION_ITEM_BLOCK)(acknowledged(block_button))
    app.action(ids.ACTION_ITEM_MORE)(acknowledged(overflow))
    app.action(ids.ACTION_STATUS_REFRESH)(acknowledged(refresh))
    app.action(ids.ACTION_LIST_MORE)(acknowledged(more))
    app.action(ids.ACTION_OPEN_ADD_ITEM)(acknowledged(open_add))


def fit_metadata(metadata: str) -> str:
    """private_metadata holds 3,000 characters; drop the response_url before anything else."""
    if len(metadata) <= 3000:
        return metadata
    data = json.loads(metadata)
    data.get("origin", {}).pop("response_url", None)
    return json.dumps(data)[:3000]


def _launch_and_categories(
    runtime: Runtime, team: str, launch_id: int
) -> tuple[LaunchView | None, list[str]]:
    with runtime.store.read() as session:
        launch = launches.get_launch(session, launch_id=launch_id)
        if launch is None or launch.team_id != team:
            return None, []
        return view(session, launch), items.categories(session, launch_id=launch_id)


async def on_item_button(
    runtime: Runtime,
    *,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    ctx: Context,
) -> None:
    ref = ids.parse_item_ref(action["value"])
    about, target = await runtime.run(about_item, runtime, ctx, ref)
    command = _BUTTON_COMMANDS[action["action_id"]](target)
    reply = await runtime.run(execute_command, runtime.store, about, command)
    runtime.wake_delivery()
    if isinstance(reply, AlreadyApplied):
        return  # a repeated delivery: the first one already updated the message
    if isinstance(reply, ErrorReply):
        await answer_privately(respond, reply)
        return
    await refresh_origin(runtime, client, origin=origin_of(body), ctx=about, fallback=reply)


async def open_item_modal(
    runtime: Runtime,
    client: AsyncWebClient,
    respond: AsyncRespond,
    *,
    body: dict[str, Any],
    ctx: Context,
    ref: ids.ItemRef,
    verb: str,
) -> None:
    about, target = await runtime.run(about_item, runtime, ctx, ref)
    origin = origin_of(body)
    history = await runtime.run(execute_command, runtime.store, about, History(target))
    if isinstance(history, ErrorReply):
        await answer_privately(respond, history)
        return
    assert isinstance(history, HistoryReply)
    item: ItemView = history.item
    metadata = fit_metadata(
        json.dumps({"item": item.id, "launch": history.launch.id, "origin": origin})
    )
    modal = {
        "block": lambda: modals.block_modal(item, metadata),
        ids.OVERFLOW_WAIVE: lambda: modals.waive_modal(item, metadata),
        ids.OVERFLOW_DUE: lambda: modals.due_modal(item, metadata),
        ids.OVERFLOW_HISTORY: lambda: modals.history_modal(history),
    }.get(verb)
    if modal is None:
        log.warning("unknown item menu choice %r", verb)
        return
    await client.views_open(trigger_id=body["trigger_id"], view=modal())
