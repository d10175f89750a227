"""Posts under the faults a real Slack and a real network produce, against the fake Slack
over real HTTP: a post whose answer is lost in any way (a reset connection, an answer that
comes after readybot stopped waiting, Slack saying its own error with a 200) is looked for
before it is posted again; one that clearly did not reach Slack (a refused connection, a
429) is simply retried; and a 429's Retry-After holds back the channel it was for."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from sqlalchemy import select

from bot.render.digest.templates import load_templates
from bot.slack_client import web_client
from bot.transport import SlackTransport
from scheduler.delivery import Deliverer, Pacer
from storage.models import Outbox
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack, Fault
from tests.support import BOT_TOKEN, Clock, slack_deliverer

CHANNEL = "C0LAUNCH"
OTHER = "C0OTHER"


@pytest.fixture
def clock() -> Clock:
    return Clock()


def deliver(worker: Deliverer) -> int:
    return asyncio.run(worker.deliver_due())


def queue(store, clock: Clock, channel: str = CHANNEL) -> None:
    """Two announcements for `channel`: the new launch, then a blocked item."""
    ctx = make_ctx("U1ALICE", channel=channel, now=clock())
    ok(store, ctx, f"launch new Checkout {channel}")
    ok(store, ctx, "add Configure SSL key SSL")
    ok(store, ctx, "block SSL waiting on the CA")


def outbox_rows(store) -> list[Outbox]:
    with store.read() as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).scalars())


def tags(fake: FakeSlack, channel: str = CHANNEL) -> list[Any]:
    return [(m.get("metadata") or {}).get("event_payload") for m in fake.posted(channel)]


def assert_each_posted_once(fake: FakeSlack, store, channel: str = CHANNEL) -> None:
    posted = tags(fake, channel)
    assert len(posted) == len({str(t) for t in posted}), posted
    assert [r.status for r in outbox_rows(store)] == ["sent"] * len(outbox_rows(store))
    assert len(posted) == len(outbox_rows(store))


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(reset=True, apply=True), id="reset-after-posting"),
        pytest.param(Fault(late=2.0), id="answer-after-the-client-gave-up"),
        pytest.param(
            Fault(apply=True, body={"ok": False, "error": "internal_error"}), id="200-internal"
        ),
        pytest.param(Fault(apply=True, body={"ok": False, "error": "fatal_error"}), id="200-fatal"),
        pytest.param(Fault(status=502, apply=True, body={"html": "Bad gateway"}), id="502"),
        pytest.param(Fault(status=504, apply=True), id="504-after-posting"),
    ],
)
def test_a_post_whose_answer_is_lost_is_found_in_the_channel_not_posted_again(
    store, clock, fault
) -> None:
    with FakeSlack(token=BOT_TOKEN) as fake:
        queue(store, clock)
        fake.fail("chat.postMessage", fault)
        worker = slack_deliverer(store, fake, clock, timeout=1)
        deliver(worker)
        first = outbox_rows(store)[0]
        assert first.status == "uncertain", (first.status, first.last_error)
        clock.advance(60)
        deliver(worker)
        assert_each_posted_once(fake, store)
        assert fake.calls_to("conversations.history")


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(reset=True), id="reset-before-posting"),
        pytest.param(Fault(status=500), id="500-before-posting"),
        pytest.param(Fault(delay=2.0), id="no-answer-in-time"),
    ],
)
def test_a_post_that_may_have_failed_is_posted_once_when_the_channel_shows_it_did(
    store, clock, fault
) -> None:
    with FakeSlack(token=BOT_TOKEN) as fake:
        queue(store, clock)
        fake.fail("chat.postMessage", fault)
        worker = slack_deliverer(store, fake, clock, timeout=1)
        deliver(worker)
        assert outbox_rows(store)[0].status == "uncertain"
        clock.advance(60)
        deliver(worker)
        assert_each_posted_once(fake, store)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_is_retried_as_a_clear_failure_not_left_uncertain(
    store, clock
) -> None:
    """Slack out of reach: nothing can have been posted, so the row is simply retried; it
    does not wait for a history check that, with Slack down too, would give it up."""
    with FakeSlack(token=BOT_TOKEN) as fake:
        queue(store, clock)
        down = web_client(
            token=BOT_TOKEN,
            base_url=f"http://127.0.0.1:{closed_port()}/api/",
            metrics=None,
            retries=False,
            timeout=1,
        )
        up = web_client(token=BOT_TOKEN, base_url=fake.base_url, metrics=None, retries=False)
        reachable = False

        async def client_for(team: str):  # type: ignore[no-untyped-def]
            return up if reachable else down

        worker = Deliverer(
            store=store,
            transport=SlackTransport(client_for, templates=load_templates(None)),
            worker_id="w1",
            clock=clock,
            pacer=Pacer(interval=0, rate=1000, burst=1000),
        )
        deliver(worker)
        rows = outbox_rows(store)
        assert [r.status for r in rows] == ["pending", "pending"]
        assert not any(r.uncertain_since for r in rows)
        reachable = True
        clock.advance(60)
        deliver(worker)
        assert_each_posted_once(fake, store)
        assert not fake.calls_to("conversations.history")  # nothing to look for


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(status=429), id="no-retry-after"),
        pytest.param(Fault(status=429, body={"ok": False, "error": "ratelimited"}), id="429-body"),
    ],
)
def test_a_rate_limit_without_a_usable_retry_after_is_retried_not_left_uncertain(
    store, clock, fault
) -> None:
    with FakeSlack(token=BOT_TOKEN) as fake:
        queue(store, clock)
        fake.fail("chat.postMessage", fault)
        worker = slack_deliverer(store, fake, clock)
        deliver(worker)
        first = outbox_rows(store)[0]
        assert (first.status, first.uncertain_since) == ("pending", None)
        clock.advance(60)
        deliver(worker)
        assert_each_posted_once(fake, store)
        assert not fake.calls_to("conversations.history")


def test_an_http_date_retry_after_is_still_a_rate_limit(store, clock) -> None:
    with FakeSlack(token=BOT_TOKEN) as fake:
        queue(store, clock)
        fake.fail(
            "chat.postMessage", Fault(status=429, retry_after="Wed, 21 Oct 2026 07:28:00 GMT")
        )
        worker = slack_deliverer(store, fake, clock)
        deliver(worker)
        first = outbox_rows(store)[0]
        assert (first.status, first.last_error, first.uncertain_since) == (
            "pending",
            "ratelimited",
            None,
        )


def test_a_429_holds_back_its_channel_for_retry_after_and_no_other(store, clock) -> None:
    """Slack's Retry-After for a channel: nothing else is posted there before it is up, and
    then the messages go in the order they were queued; another channel goes on meanwhile."""
    with FakeSlack(token=BOT_TOKEN) as fake:
        queue(store, clock, CHANNEL)
        queue(store, clock, OTHER)
        fake.fail("chat.postMessage", Fault(status=429, retry_after=30))
        worker = slack_deliverer(store, fake, clock)
        deliver(worker)
        [limited] = fake.calls_to("chat.postMessage")[:1]
        held = limited.body["channel"]
        free = OTHER if held == CHANNEL else CHANNEL
        assert len(fake.posted(free)) == 2  # not held up by the other channel's wait
        assert fake.posted(held) == []
        assert [c.body["channel"] for c in fake.calls_to("chat.postMessage")].count(held) == 1
        clock.advance(20)
        deliver(worker)
        assert fake.posted(held) == []  # still inside Retry-After: not even tried
        clock.advance(11)
        deliver(worker)
        ids = [r.id for r in outbox_rows(store) if r.channel_id == held]
        assert [t["outbox_id"] for t in tags(fake, held)] == ids  # in order, once each
        assert all(r.status == "sent" for r in outbox_rows(store))
