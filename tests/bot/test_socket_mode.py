"""`readybot serve` in Socket Mode, end to end and fully local.

The bot calls `apps.connections.open` on the fake Web API with its app-level token, gets the
URL of a local fake Socket Mode server, connects, and answers envelopes over the WebSocket,
exactly as it would against Slack. No signing secret: Socket Mode has no signed requests.
"""

import json
import time
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.render import ids
from storage.models import Event, Item
from tests.bot.harness import BOT_TOKEN, CHANNEL, serve, settings_for
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack
from tests.fakes.socket_mode import FakeSocketMode
from tests.support import wait_until

APP_TOKEN = "xapp-1-test"
T = TypeVar("T")


@pytest.fixture
def socket_server():
    with FakeSocketMode() as server:
        yield server


@pytest.fixture
def fake(socket_server):
    with FakeSlack(token=BOT_TOKEN) as slack:
        slack.socket_url = socket_server.url
        yield slack


@pytest.fixture
def served(store, fake, socket_server):
    with serve(store, fake, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET=None) as running:
        socket_server.wait_connected()
        yield running


def seed_launch(store, channel: str = CHANNEL) -> None:
    ctx = make_ctx("U1ALICE", channel=channel, now=datetime.now(UTC))
    ok(store, ctx, "launch new Checkout v2 date 2026-12-04")
    ok(store, ctx, "add Configure SSL/TLS certificates #Security !critical key SSL")
    ok(store, ctx, "add Enable MFA for admins #Security !high")


def test_socket_mode_needs_an_app_token_and_a_bot_token_but_no_signing_secret(fake) -> None:
    settings = settings_for(
        fake, "sqlite:///unused.db", SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET=None
    )
    assert settings.socket_mode and settings.slack_signing_secret is None
    assert settings.slack_problems() == []
    without_app_token = settings_for(fake, "sqlite:///unused.db", SLACK_SIGNING_SECRET=None)
    assert without_app_token.slack_problems() == ["SLACK_SIGNING_SECRET is missing"]
    wrong_token = settings_for(fake, "sqlite:///unused.db", SLACK_APP_TOKEN="xoxb-not-an-app-token")
    assert wrong_token.slack_problems() == [
        "SLACK_APP_TOKEN does not look right (an app-level token starts with xapp-)"
    ]


def test_the_bot_opens_the_connection_with_its_app_level_token(served, fake, socket_server):
    opened = fake.calls_to("apps.connections.open")
    assert opened, "the bot never asked for a Socket Mode URL"
    assert opened[0].headers.get("Authorization") == f"Bearer {APP_TOKEN}"
    connection = socket_server.wait_connected()
    assert connection.path.startswith("/link/?ticket=")


def test_status_is_answered_in_the_envelope_acknowledgement(served, store, socket_server):
    seed_launch(store)
    envelope_id = socket_server.slash_command("status")
    ack = socket_server.wait_for_ack(envelope_id)
    assert ack["envelope_id"] == envelope_id
    payload = ack["payload"]
    assert payload["response_type"] == "ephemeral"
    assert "Checkout v2" in payload["text"] and "NO-GO" in payload["text"]
    assert 0 < len(payload["blocks"]) <= 50
    assert "Checkout v2" in json.dumps(payload["blocks"])


def test_block_over_the_socket_changes_the_item_and_announces_it_in_the_channel(
    served, store, fake, socket_server
):
    seed_launch(store)
    envelope_id = socket_server.slash_command("block SSL waiting")
    ack = socket_server.wait_for_ack(envelope_id)
    assert "blocked" in ack["payload"]["text"]
    with store.read() as session:
        ssl = session.execute(select(Item).where(Item.key == "SSL")).scalars().one()
        assert (ssl.status, ssl.blocked_reason, ssl.blocked_by) == ("blocked", "waiting", "U1ALICE")
        event = session.execute(select(Event).where(Event.action == "blocked")).scalars().one()
        assert (event.via, event.actor) == ("command", "U1ALICE")
    posts = wait_until(
        lambda: [
            call
            for call in fake.calls_to("chat.postMessage")
            if call.body.get("channel") == CHANNEL and "waiting" in (call.body.get("text") or "")
        ],
        what="the block announcement in the bound channel",
    )
    assert len(posts) == 1
    assert posts[0].headers.get("Authorization") == f"Bearer {BOT_TOKEN}"
    assert "u1alice blocked" in json.dumps(fake.posted(CHANNEL)[-1]["blocks"])  # named, not pinged


def test_a_button_click_arrives_as_an_interactive_envelope_and_is_applied_after_the_ack(
    served, store, fake, socket_server
):
    seed_launch(store)
    status = socket_server.wait_for_ack(socket_server.slash_command("status"))["payload"]
    with store.read() as session:
        ssl = session.execute(select(Item).where(Item.key == "SSL")).scalars().one()
    envelope_id = socket_server.interactive(
        {
            "type": "block_actions",
            "user": {"id": "U2BOB", "team_id": "T1"},
            "team": {"id": "T1", "domain": "acme"},
            "api_app_id": "A1",
            "trigger_id": "trigger.click1",
            "response_url": fake.response_url("click1"),
            "channel": {"id": CHANNEL},
            "container": {
                "type": "message",
                "message_ts": "1.0",
                "channel_id": CHANNEL,
                "is_ephemeral": True,
            },
            "message": {"ts": "1.0", "blocks": status["blocks"]},
            "actions": [
                {
                    "action_id": ids.ACTION_ITEM_DONE,
                    "block_id": "b",
                    "type": "button",
                    "value": str(ssl.id),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
    )
    assert socket_server.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}

    def done_by_bob():
        with store.read() as session:
            item = session.execute(select(Item).where(Item.key == "SSL")).scalars().one()
        return item if item.status == "done" and item.done_by == "U2BOB" else None

    wait_until(done_by_bob, what="the click to mark SSL done")
    refreshed = fake.wait_for_response("click1")[0]
    assert refreshed["replace_original"] is True


def test_an_app_home_visit_arrives_as_an_event_and_publishes_the_home_tab(
    served, store, fake, socket_server
):
    seed_launch(store)
    envelope_id = socket_server.event(
        {"type": "app_home_opened", "user": "U1ALICE", "channel": "D1", "tab": "home"}
    )
    ack = socket_server.wait_for_ack(envelope_id)
    assert ack == {"envelope_id": envelope_id}
    published = fake.wait_for("views.publish")[0]
    assert published.body["user_id"] == "U1ALICE"


def test_the_bot_reconnects_when_slack_asks_it_to(served, fake, socket_server):
    socket_server.disconnect("refresh_requested")
    socket_server.wait_for_connections(2)
    socket_server.wait_connected(number=2)
    assert len(fake.calls_to("apps.connections.open")) >= 2


def test_slack_events_is_not_served_in_socket_mode_but_health_is(served):
    assert served.http.post("/slack/events", content=b"{}").status_code == 404
    health = served.http.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"


def test_a_refused_app_token_stops_the_start_with_its_name(store) -> None:
    import asyncio

    from bot.server import create_web
    from bot.wiring import build_service
    from tests.bot.harness import settings_for

    with FakeSlack(token="xoxb-test-token") as refusing:  # no socket URL: Socket Mode "not enabled"
        settings = settings_for(
            refusing,
            store.engine.url.render_as_string(hide_password=False),
            SLACK_APP_TOKEN="xapp-1-test",
            SLACK_SIGNING_SECRET=None,
        )
        web = create_web(build_service(settings, store))

        async def start() -> None:
            async with web.router.lifespan_context(web):
                pass

        with pytest.raises(RuntimeError, match="SLACK_APP_TOKEN"):
            asyncio.run(start())
