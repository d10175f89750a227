"""Who is asking, where, and about what: resolved once per Slack request, in Bolt middleware.

`workspace_gate` runs first: in single-workspace mode readybot serves only the workspace its
bot token belongs to (`auth.test`, asked once at start by bot.server, or by Bolt at the
first request), and refuses a request from any other team with one log line and an answer
that creates nothing. (In OAuth mode Bolt's authorization already refuses teams that never
installed readybot.)

`request_context` then turns a request body into the commands' Context (workspace, user,
channel, how the request arrived, when, its idempotency key, and the launch the payload
names) and puts it in the Bolt context under `readybot`. Listeners read it with
`context_of(context)` and never rebuild it. The request id for log lines is set here too.
Bodies are read defensively: a field of an unexpected type counts as absent.
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
from commands.monitors.draft import MonitorDraft
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


def _obj(value: object) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one (a field of an unexpected type)."""
    return value if isinstance(value, dict) else {}


def team_of(body: dict[str, Any]) -> str:
    team = (
        body.get("team_id")
        or _obj(body.get("team")).get("id")
        or _obj(body.get("user")).get("team_id")
    )
    return str(team or "")


def enterprise_of(body: dict[str, Any]) -> str:
    enterprise = body.get("enterprise_id") or _obj(body.get("enterprise")).get("id")
    return str(enterprise or "")


def user_of(body: dict[str, Any]) -> str:
    event_user = _obj(body.get("event")).get("user")
    user = body.get("user_id") or _obj(body.get("user")).get("id") or event_user
    return str(user or "")


def user_name_of(body: dict[str, Any]) -> str | None:
    """How Slack calls the person (`user_name`, `user.username`, `user.name`), if it says."""
    person = body.get("user") if isinstance(body.get("user"), dict) else {}
    name = body.get("user_name") or (person or {}).get("username") or (person or {}).get("name")
    return str(name)[:80] if name else None


def metadata_of(body: dict[str, Any]) -> dict[str, Any]:
    """A modal's private_metadata as a mapping; {} when it is absent or not ours."""
    raw = _obj(body.get("view")).get("private_metadata") or ""
    try:
        meta = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def channel_of(body: dict[str, Any], meta: dict[str, Any]) -> str | None:
    channel = body.get("channel_id") or _obj(body.get("channel")).get("id")
    container = _obj(body.get("container"))
    origin = _obj(meta.get("origin"))
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
        actions = body.get("actions")
        action = _obj(actions[0] if isinstance(actions, list) and actions else None)
        value = action.get("value") or _obj(action.get("selected_option")).get("value") or ""
        return f"action:{action.get('action_ts')}:{user}:{action.get('action_id')}:{value}"
    if kind == "view_submission":
        view = _obj(body.get("view"))
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
    vet_monitor: Callable[[MonitorDraft], str | None] | None = None,
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
        vet_monitor=vet_monitor,
        public_url=settings.public_url,
        user_name=user_name_of(body),
    )


class WorkspaceGate:
    """The workspace a single-workspace readybot serves: its bot token's (from `auth.test`).

    `identify` records what auth.test answered (bot.server asks once at start); until it is
    known, the gate uses what Bolt's own authorization learnt from auth.test for the
    request. `admits(body, bot_team)` says whether a request is from that workspace: its
    team, one of an event's authorizations, or (org-wide installs) its enterprise."""

    def __init__(self) -> None:
        self.team_id: str | None = None
        self.enterprise_id: str | None = None

    def identify(self, auth_test: dict[str, Any]) -> None:
        self.team_id = str(auth_test.get("team_id") or "") or None
        if auth_test.get("is_enterprise_install"):
            self.enterprise_id = str(auth_test.get("enterprise_id") or "") or None

    def admits(self, body: dict[str, Any], *, bot_team: str | None) -> bool:
        ours = self.team_id or bot_team
        if self.enterprise_id and enterprise_of(body) == self.enterprise_id:
            return True
        if not ours:
            return False  # nothing known about our own workspace: refuse, never guess
        authorizations = body.get("authorizations")
        teams = {team_of(body)} | {
            str(_obj(a).get("team_id") or "")
            for a in (authorizations if isinstance(authorizations, list) else [])
        }
        return ours in teams


FOREIGN_WORKSPACE = "This readybot serves another Slack workspace; nothing was done here."


def workspace_gate(
    gate: WorkspaceGate,
) -> Callable[[AsyncBoltRequest, BoltResponse, Next], Awaitable[BoltResponse]]:
    """The Bolt middleware that refuses requests from other workspaces, before anything is
    resolved or created for them: a command is answered privately, anything else is
    acknowledged (so Slack does not retry) and dropped."""

    async def middleware(req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        authorized = req.context.authorize_result
        bot_team = authorized.team_id if authorized is not None else None
        if gate.admits(req.body, bot_team=bot_team):
            return await next()
        kind = request_kind(req.body)
        log.warning(
            "refused a %s from workspace %s: this readybot serves %s",
            kind,
            team_of(req.body)[:32] or "-",
            gate.team_id or bot_team or "(unknown)",
        )
        if kind == "command":
            body = json.dumps({"response_type": "ephemeral", "text": FOREIGN_WORKSPACE})
            return BoltResponse(status=200, body=body, headers={"content-type": "application/json"})
        return BoltResponse(status=200, body="")

    return middleware


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
            vet_monitor=runtime.vet_monitor,
        )
        req.context[KEY] = ctx
        if runtime.settings.socket_mode:  # over HTTP, bot.server logs it with its answer
            log.info("slack %s from %s", kind, ctx.user_id or "-")
        return await next()

    return middleware
