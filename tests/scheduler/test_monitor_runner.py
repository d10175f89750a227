"""Monitors end to end: checks against local services, state, item blocking, alerts in Slack."""

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.runner import MonitorRunner
from storage.models import Item, Monitor, MonitorEvent, Outbox, Signoff
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.monitor_target import FakeTarget, Reply
from tests.fakes.slack_api import FakeSlack
from tests.support import slack_deliverer

CHANNEL = "C0LAUNCH"
LOOPBACK = AddressPolicy(["127.0.0.1/32"])


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def fake():
    with FakeSlack(token="xoxb-test-token") as slack:
        yield slack


def runner(store, worker: str = "w1", network: AddressPolicy = LOOPBACK) -> MonitorRunner:
    return MonitorRunner(store=store, worker=worker, clock=now, network=network)


def deliver(store, fake) -> None:
    asyncio.run(slack_deliverer(store, fake, now, worker="d").deliver_due())


def item(store, key: str) -> Item:
    with store.read() as session:
        return session.exec(select(Item).where(Item.key == key)).scalars().one()


def monitor_events(store) -> list[MonitorEvent]:
    with store.read() as session:
        return list(session.exec(select(MonitorEvent).order_by(MonitorEvent.id)).scalars())


def setup(store, url: str) -> None:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=now())
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Health endpoint answers key HEALTH")
    ok(store, ctx, f"monitor add {url} item HEALTH every 1m within 2s contains ok")


def run_checks(store, traveller, times: int, worker: str = "w1") -> None:
    for _ in range(times):
        traveller.shift(timedelta(minutes=1, seconds=1))
        asyncio.run(runner(store, worker).run_due())


def test_three_failures_block_the_item_alert_once_and_recovery_unblocks_in_the_thread(
    store, fake
) -> None:
    with (
        FakeTarget({"/health": Reply(status=200, body=b"all ok")}) as service,
        time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False) as traveller,
    ):
        setup(store, service.url("/health"))
        run_checks(store, traveller, 1)
        assert item(store, "HEALTH").status == "todo"
        service.routes["/health"] = Reply(status=503, body=b"down")
        run_checks(store, traveller, 2)
        assert item(store, "HEALTH").status == "todo"  # two blips page nobody
        run_checks(store, traveller, 1)
        blocked = item(store, "HEALTH")
        assert (blocked.status, blocked.blocked_by) == ("blocked", "monitor")
        assert "returned 503" in blocked.blocked_reason
        deliver(store, fake)
        [alert] = [
            p for p in fake.posted(CHANNEL) if "🔴" in json.dumps(p["blocks"], ensure_ascii=False)
        ]
        raw = json.dumps(alert["blocks"], ensure_ascii=False)
        assert "monitor_ack" in raw and "monitor_snooze" in raw and "monitor_open_item" in raw
        headline = alert["blocks"][0]["text"]["text"]
        # Impact first: the item it blocked, what failed, how long; the URL said once.
        assert headline.startswith("🔴 `HEALTH` blocked: GET /health returned 503")
        assert "3 checks since 12:02" in headline
        assert raw.count(service.url("/health")) == 1
        assert "verdict GO → *NO-GO*" in raw or "verdict " not in raw
        run_checks(store, traveller, 3)  # still down: no second alert
        deliver(store, fake)
        assert (
            len(
                [
                    p
                    for p in fake.posted(CHANNEL)
                    if "🔴" in json.dumps(p["blocks"], ensure_ascii=False)
                ]
            )
            == 1
        )
        service.routes["/health"] = Reply(status=200, body=b"ok again")
        run_checks(store, traveller, 2)
        deliver(store, fake)
    assert item(store, "HEALTH").status == "todo"
    kinds = [e.kind for e in monitor_events(store)]
    assert kinds.count("down") == 1 and kinds.count("up") == 1
    recovery = fake.calls_to("chat.postMessage")[-1].body
    assert recovery["thread_ts"] == alert["ts"]
    [update] = fake.calls_to("chat.update")
    assert update.body["ts"] == alert["ts"] and "down for" in json.dumps(update.body["blocks"])
    with store.read() as session:
        from storage.models import Event

        via = [
            e.via for e in session.exec(select(Event).where(Event.item_key == "HEALTH")).scalars()
        ]
    assert via.count("monitor") == 2  # blocked, then unblocked, by the monitor


def test_a_person_who_changed_the_item_meanwhile_keeps_it(store, fake) -> None:
    with (
        FakeTarget({"/health": Reply(status=500)}) as service,
        time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False) as traveller,
    ):
        setup(store, service.url("/health"))
        run_checks(store, traveller, 3)
        ok(
            store,
            make_ctx("U1ALICE", channel=CHANNEL, now=now()),
            "block HEALTH the CDN team owns this now",
        )
        service.routes["/health"] = Reply(status=200, body=b"ok")
        run_checks(store, traveller, 2)
    health = item(store, "HEALTH")
    assert (health.status, health.blocked_by) == ("blocked", "U1ALICE")


def test_two_runners_on_one_database_check_once_and_alert_once(store, fake) -> None:
    with (
        FakeTarget({"/health": Reply(status=503)}) as service,
        time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False) as traveller,
    ):
        setup(store, service.url("/health"))
        for _ in range(4):
            traveller.shift(timedelta(minutes=1, seconds=1))
            start = threading.Barrier(2)

            def replica(name: str, start: threading.Barrier = start) -> None:
                start.wait()
                asyncio.run(runner(store, name).run_due())

            threads = [threading.Thread(target=replica, args=(f"r{i}",)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        checks = len(service.requests)
        deliver(store, fake)
        deliver(store, fake)
    assert checks == 4  # one per minute, whichever replica took it
    assert [e.kind for e in monitor_events(store)] == ["down"]
    assert (
        len(
            [p for p in fake.posted(CHANNEL) if "🔴" in json.dumps(p["blocks"], ensure_ascii=False)]
        )
        == 1
    )


def test_a_disallowed_address_is_refused_without_a_connection(store, fake) -> None:
    with (
        FakeTarget({"/health": Reply(status=200, body=b"ok")}) as service,
        time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False) as traveller,
    ):
        setup(store, service.url("/health"))
        for _ in range(3):
            traveller.shift(timedelta(minutes=1, seconds=1))
            asyncio.run(runner(store, network=AddressPolicy()).run_due())
        assert service.connections == []
    [down] = [e for e in monitor_events(store) if e.kind == "down"]
    assert "loopback" in down.detail and "READYBOT_MONITOR_ALLOW" in down.detail


def test_snoozed_monitors_are_checked_but_alert_nobody(store, fake) -> None:
    with (
        FakeTarget({"/health": Reply(status=503)}) as service,
        time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False) as traveller,
    ):
        setup(store, service.url("/health"))
        ok(store, make_ctx("U2BOB", channel=CHANNEL, now=now()), "monitor snooze 1 4h deploying")
        run_checks(store, traveller, 3)
        deliver(store, fake)
    assert len(service.requests) == 3
    [down] = [e for e in monitor_events(store) if e.kind == "down"]
    assert down.notify is False
    with store.read() as session:
        assert session.exec(select(Outbox).where(Outbox.kind == "alert")).scalars().all() == []


def test_heartbeats_alert_when_the_job_fails_or_falls_silent(store, fake) -> None:
    from bot.server import record_ping

    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False) as traveller:
        ctx = make_ctx("U1ALICE", channel=CHANNEL, now=now())
        ok(store, ctx, "launch new Checkout")
        ok(store, ctx, "monitor add heartbeat nightly-backup period 24h grace 1h")
        with store.read() as session:
            token = session.exec(select(Monitor)).scalars().one().token
        assert record_ping(store, token, "success", now())
        traveller.shift(timedelta(hours=24, minutes=30))
        asyncio.run(runner(store).run_due())
        assert monitor_events(store) == []
        traveller.shift(timedelta(hours=1))
        asyncio.run(runner(store).run_due())
        [down] = monitor_events(store)
        assert "no heartbeat from nightly-backup for 1 d 1 h" in down.detail
        record_ping(store, token, "success", now())
        asyncio.run(runner(store).run_due())
        record_ping(store, token, "exit:3", now())
        asyncio.run(runner(store).run_due())
    assert [e.kind for e in monitor_events(store)] == ["down", "up", "down"]
    assert "exited with code 3" in monitor_events(store)[-1].detail
    assert not record_ping(store, "no-such-token", "success", now())


def test_a_linked_monitor_going_down_revokes_its_categorys_signoff(store, fake) -> None:
    """Even when the item is done: what the signer saw is no longer true."""
    with (
        FakeTarget({"/health": Reply(status=200, body=b"all ok")}) as service,
        time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False) as traveller,
    ):
        setup(store, service.url("/health"))
        ctx = make_ctx("U1ALICE", channel=CHANNEL, now=now())
        ok(store, ctx, "done HEALTH load balancer checks it")
        category = item(store, "HEALTH").category
        ok(store, ctx, f'signoff "{category}"')
        service.routes["/health"] = Reply(status=503, body=b"down")
        run_checks(store, traveller, 3)
        assert item(store, "HEALTH").status == "done"  # a monitor never reopens done work
        with store.read() as session:
            signoff = session.exec(select(Signoff)).scalars().one()
        assert signoff.revoked_at is not None
        assert "went down (HEALTH)" in signoff.revoked_reason and "503" in signoff.revoked_reason
        deliver(store, fake)
        assert any("revoked" in p["text"] for p in fake.posted("U1ALICE"))
