"""The outbox's Slack side: render a queued row and post it, tagged so a retry can tell
whether an earlier attempt already went out."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.compose import Composed, chart_data, compose_digest, compose_reminder
from bot.render.alerts import AlertView, alert_message, resolved_original
from bot.render.digest.chart import render_chart
from bot.render.digest.templates import Templates
from bot.render.messages import SlackMessage, announcement
from commands.launching import view
from commands.replies import ItemChanged, ItemView, LaunchReply
from scheduler.delivery import Outcome, Permanent, Retry, Sent, Uncertain
from storage.engine import Store
from storage.models import Event, Item, Launch, Monitor, MonitorEvent, Outbox
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
        thread = (
            await asyncio.to_thread(alert_thread, self.store, claimed)
            if claimed.kind == "alert"
            else None
        )
        try:
            response = await client.chat_postMessage(
                channel=claimed.channel_id,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_TYPE, "event_payload": {"outbox_id": claimed.id}},
                **({"thread_ts": thread.ts} if thread else {}),
            )
        except SlackApiError as exc:
            return classify(exc)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return Uncertain(f"{type(exc).__name__}: {exc}")
        if thread and thread.recovered:
            await self._resolve_original(client, claimed, thread)
        return Sent(response.get("ts"))

    async def _resolve_original(
        self, client: AsyncWebClient, claimed: Claimed, thread: AlertThread
    ) -> None:
        """After a recovery, rewrite the outage's first alert so the channel shows it is over."""
        try:
            await client.chat_update(
                channel=claimed.channel_id,
                ts=thread.ts,
                text=thread.resolved.text,
                blocks=thread.resolved.blocks,
            )
        except SlackApiError as exc:
            log.warning("could not update the alert %s: %s", thread.ts, exc.response.get("error"))

    def _compose(self, claimed: Claimed) -> Composed | None:
        now = self.clock()
        if claimed.kind == "alert":
            found = alert_view(self.store, claimed.ref_id or 0)
            return Composed(alert_message(found[0])) if found else None
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


@dataclass(frozen=True)
class AlertThread:
    ts: str  # the outage's first alert
    recovered: bool
    resolved: SlackMessage


def alert_view(store: Store, event_id: int) -> tuple[AlertView, MonitorEvent] | None:
    with store.read() as session:
        event = session.get(MonitorEvent, event_id)
        if event is None:
            return None
        monitor = session.get(Monitor, event.monitor_id) if event.monitor_id else None
        launch = session.get(Launch, event.launch_id) if event.launch_id else None
        item = session.get(Item, monitor.item_id) if monitor and monitor.item_id else None
        state = monitor.state if monitor else {}
        down = session.get(MonitorEvent, event.outage_id) if event.outage_id else None
        view = AlertView(
            monitor_id=event.monitor_id or 0,
            monitor_name=event.monitor_name,
            kind=event.kind,
            detail=event.detail,
            at=event.at,
            launch_name=launch.name if launch else "",
            item_id=item.id if item else None,
            item_key=item.key if item else None,
            item_blocked=bool(monitor and (monitor.blocked_item or event.kind == "up")),
            down_since=down.at if down else None,
            acknowledged_by=state.get("acknowledged_by"),
            ack_reason=state.get("ack_reason"),
        )
        return view, event


def alert_thread(store: Store, claimed: Claimed) -> AlertThread | None:
    """For a reminder or a recovery: the outage's first alert, to answer in its thread."""
    found = alert_view(store, claimed.ref_id or 0)
    if found is None:
        return None
    view, event = found
    if event.kind not in ("reminder", "up") or not event.outage_id:
        return None
    with store.read() as session:
        first = (
            session.exec(
                select(Outbox).where(
                    Outbox.kind == "alert",
                    Outbox.ref_id == event.outage_id,
                    Outbox.status == "sent",
                )
            )
            .scalars()
            .first()
        )
        down = session.get(MonitorEvent, event.outage_id)
    if first is None or not first.sent_ts or down is None:
        return None
    original = replace(view, kind="down", detail=down.detail, at=down.at)
    return AlertThread(first.sent_ts, event.kind == "up", resolved_original(original, event.at))


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
