"""Who is asking, where, and about what: resolved once per Slack request, in Bolt middleware.

`RequestContext` turns a request body into the commands' Context (workspace, user, channel,
how the request arrived, when, its idempotency key, and the launch the payload names) and
puts it in the Bolt context under `readybot`. Listeners read it with `context_of(context)`
and never rebuild it. The request id for log lines is set here too.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot import logs
from bot.runtime import Runtime
from bot.settings import Settings
from commands.context import Context
from storage.vocabulary import Via

log = logging.getLogger(__name__)
KEY = "readybot"
Next = Callable[[], Awaitable[BoltResponse]]


def request_kind(body: dict[str, Any]) -> str:
    if body.get("command"):
        return "command"
    if body.get("type") in ("block_actions", "view_submission", "view_closed", "block_suggestion"):
        return str(body["type"])
    if body.get("type") == "event_callback":
        return "event"
    return str(body.get("type") or "other")


def team_of(body: dict[str, Any]) -> str:
    team = (
        body.get("team_id")
        or (body.get("team") or {}).get("id")
        or (body.get("user") or {}).get("team_id")
    )
    return str(team or "")


def user_of(body: dict[str, Any]) -> str:
    event_user = (body.get("event") or {}).get("user")
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event_user
    return str(user or "")


def user_name_of(body: dict[str, Any]) -> str | None:
    """How Slack calls the person (`user_name`, `user.username`, `user.name`), if it says."""
    person = body.get("user") if isinstance(body.get("user"), dict) else {}
    name = body.get("user_name") or (person or {}).get("username") or (person or {}).get("name")
    return str(name)[:80] if name else None


def metadata_of(body: dict[str, Any]) -> dict[str, Any]:
    """A modal's private_metadata as a mapping; {} when it is absent or not ours."""
    raw = (body.get("view") or {}).get("private_metadata") or ""
    try:
        meta = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def channel_of(body: dict[str, Any], meta: dict[str, Any]) -> str | None:
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    container = body.get("container") or {}
    origin = meta.get("origin") if isinstance(meta.get("origin"), dict) else {}
    found = (
        channel
        or container.get("channel_id")
        or (origin or {}).get("channel")
        or meta.get("channel")
    )
    return str(found) if found else None


def _via(kind: str) -> Via:
    return {"command": Via.COMMAND, "view_submission": Via.MODAL}.get(kind, Via.BUTTON)


def _request_key(body: dict[str, Any], kind: str, user: str) -> str | None:
    """What makes a repeated delivery of this request recognisable (Slack retries)."""
    if kind == "block_actions":
        action = (body.get("actions") or [{}])[0]
        value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
        return f"action:{action.get('action_ts')}:{user}:{action.get('action_id')}:{value}"
    if kind == "view_submission":
        view = body.get("view") or {}
        return f"view:{view.get('id')}:{view.get('hash')}"
    return None


def _launch_named(meta: dict[str, Any]) -> int | None:
    launch = meta.get("launch")
    return launch if isinstance(launch, int) else None


def build_context(
    body: dict[str, Any],
    *,
    settings: Settings,
    now: datetime,
    check_monitor: Callable[[int], str] | None = None,
) -> Context:
    kind = request_kind(body)
    meta = metadata_of(body)
    user = user_of(body)
    return Context(
        team_id=team_of(body),
        user_id=user,
        channel_id=channel_of(body, meta),
        via=_via(kind),
        now=now,
        admins=settings.admins,
        default_timezone=settings.default_timezone,
        request_key=_request_key(body, kind, user),
        launch_id=_launch_named(meta),
        check_monitor=check_monitor,
        public_url=settings.public_url,
        user_name=user_name_of(body),
    )


def context_of(context: dict[str, Any]) -> Context:
    """The request's Context, as the middleware resolved it."""
    found = context[KEY]
    assert isinstance(found, Context)
    return found


def request_context(
    runtime: Runtime,
) -> Callable[[AsyncBoltRequest, BoltResponse, Next], Awaitable[BoltResponse]]:
    """The Bolt middleware: resolve the request's Context, count it, tag its log lines."""

    async def middleware(req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        logs.request_id.set(uuid.uuid4().hex[:12])
        kind = request_kind(req.body)
        runtime.metrics.requests.labels(kind).inc()
        ctx = build_context(
            req.body,
            settings=runtime.settings,
            now=runtime.clock(),
            check_monitor=runtime.check_monitor,
        )
        req.context[KEY] = ctx
        log.info("slack %s from %s", kind, ctx.user_id or "-")
        return await next()

    return middleware
