"""Two replicas of `readybot serve` on one database: a vote is never counted twice and a
call's result is never posted twice, whichever replica each click reaches."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.render.decision_blocks import ACTION_VOTE
from commands.decision.model import Choice
from storage.models import Event, GoNoGoCall, Vote
from tests.bot.harness import eventually, serve
from tests.bot.test_slack_decision import (
    ALICE,
    BOB,
    CAROL,
    call_message,
    launch_with_owners,
)


@pytest.fixture
def replicas(store, fake):
    with serve(store, fake) as one, serve(store, fake) as two:
        yield one, two


def at_once(*calls) -> None:
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)


def call_of(store) -> GoNoGoCall:
    with store.read() as session:
        return session.exec(select(GoNoGoCall)).scalars().one()


def test_the_same_click_on_two_replicas_counts_once_and_the_result_posts_once(
    replicas, store, fake
) -> None:
    one, two = replicas
    launch_with_owners(store, ready=True)
    one.command("gonogo", user=ALICE)
    posted = eventually(lambda: call_message(fake))
    call_id = str(call_of(store).id)

    def click(replica, user: str, stamp: str):
        return lambda: replica.click(
            ACTION_VOTE[Choice.GO],
            call_id,
            user=user,
            message=posted,
            ephemeral=False,
            action_ts=stamp,
        )

    # Slack's retry of one click lands on the other replica at the same moment.
    at_once(click(one, ALICE, "1700000000.000100"), click(two, ALICE, "1700000000.000100"))
    # Two voters close the call at once, one on each replica.
    time.sleep(0.2)
    at_once(click(one, BOB, "1700000000.000200"), click(two, CAROL, "1700000000.000300"))

    eventually(lambda: call_of(store).status == "closed")
    with store.read() as session:
        votes = session.exec(select(Vote)).scalars().all()
        voted = session.exec(select(Event).where(Event.action == "voted")).scalars().all()
        closed = session.exec(select(Event).where(Event.action == "gonogo.closed")).scalars().all()
    assert sorted((v.voter, v.changes) for v in votes) == [(ALICE, 0), (BOB, 0), (CAROL, 0)]
    assert len(voted) == 3 and len(closed) == 1
    for _ in range(3):
        one.deliver()
        two.deliver()
    time.sleep(0.3)
    results = [
        c for c in fake.calls_to("chat.postMessage") if c.body.get("thread_ts") == posted["ts"]
    ]
    assert len(results) == 1 and "Decided ✅ GO" in json.dumps(results[0].body, ensure_ascii=False)
    call_posts = [
        c for c in fake.calls_to("chat.postMessage") if c.body["text"].startswith("Go/No-Go call")
    ]
    assert len(call_posts) == 1


def test_both_replicas_reaching_the_deadline_close_the_call_once(replicas, store, fake) -> None:
    one, two = replicas
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=True):
        launch_with_owners(store, ready=True)
        one.command("gonogo in 1h", user=ALICE)
        eventually(lambda: call_message(fake))
    with time_machine.travel(start + timedelta(hours=1, minutes=1), tick=True):
        done: list[int] = []
        at_once(
            lambda: done.append(one.service.jobs.calls()),
            lambda: done.append(two.service.jobs.calls()),
        )
        assert sorted(done) == [0, 1]
        one.deliver()
        two.deliver()
    with store.read() as session:
        closed = session.exec(select(Event).where(Event.action == "gonogo.closed")).scalars().all()
    assert len(closed) == 1 and call_of(store).close_reason == "deadline"
