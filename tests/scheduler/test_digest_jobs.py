"""Digest and reminder claims: on time, once, across DST, downtime and replicas."""

import threading
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from sqlalchemy import select

from commands.timing import due_instant, latest_due, schedule_of
from scheduler.jobs import Jobs
from storage.models import DigestRun, Outbox, ReminderRun
from tests.commands.helpers import ok
from tests.conftest import make_ctx

CHANNEL = "C0LAUNCH"


def now() -> datetime:
    return datetime.now(UTC)


def jobs(store, worker: str = "w1") -> Jobs:
    return Jobs(store=store, worker=worker, clock=now)


def runs(store) -> list[DigestRun]:
    with store.read() as session:
        return list(session.exec(select(DigestRun).order_by(DigestRun.id)).scalars())


def outbox(store, kind: str) -> list[Outbox]:
    with store.read() as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind)).scalars())


def setup_launch(
    store, *, at: datetime, tz: str = "Europe/London", digest: str | None = None
) -> None:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=at)
    ok(store, ctx, f"launch new Checkout tz {tz}")
    if digest:
        ok(store, ctx, f"digest {digest}")


# -- pure schedule maths -----------------------------------------------------------------


def test_a_time_in_the_spring_gap_fires_when_the_clocks_reach_the_far_side() -> None:
    from zoneinfo import ZoneInfo

    assert due_instant(date(2026, 3, 8), time(2, 30), ZoneInfo("America/New_York")) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )


def test_a_repeated_autumn_time_fires_the_first_time() -> None:
    from zoneinfo import ZoneInfo

    assert due_instant(date(2026, 11, 1), time(1, 30), ZoneInfo("America/New_York")) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


def test_latest_due_skips_days_the_schedule_does_not_run() -> None:
    plan = schedule_of("09:00", "Europe/London", "mon,tue,wed,thu,fri")
    saturday_noon = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert latest_due(plan, saturday_noon) == (
        date(2026, 11, 20),
        datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    )


# -- claims -------------------------------------------------------------------------------


def test_a_bound_channel_gets_the_default_weekday_digest_once(store) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 8, 0, tzinfo=UTC), tick=False) as traveller:
        setup_launch(store, at=now())
        assert jobs(store).digests() == 0  # 08:00 London: not yet
        traveller.move_to(datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC))
        assert jobs(store).digests() == 1
        assert jobs(store).digests() == 0
        traveller.move_to(datetime(2026, 11, 21, 9, 5, tzinfo=UTC))  # a Saturday
        assert jobs(store).digests() == 0  # (Friday's, missed while "down", is recorded as skipped)
    [run] = [r for r in runs(store) if r.status == "built"]
    assert (run.local_date, run.kind, run.weekly) == (date(2026, 11, 16), "scheduled", True)
    assert [o.ref_id for o in outbox(store, "digest")] == [run.id]
    assert [o.ref_id for o in outbox(store, "chart")] == [run.id]  # Monday: the weekly chart too


@pytest.mark.parametrize(
    ("at", "day", "fires", "quiet"),
    [
        # New York springs forward at 02:00 on Mar 8: 02:30 does not exist that day.
        (
            "02:30",
            date(2026, 3, 8),
            datetime(2026, 3, 8, 7, 0, 30, tzinfo=UTC),
            [datetime(2026, 3, 8, 6, 59, tzinfo=UTC), datetime(2026, 3, 8, 7, 31, tzinfo=UTC)],
        ),
        # New York falls back at 02:00 on Nov 1: 01:30 happens twice.
        (
            "01:30",
            date(2026, 11, 1),
            datetime(2026, 11, 1, 5, 30, 30, tzinfo=UTC),
            [datetime(2026, 11, 1, 5, 29, tzinfo=UTC), datetime(2026, 11, 1, 6, 31, tzinfo=UTC)],
        ),
    ],
)
def test_daylight_saving_changes_give_exactly_one_digest(store, at, day, fires, quiet) -> None:
    with time_machine.travel(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), tick=False) as traveller:
        setup_launch(store, at=now(), tz="America/New_York", digest=f"at {at} daily")
        traveller.move_to(quiet[0])
        jobs(store).digests()
        assert [r.local_date for r in runs(store) if r.local_date == day] == []
        traveller.move_to(fires)
        jobs(store).digests()
        traveller.move_to(quiet[1])
        jobs(store).digests()
    assert [r.local_date for r in runs(store) if r.local_date == day] == [day]


def test_a_digest_late_by_under_three_hours_is_posted_and_later_ones_are_skipped(
    store, caplog
) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 8, 0, tzinfo=UTC), tick=False) as traveller:
        setup_launch(store, at=now())
        traveller.move_to(datetime(2026, 11, 16, 11, 59, tzinfo=UTC))  # 2 h 59 late: post it
        assert jobs(store).digests() == 1
        traveller.move_to(datetime(2026, 11, 17, 12, 1, tzinfo=UTC))  # 3 h 01 late: skip it
        assert jobs(store).digests() == 0
        assert jobs(store).digests() == 0
    statuses = [(r.local_date, r.status) for r in runs(store)]
    assert statuses == [(date(2026, 11, 16), "built"), (date(2026, 11, 17), "skipped")]
    assert "skipping the 2026-11-17 digest" in caplog.text
    assert len(outbox(store, "digest")) == 1


def test_replicas_racing_claim_each_digest_once(store) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 8, 0, tzinfo=UTC), tick=False) as traveller:
        for n in range(6):
            ok(store, make_ctx("U1ALICE", channel=f"C0LAUNCH{n}", now=now()), f"launch new L{n}")
        traveller.move_to(datetime(2026, 11, 16, 9, 1, tzinfo=UTC))
        start = threading.Barrier(3)
        counts: list[int] = []

        def replica(name: str) -> None:
            start.wait()
            counts.append(jobs(store, name).digests())

        threads = [threading.Thread(target=replica, args=(f"r{i}",)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(counts) == 6
    assert len(runs(store)) == 6 and len(outbox(store, "digest")) == 6


def test_digest_now_posts_one_besides_the_scheduled_one(store) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 9, 5, tzinfo=UTC), tick=False):
        setup_launch(store, at=datetime(2026, 11, 16, 8, 0, tzinfo=UTC))
        reply = ok(store, make_ctx("U2BOB", channel=CHANNEL, now=now()), "digest now")
        assert "on its way" in reply.text
        assert jobs(store).digests() == 1
    assert sorted(r.kind for r in runs(store)) == ["manual", "scheduled"]


def test_a_schedule_change_is_refused_to_non_owners_and_audited(store) -> None:
    from tests.commands.helpers import events, fails

    with time_machine.travel(datetime(2026, 11, 16, 8, 0, tzinfo=UTC), tick=False):
        setup_launch(store, at=now())
        assert (
            "launch owner"
            in fails(store, make_ctx("U2BOB", channel=CHANNEL, now=now()), "digest off").message
        )
        ok(store, make_ctx("U1ALICE", channel=CHANNEL, now=now()), "digest at 7:30 mon,wed")
        shown = ok(store, make_ctx("U2BOB", channel=CHANNEL, now=now()), "digest").text
    assert "07:30 Europe/London, Mon, Wed" in shown and "Next: Mon Nov 16, 07:30" not in shown
    assert [e.action for e in events(store) if e.action == "digest.changed"] == ["digest.changed"]


def test_reminders_go_once_a_day_to_each_owner_of_overdue_items_unless_turned_off(store) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 8, 0, tzinfo=UTC), tick=False) as traveller:
        setup_launch(store, at=now())
        alice = make_ctx("U1ALICE", channel=CHANNEL, now=now())
        ok(store, alice, "add Configure SSL key SSL @U1ALICE due 2026-11-10")
        ok(store, alice, "add Pen test key PEN <@U2BOB> due 2026-11-12")
        ok(store, alice, "add Docs key DOC <@U3CAROL> due 2026-12-30")
        ok(store, make_ctx("U2BOB", channel=CHANNEL, now=now()), "remind off")
        assert jobs(store).reminders() == 0  # 08:00: before reminder time
        traveller.move_to(datetime(2026, 11, 16, 9, 10, tzinfo=UTC))
        assert jobs(store).reminders() == 1
        assert jobs(store).reminders() == 0
    with store.read() as session:
        assert [r.user_id for r in session.exec(select(ReminderRun)).scalars()] == ["U1ALICE"]
    [row] = outbox(store, "reminder")
    assert (row.channel_id, row.payload["user_id"]) == ("U1ALICE", "U1ALICE")
