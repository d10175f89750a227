"""The outbox's Slack side: compose a claimed row from its facts and send it, never twice.

Every post is tagged with metadata (`readybot_outbox`, the outbox id), and before its first
post to a channel readybot joins it (`conversations.join`; a private channel it must have
been invited to), so it can read the channel's history. When an earlier attempt may have
landed, the history (or the thread's replies) is searched for the tag: found, the row is
sent; not there, it is posted; and when the search cannot be made (not a member, a missing
scope, Slack failing, too many messages to search), nothing is posted and the row is left
Unverified for scheduler.delivery to ask again, and in the end give up. Refreshes (a
message's `chat.update`, a Home tab's `views.publish`) are idempotent: retried after any
transient error.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from pydantic import ValidationError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import refresh
from bot.render.composers import Edit, Post, Publish, Upload, compose
from bot.render.digest.templating import Templates
from commands.facts import decode
from scheduler.delivery import FollowUp, Outcome, Permanent, Retry, Sent, Uncertain, Unverified
from storage.outbox import Claimed
from storage.vocabulary import OutboxKind, is_slack_user

log = logging.getLogger(__name__)

METADATA_TYPE = "readybot_outbox"
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "restricted_action",
        "team_access_not_granted",
        "not_authed",
        "user_not_found",
    }
)
# Errors Slack gives (with a 200 or a 5xx) when "it's possible some aspect of the operation
# succeeded before the error was raised": the message may be in the channel.
AMBIGUOUS_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable"})
# chat.update and views.publish answers that no retry can change.
REFRESH_PERMANENT = PERMANENT_ERRORS | {
    "message_not_found",
    "cant_update_message",
    "edit_window_closed",
    "invalid_arguments",
    "not_enabled",
}
HISTORY_PAGES = 5  # of 200 messages each: more than that since the row was queued is unsearchable
# Reads (joining, searching) give up sooner than posts: a slow one costs its lane a retry
# later, not a long wait now; a post's answer is worth waiting for.
READ_SECONDS = 3.0
ClientFor = Callable[[str], Awaitable[AsyncWebClient]]


@dataclass(frozen=True)
class Found:
    ts: str


@dataclass(frozen=True)
class NotFound:
    pass


@dataclass(frozen=True)
class CannotCheck:
    reason: str
    after: float | None = None  # Slack's Retry-After, when it was rate limiting the search


Search = Found | NotFound | CannotCheck
Match = Callable[[dict[str, Any]], str | None]


class SlackTransport:
    """Sends outbox rows to Slack. `client_for(team_id)` gives the workspace's bot client."""

    name = "slack"

    def __init__(self, client_for: ClientFor, *, templates: Templates) -> None:
        self.client_for = client_for
        self.templates = templates
        self._joined: set[tuple[str, str]] = set()  # joined, or nothing to join
        self._scope_warned: set[str] = set()

    async def send(self, claimed: Claimed, *, parent_ts: str | None) -> Outcome:
        try:
            facts = decode(claimed.kind, claimed.facts)
        except ValidationError as exc:
            return Permanent(
                f"unreadable facts for a {claimed.kind} row: {exc.error_count()} errors"
            )
        composed = compose(claimed.kind, facts, self.templates)
        client = await self.client_for(claimed.team_id)
        match composed:
            case Edit():
                ts = composed.ts or parent_ts  # a refresh of a post queued before it landed
                if not ts:
                    return Permanent("the message it would refresh was never posted")
                return await _refreshed(
                    client.chat_update(
                        channel=composed.channel,
                        ts=ts,
                        text=composed.message.text,
                        blocks=composed.message.blocks,
                    )
                )
            case Publish():
                return await _refreshed(
                    client.views_publish(user_id=composed.user_id, view=composed.view)
                )
            case Upload():
                return await self._upload(client, claimed, composed)
            case Post():
                return await self._post(client, claimed, composed, parent_ts)
        raise TypeError(f"nothing sends a {type(composed).__name__}")

    # -- posts -----------------------------------------------------------------------------
    async def _post(
        self, client: AsyncWebClient, claimed: Claimed, composed: Post, parent_ts: str | None
    ) -> Outcome:
        joined = await self._join(client, claimed.team_id, claimed.channel_id)
        if joined is not None:
            return joined
        if claimed.uncertain:
            found = await self._search(client, claimed, parent_ts, _tagged(claimed.id))
            if isinstance(found, CannotCheck):
                return Unverified(f"could not check the channel: {found.reason}", found.after)
            if isinstance(found, Found):
                log.info(
                    "outbox %s was already posted (ts %s); not posting again", claimed.id, found.ts
                )
                return Sent(found.ts, self._follow_ups(claimed, composed, parent_ts))
        message = composed.message
        try:
            response = await client.chat_postMessage(
                channel=claimed.channel_id,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_TYPE, "event_payload": {"outbox_id": claimed.id}},
                thread_ts=parent_ts,
            )
        except SlackApiError as exc:
            return classify(exc)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return failed_to_reach(exc)
        return Sent(response.get("ts"), self._follow_ups(claimed, composed, parent_ts))

    def _follow_ups(
        self, claimed: Claimed, composed: Post, parent_ts: str | None
    ) -> tuple[FollowUp, ...]:
        """Rewriting the message this row answers (the outage's first alert, once it is
        over) is a refresh of its own: queued, retried, never lost."""
        if not parent_ts or composed.rewrite_parent is None:
            return ()
        key = refresh.message_key(claimed.team_id, claimed.channel_id, parent_ts)
        facts = refresh.message_facts(claimed.channel_id, parent_ts, composed.rewrite_parent)
        return (
            FollowUp(
                OutboxKind.UPDATE, claimed.channel_id, f"rewrite:{claimed.dedupe_key}", facts, key
            ),
        )

    async def _join(self, client: AsyncWebClient, team: str, channel: str) -> Outcome | None:
        """Join a channel before posting to it, so its history can be read if a post's
        answer is lost; once per channel and process. A Retry if Slack is rate limiting."""
        if not channel.startswith("C") or (team, channel) in self._joined:
            return None
        try:
            async with asyncio.timeout(READ_SECONDS):
                await client.conversations_join(channel=channel)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                return classify(exc)
            error = str(exc.response.get("error"))
            if error == "missing_scope" and team not in self._scope_warned:
                self._scope_warned.add(team)
                log.warning(
                    "readybot cannot join channels in %s (no channels:join scope): reinstall "
                    "the app from the current manifest, or messages whose first attempt may "
                    "have landed cannot be checked and are given up",
                    team,
                )
            if error not in (
                "missing_scope",
                "method_not_supported_for_channel_type",  # private: it must be invited
                "channel_not_found",
                "is_archived",
            ):
                return None  # try again next time; the post says what is wrong, if anything
        except (TimeoutError, aiohttp.ClientError):
            return None
        self._joined.add((team, channel))
        return None

    # -- uploads ---------------------------------------------------------------------------
    async def _upload(self, client: AsyncWebClient, claimed: Claimed, upload: Upload) -> Outcome:
        joined = await self._join(client, claimed.team_id, claimed.channel_id)
        if joined is not None:
            return joined
        if claimed.uncertain:
            found = await self._search(client, claimed, None, _file_named(upload.filename))
            if isinstance(found, CannotCheck):
                return Unverified(f"could not check the channel: {found.reason}", found.after)
            if isinstance(found, Found):
                return Sent(found.ts)
        content = await asyncio.to_thread(upload.content)
        try:
            response = await client.files_upload_v2(
                channel=claimed.channel_id,
                content=content,
                filename=upload.filename,
                title=upload.filename,
                initial_comment=upload.comment,
            )
        except SlackApiError as exc:
            return classify(exc)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return failed_to_reach(exc)
        files = response.get("files") or [{}]
        return Sent(str(files[0].get("id") or ""))

    # -- looking for an earlier attempt ------------------------------------------------------
    async def _search(
        self, client: AsyncWebClient, claimed: Claimed, parent_ts: str | None, match: Match
    ) -> Search:
        """Look for an earlier attempt's message in the channel (or the thread it answers)."""
        channel = claimed.channel_id
        if is_slack_user(channel):  # a direct message: its channel is the IM
            try:
                async with asyncio.timeout(READ_SECONDS):
                    opened = await client.conversations_open(users=channel)
            except SlackApiError as exc:
                return CannotCheck(str(exc.response.get("error") or exc.response.status_code))
            except (TimeoutError, aiohttp.ClientError) as exc:
                return CannotCheck(type(exc).__name__)
            channel = str((opened.get("channel") or {}).get("id") or "")
        found = await self._read(client, channel, claimed, parent_ts, match)
        if isinstance(found, CannotCheck) and found.reason == "not_in_channel":
            self._joined.discard((claimed.team_id, channel))  # left, or removed since
            if await self._join(client, claimed.team_id, channel) is None:
                found = await self._read(client, channel, claimed, parent_ts, match)
        if isinstance(found, CannotCheck):
            log.warning("outbox %s: could not check %s (%s)", claimed.id, channel, found.reason)
        return found

    async def _read(
        self,
        client: AsyncWebClient,
        channel: str,
        claimed: Claimed,
        parent_ts: str | None,
        match: Match,
    ) -> Search:
        oldest = str(claimed.created_at.timestamp() - 5)
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                async with asyncio.timeout(READ_SECONDS):
                    response = await _page(client, channel, parent_ts, oldest, cursor)
            except SlackApiError as exc:
                limited = classify(exc)
                after = limited.after if isinstance(limited, Retry) else None
                return CannotCheck(
                    str(exc.response.get("error") or exc.response.status_code), after
                )
            except (TimeoutError, aiohttp.ClientError) as exc:
                return CannotCheck(type(exc).__name__)
            messages: list[dict[str, Any]] = response.get("messages") or []
            for message in messages:
                if (ts := match(message)) is not None:
                    return Found(ts)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return NotFound()
        return CannotCheck(f"more than {HISTORY_PAGES * 200} messages to search")


async def _page(
    client: AsyncWebClient, channel: str, parent_ts: str | None, oldest: str, cursor: str | None
) -> Any:
    """One page of the thread's replies (an answer in a thread) or the channel's history."""
    if parent_ts:
        return await client.conversations_replies(
            channel=channel,
            ts=parent_ts,
            oldest=oldest,
            limit=200,
            cursor=cursor,
            include_all_metadata=True,
        )
    return await client.conversations_history(
        channel=channel, oldest=oldest, limit=200, cursor=cursor, include_all_metadata=True
    )


def _tagged(outbox_id: int) -> Match:
    def match(message: dict[str, Any]) -> str | None:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_TYPE and payload.get("outbox_id") == outbox_id:
            return str(message.get("ts") or "") or None
        return None

    return match


def _file_named(filename: str) -> Match:
    def match(message: dict[str, Any]) -> str | None:
        for file in message.get("files") or []:
            if file.get("title") == filename or file.get("name") == filename:
                return str(file.get("id"))
        return None

    return match


async def _refreshed(call: Awaitable[Any]) -> Outcome:
    """The outcome of a refresh: sent, or retried after anything that is not for good."""
    try:
        response = await call
    except SlackApiError as exc:
        outcome = classify(exc)
        error = str(exc.response.get("error") or exc.response.status_code)
        if isinstance(outcome, Retry):
            return outcome
        return Permanent(error) if error in REFRESH_PERMANENT else Retry(error)
    except (TimeoutError, aiohttp.ClientError) as exc:
        return Retry(f"{type(exc).__name__}: {exc}")
    return Sent(str(response.get("ts") or "") or None)


def classify(exc: SlackApiError) -> Outcome:
    """What Slack's answer to a post means: a 429 or an error it gives for a request it did
    not carry out is a Retry; a 5xx, or an error Slack says may follow a partial success
    (AMBIGUOUS_ERRORS, even with a 200), is Uncertain."""
    status = exc.response.status_code
    error = str(exc.response.get("error") or status)
    if status == 429 or error in ("ratelimited", "rate_limited"):
        return Retry("ratelimited", retry_after(exc.response.headers))
    if status >= 500:
        return Uncertain(f"Slack answered {status}")
    if error in AMBIGUOUS_ERRORS:
        return Uncertain(f"Slack answered {error}")
    if error in PERMANENT_ERRORS:
        return Permanent(error)
    return Retry(error)


def failed_to_reach(exc: Exception) -> Outcome:
    """A network failure's outcome: a connection never made (refused, no such host, a TLS
    handshake that failed) carried nothing to Slack, so it is a plain Retry; anything after
    the request may have gone (a reset, a timeout, a dropped connection) is Uncertain."""
    reason = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return Retry(reason)
    return Uncertain(reason)


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Slack's Retry-After in seconds, if it gave a usable one (at most an hour)."""
    for name, value in (headers or {}).items():
        if str(name).lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                seconds = float(str(raw).strip())
            except ValueError:
                return None
            return min(seconds, 3600.0) if math.isfinite(seconds) and seconds >= 0 else None
    return None
