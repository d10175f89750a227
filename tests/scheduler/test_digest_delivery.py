"""Digests, weekly charts and reminders reach the fake Slack: once, with what matters in them."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from scheduler.delivery import Deliverer
from scheduler.jobs import Jobs
from storage.models import DigestRun, Outbox
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack, Fault
from tests.support import slack_deliverer

CHANNEL = "C0LAUNCH"
MONDAY_0830 = datetime(2026, 11, 16, 8, 30, tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def fake():
    with FakeSlack(token="xoxb-test-token") as slack:
        yield slack


def deliverer(store, fake) -> Deliverer:
    return slack_deliverer(store, fake, now)


def deliver(store, fake) -> int:
    return asyncio.run(deliverer(store, fake).deliver_due())


def alice():
    return make_ctx("U1ALICE", channel=CHANNEL, now=now())


def test_the_monday_digest_tells_what_changed_and_attaches_the_chart(store, fake) -> None:
    with time_machine.travel(MONDAY_0830 - timedelta(days=3), tick=False) as traveller:
        ok(store, alice(), "launch new Checkout date 2026-12-04 tz Europe/London")
        ok(
            store,
            alice(),
            "add Configure SSL #Security !critical key SSL <@U1ALICE> due 2026-11-14",
        )
        ok(store, alice(), "add Pen test #Security !high key PEN <@U2BOB> due 2026-11-18")
        ok(store, alice(), "add <!channel> <http://evil|x> & co #Ops key EVIL")
        Jobs(store=store, worker="w", clock=now).record_days()
        traveller.move_to(MONDAY_0830)
        ok(store, make_ctx("U2BOB", channel=CHANNEL, now=now()), "block PEN vendor is late")
        ok(store, alice(), "done EVIL")
        traveller.move_to(MONDAY_0830 + timedelta(minutes=31))
        assert Jobs(store=store, worker="w", clock=now).digests() == 1
        deliver(store, fake)
    posts = fake.posted(CHANNEL)
    [digest] = [p for p in posts if "digest" in (p["text"] or "").lower()]
    raw = json.dumps(digest["blocks"])
    assert "PEN" in raw and "vendor is late" in raw and "<@U2BOB>" in raw
    assert "SSL" in raw and "<@U1ALICE>" in raw  # overdue, owner mentioned
    assert "<!channel>" not in raw and "<http://evil" not in raw
    charts = [p for p in posts if p.get("files")]
    assert len(charts) == 1 and fake.uploads
    assert next(iter(fake.uploads.values())).startswith(b"\x89PNG")
    with store.read() as session:
        run = session.exec(select(DigestRun)).scalars().one()
        assert (run.status, run.weekly) == ("built", True) and run.score is not None


def test_a_rate_limited_digest_is_retried_and_posted_once(store, fake) -> None:
    with time_machine.travel(MONDAY_0830 + timedelta(days=1), tick=False) as traveller:
        ok(store, alice(), "launch new Checkout tz Europe/London")
        deliver(store, fake)  # the launch's announcement
        traveller.move_to(datetime(2026, 11, 17, 9, 1, tzinfo=UTC))
        Jobs(store=store, worker="w", clock=now).digests()
        fake.fail("chat.postMessage", Fault(status=429, retry_after=2))
        deliver(store, fake)
        assert [p for p in fake.posted(CHANNEL) if "digest" in p["text"].lower()] == []
        traveller.move_to(datetime(2026, 11, 17, 9, 2, tzinfo=UTC))
        deliver(store, fake)
        deliver(store, fake)
    assert len([p for p in fake.posted(CHANNEL) if "digest" in p["text"].lower()]) == 1


def test_a_quiet_day_posts_one_line_or_nothing(store, fake) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 17, 0, tzinfo=UTC), tick=False) as traveller:
        ok(store, alice(), "launch new Checkout tz Europe/London")
        traveller.move_to(datetime(2026, 11, 17, 9, 1, tzinfo=UTC))
        Jobs(store=store, worker="w", clock=now).digests()
        deliver(store, fake)
        traveller.move_to(datetime(2026, 11, 18, 9, 1, tzinfo=UTC))
        Jobs(store=store, worker="w", clock=now).digests()
        deliver(store, fake)
        ok(store, alice(), "digest unchanged none")
        traveller.move_to(datetime(2026, 11, 19, 9, 1, tzinfo=UTC))
        Jobs(store=store, worker="w", clock=now).digests()
        deliver(store, fake)
    digests = [p for p in fake.posted(CHANNEL) if "created the launch" not in p["text"]]
    assert len(digests) == 2  # the first, then one line; nothing on the third day
    assert len(digests[-1]["blocks"] or []) <= 2 and "\n" not in digests[-1]["text"].strip()


def test_a_reminder_dm_lists_overdue_items_with_done_and_snooze(store, fake) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 9, 5, tzinfo=UTC), tick=False):
        ok(store, alice(), "launch new Checkout tz Europe/London")
        ok(store, alice(), "add Configure SSL key SSL @U1ALICE due 2026-11-10")
        assert Jobs(store=store, worker="w", clock=now).reminders() == 1
        deliver(store, fake)
    [dm] = fake.posted("U1ALICE")
    raw = json.dumps(dm["blocks"])
    assert "Configure SSL" in raw and "reminder_done" in raw and "reminder_snooze" in raw
    with store.read() as session:
        assert (
            session.exec(select(Outbox).where(Outbox.kind == "reminder")).scalars().one().status
            == "sent"
        )
