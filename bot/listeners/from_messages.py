"""Items from anywhere in Slack: the message shortcut "Add to launch checklist" and the
reaction (READYBOT_ADD_REACTION, default :clipboard:).

The shortcut opens the add-item modal prefilled from the message: its words (made readable)
as the title, its author as the suggested owner, its permalink kept as evidence. Submitting
it is the add-item submission (bot.listeners.modals), with the message in the metadata.

The reaction adds the message as an item at once, through the same `Add` command. A
message becomes one item only: the database refuses a second (storage.messages), whoever
reacts, however often Slack delivers the event and whichever replica it reaches; a repeated
delivery of one event is answered once (its event id is remembered). Messages from bots and
other emoji are ignored. The reacting person is answered privately, in the message's thread
if it has one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.common import message_for
from bot.middleware import context_of
from bot.render import blocks as b
from bot.render import ids, modals
from bot.render import mrkdwn as md
from bot.render.messages import SlackMessage, change_line, fallback
from bot.runtime import Runtime
from commands.context import Context
from commands.errors import NoLaunch
from commands.items.from_message import first_delivery, item_of_message
from commands.launching import current_launch, view
from commands.model import MessageRef
from commands.parse.words import MAX_TITLE
from commands.replies import AlreadyApplied, ItemChanged, ItemView, LaunchView
from commands.run import execute_command
from commands.text import shorten
from commands.verbs.items import Add
from storage import items, launches
from storage.vocabulary import Via

log = logging.getLogger(__name__)
# Subtypes of messages people write; any other (joins, bots, edits, tombstones) is ignored.
PEOPLE_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.shortcut(ids.SHORTCUT_ADD_MESSAGE)
    async def shortcut(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
    ) -> None:
        await ack()
        runtime.spawn(
            open_from_message(runtime, client, body=body, ctx=context_of(context)),
            what="the Add to launch checklist shortcut",
        )

    @app.event("reaction_added")
    async def reacted(
        ack: AsyncAck,
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        await ack()
        target: dict[str, Any] = event["item"] if isinstance(event.get("item"), dict) else {}
        emoji = str(event.get("reaction") or "").split("::", 1)[0]  # without a skin tone
        if emoji != runtime.settings.add_reaction or target.get("type") != "message":
            return
        channel, ts = str(target.get("channel") or ""), str(target.get("ts") or "")
        if not channel or not ts:
            return
        ctx = replace(
            context_of(context),
            channel_id=channel,
            via=Via.REACTION,
            request_key=f"event:{body.get('event_id') or ''}"[:200]
            if body.get("event_id")
            else None,
        )
        runtime.spawn(
            add_reacted(runtime, client, ctx=ctx, message=MessageRef(channel, ts)),
            what="adding a message someone reacted to",
        )


# -- reading the message -----------------------------------------------------------------


class Unreadable(Exception):
    """Slack would not give the message (not in the channel, no scope, gone)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


async def fetch_message(client: AsyncWebClient, message: MessageRef) -> dict[str, Any]:
    """The message as Slack stores it: from the channel's history, or, for a reply in a
    thread (which history does not list), from the thread. Raises Unreadable."""
    try:
        answer = await client.conversations_history(
            channel=message.channel_id, latest=message.ts, inclusive=True, limit=1
        )
        found = _with_ts(answer.get("messages"), message.ts)
        if found is None:
            answer = await client.conversations_replies(
                channel=message.channel_id, ts=message.ts, latest=message.ts, inclusive=True
            )
            found = _with_ts(answer.get("messages"), message.ts)
    except SlackApiError as exc:
        raise Unreadable(str(exc.response.get("error") or "an error")) from exc
    if found is None:
        raise Unreadable("message_not_found")
    return found


def _with_ts(found: object, ts: str) -> dict[str, Any] | None:
    for message in found if isinstance(found, list) else []:
        if isinstance(message, dict) and message.get("ts") == ts:
            return message
    return None


def by_a_bot(message: dict[str, Any]) -> bool:
    subtype = message.get("subtype")
    return bool(message.get("bot_id")) or (subtype is not None and subtype not in PEOPLE_SUBTYPES)


def raw_text(message: dict[str, Any]) -> str:
    """The message's text, or its first attachment's when it has only that."""
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return text
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, dict):
            for field in ("text", "fallback", "title"):
                if isinstance(attachment.get(field), str) and attachment[field].strip():
                    return str(attachment[field])
    return ""


async def names_of(client: AsyncWebClient, text: str) -> dict[str, str]:
    """The names of the people `text` mentions by id alone, for reading it as words."""

    async def name(user: str) -> tuple[str, str | None]:
        try:
            answer = await client.users_info(user=user)
        except SlackApiError:
            return user, None
        person = answer.get("user") or {}
        profile = person.get("profile") or {}
        return user, (
            profile.get("display_name") or person.get("real_name") or person.get("name") or None
        )

    found = await asyncio.gather(*(name(u) for u in md.mentioned_users(text)))
    return {user: str(label)[:80] for user, label in found if label}


async def permalink_of(client: AsyncWebClient, message: MessageRef) -> str | None:
    """The message's permalink, or None (then the item keeps no link: nothing is made up)."""
    try:
        answer = await client.chat_getPermalink(channel=message.channel_id, message_ts=message.ts)
    except SlackApiError as exc:
        log.warning(
            "chat.getPermalink failed for %s in %s (%s): the item gets no evidence link",
            message.ts,
            message.channel_id,
            exc.response.get("error"),
        )
        return None
    link = answer.get("permalink")
    return link if isinstance(link, str) and link.startswith("https://") else None


def title_of(text: str, names: dict[str, str]) -> str:
    """A title from a message: its words on one line, at most MAX_TITLE characters."""
    return shorten(" ".join(md.readable(text, names).split()), MAX_TITLE)


def author_of(message: dict[str, Any]) -> str | None:
    user = message.get("user")
    return user if isinstance(user, str) and md.SLACK_USER_ID.fullmatch(user) else None


# -- the shortcut ------------------------------------------------------------------------


def _launch_choice(
    runtime: Runtime, ctx: Context
) -> tuple[LaunchView | None, list[str], list[tuple[int, str]]]:
    """The channel's launch and its categories; else (None, [], the workspace's launches)."""
    with runtime.store.read() as session:
        try:
            launch = current_launch(session, ctx)
        except NoLaunch:
            found = launches.launches(session, team_id=ctx.team_id)
            return None, [], [(x.id, x.name) for x in found if x.id is not None]
        assert launch.id is not None
        return view(session, launch), items.categories(session, launch_id=launch.id), []


async def open_from_message(
    runtime: Runtime, client: AsyncWebClient, *, body: dict[str, Any], ctx: Context
) -> None:
    """Open the add-item modal prefilled from the message the shortcut was used on."""
    trigger = str(body.get("trigger_id") or "")
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    ts = str((message or {}).get("ts") or body.get("message_ts") or "")
    if not ctx.channel_id or not ts:
        return
    ref = MessageRef(ctx.channel_id, ts)
    existing = await runtime.run(item_of_message, runtime.store, ctx, ref)
    if existing is not None:
        await client.views_open(trigger_id=trigger, view=notice(already_text(existing)))
        return
    text = raw_text(message or {})
    (launch, categories, choices), names, link = await asyncio.gather(
        runtime.run(_launch_choice, runtime, ctx),
        names_of(client, text),
        permalink_of(client, ref),
    )
    if launch is None and not choices:
        await client.views_open(
            trigger_id=trigger,
            view=notice(
                "There is no launch yet. Create one in this channel with "
                "/ready launch new <name>, then use the shortcut again."
            ),
        )
        return
    found = modals.FromMessage(
        title_of(text, names), author_of(message or {}), link, ref.channel_id
    )
    metadata: dict[str, Any] = {
        "origin": {"channel": ref.channel_id},
        "message": {"channel": ref.channel_id, "ts": ref.ts},
        "evidence": link,
    }
    if launch is not None:
        metadata["launch"] = launch.id
    view_ = modals.add_item_modal(
        launch, categories, json.dumps(metadata), found=found, launches=choices
    )
    await client.views_open(trigger_id=trigger, view=view_)


def notice(text: str) -> dict[str, Any]:
    """A modal that only says something (plain text: nothing in it is markup)."""
    return {
        "type": "modal",
        "title": b.plain("readybot", modals.TITLE_LIMIT),
        "close": b.plain("Close", modals.TITLE_LIMIT),
        "blocks": [{"type": "section", "text": b.plain(text, 3000)}],
    }


def already_text(item: ItemView) -> str:
    return f"That message is already on the checklist as {item.key} “{item.title}”."


def message_of(meta: dict[str, Any]) -> tuple[MessageRef | None, str | None]:
    """The message and evidence link a shortcut's modal carries in its metadata."""
    found = meta.get("message")
    if not isinstance(found, dict):
        return None, None
    channel, ts = found.get("channel"), found.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str) or not channel or not ts:
        return None, None
    link = meta.get("evidence")
    return MessageRef(channel, ts), link if isinstance(link, str) and link else None


# -- the reaction ------------------------------------------------------------------------


async def add_reacted(
    runtime: Runtime, client: AsyncWebClient, *, ctx: Context, message: MessageRef
) -> None:
    existing = await runtime.run(item_of_message, runtime.store, ctx, message)
    if existing is not None:
        if await runtime.run(first_delivery, runtime.store, ctx):
            await tell(client, ctx, message, plain_message(already_text(existing)))
        return
    try:
        found = await fetch_message(client, message)
    except Unreadable as exc:
        log.warning(
            "could not read message %s in %s to add it (%s)",
            message.ts,
            message.channel_id,
            exc.error,
        )
        await tell(client, ctx, message, plain_message(unreadable_text(exc.error)))
        return
    if by_a_bot(found):
        log.info(
            "ignored :%s: on a bot's message in %s",
            runtime.settings.add_reaction,
            message.channel_id,
        )
        return
    text = raw_text(found)
    names, link = await asyncio.gather(names_of(client, text), permalink_of(client, message))
    title = title_of(text, names)
    thread = found.get("thread_ts") if isinstance(found.get("thread_ts"), str) else None
    if not title:
        await tell(client, ctx, message, plain_message(NO_TEXT), thread=thread)
        return
    command = Add(title=title, owner=author_of(found), evidence=link, message=message)
    reply = await runtime.run(execute_command, runtime.store, ctx, command)
    runtime.wake_delivery()
    if isinstance(reply, AlreadyApplied):
        return  # Slack delivered this reaction twice; the first delivery answered
    if isinstance(reply, ItemChanged):
        await tell(client, ctx, message, added_message(reply, link), thread=thread)
    else:
        await tell(client, ctx, message, message_for(reply, None), thread=thread)


NO_TEXT = "That message has no text to make an item of. Use /ready add <title> instead."


def unreadable_text(error: str) -> str:
    if error in ("not_in_channel", "channel_not_found"):
        return (
            "readybot cannot read that message: invite it to this channel (/invite @readybot), "
            "then react again."
        )
    if error == "missing_scope":
        return (
            "readybot may not read messages here yet: reinstall it from the current manifest "
            "(it needs channels:history and groups:history), then react again."
        )
    return f"readybot could not read that message (Slack said {error}). Try again in a minute."


def plain_message(text: str) -> SlackMessage:
    return SlackMessage(fallback(text), [b.section(md.escape(text))])


def added_message(change: ItemChanged, link: str | None) -> SlackMessage:
    """`⬜ You added GEN-3 …` and what the item keeps of the message."""
    kept = (
        "The message's link is kept as its evidence."
        if link
        else "Slack gave no link to the message, so the item has no evidence link."
    )
    line = change_line(change, viewer=change.actor)
    text = f"Added {change.item.key} “{change.item.title}” from the message."
    return SlackMessage(fallback(text), [b.section(line), b.context(md.escape(kept))])


async def tell(
    client: AsyncWebClient,
    ctx: Context,
    message: MessageRef,
    said: SlackMessage,
    *,
    thread: str | None = None,
) -> None:
    """Answer the person privately where the message is (in its thread, if it is in one)."""
    try:
        await client.chat_postEphemeral(
            channel=message.channel_id,
            user=ctx.user_id,
            text=said.text,
            blocks=said.blocks,
            thread_ts=thread if thread and thread != message.ts else None,
        )
    except SlackApiError as exc:
        log.warning(
            "could not answer %s in %s about the message they reacted to (%s)",
            ctx.user_id,
            message.channel_id,
            exc.response.get("error"),
        )
