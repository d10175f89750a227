"""The outbox's Slack side: render a queued row and post it, tagged so a retry can tell
whether an earlier attempt already went out."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from scheduler.digest.chart import render_chart
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_render.messages import SlackMessage, announcement
from commands.launching import view
from commands.replies import ItemChanged, ItemView, LaunchReply
from scheduler.digest.compose import Composed, chart_data, compose_digest, compose_reminder
from scheduler.digest.templates import Templates
from scheduler.outbox import Outcome, Permanent, Retry, Sent, Uncertain
from storage.engine import Store
from storage.models import Event, Item, Launch
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


class SlackSender:
    """Posts outbox rows. `client_for(team_id)` gives the workspace's bot client."""

    def __init__(self, store: Store, client_for: Any, *, templates: Templates, clock: Any) -> None:
        self.store = store
        self.client_for = client_for
        self.templates = templates
        self.clock = clock

    async def __call__(self, claimed: Claimed) -> Outcome:
        client: AsyncWebClient = await self.client_for(claimed.team_id)
        if claimed.kind == "chart":
            return await self._chart(client, claimed)
        if claimed.uncertain:
            ts = await self._find(client, claimed)
            if ts is not None:
                log.info("outbox %s was already posted (ts %s); not posting again", claimed.id, ts)
                return Sent(ts)
        composed = await asyncio.to_thread(self._compose, claimed)
        if composed is None:
            return Permanent("nothing to post: what it was about no longer exists")
        if composed.message is None:
            log.info("outbox %s: %s", claimed.id, composed.note or "nothing to post")
            return Sent(None)
        message = composed.message
        try:
            response = await client.chat_postMessage(
                channel=claimed.channel_id,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_TYPE, "event_payload": {"outbox_id": claimed.id}},
            )
        except SlackApiError as exc:
            return classify(exc)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return Uncertain(f"{type(exc).__name__}: {exc}")
        return Sent(response.get("ts"))

    def _compose(self, claimed: Claimed) -> Composed | None:
        now = self.clock()
        if claimed.kind == "digest":
            return compose_digest(self.store, claimed.ref_id or 0, now, self.templates)
        if claimed.kind == "reminder":
            message = compose_reminder(
                self.store,
                claimed.team_id,
                str(claimed.payload["user"]),
                str(claimed.payload["date"]),
                now,
                self.templates,
            )
            return Composed(message, note=None if message else "nothing overdue any more")
        message = render_row(self.store, claimed)
        return Composed(message) if message is not None else None

    async def _chart(self, client: AsyncWebClient, claimed: Claimed) -> Outcome:
        data = await asyncio.to_thread(chart_data, self.store, claimed.ref_id or 0, self.clock())
        if data is None:
            return Permanent("nothing to chart: the digest's launch no longer exists")
        digest, filename = data
        if claimed.uncertain and (ts := await self._find_file(client, claimed, filename)):
            return Sent(ts)
        png = await asyncio.to_thread(render_chart, digest.trend, launch_name=digest.launch.name)
        try:
            response = await client.files_upload_v2(
                channel=claimed.channel_id,
                content=png,
                filename=filename,
                title=filename,
                initial_comment=f"Readiness trend for {digest.launch.name}, the last {len(digest.trend)} days",
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
        for message in response.get("messages", []):
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
        for message in response.get("messages", []):
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_TYPE
                and (metadata.get("event_payload") or {}).get("outbox_id") == claimed.id
            ):
                return message.get("ts")
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


def render_row(store: Store, claimed: Claimed) -> SlackMessage | None:
    if claimed.kind == "announce":
        return _announcement(store, claimed.ref_id)
    text = str(claimed.payload.get("text") or "")
    return SlackMessage(text, list(claimed.payload.get("blocks") or [])) if text else None


def _announcement(store: Store, event_id: int | None) -> SlackMessage | None:
    with store.read() as session:
        event = session.get(Event, event_id) if event_id else None
        if event is None or event.launch_id is None:
            return None
        launch = session.get(Launch, event.launch_id)
        if launch is None:
            return None
        launch_view = view(session, launch)
        if event.action.startswith("launch."):
            return announcement(
                LaunchReply(
                    launch_view, event.action.removeprefix("launch."), event.actor, announce=True
                )
            )
        item = session.get(Item, event.item_id) if event.item_id else None
        if item is None:
            return None
        return announcement(
            ItemChanged(
                launch_view, ItemView.of(item), event.action, event.actor, event.note, announce=True
            )
        )
