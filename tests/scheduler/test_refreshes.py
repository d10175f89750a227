"""Refreshes go through the outbox: retried like posts, and only the newest refresh of a
message or Home tab is sent, never an older one after it."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import refresh
from bot.render.messages import SlackMessage
from storage import outbox as rows
from storage.models import Outbox
from tests.fakes.slack_api import FakeSlack, Fault
from tests.support import BOT_TOKEN, slack_deliverer

CHANNEL, TS = "C0LAUNCH", "1700000000.000100"


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def fake():
    with FakeSlack(token=BOT_TOKEN) as slack:
        yield slack


def message(text: str) -> SlackMessage:
    return SlackMessage(text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def queue(store, text: str) -> None:
    refresh.queue_message(
        store, team_id="T1", channel=CHANNEL, ts=TS, message=message(text), now=now()
    )


def statuses(store) -> list[str]:
    with store.read() as session:
        return [r.status for r in session.exec(select(Outbox).order_by(Outbox.id)).scalars()]


def test_only_the_newest_refresh_of_a_message_is_sent(store, fake) -> None:
    for n in range(3):
        queue(store, f"version {n}")
    asyncio.run(slack_deliverer(store, fake, now).deliver_due())
    [update] = fake.calls_to("chat.update")
    assert (update.body["channel"], update.body["ts"], update.body["text"]) == (
        CHANNEL,
        TS,
        "version 2",
    )
    assert statuses(store) == ["superseded", "superseded", "sent"]


@pytest.mark.parametrize("fault", [Fault(status=500), Fault(status=429, retry_after=0)])
def test_a_refresh_that_fails_is_retried_not_dropped(store, fake, fault) -> None:
    queue(store, "fresh")
    fake.fail("chat.update", fault)
    clock = [now()]
    worker = slack_deliverer(store, fake, lambda: clock[0])
    asyncio.run(worker.deliver_due())
    assert statuses(store) == ["pending"]
    clock[0] += timedelta(seconds=5)
    asyncio.run(worker.deliver_due())
    assert statuses(store) == ["sent"]
    assert [c.body["text"] for c in fake.calls_to("chat.update")] == ["fresh", "fresh"]


def test_a_refresh_that_times_out_is_retried(store, fake) -> None:
    queue(store, "fresh")
    fake.fail("chat.update", Fault(delay=2.5))
    clock = [now()]
    worker = slack_deliverer(store, fake, lambda: clock[0], timeout=1)
    asyncio.run(worker.deliver_due())
    assert statuses(store) == ["pending"]  # a refresh is idempotent: never "uncertain"
    clock[0] += timedelta(seconds=5)
    asyncio.run(worker.deliver_due())
    assert statuses(store) == ["sent"]


def test_a_home_tab_refresh_that_fails_is_retried(store, fake) -> None:
    for n in range(2):
        refresh.queue_home(
            store, team_id="T1", user_id="U1ALICE", view={"type": "home", "n": n}, now=now()
        )
    fake.fail("views.publish", Fault(status=503))
    clock = [now()]
    worker = slack_deliverer(store, fake, lambda: clock[0])
    asyncio.run(worker.deliver_due())
    clock[0] += timedelta(seconds=5)
    asyncio.run(worker.deliver_due())
    published = [c.body for c in fake.calls_to("views.publish")]
    assert [p["user_id"] for p in published] == ["U1ALICE", "U1ALICE"]
    assert all('"n": 1' in str(p["view"]) or "'n': 1" in str(p["view"]) for p in published)
    assert statuses(store) == ["superseded", "sent"]


def test_a_newer_refresh_waits_while_an_older_one_is_being_sent(store) -> None:
    queue(store, "old")
    at = now()
    with store.write() as session:
        [older] = rows.due_ids(session, transport="slack", now=at, limit=10)
        assert rows.claim(
            session, outbox_id=older, worker="w1", now=at, lease=timedelta(seconds=15)
        )
    queue(store, "new")
    with store.write() as session:
        [newer] = rows.due_ids(session, transport="slack", now=at, limit=10) or [None]
        assert newer is None  # held back: it must not land before the older one
        assert rows.mark_sent(session, outbox_id=older, worker="w1", ts=TS, now=at)
    with store.read() as session:
        later = at + timedelta(seconds=1)
        assert len(rows.due_ids(session, transport="slack", now=later, limit=10)) == 1


def test_an_older_refresh_left_by_a_dead_replica_is_superseded_not_sent(store, fake) -> None:
    queue(store, "old")
    at = now()
    with store.write() as session:
        [older] = rows.due_ids(session, transport="slack", now=at, limit=10)
        assert rows.claim(session, outbox_id=older, worker="dead", now=at, lease=timedelta(0))
    queue(store, "new")
    asyncio.run(slack_deliverer(store, fake, lambda: at + timedelta(seconds=1)).deliver_due())
    assert [c.body["text"] for c in fake.calls_to("chat.update")] == ["new"]
    assert statuses(store) == ["superseded", "sent"]
