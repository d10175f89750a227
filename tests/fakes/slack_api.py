"""A fake Slack Web API: a real HTTP server on an ephemeral port.

It answers the methods readybot uses, records every call with its parsed body,
serves `response_url` endpoints, and can be scripted to fail (429 with
Retry-After, 500, slow or late replies, a reset connection) per method. Point the bot at `fake.base_url`
(SLACK_API_URL) and assert on `fake.calls`.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

BOT_USER = "UREADYBOT"
TEAM = "T1"


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """A scripted answer: an HTTP status (429/500/...), optional Retry-After, optional delay."""

    status: int = 200
    retry_after: int | str | None = None
    delay: float = 0.0
    body: dict[str, Any] | None = None
    # Carry the call out (e.g. post the message) and only then answer with the fault: the
    # "Slack posted it but the answer was lost" case.
    apply: bool = False
    # Carry the call out, then wait this long before answering (Slack slow to answer a post
    # that is already visible in the channel).
    late: float = 0.0
    # Answer nothing: reset the connection (TCP RST) once the request is read (with `apply`,
    # after carrying the call out: the post landed and the connection broke).
    reset: bool = False


class FakeSlack:
    def __init__(self, token: str = "xoxb-test-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.responses: dict[str, list[dict[str, Any]]] = {}  # response_url token -> posts
        self.uploads: dict[str, bytes] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[
            str, list[dict[str, Any]]
        ] = {}  # channel -> posted messages, oldest first
        self.socket_url: str | None = None
        # Channels, as Slack sees them: a public channel's history is readable by members
        # only (`conversations.join` makes the bot one); a private channel cannot be joined,
        # only invited to (`members`). Scopes the bot token lacks answer missing_scope.
        self.members: set[str] = set()
        self.private: set[str] = set()
        self.missing_scopes: set[str] = set()
        # More workspaces: every bot token accepted (besides `token`), the auth.test answer
        # per token, and the OAuth codes oauth.v2.access will exchange (see `add_workspace`).
        self.tokens: set[str] = {token}
        self.identities: dict[str, dict[str, Any]] = {}
        self.oauth_codes: dict[str, dict[str, Any]] = {}
        self.client_credentials: tuple[str, str] | None = None  # (client_id, client_secret)
        self._faults: dict[str, list[Fault]] = {}
        self.in_flight = 0  # Web API calls being answered right now, and the most at once
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.root}/response/{name}"

    # -- scripting and inspection ---------------------------------------------------------
    def fail(self, method: str, *faults: Fault) -> None:
        """The next calls of `method` get these answers, in order; later ones succeed."""
        with self._lock:
            self._faults.setdefault(method, []).extend(faults)

    def add_workspace(
        self,
        *,
        token: str,
        team_id: str,
        team_name: str = "Other Co",
        bot_user_id: str = "UREADYBOT2",
        bot_id: str = "BREADYBOT2",
        code: str | None = None,
        scope: str = "commands,chat:write",
        app_id: str = "A1",
        installer: str = "U2INSTALLER",
    ) -> dict[str, Any]:
        """Accept another workspace's bot token; with `code`, oauth.v2.access grants it.

        Returns the oauth.v2.access answer (shaped as Slack's for a bot-only install).
        """
        grant = {
            "ok": True,
            "app_id": app_id,
            "authed_user": {"id": installer},
            "scope": scope,
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": bot_user_id,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        with self._lock:
            self.tokens.add(token)
            self.identities[token] = {
                "ok": True,
                "url": f"https://{team_name.lower().replace(' ', '')}.slack.com/",
                "team": team_name,
                "user": "readybot",
                "team_id": team_id,
                "user_id": bot_user_id,
                "bot_id": bot_id,
                "is_enterprise_install": False,
            }
            if code is not None:
                self.oauth_codes[code] = grant
        return grant

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str | None = "U2BOB",
        thread_ts: str | None = None,
        **fields: Any,
    ) -> str:
        """A message someone (or, with `bot_id`/`subtype`, a bot) wrote in `channel`; its ts.
        The bot can read it once it is a member of the channel (`members`)."""
        ts = self._ts_now()
        message: dict[str, Any] = {"type": "message", "text": text, "ts": ts, **fields}
        if user is not None:
            message["user"] = user
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        with self._lock:
            self.messages.setdefault(channel, []).append(message)
        return ts

    def posted(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.messages.get(channel, []))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(
            f"expected {count} call(s) to {method}, got {len(self.calls_to(method))}: "
            f"{[c.method for c in self.calls]}"
        )

    def wait_for_response(
        self, name: str = "r1", count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                posts = list(self.responses.get(name, []))
            if len(posts) >= count:
                return posts
            time.sleep(0.01)
        raise AssertionError(f"expected {count} post(s) to response_url {name}, got {len(posts)}")

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.responses.clear()
            self._faults.clear()

    # -- answers --------------------------------------------------------------------------
    def _next_fault(self, method: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            return queue.pop(0) if queue else None

    def _ts_now(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def answer(self, method: str, body: dict[str, Any], auth: str | None) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return self._oauth_v2_access(body, auth)
        accepted = {f"Bearer {t}" for t in (self.tokens | {self.token})}
        if method != "apps.connections.open" and auth not in accepted:
            return {"ok": False, "error": "not_authed" if not auth else "invalid_auth"}
        if method == "auth.test" and auth is not None:
            identity = self.identities.get(auth.removeprefix("Bearer "))
            if identity is not None:
                return dict(identity)
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://acme.slack.com/",
                "team": "Acme",
                "user": "readybot",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": "BREADYBOT",
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            blocks = body.get("blocks")
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            if blocks is not None and len(blocks) > 50:
                return {
                    "ok": False,
                    "error": "invalid_blocks",
                    "errors": ["must be less than 51 items"],
                }
            if not body.get("channel"):
                return {"ok": False, "error": "channel_not_found"}
            if method == "chat.postEphemeral":
                return {"ok": True, "message_ts": self._ts_now()}
            ts = body.get("ts") if method == "chat.update" else self._ts_now()
            metadata = body.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            message = {"text": body.get("text"), "blocks": blocks, "ts": ts, "metadata": metadata}
            if body.get("thread_ts"):
                message["thread_ts"] = body["thread_ts"]
            with self._lock:
                posted = self.messages.setdefault(body["channel"], [])
                if method == "chat.postMessage":
                    posted.append(message)
                else:
                    kept = next(
                        (
                            {"thread_ts": m["thread_ts"]}
                            for m in posted
                            if m["ts"] == ts and "thread_ts" in m
                        ),
                        {},
                    )
                    posted[:] = [{**message, **kept} if m["ts"] == ts else m for m in posted]
            return {"ok": True, "channel": body["channel"], "ts": ts, "message": message}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = body.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            blocks = (view or {}).get("blocks") or []
            if len(blocks) > 100:
                return {"ok": False, "error": "invalid_arguments"}
            return {
                "ok": True,
                "view": {**(view or {}), "id": f"V{next(self._ids):06d}", "hash": "h1"},
            }
        if method == "users.info":
            user = body.get("user", "")
            profile = self.users.get(user, {})
            return {
                "ok": True,
                "user": {
                    "id": user,
                    "name": profile.get("name", user.lower()),
                    "tz": profile.get("tz", "UTC"),
                    "is_admin": profile.get("is_admin", False),
                    "profile": {"display_name": profile.get("name", user.lower())},
                },
            }
        if method in ("conversations.history", "conversations.replies"):
            return self._read_channel(method, body)
        if method == "chat.getPermalink":
            channel, ts = str(body.get("channel") or ""), str(body.get("message_ts") or "")
            with self._lock:
                found = [m for m in self.messages.get(channel, []) if m.get("ts") == ts]
            if not found:
                return {"ok": False, "error": "message_not_found"}
            link = f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}"
            thread = found[0].get("thread_ts")
            if thread and thread != ts:
                link += f"?thread_ts={thread}&cid={channel}"
            return {"ok": True, "channel": channel, "permalink": link}
        if method == "chat.unfurl":
            unfurls = body.get("unfurls")
            if isinstance(unfurls, str):
                unfurls = json.loads(unfurls)
            if not isinstance(unfurls, dict) or not unfurls:
                return {"ok": False, "error": "invalid_unfurls"}
            if not (body.get("channel") and body.get("ts")) and not body.get("unfurl_id"):
                return {"ok": False, "error": "cannot_find_message"}
            return {"ok": True}
        if method == "conversations.join":
            channel = str(body.get("channel") or "")
            if "channels:join" in self.missing_scopes:
                return {"ok": False, "error": "missing_scope", "needed": "channels:join"}
            if channel in self.private or not channel.startswith("C"):
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            with self._lock:
                already = channel in self.members
                self.members.add(channel)
            answer: dict[str, Any] = {"ok": True, "channel": {"id": channel, "is_member": True}}
            return {**answer, "warning": "already_in_channel"} if already else answer
        if method == "conversations.info":
            channel = body.get("channel")
            return {
                "ok": True,
                "channel": {"id": channel, "name": "launch", "is_member": channel in self.members},
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{body.get('users', 'X')}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):06d}"
            return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = [
                {"id": f["id"], "title": f.get("title"), "name": f.get("title")}
                for f in _json_list(body.get("files"))
            ]
            channel = body.get("channel_id") or body.get("channels")
            if channel:
                with self._lock:
                    self.messages.setdefault(channel, []).append(
                        {
                            "text": body.get("initial_comment") or "",
                            "ts": self._ts_now(),
                            "files": files,
                        }
                    )
            return {"ok": True, "files": files}
        if method == "apps.connections.open":
            if not self.socket_url:
                return {"ok": False, "error": "socket_mode_not_enabled"}
            return {"ok": True, "url": self.socket_url}
        return {"ok": False, "error": "unknown_method"}

    def _read_channel(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """conversations.history (top-level messages) and .replies (a thread), newest first.
        A public channel is readable by members only; a direct message always (its id is
        D + the person's id, and messages posted to the person's id are in it)."""
        channel = str(body.get("channel") or "")
        history_scope = "im:history" if channel.startswith("D") else "channels:history"
        if history_scope in self.missing_scopes:
            return {"ok": False, "error": "missing_scope", "needed": history_scope}
        if channel.startswith(("C", "G")) and channel not in self.members:
            return {"ok": False, "error": "not_in_channel"}
        with self._lock:
            posted = list(self.messages.get(channel, []))
            if channel.startswith("D"):
                posted += self.messages.get(channel[1:], [])
        if method == "conversations.replies":
            thread = str(body.get("ts") or "")
            posted = [m for m in posted if m["ts"] == thread or m.get("thread_ts") == thread]
        else:
            posted = [m for m in posted if m.get("thread_ts") in (None, m["ts"])]
        posted = _window(posted, body)
        keep_metadata = str(body.get("include_all_metadata")).lower() in ("true", "1")
        ordered = list(reversed(posted))
        limit = int(body.get("limit") or 0) or len(ordered)
        return {
            "ok": True,
            "messages": [
                {k: v for k, v in m.items() if k != "metadata" or keep_metadata}
                for m in ordered[:limit]
            ],
            "has_more": len(ordered) > limit,
        }

    def _oauth_v2_access(self, body: dict[str, Any], auth: str | None) -> dict[str, Any]:
        """Exchange a code once. The app authenticates with its client id and secret, as
        HTTP Basic auth (what slack_sdk sends) or as form fields."""
        client_id, client_secret = body.get("client_id"), body.get("client_secret")
        if auth and auth.startswith("Basic "):
            decoded = base64.b64decode(auth.removeprefix("Basic ")).decode()
            client_id, _, client_secret = decoded.partition(":")
        expected = self.client_credentials
        if expected is not None and (client_id, client_secret) != expected:
            wrong = "invalid_client_id" if client_id != expected[0] else "bad_client_secret"
            return {"ok": False, "error": wrong}
        with self._lock:
            grant = self.oauth_codes.pop(str(body.get("code")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        return grant

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urlparse(self.path).path
                if path.startswith("/upload/"):
                    fake.uploads[path.rsplit("/", 1)[1]] = raw
                    return self._send(200, b"OK - uploaded", "text/plain")
                body = _parse_body(raw, self.headers.get("Content-Type", ""), self.path)
                if path.startswith("/response/"):
                    name = path.rsplit("/", 1)[1]
                    with fake._lock:
                        fake.responses.setdefault(name, []).append(body)
                    return self._json(200, {"ok": True})
                method = path.removeprefix("/api/")
                with fake._lock:
                    fake.calls.append(Call(method, body, dict(self.headers)))
                    fake.in_flight += 1
                    fake.peak_in_flight = max(fake.peak_in_flight, fake.in_flight)
                try:
                    self._api(method, body)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _api(self, method: str, body: dict[str, Any]) -> None:
                fault = fake._next_fault(method)
                if fault:
                    if fault.delay:
                        time.sleep(fault.delay)
                    if fault.late:
                        answered = fake.answer(method, body, self.headers.get("Authorization"))
                        time.sleep(fault.late)
                        return self._json(200, answered)
                    if fault.apply:
                        fake.answer(method, body, self.headers.get("Authorization"))
                    if fault.reset:
                        return self._reset()
                    if fault.status != 200:
                        extra = (
                            {"Retry-After": str(fault.retry_after)}
                            if fault.retry_after is not None
                            else {}
                        )
                        error = "ratelimited" if fault.status == 429 else "internal_error"
                        return self._json(
                            fault.status, fault.body or {"ok": False, "error": error}, extra
                        )
                    if fault.body is not None:
                        return self._json(200, fault.body)
                self._json(200, fake.answer(method, body, self.headers.get("Authorization")))

            do_GET = do_POST

            def _reset(self) -> None:
                """Close the connection with a TCP RST instead of an answer."""
                self.close_connection = True
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()

            def _json(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                self._send(
                    status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers
                )

            def _send(
                self,
                status: int,
                data: bytes,
                content_type: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                # The client may have given up waiting (a scripted slow answer).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        return Handler


def _window(posted: list[dict[str, Any]], body: dict[str, Any]) -> list[dict[str, Any]]:
    """Messages up to `latest` (itself only if `inclusive`), compared as Slack compares
    timestamps: as numbers. (`oldest` is not applied, as before `latest` was.)"""
    latest = body.get("latest")
    if not latest:
        return posted
    inclusive = str(body.get("inclusive")).lower() in ("true", "1")
    newest = float(latest)
    return [
        m for m in posted if float(m["ts"]) < newest or (inclusive and float(m["ts"]) == newest)
    ]


def _parse_body(raw: bytes, content_type: str, path: str) -> dict[str, Any]:
    query = {k: v[-1] for k, v in parse_qs(urlparse(path).query).items()}
    if not raw:
        return query
    if "json" in content_type:
        return {**query, **json.loads(raw)}
    return {**query, **{k: v[-1] for k, v in parse_qs(raw.decode()).items()}}


def _json_list(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        return json.loads(value)
    return list(value or [])
