"""The HTTP edge in front of Bolt: only a signed Slack request of sane size and shape gets in.

`Edge.admit(request)` checks, in this order and before anything that can raise:
1. the size: at most MAX_BODY bytes (a longer Content-Length, or a body that turns out
   longer while it is read, is refused with 413);
2. the headers: X-Slack-Request-Timestamp is a number of seconds within five minutes of
   now, X-Slack-Signature is `v0=` and 64 hex digits (401);
3. the signature, over the raw body (401);
4. the body: UTF-8, a form or a JSON object; an interaction's `payload` is a JSON object;
   the fields readybot reads have the types Slack gives them, and a modal's
   private_metadata, which readybot always writes as a JSON object, is one (400).
A refusal is answered with a short JSON error and logged in one line, no traceback, at
most a few lines every few seconds (bot.logs.Throttle): traffic nobody authenticated
cannot flood the log. What passes is handed to Bolt, which checks the signature again.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.logs import Throttle

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
MAX_SKEW_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
_INTERACTIONS = ("block_actions", "view_submission", "view_closed", "block_suggestion")


@dataclass(frozen=True)
class Admitted:
    body: bytes


@dataclass(frozen=True)
class Refused:
    status: int
    error: str  # what the client is told
    reason: str  # what the log says

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.error}, status_code=self.status)


class Edge:
    """Admit or refuse requests to /slack/events. Without a signing secret (tests of the
    edge alone) the signature is not checked; everything else is."""

    def __init__(
        self,
        signing_secret: str | None,
        *,
        clock: Callable[[], float] = time.time,
        throttle: Throttle | None = None,
    ) -> None:
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.clock = clock
        self.throttle = throttle or Throttle()

    async def admit(self, request: Request) -> Admitted | Refused:
        verdict = await self._admit(request)
        if isinstance(verdict, Refused):
            client = request.client.host if request.client else "-"
            self.throttle.log(
                log, logging.WARNING, "refused a request from %s: %s", client, verdict.reason
            )
        return verdict

    async def _admit(self, request: Request) -> Admitted | Refused:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            return Refused(413, "request too large", f"a body of {declared} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return Refused(413, "request too large", f"a body over {MAX_BODY} bytes")
        refused = self._signed(request, bytes(body))
        if refused is not None:
            return refused
        problem = shape_problem(bytes(body), request.headers.get("content-type"))
        if problem is not None:
            return Refused(400, "malformed request", f"signed but malformed: {problem}")
        return Admitted(bytes(body))

    def _signed(self, request: Request, body: bytes) -> Refused | None:
        timestamp = request.headers.get("x-slack-request-timestamp", "")
        signature = request.headers.get("x-slack-signature", "")
        if not _TIMESTAMP.match(timestamp):
            return Refused(401, "invalid request", "no valid X-Slack-Request-Timestamp")
        if abs(self.clock() - int(timestamp)) > MAX_SKEW_SECONDS:
            return Refused(401, "invalid request", "a stale X-Slack-Request-Timestamp")
        if not _SIGNATURE.match(signature):
            return Refused(401, "invalid request", "no valid X-Slack-Signature")
        if self.verifier is not None and not self.verifier.is_valid(
            body=body, timestamp=timestamp, signature=signature
        ):
            return Refused(401, "invalid request", "a wrong signature")
        return None


def shape_problem(raw: bytes, content_type: str | None) -> str | None:
    """What is wrong with a signed body, or None: it decodes and parses the way Bolt will
    parse it, to a mapping whose fields have the types readybot reads."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    kind = (content_type or "").split(";", 1)[0].strip().lower() or None
    try:
        body = parse_body(text, kind)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return "the body (or its payload) is not JSON"
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    return _fields_problem(body)


# (field, the types it may have) for every request, then per kind of request.
_COMMON: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("type", (str,)),
    ("team_id", (str,)),
    ("team", (dict, type(None))),
    ("enterprise", (dict, type(None))),
    ("enterprise_id", (str, type(None))),
    ("user_id", (str,)),
    ("channel_id", (str,)),
    ("command", (str,)),
    ("text", (str,)),
    ("response_url", (str,)),
    ("trigger_id", (str,)),
    ("authorizations", (list,)),
)
_INTERACTION: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("user", (dict,)),
    ("channel", (dict, type(None))),
    ("container", (dict, type(None))),
    ("message", (dict, type(None))),
    ("actions", (list,)),
    ("view", (dict,)),
)


def _fields_problem(body: dict[str, Any]) -> str | None:
    checks = _COMMON + (_INTERACTION if body.get("type") in _INTERACTIONS else ())
    for name, types in checks:
        if name in body and not isinstance(body[name], types):
            return f"`{name}` is a {type(body[name]).__name__}"
    if body.get("type") == "event_callback" and not isinstance(body.get("event"), dict):
        return "an event callback without an event"
    if any(not isinstance(a, dict) for a in body.get("actions") or []):
        return "an action that is not an object"
    if any(not isinstance(a, dict) for a in body.get("authorizations") or []):
        return "an authorization that is not an object"
    view = body.get("view")
    if isinstance(view, dict):
        return _view_problem(view)
    return None


def _view_problem(view: dict[str, Any]) -> str | None:
    state = view.get("state", {})
    if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
        return "a view whose state is not an object"
    metadata = view.get("private_metadata") or ""
    if not isinstance(metadata, str):
        return "private_metadata is not text"
    if metadata:
        try:
            decoded = json.loads(metadata)
        except ValueError:
            return "private_metadata is not JSON"
        if not isinstance(decoded, dict):
            return "private_metadata is not a JSON object"
    return None
