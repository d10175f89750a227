"""Parallel delivery: a slow call holds up only its own channel; one channel's messages go
in order and apart; at most `concurrency` calls in flight; leases short and renewed, so a
dead replica's rows are taken over in seconds and a slow live one's are not."""

import asyncio
import itertools
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from scheduler.pacing import Pacer
from storage import outbox as rows
from storage.models import Outbox
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack, Fault
from tests.support import BOT_TOKEN, slack_deliverer


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def fake():
    with FakeSlack(token=BOT_TOKEN) as slack:
        yield slack


def launches_in(store, channels: list[str]) -> None:
    """One launch per channel: one announcement queued for each."""
    for channel in channels:
        ok(store, make_ctx("U1ALICE", channel=channel, now=now()), f"launch new L {channel}")


def outbox_rows(store) -> list[Outbox]:
    with store.read() as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).scalars())


def test_a_slow_call_holds_up_only_its_own_channel(store, fake) -> None:
    channels = [f"C0SLOW{n}" for n in range(6)]
    launches_in(store, channels)
    fake.fail("chat.postMessage", Fault(delay=2.0))  # whichever channel's post comes first
    asyncio.run(slack_deliverer(store, fake, now).deliver_due())
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 6 and {r.status for r in outbox_rows(store)} == {"sent"}
    first = min(call.at for call in posts)
    assert all(call.at < first + 1.0 for call in posts), "some channels waited for the slow call"


def test_one_channels_messages_go_in_order_and_apart(store, fake) -> None:
    ctx = make_ctx("U1ALICE", channel="C0ORDER", now=now())
    ok(store, ctx, "launch new Checkout")
    for n in range(4):
        ok(store, ctx, f"add Task {n} key T{n}")
        ok(store, ctx, f"block T{n} reason {n}")
    pacer = Pacer(interval=0.25, rate=1000, burst=1000)
    asyncio.run(slack_deliverer(store, fake, now, pacer=pacer).deliver_due())
    posts = fake.calls_to("chat.postMessage")
    ids = [p.body["metadata"]["event_payload"]["outbox_id"] for p in posts]
    assert ids == sorted(ids) and len(ids) == 5
    gaps = [b.at - a.at for a, b in itertools.pairwise(posts)]
    assert min(gaps) >= 0.23, gaps


def test_at_most_concurrency_calls_are_in_flight(store, fake) -> None:
    channels = [f"C0PAR{n}" for n in range(8)]
    launches_in(store, channels)
    fake.fail("chat.postMessage", *[Fault(delay=0.3) for _ in channels])
    asyncio.run(slack_deliverer(store, fake, now, concurrency=3).deliver_due())
    assert {r.status for r in outbox_rows(store)} == {"sent"}
    assert fake.peak_in_flight <= 3


def test_a_dead_replicas_row_is_taken_over_within_seconds(store, fake) -> None:
    launches_in(store, ["C0DEAD"])
    clock_now = [now()]
    with store.write() as session:
        [outbox_id] = rows.due_ids(session, transport="slack", now=clock_now[0], limit=10)
        assert rows.claim(
            session,
            outbox_id=outbox_id,
            worker="dead",
            now=clock_now[0],
            lease=timedelta(seconds=15),  # the Deliverer's default
        )
    survivor = slack_deliverer(store, fake, lambda: clock_now[0], worker="w2")
    assert asyncio.run(survivor.deliver_due()) == 0
    clock_now[0] += timedelta(seconds=16)
    assert asyncio.run(survivor.deliver_due()) == 1
    [row] = outbox_rows(store)
    assert (row.status, row.claimed_by) == ("sent", "w2")
    assert fake.calls_to("conversations.history")  # taken over as uncertain: checked first


def test_a_send_slower_than_the_lease_keeps_it_by_renewing(store, fake) -> None:
    launches_in(store, ["C0LEASE"])
    fake.fail("chat.postMessage", Fault(delay=1.5))
    lease = timedelta(seconds=0.4)
    first = slack_deliverer(store, fake, now, worker="w1", lease=lease)
    second = slack_deliverer(store, fake, now, worker="w2", lease=lease)
    handled: list[int] = []
    sending = threading.Thread(target=lambda: handled.append(asyncio.run(first.deliver_due())))
    sending.start()
    try:
        fake.wait_for("chat.postMessage")  # w1's send is in flight, for 1.5 s
        taken = []
        for _ in range(8):  # over a second: more than twice the lease
            taken.append(asyncio.run(second.deliver_due()))
            time.sleep(0.15)
    finally:
        sending.join()
    assert handled == [1] and sum(taken) == 0, "w2 took a row whose send was in flight"
    [row] = outbox_rows(store)
    assert (row.status, row.claimed_by) == ("sent", "w1")
    assert len(fake.posted("C0LEASE")) == 1


# -- the pacer: pure arithmetic ------------------------------------------------------------
def test_the_pacer_lets_a_burst_through_then_keeps_the_workspace_rate() -> None:
    pacer = Pacer(interval=1.0, rate=4.0, burst=4.0)
    booked = [pacer.reserve("T1", f"C{n}", now=100.0) for n in range(8)]
    assert [delay for delay, _ in booked] == [0.0, 0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0]
    assert all(ok for _, ok in booked)


def test_the_pacer_keeps_one_channel_a_second_apart_within_the_workspace_budget() -> None:
    pacer = Pacer(interval=1.0, rate=4.0, burst=4.0)
    assert pacer.reserve("T1", "C1", now=0.0) == (0.0, True)
    assert pacer.reserve("T1", "C1", now=0.0) == (1.0, False)  # wait, then ask again
    assert pacer.reserve("T1", "C2", now=0.0) == (0.0, True)  # another channel is not held up
    assert pacer.reserve("T2", "C1", now=0.0) == (0.0, True)  # nor another workspace
    assert pacer.reserve("T1", "C1", now=1.0) == (0.0, True)


def test_a_late_send_keeps_its_channels_next_message_a_second_away() -> None:
    pacer = Pacer(interval=1.0, rate=100.0, burst=100.0)
    assert pacer.reserve("T1", "C1", now=0.0) == (0.0, True)
    pacer.started("T1", "C1", at=3.0)  # it waited for a free slot
    delay, booked = pacer.reserve("T1", "C1", now=3.2)
    assert (delay, booked) == (pytest.approx(0.8), False)
