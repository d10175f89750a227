"""readybot serve, for real, on an ephemeral port, talking to the fake Slack Web API.

Requests are signed exactly as Slack signs them (v0 HMAC-SHA256 over
`v0:{timestamp}:{body}` with the signing secret).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_sdk.signature import SignatureVerifier

from bot.server import create_web
from bot.settings import Settings
from bot.wiring import build_service
from scheduler.delivery import Pacer
from storage import outbox
from storage.engine import Store
from tests.fakes.slack_api import FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99a0b1c2d3e4"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T1"
CHANNEL = "C0LAUNCH"


class Served:
    """A running readybot with helpers that send what Slack would send."""

    def __init__(self, base_url: str, fake: FakeSlack, store: Store, service: Any) -> None:
        self.base_url = base_url
        self.fake = fake
        self.store = store
        self.service = service
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        self._counter = 0

    def signed_post(
        self,
        body: str,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = signature or self.verifier.generate_signature(timestamp=ts, body=body)
        return self.http.post(
            "/slack/events",
            content=body.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sig,
                **(headers or {}),
            },
        )

    def command(
        self,
        text: str,
        *,
        user: str = "U1ALICE",
        channel: str = CHANNEL,
        response_url: str | None = None,
        **extra: Any,
    ) -> httpx.Response:
        self._counter += 1
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "launch",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/ready",
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": response_url or self.fake.response_url(f"cmd{self._counter}"),
            "trigger_id": f"trigger.{self._counter}",
            **extra,
        }
        return self.signed_post(
            urlencode(form), content_type="application/x-www-form-urlencoded", **{}
        )

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.signed_post(body, content_type="application/x-www-form-urlencoded", **kwargs)

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U1ALICE",
        message: dict[str, Any] | None = None,
        ephemeral: bool = True,
        channel: str = CHANNEL,
        action_ts: str | None = None,
        response_url: str = "",
        selected: str | None = None,
        home: bool = False,
    ) -> httpx.Response:
        self._counter += 1
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": "b",
            "type": "button",
            "value": value,
            "action_ts": action_ts or f"{time.time():.6f}",
        }
        if selected is not None:
            action = {**action, "type": "overflow", "selected_option": {"value": selected}}
            action.pop("value")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM},
            "team": {"id": TEAM},
            "api_app_id": "A1",
            "trigger_id": f"trigger.{self._counter}",
            "response_url": response_url or self.fake.response_url(f"click{self._counter}"),
            "actions": [action],
        }
        if home:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"type": "home", "id": "VHOME"}
        else:
            payload["channel"] = {"id": channel}
            payload["container"] = {
                "type": "message",
                "message_ts": (message or {}).get("ts", "1.0"),
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            }
            payload["message"] = message or {"ts": "1.0", "blocks": []}
        return self.interaction(payload)

    def menu(self, choice: str, ref: str, **kwargs: Any) -> httpx.Response:
        """Choose `choice` (ids.MENU_*) in an item row's menu."""
        from bot.render import ids

        return self.click(ids.ACTION_ITEM_MENU, "", selected=ids.menu_value(choice, ref), **kwargs)

    def click_in_modal(
        self, action_id: str, value: str, *, metadata: str, user: str = "U1ALICE"
    ) -> httpx.Response:
        """Click a button inside an open modal (its private_metadata given)."""
        self._counter += 1
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM},
            "team": {"id": TEAM},
            "api_app_id": "A1",
            "trigger_id": f"trigger.{self._counter}",
            "container": {"type": "view", "view_id": "VMODAL"},
            "view": {"type": "modal", "id": "VMODAL", "private_metadata": metadata},
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "type": "button",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return self.interaction(payload)

    def submit(
        self,
        callback_id: str,
        values: dict[str, Any],
        *,
        metadata: str,
        user: str = "U1ALICE",
        view_id: str = "V1",
    ) -> httpx.Response:
        payload = {
            "type": "view_submission",
            "user": {"id": user, "team_id": TEAM},
            "team": {"id": TEAM},
            "api_app_id": "A1",
            "view": {
                "id": view_id,
                "hash": "h1",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": metadata,
                "state": {"values": values},
            },
        }
        return self.interaction(payload)

    def event(
        self, event: dict[str, Any], *, event_id: str = "Ev1", **kwargs: Any
    ) -> httpx.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return self.signed_post(body, content_type="application/json", **kwargs)

    def deliver(self) -> int:
        """Run one outbox pass now (the background loop would within seconds), and wait for
        the rows the background loop took first to be sent (up to 5 s)."""
        handled = asyncio.run(self.service.deliverer.deliver_due())
        deadline = time.monotonic() + 5
        while self._sending() and time.monotonic() < deadline:
            time.sleep(0.02)
        return handled

    def _sending(self) -> int:
        with self.store.read() as session:
            return outbox.backlog(session).get("sending", 0)


def settings_for(fake: FakeSlack, store_url: str, **overrides: Any) -> Settings:
    values = {
        "DATABASE_URL": store_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
        "READYBOT_ADMINS": "UADMIN",
        "LOG_FORMAT": "text",
        **overrides,
    }
    return Settings(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


@contextmanager
def serve(store: Store, fake: FakeSlack, **overrides: Any) -> Iterator[Served]:
    settings = settings_for(
        fake, str(store.engine.url.render_as_string(hide_password=False)), **overrides
    )
    service = build_service(
        settings,
        store,
        delivery_poll=0.05,
        monitor_poll=0.05,
        pacer=Pacer(interval=0.0, rate=1000, burst=1000),
    )
    web = create_web(service)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(web, log_config=None, lifespan="on", access_log=False))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield Served(f"http://127.0.0.1:{port}", fake, store, service)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def eventually(check: Callable[[], Any], timeout: float = 8.0) -> Any:
    """check()'s value once it neither raises (an assertion, or a lookup that found nothing
    yet) nor returns False: served work is acknowledged first and applied right after."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value is not False:
                return value
        except (AssertionError, StopIteration, IndexError, KeyError):
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s")
        time.sleep(0.02)
