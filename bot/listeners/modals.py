"""Modal submissions: add item, block, waive, due date, import (preview, then confirm).

Invalid input is answered next to the field (`response_action: errors`) and changes
nothing; a valid submission closes the modal and refreshes the message it came from.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, NamedTuple

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners import from_messages
from bot.listeners.common import message_for, refresh_origin
from bot.middleware import context_of, metadata_of
from bot.render import ids, modals
from bot.render.mrkdwn import fit, plain
from bot.runtime import Runtime
from commands import importing
from commands.context import Context
from commands.errors import CommandError
from commands.model import DateText
from commands.parse.words import KEY_PATTERN, MAX_TITLE
from commands.refs import ref_for_id
from commands.replies import AlreadyApplied, ErrorReply, ImportReply, ItemChanged, Reply
from commands.run import error_reply, execute_command
from commands.verbs.items import Add, Assign, Block, Due, Waive
from storage import requests
from storage.vocabulary import Priority

log = logging.getLogger(__name__)
DRAFT_TTL_HOURS = 24


def _value(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    return ((view.get("state") or {}).get("values") or {}).get(block, {}).get(action) or {}


def _text(view: dict[str, Any], block: str, action: str) -> str:
    return (_value(view, block, action).get("value") or "").strip()


def _error_text(reply: ErrorReply) -> str:
    """An error short enough for a field (Slack shows it under the input)."""
    text = reply.message
    if reply.candidates:
        text += " It could be: " + ", ".join(c.key for c in reply.candidates[:8])
    return fit(text, 300, plain)


Later = Callable[[Callable[[AsyncWebClient], Awaitable[None]]], None]


class Submission(NamedTuple):
    """What every submission handler gets: how to answer, the view, its metadata, the command
    context (who submitted, where, about which launch), and a way to run follow-up work after
    the modal closes."""

    ack: AsyncAck
    view: dict[str, Any]
    meta: dict[str, Any]
    ctx: Context
    later: Later


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Each submission is validated and applied before the acknowledgement (so errors can be
    shown next to the fields); what follows (refreshing the origin message, telling the user
    the import result) runs in a follow-up task after the modal has closed."""

    def submission(callback_id: str) -> Callable[[Any], Any]:
        def decorator(handler: Any) -> Any:
            async def listener(
                ack: AsyncAck,
                body: dict[str, Any],
                view: dict[str, Any],
                client: AsyncWebClient,
                context: dict[str, Any],
            ) -> None:
                meta = metadata_of(body)
                ctx = context_of(context)

                def later(step: Callable[[AsyncWebClient], Awaitable[None]]) -> None:
                    runtime.spawn(step(client), what=f"follow-up of {callback_id}")

                await handler(Submission(ack, view, meta, ctx, later))

            app.view(callback_id)(listener)
            return listener

        return decorator

    async def finish(
        ack: AsyncAck,
        reply: Reply,
        *,
        field: str,
        meta: dict[str, Any],
        later: Later,
        context_for_follow_up: Context,
    ) -> None:
        if isinstance(reply, ErrorReply):
            await ack(response_action="errors", errors={field: _error_text(reply)})
            return
        await ack()
        runtime.wake_delivery()
        if not isinstance(reply, AlreadyApplied):
            origin = meta.get("origin") or {}
            ctx = replace(context_for_follow_up, request_key=None)
            later(lambda client: refresh_origin(runtime, client, origin=origin, ctx=ctx))

    @submission(ids.CALLBACK_BLOCK)
    async def block(sub: Submission) -> None:
        ack, view, meta, ctx, later = sub
        reason = _text(view, ids.BLOCK_REASON, ids.ACTION_REASON)
        if not reason:
            await ack(
                response_action="errors",
                errors={ids.BLOCK_REASON: "Say why, e.g. waiting on the CA."},
            )
            return
        reply = await runtime.run(
            execute_command, runtime.store, ctx, Block(f"{ref_for_id(meta['item'])} {reason}")
        )
        await finish(
            ack, reply, field=ids.BLOCK_REASON, meta=meta, later=later, context_for_follow_up=ctx
        )

    @submission(ids.CALLBACK_WAIVE)
    async def waive(sub: Submission) -> None:
        ack, view, meta, ctx, later = sub
        reason = _text(view, ids.BLOCK_REASON, ids.ACTION_REASON)
        until = _value(view, ids.BLOCK_UNTIL, ids.ACTION_UNTIL).get("selected_date")
        if not reason:
            await ack(
                response_action="errors",
                errors={ids.BLOCK_REASON: "Say who accepted the risk and why."},
            )
            return
        command = Waive(f"{ref_for_id(meta['item'])} {reason}", DateText(until) if until else None)
        reply = await runtime.run(execute_command, runtime.store, ctx, command)
        field = (
            ids.BLOCK_UNTIL
            if isinstance(reply, ErrorReply) and "waiver until" in reply.message
            else ids.BLOCK_REASON
        )
        await finish(ack, reply, field=field, meta=meta, later=later, context_for_follow_up=ctx)

    @submission(ids.CALLBACK_ASSIGN)
    async def assign(sub: Submission) -> None:
        ack, view, meta, ctx, later = sub
        chosen = _value(view, ids.BLOCK_OWNER, ids.ACTION_OWNER).get("selected_user")
        command = Assign(ref_for_id(meta["item"]), chosen or None)
        reply = await runtime.run(execute_command, runtime.store, ctx, command)
        await finish(
            ack, reply, field=ids.BLOCK_OWNER, meta=meta, later=later, context_for_follow_up=ctx
        )

    @submission(ids.CALLBACK_DUE)
    async def due(sub: Submission) -> None:
        ack, view, meta, ctx, later = sub
        chosen = _value(view, ids.BLOCK_DUE, ids.ACTION_DUE).get("selected_date")
        command = Due(ref_for_id(meta["item"]), DateText(chosen) if chosen else None)
        reply = await runtime.run(execute_command, runtime.store, ctx, command)
        await finish(
            ack, reply, field=ids.BLOCK_DUE, meta=meta, later=later, context_for_follow_up=ctx
        )

    @submission(ids.CALLBACK_ADD_ITEM)
    async def add(sub: Submission) -> None:
        ack, view, meta, ctx, later = sub
        errors, command = _add_command(view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        assert command is not None
        picked = (
            _value(view, ids.BLOCK_LAUNCH, ids.ACTION_LAUNCH).get("selected_option") or {}
        ).get("value")
        if isinstance(picked, str) and picked.isdigit():  # the channel has none: one was picked
            ctx = replace(ctx, launch_id=int(picked))
        message, evidence = from_messages.message_of(meta)
        if message is not None:  # the message shortcut's modal
            command = replace(command, evidence=evidence, message=message)
        reply = await runtime.run(execute_command, runtime.store, ctx, command)
        field = (
            ids.BLOCK_KEY
            if isinstance(reply, ErrorReply) and "key" in reply.message.lower()
            else ids.BLOCK_TITLE
        )
        await finish(ack, reply, field=field, meta=meta, later=later, context_for_follow_up=ctx)
        if message is not None and isinstance(reply, ItemChanged):
            said = from_messages.added_message(reply, evidence)
            later(lambda client: from_messages.tell(client, ctx, message, said))

    @submission(ids.CALLBACK_IMPORT)
    async def import_(sub: Submission) -> None:
        ack, view, meta, ctx, later = sub
        markdown = _text(view, ids.BLOCK_MARKDOWN, ids.ACTION_MARKDOWN)
        chosen = _value(view, ids.BLOCK_DRY_RUN, ids.ACTION_DRY_RUN).get("selected_options") or []
        preview_first = any(o.get("value") == ids.DRY_RUN_VALUE for o in chosen)
        reply = await runtime.run(_import, runtime, ctx, markdown, preview_first)
        if isinstance(reply, ErrorReply):
            await ack(response_action="errors", errors={ids.BLOCK_MARKDOWN: _error_text(reply)})
            return
        assert isinstance(reply, ImportReply)
        if preview_first:
            draft = await runtime.run(_save_draft, runtime, ctx, markdown)
            metadata = json.dumps({**meta, "draft": draft})
            await ack(response_action="update", view=modals.import_preview_modal(reply, metadata))
            return
        await ack()
        later(lambda client: _tell(client, ctx.channel_id, ctx.user_id, reply))

    @submission(ids.CALLBACK_IMPORT_CONFIRM)
    async def import_confirm(sub: Submission) -> None:
        ack, _view, meta, ctx, later = sub
        markdown = await runtime.run(_take_draft, runtime, ctx, str(meta.get("draft", "")))
        if markdown is None:
            await ack(
                response_action="update",
                view=_notice("That preview has expired. Start again with /ready import."),
            )
            return
        reply = await runtime.run(_import, runtime, ctx, markdown, False)
        await ack()
        runtime.wake_delivery()
        later(lambda client: _tell(client, ctx.channel_id, ctx.user_id, reply))


def _notice(text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "readybot"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": text}}],
    }


def _add_command(view: dict[str, Any]) -> tuple[dict[str, str], Add | None]:
    title = _text(view, ids.BLOCK_TITLE, ids.ACTION_TITLE)
    new_category = _text(view, ids.BLOCK_NEW_CATEGORY, ids.ACTION_NEW_CATEGORY)
    picked = (
        _value(view, ids.BLOCK_CATEGORY, ids.ACTION_CATEGORY).get("selected_option") or {}
    ).get("value")
    priority = (
        _value(view, ids.BLOCK_PRIORITY, ids.ACTION_PRIORITY).get("selected_option") or {}
    ).get("value")
    owner = _value(view, ids.BLOCK_OWNER, ids.ACTION_OWNER).get("selected_user")
    due = _value(view, ids.BLOCK_DUE, ids.ACTION_DUE).get("selected_date")
    key = _text(view, ids.BLOCK_KEY, ids.ACTION_KEY).upper()
    errors = {}
    if not title:
        errors[ids.BLOCK_TITLE] = "Give the item a title."
    elif len(title) > MAX_TITLE:
        errors[ids.BLOCK_TITLE] = f"Keep the title under {MAX_TITLE} characters."
    if key and (not KEY_PATTERN.fullmatch(key) or len(key) > 16):
        errors[ids.BLOCK_KEY] = (
            "A key is up to 16 upper case letters, digits and dashes, e.g. SSL or SEC-3."
        )
    if errors:
        return errors, None
    return {}, Add(
        title=" ".join(title.split()),
        category=new_category or picked,
        priority=Priority(priority or "medium"),
        owner=owner,
        due=DateText(due) if due else None,
        key=key or None,
    )


def _import(runtime: Runtime, ctx: Context, markdown: str, dry_run: bool) -> Reply:
    try:
        return importing.import_text(runtime.store, ctx, markdown, dry_run=dry_run)
    except CommandError as exc:
        return error_reply(exc)


def _save_draft(runtime: Runtime, ctx: Context, body: str) -> str:
    draft_id = str(uuid.uuid4())
    with runtime.store.write() as session:
        requests.save_draft(
            session,
            draft_id=draft_id,
            team_id=ctx.team_id,
            user_id=ctx.user_id,
            body=body,
            now=ctx.now,
        )
    return draft_id


def _take_draft(runtime: Runtime, ctx: Context, draft_id: str) -> str | None:
    with runtime.store.write() as session:
        return requests.take_draft(
            session,
            draft_id=draft_id,
            team_id=ctx.team_id,
            user_id=ctx.user_id,
            now=ctx.now,
            ttl=timedelta(hours=DRAFT_TTL_HOURS),
        )


async def _tell(client: AsyncWebClient, channel: str | None, user: str, reply: Reply) -> None:
    """After a modal closes there is no response_url: say the result where the user started."""
    message = message_for(reply, None)
    try:
        if channel:
            await client.chat_postEphemeral(
                channel=channel, user=user, text=message.text, blocks=message.blocks
            )
        else:
            dm = await client.conversations_open(users=user)
            await client.chat_postMessage(
                channel=dm["channel"]["id"], text=message.text, blocks=message.blocks
            )
    except Exception:
        log.exception("could not tell the user the import result")
