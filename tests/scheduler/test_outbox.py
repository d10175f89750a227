"""Outbox delivery against the fake Slack: retried, never dropped, never sent twice."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from scheduler.delivery import Deliverer
from storage import outbox as rows
from storage.models import Outbox
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack, Fault
from tests.support import Clock, slack_deliverer

CHANNEL = "C0LAUNCH"


@pytest.fixture
def fake():
    with FakeSlack(token="xoxb-test-token") as slack:
        yield slack


@pytest.fixture
def clock() -> Clock:
    return Clock()


def deliverer(store, fake, clock, worker: str = "w1") -> Deliverer:
    return slack_deliverer(store, fake, clock, worker=worker)


def queue_announcement(store, clock: Clock) -> None:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=clock())
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL key SSL")
    ok(store, ctx, "block SSL waiting on the CA")


def outbox_rows(store) -> list[Outbox]:
    with store.read() as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).scalars())


def test_a_queued_announcement_is_posted_once_and_marked_sent(store, fake, clock) -> None:
    queue_announcement(store, clock)
    worker = deliverer(store, fake, clock)
    handled = asyncio.run(worker.deliver_due())
    assert handled == 2  # the new launch and the block
    assert asyncio.run(worker.deliver_due()) == 0
    assert [r.status for r in outbox_rows(store)] == ["sent", "sent"]
    assert len(fake.posted(CHANNEL)) == 2
    assert all(r.sent_ts for r in outbox_rows(store))


def test_a_rate_limit_is_retried_after_retry_after(store, fake, clock) -> None:
    queue_announcement(store, clock)
    fake.fail("chat.postMessage", Fault(status=429, retry_after=7))
    worker = deliverer(store, fake, clock)
    asyncio.run(worker.deliver_due())
    first, second = outbox_rows(store)
    assert (first.status, first.last_error) == ("pending", "ratelimited")
    assert first.next_attempt_at == clock.now + timedelta(seconds=7)
    # The channel waits out Retry-After: the next message neither runs into the same limit
    # nor overtakes the one waiting (other channels are not held: tests/bot/test_delivery_faults).
    assert second.status == "pending" and second.attempts == 0
    clock.advance(3)
    asyncio.run(worker.deliver_due())
    assert [r.status for r in outbox_rows(store)] == ["pending", "pending"]
    assert len(fake.calls_to("chat.postMessage")) == 1
    clock.advance(5)
    asyncio.run(worker.deliver_due())
    assert [r.status for r in outbox_rows(store)] == ["sent", "sent"]
    assert [m["metadata"]["event_payload"]["outbox_id"] for m in fake.posted(CHANNEL)] == [
        first.id,
        second.id,
    ]


def test_a_5xx_after_slack_posted_is_not_posted_again(store, fake, clock) -> None:
    queue_announcement(store, clock)
    fake.fail(
        "chat.postMessage", Fault(status=500, apply=True)
    )  # posted, but the answer is an error
    worker = deliverer(store, fake, clock)
    asyncio.run(worker.deliver_due())
    assert outbox_rows(store)[0].status == "uncertain"
    clock.advance(60)
    asyncio.run(worker.deliver_due())
    assert outbox_rows(store)[0].status == "sent"
    assert len(fake.posted(CHANNEL)) == 2  # one per row, none doubled
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert fake.calls_to("conversations.history")


def test_a_5xx_before_slack_posted_is_posted_on_the_next_attempt(store, fake, clock) -> None:
    queue_announcement(store, clock)
    fake.fail("chat.postMessage", Fault(status=503))
    worker = deliverer(store, fake, clock)
    asyncio.run(worker.deliver_due())
    clock.advance(60)
    asyncio.run(worker.deliver_due())
    assert [r.status for r in outbox_rows(store)] == ["sent", "sent"]
    assert len(fake.posted(CHANNEL)) == 2


def test_a_worker_that_died_mid_send_is_taken_over_after_its_lease(store, fake, clock) -> None:
    queue_announcement(store, clock)
    with store.write() as session:
        first_id = rows.due_ids(session, transport="slack", now=clock(), limit=10)[0]
        assert rows.claim(
            session, outbox_id=first_id, worker="dead", now=clock(), lease=timedelta(seconds=60)
        )
    survivor = deliverer(store, fake, clock, worker="w2")
    asyncio.run(survivor.deliver_due())
    assert [r.status for r in outbox_rows(store)] == ["sending", "sent"]  # the lease still holds
    clock.advance(61)
    asyncio.run(survivor.deliver_due())
    first = outbox_rows(store)[0]
    assert (first.status, first.claimed_by) == ("sent", "w2")
    assert len(fake.posted(CHANNEL)) == 2


def test_a_permanent_error_is_kept_as_failed_and_not_retried(store, fake, clock) -> None:
    queue_announcement(store, clock)
    fake.fail(
        "chat.postMessage", Fault(status=200, body={"ok": False, "error": "channel_not_found"})
    )
    worker = deliverer(store, fake, clock)
    asyncio.run(worker.deliver_due())
    clock.advance(3600)
    asyncio.run(worker.deliver_due())
    first = outbox_rows(store)[0]
    assert (first.status, first.last_error, first.attempts) == ("failed", "channel_not_found", 1)


def test_an_announcement_older_than_an_hour_expires_instead_of_posting(store, fake, clock) -> None:
    queue_announcement(store, clock)
    clock.advance(2 * 3600)
    asyncio.run(deliverer(store, fake, clock).deliver_due())
    assert [r.status for r in outbox_rows(store)] == ["expired", "expired"]
    assert fake.posted(CHANNEL) == []


def test_two_workers_racing_send_each_message_once(store, fake, clock) -> None:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=clock())
    ok(store, ctx, "launch new Checkout")
    for n in range(15):
        ok(store, ctx, f"add Task {n} key T{n}")
        ok(store, ctx, f"block T{n} reason {n}")
    workers = [deliverer(store, fake, clock, worker=f"w{i}") for i in range(3)]

    async def race() -> None:
        await asyncio.gather(*(w.deliver_due() for w in workers))

    asyncio.run(race())
    statuses = [r.status for r in outbox_rows(store)]
    assert statuses == ["sent"] * 16
    texts = [m["text"] for m in fake.posted(CHANNEL)]
    assert len(texts) == len(set(texts)) == 16


def test_an_announcement_tells_the_change_that_caused_it_not_the_state_at_delivery(
    store, fake, clock
) -> None:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=clock())
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL key SSL")
    ok(store, ctx, "block SSL waiting on the CA")
    ok(store, ctx, "unblock SSL")  # before anything was delivered
    asyncio.run(deliverer(store, fake, clock).deliver_due())
    texts = [message["text"] for message in fake.posted(CHANNEL)]
    assert len(texts) == 3
    blocked, unblocked = texts[1], texts[2]
    assert "blocked" in blocked and "waiting on the CA" in blocked
    assert "⛔" in fake.posted(CHANNEL)[1]["blocks"][0]["text"]["text"]
    assert "unblocked" in unblocked
    assert "⬜" in fake.posted(CHANNEL)[2]["blocks"][0]["text"]["text"]
