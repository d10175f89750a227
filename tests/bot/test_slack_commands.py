"""`/ready` over real HTTP, signed as Slack signs it, against a fake Slack Web API."""

import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storage.models import Event, Item, Outbox
from tests.bot.harness import CHANNEL, serve
from tests.commands.helpers import ok
from tests.conftest import make_ctx


@pytest.fixture
def served(store, fake):
    with serve(store, fake) as running:
        yield running


def seed_launch(store, channel: str = CHANNEL) -> None:
    ctx = make_ctx("U1ALICE", channel=channel, now=datetime.now(UTC))
    ok(store, ctx, "launch new Checkout v2 date 2026-12-04")
    ok(store, ctx, "add Configure SSL/TLS certificates #Security !critical key SSL")
    ok(store, ctx, "add Enable MFA for admins #Security !high")


def count(store, model, *where) -> int:
    with store.read() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_status_is_answered_in_the_acknowledgement_with_blocks(served, store) -> None:
    seed_launch(store)
    response = served.command("status", team_id="T1")
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "Checkout v2" in body["text"] and "NO-GO" in body["text"]
    assert len(body["blocks"]) <= 50


def test_status_here_is_posted_for_the_channel(served, store) -> None:
    seed_launch(store)
    assert served.command("status here").json()["response_type"] == "in_channel"


def test_block_changes_the_item_and_announces_it_in_the_channel_once(served, store, fake) -> None:
    seed_launch(store)
    response = served.command("block SSL waiting on the CA")
    assert response.status_code == 200
    assert "blocked" in response.json()["text"]
    with store.read() as session:
        ssl = session.exec(select(Item).where(Item.key == "SSL")).scalars().one()
        assert (ssl.status, ssl.blocked_reason, ssl.blocked_by) == (
            "blocked",
            "waiting on the CA",
            "U1ALICE",
        )
        event = session.exec(select(Event).where(Event.action == "blocked")).scalars().one()
        assert (event.via, event.actor) == ("command", "U1ALICE")
    fake.wait_for("chat.postMessage")
    time.sleep(0.2)  # give a second delivery every chance to happen, were it possible
    posts = fake.posted(CHANNEL)
    announcements = [p for p in posts if "waiting on the CA" in p["text"]]
    assert len(announcements) == 1
    # The actor is named, not pinged (Slack sent their name with the command).
    assert "u1alice blocked" in json.dumps(announcements[0]["blocks"])
    assert "<@U1ALICE>" not in json.dumps(announcements[0])
    assert count(store, Outbox, Outbox.status == "sent") >= 1


def test_a_bad_signature_or_a_stale_timestamp_gets_401_and_changes_nothing(served, store) -> None:
    seed_launch(store)
    body = "team_id=T1&user_id=U1ALICE&channel_id=C0LAUNCH&command=%2Fready&text=done+SSL"
    bad = served.signed_post(
        body, content_type="application/x-www-form-urlencoded", signature="v0=deadbeef"
    )
    stale = served.signed_post(
        body, content_type="application/x-www-form-urlencoded", timestamp=int(time.time()) - 600
    )
    assert (bad.status_code, stale.status_code) == (401, 401)
    assert count(store, Item, Item.status == "done") == 0


def test_an_unknown_item_gets_a_helpful_reply(served, store) -> None:
    seed_launch(store)
    body = served.command("done kubernetes upgrade").json()
    assert "No item matches" in body["text"]
    assert "/ready done" in json.dumps(body["blocks"])


def mrkdwn_texts(value: object) -> list[str]:
    """The texts Slack parses as markup (not plain_text, not values)."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "plain_text":
            return found
        for key, inner in value.items():
            if key not in ("value", "action_id", "block_id"):
                found += mrkdwn_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            found += mrkdwn_texts(inner)
    elif isinstance(value, str):
        found.append(value)
    return found


def test_user_text_is_escaped_and_only_slacks_own_mentions_stay_live(served, store, fake) -> None:
    seed_launch(store)
    served.command(
        'add "<!channel> hello <@U999|carol> <http://evil.example|ok> & more" #Security key EVIL'
    )
    body = served.command("list all").json()
    raw = "\n".join(mrkdwn_texts(body))
    assert "<!channel>" not in raw and "<http://evil" not in raw and "<@U999|" not in raw
    assert "&lt;!channel&gt;" in raw and "&amp; more" in raw
    assert "<@U999>" in raw  # a person someone named stays a mention, not a raw token


def test_import_is_acknowledged_at_once_and_answered_through_the_response_url(
    served, store, fake
) -> None:
    seed_launch(store)
    response = served.command(
        "import ## Ops\n- [ ] 🔴 Pager rota\n- [x] Dashboards",
        response_url=fake.response_url("imp"),
    )
    assert "Working on it" in response.json()["text"]
    answer = fake.wait_for_response("imp")[0]
    assert "Imported 2 items into Checkout v2" in answer["text"]
    assert count(store, Item) == 4


def test_refusals_name_who_may_do_it(served, store) -> None:
    seed_launch(store)
    body = served.command("waive SSL not needed", user="U2BOB").json()
    assert "launch owner" in body["text"] and "<@U1ALICE>" in json.dumps(body["blocks"])
    assert count(store, Item, Item.status == "waived") == 0


def test_health_and_metrics(served, store) -> None:
    seed_launch(store)
    served.command("status")
    health = served.http.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"
    metrics = served.http.get("/metrics").text
    assert 'readybot_commands_total{outcome="ok",verb="status"} 1.0' in metrics
    assert "readybot_ack_seconds_bucket" in metrics
    assert "xoxb-" not in metrics
