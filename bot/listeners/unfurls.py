"""`link_shared`: readybot's own links (READYBOT_PUBLIC_URL/launches/…) unfurl with their
status through `chat.unfurl`; any other link, or one to nothing this workspace has, is left
alone. Slack sends the event only for the domains in the manifest's `app_unfurl_domains`."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.middleware import context_of
from bot.render.unfurls import unfurl_blocks
from bot.runtime import Runtime
from commands.context import Context
from commands.links import Link, parse_link, unfurl

log = logging.getLogger(__name__)
MAX_LINKS = 10  # Slack sends a handful per message; more are left alone


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.event("link_shared")
    async def shared(
        ack: AsyncAck, event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
    ) -> None:
        await ack()
        found = event.get("links") if isinstance(event.get("links"), list) else []
        ours: list[tuple[str, Link]] = []
        for entry in (found or [])[:MAX_LINKS]:
            url = entry.get("url") if isinstance(entry, dict) else None
            link = parse_link(url, runtime.settings.public_url) if isinstance(url, str) else None
            if link is not None:
                ours.append((str(url), link))
        if ours:
            runtime.spawn(
                unfurl_links(runtime, client, event=event, ctx=context_of(context), links=ours),
                what="unfurling readybot links",
            )


async def unfurl_links(
    runtime: Runtime,
    client: AsyncWebClient,
    *,
    event: dict[str, Any],
    ctx: Context,
    links: list[tuple[str, Link]],
) -> None:
    unfurls: dict[str, dict[str, Any]] = {}
    for url, link in links:
        found = await runtime.run(unfurl, runtime.store, ctx, link)
        if found is not None:
            unfurls[url] = {"blocks": unfurl_blocks(found)}
    if not unfurls:
        return
    where: dict[str, Any] = (
        {"unfurl_id": event["unfurl_id"], "source": event.get("source") or "composer"}
        if event.get("unfurl_id") and event.get("source") == "composer"
        else {"channel": event.get("channel"), "ts": event.get("message_ts")}
    )
    try:
        await client.chat_unfurl(unfurls=unfurls, **where)
    except SlackApiError as exc:
        log.warning(
            "chat.unfurl failed for %d readybot link(s) (%s)",
            len(unfurls),
            exc.response.get("error"),
        )
