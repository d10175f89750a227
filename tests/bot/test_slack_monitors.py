"""Monitors through `readybot serve`: the command, the heartbeat hook, the alert's buttons."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.render import alerts as ui
from storage.models import Monitor
from tests.bot.harness import CHANNEL, eventually, serve
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.monitor_target import FakeTarget, Reply


@pytest.fixture
def served(store, fake):
    with serve(
        store,
        fake,
        READYBOT_MONITOR_ALLOW="127.0.0.1/32",
        READYBOT_PUBLIC_URL="https://ready.example.com",
    ) as running:
        yield running


def monitor_row(store) -> Monitor:
    with store.read() as session:
        return session.exec(select(Monitor)).scalars().one()


def test_monitor_test_checks_now_and_answers(served, store, fake) -> None:
    ok(store, make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)), "launch new Checkout")
    with FakeTarget({"/health": Reply(status=200, body=b"fine")}) as service:
        added = served.command(f"monitor add {service.url('/health')} every 1h").json()
        assert "Monitor 1" in added["text"]
        answer = served.command("monitor test 1", response_url=fake.response_url("t1")).json()
        if "Working on it" in answer["text"]:
            answer = fake.wait_for_response("t1")[0]
        assert "ok: GET" in answer["text"] and "returned 200" in answer["text"]


def test_a_heartbeat_hook_and_the_alert_buttons(served, store, fake) -> None:
    ok(store, make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)), "launch new Checkout")
    reply = served.command("monitor add heartbeat nightly-backup period 24h grace 1h").json()
    token = monitor_row(store).token
    assert f"https://ready.example.com/hooks/heartbeat/{token}" in reply["text"]
    assert served.http.post(f"/hooks/heartbeat/{token}/start").json() == {
        "ok": True,
        "signal": "start",
    }
    assert served.http.post("/hooks/heartbeat/nope").status_code == 404
    assert served.http.post(f"/hooks/heartbeat/{token}/banana").status_code == 400
    served.http.post(f"/hooks/heartbeat/{token}/fail")
    eventually(lambda: next(p for p in fake.posted(CHANNEL) if "🔴" in str(p["blocks"])))
    served.click(ui.ACTION_ACK, str(monitor_row(store).id), user="U2BOB")
    opened = fake.wait_for("views.open")[0].body["view"]
    alert = next(p for p in fake.posted(CHANNEL) if "🔴" in str(p["blocks"]))
    import json

    meta = json.loads(opened["private_metadata"])
    meta["origin"] = {"channel": CHANNEL, "ts": alert["ts"]}
    done = served.submit(
        ui.CALLBACK_ACK,
        {ui.BLOCK_ACK_REASON: {ui.ACTION_ACK_REASON: {"value": "restarting job"}}},
        metadata=json.dumps(meta),
        user="U2BOB",
    )
    assert done.status_code == 200
    assert monitor_row(store).state["acknowledged_by"] == "U2BOB"
    update = fake.wait_for("chat.update")[0].body
    assert "Acknowledged by" in str(update["blocks"]) and "<@U2BOB>" in str(update["blocks"])
    served.http.post(f"/hooks/heartbeat/{token}")
    eventually(lambda: next(p for p in fake.posted(CHANNEL) if "recovered" in str(p["blocks"])))
    snooze_menu = next(
        e for blk in alert["blocks"] for e in blk.get("elements", []) if e.get("type") == "overflow"
    )
    four_hours = next(o["value"] for o in snooze_menu["options"] if "4 hours" in o["text"]["text"])
    served.click(ui.ACTION_SNOOZE, "", selected=four_hours, user="U2BOB")

    def snoozed() -> None:
        assert monitor_row(store).state.get("snoozed_until")

    eventually(snoozed)
