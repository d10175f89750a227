"""Exactly once, failing closed: a message whose first attempt may have landed is looked for
before it is posted again, and when Slack cannot be asked it is never posted on a guess.

Against the fake Slack over real HTTP: its history answers `not_in_channel` to a bot that
is not a member (and cannot join without `channels:join`), 500 when scripted to, and
searches threads with `conversations.replies` and direct messages in their IM.
"""

import asyncio
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from commands.facts import decode
from storage import outbox as rows
from storage.models import Outbox
from storage.vocabulary import OutboxKind
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack, Fault
from tests.support import BOT_TOKEN, Clock, slack_deliverer

CHANNEL = "C0LAUNCH"
ADMIN = "UADMIN"


@pytest.fixture
def fake():
    with FakeSlack(token=BOT_TOKEN) as slack:
        yield slack


@pytest.fixture
def clock() -> Clock:
    return Clock()


def deliver(worker) -> int:
    return asyncio.run(worker.deliver_due())


def queue_announcements(store, clock: Clock, channel: str = CHANNEL) -> None:
    """Two announcements for `channel`: the new launch, then a blocked item."""
    ctx = make_ctx("U1ALICE", channel=channel, now=clock())
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL key SSL")
    ok(store, ctx, "block SSL waiting on the CA")


def outbox_rows(store) -> list[Outbox]:
    with store.read() as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).scalars())


def posts(fake: FakeSlack, channel: str = CHANNEL) -> list[str]:
    return [m["text"] for m in fake.posted(channel)]


def assert_none_doubled(fake: FakeSlack, channel: str = CHANNEL) -> None:
    tags = [(m.get("metadata") or {}).get("event_payload") for m in fake.posted(channel)]
    assert len(tags) == len({str(t) for t in tags}), tags


def test_history_answering_not_in_channel_after_an_ambiguous_post_never_posts_again(
    store, fake, clock, caplog
) -> None:
    fake.missing_scopes.add("channels:join")  # so the bot cannot become a member
    queue_announcements(store, clock)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))  # posted, answer lost
    labels: list[str] = []
    worker = slack_deliverer(
        store,
        fake,
        clock,
        admins=frozenset({ADMIN}),
        give_up_after=timedelta(minutes=30),
        on_outcome=lambda kind, outcome: labels.append(str(outcome)),
    )
    deliver(worker)
    assert [r.status for r in outbox_rows(store)] == ["uncertain", "sent"]
    for _ in range(3):  # asked again and again over the next 24 minutes: never posted
        clock.advance(8 * 60)
        deliver(worker)
        assert len(fake.posted(CHANNEL)) == 2
    first = outbox_rows(store)[0]
    assert first.status == "uncertain" and "not_in_channel" in (first.last_error or "")
    assert fake.calls_to("conversations.history")
    clock.advance(8 * 60)  # uncertain for 32 minutes: given up
    with caplog.at_level(logging.ERROR):
        deliver(worker)
    first = outbox_rows(store)[0]
    assert first.status == "given_up"
    assert len(fake.posted(CHANNEL)) == 2  # never doubled; at worst missing, with an alert
    [logged] = [
        r for r in caplog.records if r.levelno == logging.ERROR and "given up" in r.getMessage()
    ]
    assert f"outbox {first.id} " in logged.getMessage() and CHANNEL in logged.getMessage()
    assert "given_up" in labels
    deliver(worker)  # the admin's notice, queued as the row was given up
    [notice] = fake.posted(ADMIN)
    assert f"<#{CHANNEL}>" in str(notice["blocks"]) and "nothing was doubled" in notice["text"]


def test_history_answering_500_after_an_ambiguous_post_is_asked_again_until_it_answers(
    store, fake, clock
) -> None:
    queue_announcements(store, clock)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))
    worker = slack_deliverer(store, fake, clock)
    deliver(worker)
    fake.fail("conversations.history", Fault(status=500), Fault(status=503))
    for _ in range(2):
        clock.advance(120)
        deliver(worker)
        assert outbox_rows(store)[0].status == "uncertain"
    clock.advance(120)
    deliver(worker)
    assert [r.status for r in outbox_rows(store)] == ["sent", "sent"]
    assert len(fake.posted(CHANNEL)) == 2
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert_none_doubled(fake)


def test_the_bot_joins_a_public_channel_before_posting_so_the_check_can_be_made(
    store, fake, clock
) -> None:
    queue_announcements(store, clock)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))
    worker = slack_deliverer(store, fake, clock)
    deliver(worker)
    methods = [c.method for c in fake.calls if c.method.startswith(("chat.", "conversations."))]
    assert methods[:2] == ["conversations.join", "chat.postMessage"]
    assert len(fake.calls_to("conversations.join")) == 1  # once per channel
    clock.advance(60)
    deliver(worker)
    assert [r.status for r in outbox_rows(store)] == ["sent", "sent"]
    assert len(fake.posted(CHANNEL)) == 2


def test_a_private_channel_is_not_joined_and_its_history_is_read_as_an_invited_member(
    store, fake, clock
) -> None:
    fake.private.add(CHANNEL)
    fake.members.add(CHANNEL)  # invited
    queue_announcements(store, clock)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))
    worker = slack_deliverer(store, fake, clock)
    deliver(worker)
    clock.advance(60)
    deliver(worker)
    assert [r.status for r in outbox_rows(store)] == ["sent", "sent"]
    assert len(fake.posted(CHANNEL)) == 2


def test_a_private_channel_the_bot_cannot_read_is_not_posted_to_twice(store, fake, clock) -> None:
    fake.private.add(CHANNEL)  # not a member: chat:write.public cannot post there anyway
    queue_announcements(store, clock)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))
    worker = slack_deliverer(store, fake, clock)
    deliver(worker)
    clock.advance(60)
    deliver(worker)
    assert outbox_rows(store)[0].status == "uncertain"
    assert len(fake.calls_to("chat.postMessage")) == 2  # the first try, and row two


def enqueue_announcement_copy(store, clock: Clock, *, channel: str, parent_key: str | None):
    """A row like the first queued announcement, for another channel or thread."""
    first = outbox_rows(store)[0]
    decode(OutboxKind.ANNOUNCE, first.payload or {})  # the facts are a real announcement's
    with store.write() as session:
        rows.enqueue(
            session,
            kind=OutboxKind.ANNOUNCE,
            team_id="T1",
            channel_id=channel,
            dedupe_key=f"copy:{channel}:{parent_key}",
            facts=dict(first.payload or {}),
            now=clock(),
            parent_key=parent_key,
        )


def test_a_direct_message_is_looked_for_in_the_im_not_posted_again(store, fake, clock) -> None:
    queue_announcements(store, clock)
    worker = slack_deliverer(store, fake, clock)
    deliver(worker)
    enqueue_announcement_copy(store, clock, channel="U2BOB", parent_key=None)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))
    deliver(worker)
    clock.advance(60)
    deliver(worker)
    assert outbox_rows(store)[-1].status == "sent"
    assert len(fake.posted("U2BOB")) == 1
    assert fake.calls_to("conversations.open")[0].body["users"] == "U2BOB"


def test_an_answer_in_a_thread_is_looked_for_in_the_thread_not_posted_again(
    store, fake, clock
) -> None:
    queue_announcements(store, clock)
    worker = slack_deliverer(store, fake, clock)
    deliver(worker)
    parent = outbox_rows(store)[0]
    enqueue_announcement_copy(store, clock, channel=CHANNEL, parent_key=parent.dedupe_key)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))
    deliver(worker)
    clock.advance(60)
    deliver(worker)
    answer = outbox_rows(store)[-1]
    assert answer.status == "sent"
    in_thread = [m for m in fake.posted(CHANNEL) if m.get("thread_ts") == parent.sent_ts]
    assert len(in_thread) == 1
    assert fake.calls_to("conversations.replies")[0].body["ts"] == parent.sent_ts


def test_an_answer_waits_for_the_message_it_answers(store, fake, clock) -> None:
    queue_announcements(store, clock)
    parent = outbox_rows(store)[0]
    enqueue_announcement_copy(store, clock, channel="C0OTHER", parent_key=parent.dedupe_key)
    fake.fail("chat.postMessage", Fault(status=429, retry_after=30))
    worker = slack_deliverer(store, fake, clock)
    deliver(worker)
    statuses = [r.status for r in outbox_rows(store)]
    assert statuses[0] == "pending" and statuses[-1] == "pending"  # not posted unthreaded
    clock.advance(31)
    deliver(worker)
    clock.advance(5)
    deliver(worker)
    assert outbox_rows(store)[-1].status == "sent"
    assert fake.posted("C0OTHER")[0]["thread_ts"] == outbox_rows(store)[0].sent_ts


def dead_replica_posted(fake: FakeSlack, channel: str, outbox_id: int) -> None:
    """What a replica killed right after its post reached Slack leaves there."""
    response = httpx.post(
        f"{fake.base_url}chat.postMessage",
        json={
            "channel": channel,
            "text": "posted by the replica that died",
            "metadata": {
                "event_type": "readybot_outbox",
                "event_payload": {"outbox_id": outbox_id},
            },
        },
        headers={"Authorization": f"Bearer {BOT_TOKEN}"},
    )
    assert response.json()["ok"]


def test_a_replica_killed_mid_fan_out_doubles_nothing_even_where_history_is_unreadable(
    store, fake, clock
) -> None:
    channels = [f"C0FAN{n:02d}" for n in range(20)]
    for channel in channels:
        ok(store, make_ctx("U1ALICE", channel=channel, now=clock()), f"launch new L {channel}")
    readable = set(channels[::2])
    fake.members.update(readable)  # it had joined half of them before it died
    fake.missing_scopes.add("channels:join")  # and cannot join the others now
    with store.write() as session:
        ids = rows.due_ids(session, transport="slack", now=clock(), limit=100)
        for outbox_id in ids:
            assert rows.claim(
                session,
                outbox_id=outbox_id,
                worker="dead",
                now=clock(),
                lease=timedelta(seconds=15),
            )
    by_channel = {r.channel_id: r.id for r in outbox_rows(store)}
    for channel in channels[:10]:  # it got through half the fan-out before kill -9
        dead_replica_posted(fake, channel, by_channel[channel])
    survivor = slack_deliverer(store, fake, clock, worker="w2")
    assert deliver(survivor) == 0  # the leases still hold
    clock.advance(16)  # seconds: the dead replica's short leases have run out
    assert deliver(survivor) == 20
    for channel in channels:
        assert len(fake.posted(channel)) <= 1, channel
        status = next(r.status for r in outbox_rows(store) if r.channel_id == channel)
        if channel in readable:
            assert (status, len(fake.posted(channel))) == ("sent", 1), channel
        else:  # could not be checked: not posted on a guess, asked again later
            assert status == "uncertain", channel


def test_a_notice_that_cannot_be_checked_is_given_up_without_another_notice(
    store, fake, clock
) -> None:
    fake.missing_scopes.update({"channels:join", "im:history"})
    queue_announcements(store, clock)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))
    worker = slack_deliverer(
        store, fake, clock, admins=frozenset({ADMIN}), give_up_after=timedelta(minutes=10)
    )
    deliver(worker)
    clock.advance(11 * 60)
    fake.fail("chat.postMessage", Fault(status=500, apply=True))  # the notice's answer, lost
    deliver(worker)
    clock.advance(11 * 60)
    deliver(worker)
    clock.advance(11 * 60)
    deliver(worker)
    kinds = {(r.kind, r.status) for r in outbox_rows(store)}
    assert ("notice", "given_up") in kinds
    assert sum(1 for r in outbox_rows(store) if r.kind == "notice") == 1
    assert len(fake.posted(ADMIN)) == 1


def test_rows_uncertain_before_this_version_count_from_when_they_were_queued(
    store, fake, clock
) -> None:
    fake.missing_scopes.add("channels:join")
    queue_announcements(store, clock)
    worker = slack_deliverer(store, fake, clock, give_up_after=timedelta(minutes=30))
    with store.write() as session:  # as an older readybot left it: uncertain, no since
        session.execute(update(Outbox).values(status="uncertain", uncertain_since=None))
    clock.advance(40 * 60)
    deliver(worker)
    assert {r.status for r in outbox_rows(store)} == {"given_up"}
    assert fake.posted(CHANNEL) == []
