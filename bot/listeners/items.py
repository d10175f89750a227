"""Buttons and menus on item rows, and message-level buttons (refresh, show more, add item).

A click applies the change as the clicker (the audit log says "button"), then updates the
message it came from so the channel shows the truth. A repeated delivery of the same click
(same action_ts) is applied once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.common import (
    acknowledge_then,
    answer_privately,
    launch_for_ref,
    origin_of,
    refresh_origin,
    team_of,
    user_of,
)
from bot.render import ids, modals
from bot.runtime import Runtime
from commands import verbs as v
from commands.replies import AlreadyApplied, ErrorReply, HistoryReply, ItemView
from commands.run import execute_command
from storage import queries
from storage.models import Via

log = logging.getLogger(__name__)

_BUTTON_COMMANDS = {
    ids.ACTION_ITEM_DONE: lambda ref: v.Done(ref),
    ids.ACTION_ITEM_UNBLOCK: lambda ref: v.Unblock(ref),
    ids.ACTION_ITEM_REOPEN: lambda ref: v.Reopen(ref),
    ids.ACTION_ITEM_ASSIGN_ME: lambda ref: v.Assign(ref, "me"),
}


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Every click is acknowledged at once; the work runs in a follow-up task after it."""

    async def item_button(
        body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await on_item_button(runtime, body=body, action=action, respond=respond, client=client)

    async def block_button(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        ref = ids.parse_item_ref(action["value"])
        await open_item_modal(runtime, client, respond, body=body, ref=ref, verb="block")

    async def overflow(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        verb, ref = ids.parse_overflow(action["selected_option"]["value"])
        await open_item_modal(runtime, client, respond, body=body, ref=ref, verb=verb)

    async def refresh(body: dict[str, Any], client: AsyncWebClient) -> None:
        await refresh_origin(
            runtime, client, origin=origin_of(body), team=team_of(body), user=user_of(body)
        )

    async def more(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        spec = json.loads(action["value"])
        command = v.ListItems(
            v.ListKind(spec["kind"]), spec.get("value"), int(spec.get("page") or 1)
        )
        ctx = runtime.context(
            team=team_of(body),
            user=user_of(body),
            channel=origin_of(body).get("channel"),
            via=Via.BUTTON,
            launch_id=spec.get("launch"),
        )
        reply = await runtime.run(execute_command, runtime.store, ctx, command)
        await answer_privately(respond, reply, command)

    async def open_add(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        launch_id = int(action["value"])
        launch, categories = await runtime.run(
            _launch_and_categories, runtime, team_of(body), launch_id
        )
        if launch is None:
            return
        metadata = json.dumps({"launch": launch_id, "origin": origin_of(body)})
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=modals.add_item_modal(launch, categories, _fit(metadata)),
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


def _fit(metadata: str) -> str:
    """private_metadata holds 3,000 characters; drop the response_url before anything else."""
    if len(metadata) <= 3000:
        return metadata
    data = json.loads(metadata)
    data.get("origin", {}).pop("response_url", None)
    return json.dumps(data)[:3000]


def _launch_and_categories(runtime: Runtime, team: str, launch_id: int) -> tuple[Any, list[str]]:
    from commands.launching import view
    from storage.models import Launch

    with runtime.store.read() as session:
        launch = session.get(Launch, launch_id)
        if launch is None or launch.team_id != team:
            return None, []
        return view(session, launch), queries.categories(session, launch_id)


async def on_item_button(
    runtime: Runtime,
    *,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
) -> None:
    team, user = team_of(body), user_of(body)
    ref = ids.parse_item_ref(action["value"])
    launch_id, target = await runtime.run(launch_for_ref, runtime, team, ref)
    origin = origin_of(body)
    ctx = runtime.context(
        team=team,
        user=user,
        channel=origin.get("channel"),
        via=Via.BUTTON,
        launch_id=launch_id,
        request_key=f"action:{action.get('action_ts')}:{user}:{action['action_id']}:{action['value']}",
    )
    command = _BUTTON_COMMANDS[action["action_id"]](target)
    reply = await runtime.run(execute_command, runtime.store, ctx, command)
    runtime.wake_delivery()
    if isinstance(reply, AlreadyApplied):
        return  # a repeated delivery: the first one already updated the message
    if isinstance(reply, ErrorReply):
        await answer_privately(respond, reply)
        return
    await refresh_origin(runtime, client, origin=origin, team=team, user=user, fallback=reply)


async def open_item_modal(
    runtime: Runtime,
    client: AsyncWebClient,
    respond: AsyncRespond,
    *,
    body: dict[str, Any],
    ref: ids.ItemRef,
    verb: str,
) -> None:
    team, user = team_of(body), user_of(body)
    launch_id, target = await runtime.run(launch_for_ref, runtime, team, ref)
    origin = origin_of(body)
    ctx = runtime.context(
        team=team, user=user, channel=origin.get("channel"), via=Via.BUTTON, launch_id=launch_id
    )
    history = await runtime.run(execute_command, runtime.store, ctx, v.History(target))
    if isinstance(history, ErrorReply):
        await answer_privately(respond, history)
        return
    assert isinstance(history, HistoryReply)
    item: ItemView = history.item
    metadata = _fit(json.dumps({"item": item.id, "launch": history.launch.id, "origin": origin}))
    view = {
        "block": lambda: modals.block_modal(item, metadata),
        ids.OVERFLOW_WAIVE: lambda: modals.waive_modal(item, metadata),
        ids.OVERFLOW_DUE: lambda: modals.due_modal(item, metadata),
        ids.OVERFLOW_HISTORY: lambda: modals.history_modal(history),
    }.get(verb)
    if view is None:
        log.warning("unknown item menu choice %r", verb)
        return
    await client.views_open(trigger_id=body["trigger_id"], view=view())
