"""A fake Slack Socket Mode server: a real WebSocket endpoint on an ephemeral port.

Slack's side of Socket Mode, as slack_sdk's clients expect it:

1. The app calls `apps.connections.open` with its app-level token (`xapp-…`) and gets a
   one-off `wss://…` URL (the fake Web API answers with `FakeSlack.socket_url`; point it at
   `FakeSocketMode.url`).
2. The app opens a WebSocket to that URL. Slack sends `{"type": "hello", …}` first.
3. Slack sends envelopes: `{"envelope_id", "type": "slash_commands" | "interactive" |
   "events_api", "payload": {…}, "accepts_response_payload": bool}` (events may also carry
   `retry_attempt` / `retry_reason`). The payload is what HTTP mode would have POSTed, parsed:
   the slash command's form fields, the interaction's `payload` JSON, the event callback.
4. The app acknowledges each envelope on the socket: `{"envelope_id": …}` plus, where the
   envelope accepts one, `"payload": {…}` (the slash command's reply, a modal's
   `response_action`, …).
5. Slack may send `{"type": "disconnect", "reason": "warning" | "refresh_requested" | …}`;
   the client then fetches a new URL and reconnects.

WebSocket ping frames are answered with pongs (aiohttp does this for the server side);
slack_sdk's aiohttp client sends `sdk-ping-pong:<time>` pings and reconnects when pongs stop.

The server runs its own event loop in a thread; every method here is safe to call from a
test's (synchronous) thread.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "A1"
TEAM = "T1"


@dataclass
class Connection:
    """One WebSocket connection the app opened."""

    number: int
    path: str
    headers: dict[str, str]
    ws: web.WebSocketResponse
    received: list[Any] = field(default_factory=list)  # what the app sent, parsed
    closed: bool = False


class FakeSocketMode:
    def __init__(self, *, app_id: str = APP_ID, send_hello: bool = True) -> None:
        self.app_id = app_id
        self.send_hello = send_hello
        self.connections: list[Connection] = []
        self.acks: dict[str, dict[str, Any]] = {}  # envelope_id -> what the app answered
        self.sent: list[dict[str, Any]] = []  # every message we sent, in order
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeSocketMode:
        self._thread.start()
        self._call(self._start())
        return self

    def stop(self) -> None:
        try:
            self._call(self._stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._sock.close()

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._sock.getsockname()[1]

    @property
    def url(self) -> str:
        """What `apps.connections.open` hands out (Slack's is wss://; this one is plain ws)."""
        return f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4()}&app_id={self.app_id}"

    # -- what the app sees ------------------------------------------------------------------
    def send(self, message: dict[str, Any], *, connection: int | None = None) -> None:
        """Send a raw message on the newest open connection (or the one numbered)."""
        conn = self.wait_connected(number=connection)
        with self._lock:
            self.sent.append(message)
        self._call(conn.ws.send_str(json.dumps(message)))

    def envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        envelope_id: str | None = None,
        **extra: Any,
    ) -> str:
        """Send an envelope; returns its envelope_id (wait for its ack with `wait_for_ack`)."""
        envelope_id = envelope_id or str(uuid.uuid4())
        self.send(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": accepts_response_payload,
                **extra,
            }
        )
        return envelope_id

    def slash_command(
        self,
        text: str,
        *,
        command: str = "/ready",
        team_id: str = TEAM,
        user_id: str = "U1ALICE",
        channel_id: str = "C0LAUNCH",
        response_url: str = "https://hooks.slack.com/commands/T1/1/x",
        **extra: Any,
    ) -> str:
        """A slash command envelope: the same fields as HTTP mode's form, as JSON strings."""
        payload = {
            "token": "legacy",
            "team_id": team_id,
            "team_domain": "acme",
            "channel_id": channel_id,
            "channel_name": "launch",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"trigger.{uuid.uuid4().hex[:8]}",
            **extra,
        }
        return self.envelope("slash_commands", payload, accepts_response_payload=True)

    def interactive(self, payload: dict[str, Any]) -> str:
        """A block_actions / view_submission / shortcut envelope (payload is the parsed JSON)."""
        # Slack lets view submissions answer with a response_action; clicks just ack.
        accepts = payload.get("type") in ("view_submission", "block_suggestion")
        return self.envelope("interactive", payload, accepts_response_payload=accepts)

    def event(
        self,
        event: dict[str, Any],
        *,
        team_id: str = TEAM,
        event_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """An Events API envelope around an `event_callback`."""
        payload = {
            "token": "legacy",
            "team_id": team_id,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": "UREADYBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self.envelope(
            "events_api",
            payload,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    def disconnect(self, reason: str = "warning") -> None:
        """Ask the app to reconnect, as Slack does before it recycles a connection."""
        self.send({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}})

    # -- waiting and inspecting -------------------------------------------------------------
    def wait_connected(self, *, number: int | None = None, timeout: float = 5.0) -> Connection:
        """The newest open connection (or connection `number`, 1-based), once it exists."""
        with self._changed:
            found = self._changed.wait_for(lambda: self._open(number), timeout=timeout)
        if not found:
            raise AssertionError(
                f"no open Socket Mode connection{f' #{number}' if number else ''} "
                f"within {timeout}s (connections so far: {len(self.connections)})"
            )
        return found

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        with self._changed:
            found = self._changed.wait_for(lambda: envelope_id in self.acks, timeout=timeout)
            if not found:
                raise AssertionError(
                    f"no ack for envelope {envelope_id} within {timeout}s; "
                    f"acks so far: {list(self.acks)}"
                )
            return self.acks[envelope_id]

    def wait_for_connections(self, count: int, timeout: float = 5.0) -> list[Connection]:
        with self._changed:
            ok = self._changed.wait_for(lambda: len(self.connections) >= count, timeout=timeout)
            if not ok:
                raise AssertionError(
                    f"expected {count} connection(s), got {len(self.connections)} in {timeout}s"
                )
            return list(self.connections)

    def _open(self, number: int | None) -> Connection | None:
        candidates = [c for c in self.connections if not c.closed]
        if number is not None:
            candidates = [c for c in candidates if c.number == number]
        return candidates[-1] if candidates else None

    # -- the server (runs on the fake's own loop) -----------------------------------------------
    def _call(self, coro: Any, timeout: float = 5.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/link/", self._websocket)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    async def _stop(self) -> None:
        for conn in list(self.connections):
            if not conn.closed:
                await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)  # answers the client's pings with pongs
        await ws.prepare(request)
        with self._changed:
            conn = Connection(next(self._numbers), request.path_qs, dict(request.headers), ws)
            self.connections.append(conn)
            self._changed.notify_all()
        if self.send_hello:
            hello = {
                "type": "hello",
                "num_connections": len([c for c in self.connections if not c.closed]),
                "debug_info": {
                    "host": "applink-fake",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
            with self._lock:
                self.sent.append(hello)
            await ws.send_str(json.dumps(hello))
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    data: Any = json.loads(message.data)
                except ValueError:
                    data = message.data
                with self._changed:
                    conn.received.append(data)
                    if isinstance(data, dict) and "envelope_id" in data:
                        self.acks[data["envelope_id"]] = data
                    self._changed.notify_all()
        finally:
            with self._changed:
                conn.closed = True
                self._changed.notify_all()
        return ws
