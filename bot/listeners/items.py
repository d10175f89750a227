"""The menu on every item row, and message-level buttons (undo, refresh, next page, by
category, add item, a candidate for an ambiguous reference, open status).

A click applies the change as the clicker (the audit log says "button"), then updates the
message it came from so it shows the truth, starting with what the click did and an Undo.
A repeated delivery of the same click (same action_ts) is applied once.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.common import (
    about_item,
    acknowledge_then,
    answer_privately,
    message_for,
    origin_of,
    refresh_origin,
)
from bot.render import ids, modals
from bot.render.messages import Notice, change_line
from bot.render.status import categories_blocks
from bot.runtime import Runtime
from commands.context import Context
from commands.launching import view
from commands.replies import (
    AlreadyApplied,
    ErrorReply,
    HistoryReply,
    ItemChanged,
    ItemView,
    LaunchView,
    Reply,
    StatusReply,
)
from commands.run import execute, execute_command
from commands.verbs import Command
from commands.verbs.items import Done, History, ListItems, Reopen, Unblock, Undo
from commands.verbs.readiness import Verify
from commands.verbs.status import Status
from storage import items, launches
from storage.vocabulary import ItemFilter

log = logging.getLogger(__name__)

_APPLIED: dict[str, Callable[[str], Command]] = {
    ids.MENU_DONE: Done,
    ids.MENU_UNBLOCK: Unblock,
    ids.MENU_REOPEN: Reopen,
    ids.MENU_VERIFY: Verify,
}
_MODALS = (ids.MENU_BLOCK, ids.MENU_ASSIGN, ids.MENU_DUE, ids.MENU_MORE)


def notice_for(reply: ItemChanged, ctx: Context, *, public: bool) -> Notice:
    """What a click did, for the message it came from: "✅ You marked `SSL` done" on a
    message only the clicker sees, the clicker named on a channel message."""
    line = change_line(reply, viewer=None if public else ctx.user_id)
    undo = reply.event_id if reply.action != "undone" else None
    return Notice(line, undo)


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Every click is acknowledged at once; the work runs in a follow-up task after it."""

    async def item_menu(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        ctx: Context,
    ) -> None:
        choice, ref = ids.parse_menu(action["selected_option"]["value"])
        if choice in _APPLIED:
            about, target = await runtime.run(about_item, runtime, ctx, ref)
            await apply_click(runtime, body, respond, client, about, _APPLIED[choice](target))
        elif choice in _MODALS:
            await open_item_modal(
                runtime, client, respond, body=body, ctx=ctx, ref=ref, verb=choice
            )
        else:
            log.warning("unknown item menu choice %r", choice)

    async def done_button(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        ctx: Context,
    ) -> None:
        about, target = await runtime.run(
            about_item, runtime, ctx, ids.parse_item_ref(action["value"])
        )
        await apply_click(runtime, body, respond, client, about, Done(target))

    async def waive_button(
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        ctx: Context,
    ) -> None:
        ref = ids.parse_item_ref(action["value"])
        await open_item_modal(runtime, client, respond, body=body, ctx=ctx, ref=ref, verb="waive")

    async def undo(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        ctx: Context,
    ) -> None:
        event_id = int(action["value"])
        launch_id = await runtime.run(_launch_of_event, runtime, ctx.team_id, event_id)
        await apply_click(
            runtime, body, respond, client, replace(ctx, launch_id=launch_id), Undo(event_id)
        )

    async def candidate(
        body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, ctx: Context
    ) -> None:
        """Run the command as first typed, with the chosen item: the answer replaces the
        question."""
        asked = replace(
            ctx, via=ctx.via, channel_id=(body.get("channel") or {}).get("id") or ctx.channel_id
        )
        reply = await runtime.run(execute, runtime.store, asked, action["value"])
        runtime.wake_delivery()
        message = message_for(reply, None)
        await respond(
            text=message.text,
            blocks=message.blocks,
            response_type="ephemeral",
            replace_original=True,
        )

    async def refresh(body: dict[str, Any], client: AsyncWebClient, ctx: Context) -> None:
        await refresh_origin(runtime, client, origin=origin_of(body), ctx=ctx)

    async def more(action: dict[str, Any], respond: AsyncRespond, ctx: Context) -> None:
        spec = json.loads(action["value"])
        command = ListItems(ItemFilter(spec["kind"]), spec.get("value"), int(spec.get("page") or 1))
        launch = spec.get("launch")
        asked = replace(ctx, launch_id=launch if isinstance(launch, int) else None)
        reply = await runtime.run(execute_command, runtime.store, asked, command)
        await answer_privately(respond, reply, command)

    async def by_category(action: dict[str, Any], respond: AsyncRespond, ctx: Context) -> None:
        reply = await _status_of(runtime, ctx, int(action["value"]))
        if isinstance(reply, StatusReply):
            blocks = categories_blocks(reply)
            await respond(
                text=f"{reply.launch.name} by category",
                blocks=blocks,
                response_type="ephemeral",
                replace_original=False,
            )
        else:
            await answer_privately(respond, reply)

    async def open_status(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        ctx: Context,
    ) -> None:
        """The status, for the clicker only: in a modal on the App Home, privately elsewhere."""
        command = Status()
        reply = await _status_of(runtime, ctx, int(action["value"]))
        if (body.get("container") or {}).get("type") == "view":
            message = message_for(reply, None)
            await client.views_open(
                trigger_id=body["trigger_id"], view=modals.message_modal("Status", message.blocks)
            )
            return
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

    app.action(ids.ACTION_ITEM_MENU)(acknowledged(item_menu))
    app.action(ids.ACTION_ITEM_DONE)(acknowledged(done_button))

    async def verify_button(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        ctx: Context,
    ) -> None:
        about, target = await runtime.run(
            about_item, runtime, ctx, ids.parse_item_ref(action["value"])
        )
        await apply_click(runtime, body, respond, client, about, Verify(target))

    app.action(ids.ACTION_ITEM_VERIFY)(acknowledged(verify_button))
    app.action(ids.ACTION_ITEM_WAIVE)(acknowledged(waive_button))
    app.action(ids.ACTION_UNDO)(acknowledged(undo))
    app.action(re.compile(f"^{ids.ACTION_CANDIDATE}:"))(acknowledged(candidate))
    app.action(ids.ACTION_STATUS_REFRESH)(acknowledged(refresh))
    app.action(ids.ACTION_LIST_MORE)(acknowledged(more))
    app.action(ids.ACTION_CATEGORIES)(acknowledged(by_category))
    app.action(ids.ACTION_OPEN_STATUS)(acknowledged(open_status))
    app.action(ids.ACTION_OPEN_ADD_ITEM)(acknowledged(open_add))


async def apply_click(
    runtime: Runtime,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    ctx: Context,
    command: Command,
) -> None:
    """Apply a click's command, then refresh where it came from, saying what it did."""
    reply = await runtime.run(execute_command, runtime.store, ctx, command)
    runtime.wake_delivery()
    if isinstance(reply, AlreadyApplied):
        return  # a repeated delivery: the first one already updated the message
    if isinstance(reply, ErrorReply):
        await answer_privately(respond, reply)
        return
    in_modal = (body.get("view") or {}).get("type") == "modal"
    origin = _metadata_origin(body) if in_modal else origin_of(body)
    notice = None
    if isinstance(reply, ItemChanged):
        public = bool(origin.get("ts")) and not origin.get("ephemeral")
        notice = notice_for(reply, ctx, public=public)
    await refresh_origin(runtime, client, origin=origin, ctx=ctx, fallback=reply, notice=notice)


async def _status_of(runtime: Runtime, ctx: Context, launch_id: int) -> Reply:
    return await runtime.run(
        execute_command,
        runtime.store,
        replace(ctx, launch_id=launch_id, request_key=None),
        Status(),
    )


def fit_metadata(metadata: str) -> str:
    """private_metadata holds 3,000 characters; drop the response_url before anything else."""
    if len(metadata) <= 3000:
        return metadata
    data = json.loads(metadata)
    data.get("origin", {}).pop("response_url", None)
    return json.dumps(data)[:3000]


def _launch_of_event(runtime: Runtime, team: str, event_id: int) -> int | None:
    from storage import audit

    with runtime.store.read() as session:
        event = audit.get_event(session, event_id=event_id)
        return event.launch_id if event is not None and event.team_id == team else None


def _launch_and_categories(
    runtime: Runtime, team: str, launch_id: int
) -> tuple[LaunchView | None, list[str]]:
    with runtime.store.read() as session:
        launch = launches.get_launch(session, launch_id=launch_id)
        if launch is None or launch.team_id != team:
            return None, []
        return view(session, launch), items.categories(session, launch_id=launch_id)


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
    """Open the modal a menu choice asks for: block, assign, due, waive, or the item itself
    (history, with Waive… and Done). From inside a modal, the next one is pushed on top."""
    about, target = await runtime.run(about_item, runtime, ctx, ref)
    history = await runtime.run(
        execute_command, runtime.store, replace(about, request_key=None), History(target)
    )
    if isinstance(history, ErrorReply):
        await answer_privately(respond, history)
        return
    assert isinstance(history, HistoryReply)
    item: ItemView = history.item
    in_modal = (body.get("container") or {}).get("type") == "view" and (
        (body.get("view") or {}).get("type") == "modal"
    )
    origin = _metadata_origin(body) if in_modal else origin_of(body)
    metadata = fit_metadata(
        json.dumps({"item": item.id, "launch": history.launch.id, "origin": origin})
    )
    build = {
        ids.MENU_BLOCK: lambda: modals.block_modal(item, metadata),
        ids.MENU_ASSIGN: lambda: modals.assign_modal(item, metadata),
        ids.MENU_DUE: lambda: modals.due_modal(item, metadata),
        "waive": lambda: modals.waive_modal(item, metadata),
        ids.MENU_MORE: lambda: modals.item_modal(history, metadata),
    }.get(verb)
    if build is None:
        log.warning("unknown item modal %r", verb)
        return
    if in_modal:
        await client.views_push(trigger_id=body["trigger_id"], view=build())
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=build())


def _metadata_origin(body: dict[str, Any]) -> dict[str, Any]:
    """Where the modal that holds this button came from (kept in its private_metadata)."""
    try:
        meta = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    origin = meta.get("origin") if isinstance(meta, dict) else None
    return origin if isinstance(origin, dict) else {}
