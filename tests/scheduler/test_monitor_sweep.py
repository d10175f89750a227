"""A sweep's database work, on both engines: the set-based claim, and results that change
nothing but their monitor's row saved together, exactly as one by one; transitions,
alerts and items still one monitor per transaction."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from commands.monitors.apply import apply_quiet, apply_result
from commands.monitors.spec import CheckResult
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.runner import MonitorRunner
from storage import monitors as rows
from storage.models import Item, Monitor, MonitorEvent, Outbox
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.monitor_target import FakeTarget, Reply

CHANNEL = "C0LAUNCH"
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def launch_with_monitors(store, count: int, *, every: str = "1m", extra: str = "") -> list[int]:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=START)
    ok(store, ctx, "launch new Checkout")
    for n in range(count):
        ok(store, ctx, f"monitor add http://127.0.0.1:9/m/{n} every {every} {extra}".strip())
    with store.read() as session:
        return [int(m.id) for m in session.exec(select(Monitor).order_by(Monitor.id)).scalars()]


def monitor(store, monitor_id: int) -> Monitor:
    with store.read() as session:
        found = rows.get_monitor(session, monitor_id=monitor_id)
        assert found is not None
        return found


def result(ok_: bool, detail: str, at: datetime) -> CheckResult:
    return CheckResult(ok=ok_, detail=detail, checked_at=at, duration_ms=12.0)


def test_a_quiet_result_is_saved_exactly_as_apply_result_saves_it(store) -> None:
    together, alone = launch_with_monitors(store, 2)
    script = [True, True, False, False, True, False, True, True]  # fail_after 3: no outage
    for n, passed in enumerate(script):
        now = START + timedelta(minutes=n + 1)
        found = result(passed, f"GET x returned {200 if passed else 503} in {n} ms", now)
        with store.write() as session:
            rest = apply_quiet(session, results={together: found}, now=now)
        assert rest == []
        with store.write() as session:
            apply_result(session, monitor_id=alone, result=found, now=now)
        a, b = monitor(store, together), monitor(store, alone)
        assert (a.state, a.status, a.paused, a.version, a.updated_at) == (
            b.state,
            b.status,
            b.paused,
            b.version,
            b.updated_at,
        )
    with store.read() as session:
        assert session.exec(select(MonitorEvent)).scalars().all() == []


def test_results_with_a_transition_are_left_for_apply_result(store) -> None:
    down, steady = launch_with_monitors(store, 2, extra="")
    with store.write() as session:
        session.get(Monitor, down).fail_after = 1
    now = START + timedelta(minutes=1)
    with store.write() as session:
        rest = apply_quiet(
            session,
            results={
                down: result(False, "GET x returned 503", now),
                steady: result(True, "ok", now),
            },
            now=now,
        )
    assert rest == [down]
    assert monitor(store, down).version == 1  # not saved: apply_result will
    assert monitor(store, steady).status == "up"


def test_a_monitor_changed_meanwhile_saves_nothing_of_the_batch(store) -> None:
    first, second = launch_with_monitors(store, 2)
    before = [monitor(store, first), monitor(store, second)]
    stale = [rows.StateRow(m.id or 0, m.version, {"verdict": "up"}, "up", False) for m in before]
    with store.write() as session:
        session.get(Monitor, second).version += 1  # someone paused or acknowledged it
    with pytest.raises(rows.Changed), store.write() as session:
        rows.save_states(session, rows=stale, now=START)
    assert monitor(store, first).status == "pending"  # rolled back with the rest
    assert monitor(store, first).version == 1


def test_the_claim_takes_each_due_monitor_once_moving_it_by_its_own_interval(store) -> None:
    ids = launch_with_monitors(store, 3)
    with store.write() as session:
        session.get(Monitor, ids[1]).interval_seconds = 300
        session.get(Monitor, ids[2]).next_check_at = START + timedelta(hours=1)  # not due
    now = START + timedelta(seconds=5)
    with store.write() as session:
        claimed = rows.claim_due(session, now=now, worker="w1", limit=100)
    assert sorted(m.id for m in claimed) == ids[:2]
    assert monitor(store, ids[0]).next_check_at == now + timedelta(seconds=60)
    assert monitor(store, ids[1]).next_check_at == now + timedelta(seconds=300)
    assert {monitor(store, i).claimed_by for i in ids[:2]} == {"w1"}
    with store.write() as session:
        assert rows.claim_due(session, now=now, worker="w2", limit=100) == []


def test_two_claimers_at_once_share_the_due_monitors_without_overlap(store) -> None:
    ids = launch_with_monitors(store, 40)
    now = START + timedelta(seconds=5)
    taken: dict[str, list[int]] = {}
    start = threading.Barrier(2)

    def claimer(name: str) -> None:
        start.wait()
        with store.write() as session:
            taken[name] = [
                int(m.id or 0) for m in rows.claim_due(session, now=now, worker=name, limit=100)
            ]

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken["w0"] + taken["w1"]) == ids
    assert not set(taken["w0"]) & set(taken["w1"])


def sweep_each_minute(store, traveller, *, sweeps: int, checks: int) -> None:
    """`sweeps` sweeps a minute apart by one runner, each checking `checks` monitors."""
    runner = MonitorRunner(
        store=store,
        worker="w1",
        clock=lambda: datetime.now(UTC),
        network=AddressPolicy(["127.0.0.1/32"]),
    )
    for _ in range(sweeps):
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert asyncio.run(runner.run_due()) == checks


def test_a_sweep_of_several_monitors_still_verifies_the_done_item_of_an_up_one(store) -> None:
    with (
        FakeTarget({"/health": Reply(200, b"ok")}) as service,
        time_machine.travel(START, tick=False) as traveller,
    ):
        ctx = make_ctx("U1ALICE", channel=CHANNEL, now=START)
        ok(store, ctx, "launch new Checkout")
        ok(store, ctx, "add Health endpoint answers key HEALTH")
        ok(store, ctx, f"monitor add {service.url('/health')} item HEALTH every 1m")
        ok(store, ctx, f"monitor add {service.url('/health')}?other every 1m")
        ok(store, ctx, "done HEALTH the load balancer checks it")
        with store.write() as session:  # claimed done, as an import leaves it: not verified
            done = session.exec(select(Item).where(Item.key == "HEALTH")).scalars().one()
            done.verified_at = done.verified_via = done.verified_by = None
        sweep_each_minute(store, traveller, sweeps=2, checks=2)
    with store.read() as session:
        health = session.exec(select(Item).where(Item.key == "HEALTH")).scalars().one()
    assert health.verified_at is not None and health.verified_via == "monitor"


def test_a_sweep_where_one_of_many_goes_down_alerts_once_and_blocks_its_item(store) -> None:
    with (
        FakeTarget({"/up": Reply(200, b"ok"), "/down": Reply(503, b"no")}) as service,
        time_machine.travel(START, tick=False) as traveller,
    ):
        ctx = make_ctx("U1ALICE", channel=CHANNEL, now=START)
        ok(store, ctx, "launch new Checkout")
        ok(store, ctx, "add Health endpoint answers key HEALTH")
        ok(store, ctx, f"monitor add {service.url('/down')} item HEALTH every 1m")
        for n in range(5):
            ok(store, ctx, f"monitor add {service.url('/up')}?{n} every 1m")
        sweep_each_minute(store, traveller, sweeps=5, checks=6)
    with store.read() as session:
        events = session.exec(select(MonitorEvent)).scalars().all()
        alerts = session.exec(select(Outbox).where(Outbox.kind == "alert")).scalars().all()
        health = session.exec(select(Item).where(Item.key == "HEALTH")).scalars().one()
        statuses = sorted(m.status for m in session.exec(select(Monitor)).scalars())
    assert [e.kind for e in events] == ["down"]
    assert len(alerts) == 1
    assert (health.status, health.blocked_by) == ("blocked", "monitor")
    assert statuses == ["down"] + ["up"] * 5


def test_results_are_applied_while_a_slow_check_is_still_running(store) -> None:
    seen: dict[str, list[str]] = {}
    with FakeTarget({"/fast": Reply(200, b"ok"), "/slow": Reply(200, b"ok", delay=1.5)}) as target:
        ctx = make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC))
        ok(store, ctx, "launch new Checkout")
        ok(store, ctx, f"monitor add {target.url('/slow')} every 1m")
        for n in range(4):
            ok(store, ctx, f"monitor add {target.url('/fast')}?{n} every 1m")
        with store.write() as session:
            for m in session.exec(select(Monitor)).scalars():
                m.next_check_at = datetime.now(UTC) - timedelta(seconds=1)
        runner = MonitorRunner(
            store=store,
            worker="w1",
            clock=lambda: datetime.now(UTC),
            network=AddressPolicy(["127.0.0.1/32"]),
            apply_every=2,
        )

        def look_while_slow() -> None:
            deadline = datetime.now(UTC) + timedelta(seconds=5)
            while datetime.now(UTC) < deadline:
                with store.read() as session:
                    statuses = {m.name: m.status for m in session.exec(select(Monitor)).scalars()}
                if sum(s == "up" for s in statuses.values()) == 4:
                    seen["during"] = sorted(statuses.values())
                    return
                threading.Event().wait(0.05)

        looker = threading.Thread(target=look_while_slow)
        looker.start()
        assert asyncio.run(runner.run_due()) == 5
        looker.join()
    assert seen["during"] == ["pending", "up", "up", "up", "up"]  # the slow one still running
    with store.read() as session:
        assert {m.status for m in session.exec(select(Monitor)).scalars()} == {"up"}
