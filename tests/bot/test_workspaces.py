"""Workspaces are explicit: a single-workspace readybot serves its bot token's workspace (as
auth.test names it) and nothing else, over HTTP and over Socket Mode."""

import json
import logging
import time

import pytest
from sqlalchemy import func, select

from bot.render import ids
from storage.models import Event, Launch, Workspace
from tests.bot.harness import BOT_TOKEN, serve
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack
from tests.fakes.socket_mode import FakeSocketMode

FOREIGN = "T0FOREIGN"


@pytest.fixture
def fake():
    with FakeSlack(token=BOT_TOKEN) as slack:
        yield slack


@pytest.fixture
def served(store, fake):
    with serve(store, fake) as running:
        yield running


def counts(store) -> tuple[int, int, int]:
    with store.read() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Workspace, Launch, Event)
        )


def test_auth_test_is_asked_once_at_start(served, fake) -> None:
    assert len(fake.calls_to("auth.test")) >= 1
    served.command("help")
    served.command("help")
    assert len(fake.calls_to("auth.test")) <= 2  # ours at start, and Bolt's own first one


def test_a_command_from_an_unknown_workspace_creates_nothing(served, store, fake, caplog) -> None:
    with caplog.at_level(logging.INFO):
        response = served.command("launch new Foreign", team_id=FOREIGN)
    assert response.status_code == 200
    assert response.json() == {
        "response_type": "ephemeral",
        "text": "This readybot serves another Slack workspace; nothing was done here.",
    }
    assert counts(store) == (0, 0, 0)
    refusals = [r for r in caplog.records if FOREIGN in r.getMessage()]
    assert len(refusals) == 1 and "T1" in refusals[0].getMessage()
    assert fake.calls_to("chat.postMessage") == []


def test_clicks_and_events_from_an_unknown_workspace_are_dropped(served, store, fake) -> None:
    ok(store, make_ctx("U1ALICE", channel="C0LAUNCH"), "launch new Checkout")
    before = counts(store)
    payload = {
        "type": "block_actions",
        "user": {"id": "U9", "team_id": FOREIGN},
        "team": {"id": FOREIGN},
        "api_app_id": "A1",
        "trigger_id": "t.1",
        "response_url": fake.response_url("x"),
        "actions": [{"action_id": ids.ACTION_ITEM_DONE, "value": "1", "action_ts": "1.1"}],
        "channel": {"id": "C0LAUNCH"},
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "C0LAUNCH"},
        "message": {"ts": "1.0", "blocks": []},
    }
    assert served.interaction(payload).status_code == 200
    event = {
        "team_id": FOREIGN,
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": "Ev9",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U9", "tab": "home"},
    }
    assert served.signed_post(json.dumps(event), content_type="application/json").status_code == 200
    assert counts(store) == before
    assert fake.calls_to("views.publish") == []


def test_its_own_workspace_is_served(served, store) -> None:
    response = served.command("launch new Ours")
    assert "created the launch Ours" in response.json()["text"]
    assert counts(store)[:2] == (1, 1)


def test_socket_mode_refuses_an_unknown_workspace_too(store, fake) -> None:
    with FakeSocketMode() as socket_server:
        fake.socket_url = socket_server.url
        with serve(store, fake, SLACK_APP_TOKEN="xapp-1-test", SLACK_SIGNING_SECRET=None):
            socket_server.wait_connected()
            envelope = socket_server.slash_command("launch new Foreign", team_id=FOREIGN)
            ack = socket_server.wait_for_ack(envelope)
            assert "another Slack workspace" in ack["payload"]["text"]
    assert counts(store) == (0, 0, 0)
