"""The outbox's Slack side: compose a claimed row from its facts and post it, tagged with
metadata so a retry can tell whether an earlier attempt already went out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from pydantic import ValidationError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.composers import Post, Upload, compose
from bot.render.digest.templating import Templates
from commands.facts import decode
from scheduler.delivery import Outcome, Permanent, Retry, Sent, Uncertain
from storage.outbox import Claimed

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
    }
)
ClientFor = Callable[[str], Awaitable[AsyncWebClient]]


class SlackTransport:
    """Posts outbox rows to Slack. `client_for(team_id)` gives the workspace's bot client."""

    name = "slack"

    def __init__(self, client_for: ClientFor, *, templates: Templates) -> None:
        self.client_for = client_for
        self.templates = templates

    async def send(self, claimed: Claimed, *, parent_ts: str | None) -> Outcome:
        try:
            facts = decode(claimed.kind, claimed.facts)
        except ValidationError as exc:
            return Permanent(
                f"unreadable facts for a {claimed.kind} row: {exc.error_count()} errors"
            )
        composed = compose(claimed.kind, facts, self.templates)
        client = await self.client_for(claimed.team_id)
        if isinstance(composed, Upload):
            return await self._upload(client, claimed, composed)
        if claimed.uncertain:
            ts = await self._find(client, claimed)
            if ts is not None:
                log.info("outbox %s was already posted (ts %s); not posting again", claimed.id, ts)
                return Sent(ts)
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
            return Uncertain(f"{type(exc).__name__}: {exc}")
        if parent_ts and composed.rewrite_parent is not None:
            await self._rewrite(client, claimed.channel_id, parent_ts, composed)
        return Sent(response.get("ts"))

    async def _rewrite(self, client: AsyncWebClient, channel: str, ts: str, composed: Post) -> None:
        """Rewrite the message this row answers (the outage's first alert, once it is over)."""
        assert composed.rewrite_parent is not None
        try:
            await client.chat_update(
                channel=channel,
                ts=ts,
                text=composed.rewrite_parent.text,
                blocks=composed.rewrite_parent.blocks,
            )
        except SlackApiError as exc:
            log.warning("could not update the message %s: %s", ts, exc.response.get("error"))

    async def _upload(self, client: AsyncWebClient, claimed: Claimed, upload: Upload) -> Outcome:
        if claimed.uncertain and (ts := await self._find_file(client, claimed, upload.filename)):
            return Sent(ts)
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
            return Uncertain(f"{type(exc).__name__}: {exc}")
        files = response.get("files") or [{}]
        return Sent(str(files[0].get("id") or ""))

    async def _find_file(
        self, client: AsyncWebClient, claimed: Claimed, filename: str
    ) -> str | None:
        try:
            response = await client.conversations_history(
                channel=claimed.channel_id,
                oldest=str(claimed.created_at.timestamp() - 5),
                limit=200,
            )
        except SlackApiError:
            return None
        messages: list[dict[str, Any]] = response.get("messages") or []
        for message in messages:
            for file in message.get("files") or []:
                if file.get("title") == filename or file.get("name") == filename:
                    return str(file.get("id"))
        return None

    async def _find(self, client: AsyncWebClient, claimed: Claimed) -> str | None:
        """The ts of an earlier attempt's message, if it reached the channel."""
        try:
            response = await client.conversations_history(
                channel=claimed.channel_id,
                oldest=str(claimed.created_at.timestamp() - 5),
                limit=200,
                include_all_metadata=True,
            )
        except SlackApiError as exc:
            log.warning(
                "outbox %s: could not check the channel (%s)", claimed.id, exc.response.get("error")
            )
            return None
        messages: list[dict[str, Any]] = response.get("messages") or []
        for message in messages:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_TYPE
                and (metadata.get("event_payload") or {}).get("outbox_id") == claimed.id
            ):
                ts = message.get("ts")
                return str(ts) if ts else None
        return None


def classify(exc: SlackApiError) -> Outcome:
    status = exc.response.status_code
    error = str(exc.response.get("error") or status)
    if status == 429:
        retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get(
            "retry-after"
        )
        return Retry("ratelimited", float(retry_after) if retry_after else None)
    if status >= 500:
        return Uncertain(f"Slack answered {status}")
    if error in PERMANENT_ERRORS:
        return Permanent(error)
    return Retry(error)
