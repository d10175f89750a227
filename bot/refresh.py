"""Refreshes go through the outbox, like posts: a message already posted (`chat.update`) or
someone's App Home tab (`views.publish`), shown anew.

What to show is rendered now and queued as the row's facts, under a key naming what it
refreshes: a newer refresh of the same message or Home tab supersedes an older one still
waiting, so only the newest is sent, and one that times out is retried instead of dropped.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from bot.render.messages import SlackMessage
from commands.facts import HomeRefresh, MessageRefresh, encode
from storage import outbox
from storage.engine import Store
from storage.vocabulary import OutboxKind


def message_key(team_id: str, channel: str, ts: str) -> str:
    return f"update:{team_id}:{channel}:{ts}"


def home_key(team_id: str, user_id: str) -> str:
    return f"home:{team_id}:{user_id}"


def message_facts(channel: str, ts: str, message: SlackMessage) -> dict[str, Any]:
    return encode(MessageRefresh(channel, ts, message.text, message.blocks))


def post_key(team_id: str, channel: str, dedupe_key: str) -> str:
    return f"update:{team_id}:{channel}:of:{dedupe_key}"


def queue_message(
    store: Store, *, team_id: str, channel: str, ts: str, message: SlackMessage, now: datetime
) -> None:
    """Queue showing `message` in place of the one posted at `ts` in `channel`."""
    key = message_key(team_id, channel, ts)
    _queue(
        store, OutboxKind.UPDATE, team_id, channel, key, message_facts(channel, ts, message), now
    )


def queue_post_update(
    store: Store, *, team_id: str, channel: str, of: str, message: SlackMessage, now: datetime
) -> None:
    """Queue showing `message` in place of the one the outbox row `of` (a dedupe key)
    posts, whether or not it has been posted yet: the refresh waits for the post and takes
    its ts then. So a change that comes while the post is on its way is not lost, which
    looking the ts up now would miss (None until the post's answer is stored)."""
    key = post_key(team_id, channel, of)
    facts = message_facts(channel, "", message)
    _queue(store, OutboxKind.UPDATE, team_id, channel, key, facts, now, parent_key=of)


def queue_home(
    store: Store, *, team_id: str, user_id: str, view: dict[str, Any], now: datetime
) -> None:
    """Queue publishing `view` as `user_id`'s App Home tab."""
    key = home_key(team_id, user_id)
    _queue(store, OutboxKind.HOME, team_id, user_id, key, encode(HomeRefresh(user_id, view)), now)


def _queue(
    store: Store,
    kind: OutboxKind,
    team_id: str,
    channel: str,
    key: str,
    facts: dict[str, Any],
    now: datetime,
    *,
    parent_key: str | None = None,
) -> None:
    """One refresh under `key`: it supersedes any of the same key still waiting."""
    with store.write() as session:
        outbox.enqueue(
            session,
            kind=kind,
            team_id=team_id,
            channel_id=channel,
            dedupe_key=f"{key}:{uuid.uuid4().hex}",
            facts=facts,
            now=now,
            parent_key=parent_key,
            coalesce_key=key,
        )
