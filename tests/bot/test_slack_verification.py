"""Claimed versus verified, through `readybot serve` with signed requests and the fake
Slack: each route that verifies a claimed item, evidence that expires (the DM and its
"Verify again" button), a stability window completing and resetting, dependencies refused
when they make a cycle, and the critical path of a 60-item launch in `/ready status`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.render import ids
from commands import importing
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.runner import MonitorRunner
from storage.models import Item, MonitorEvent
from tests.bot.harness import CHANNEL, eventually, serve
from tests.commands.helpers import events, item, ok
from tests.conftest import make_ctx
from tests.fakes.monitor_target import FakeTarget, Reply
from tests.fakes.slack_api import FakeSlack

ALICE, DANA = "U1ALICE", "U4DANA"

DOC = """# Checkout v2 — readiness
## Security
- [x] 🔴 TLS certificates installed
- [x] 🔴 Secrets rotated
- [x] 🟠 Backups restored
- [x] 🟠 Health endpoint answers
- [ ] 🔴 Pen test report filed
"""


@pytest.fixture
def served(store, fake):
    with serve(store, fake, READYBOT_MONITOR_ALLOW="127.0.0.1/32") as running:
        yield running


def ctx(user: str = ALICE, now: datetime | None = None):
    return make_ctx(user, channel=CHANNEL, now=now or datetime.now(UTC))


def answer(response, fake: FakeSlack, name: str) -> str:
    body = response.json() if response.content else {}
    if body.get("text") and "Working on it" not in body["text"]:
        return json.dumps(body, ensure_ascii=False)
    return json.dumps(fake.wait_for_response(name)[-1], ensure_ascii=False)


def by_title(store) -> dict[str, Item]:
    with store.read() as session:
        return {i.title: i for i in session.exec(select(Item)).scalars()}


def monitor_events(store) -> list[MonitorEvent]:
    with store.read() as session:
        return list(session.exec(select(MonitorEvent)).scalars())


def check_monitors(store, times: int, traveller, step: timedelta) -> None:
    loopback = AddressPolicy(["127.0.0.1/32"])
    for _ in range(times):
        traveller.shift(step)
        runner = MonitorRunner(
            store=store, worker="w1", clock=lambda: datetime.now(UTC), network=loopback
        )
        asyncio.run(runner.run_due())


def test_a_claimed_item_is_verified_by_each_route(served, store, fake) -> None:
    importing.import_text(store, ctx(), DOC, dry_run=False, launch_name="Checkout")
    ok(store, ctx(), "launch use Checkout")
    found = by_title(store)
    tls, secrets, backups, health = (
        found[t]
        for t in (
            "TLS certificates installed",
            "Secrets rotated",
            "Backups restored",
            "Health endpoint answers",
        )
    )
    assert all(i.status == "done" and i.verified_at is None for i in (tls, secrets, backups))
    status = answer(served.command("status", response_url=fake.response_url("s0")), fake, "s0")
    assert "claimed" in status and "verified" in status

    # 1. a person, from the item's menu (offered only while the item is claimed)
    served.menu(ids.MENU_VERIFY, str(tls.id), response_url=fake.response_url("m1"))
    eventually(lambda: item(store, tls.key).verified_at is not None)
    assert item(store, tls.key).verified_via == "person"
    assert item(store, tls.key).verified_by == ALICE

    # 2. evidence attached with /ready evidence
    url = "https://wiki.example.com/rotation-2026-11"
    reply = answer(
        served.command(f"evidence {secrets.key} {url}", response_url=fake.response_url("e")),
        fake,
        "e",
    )
    assert secrets.key in reply
    assert item(store, secrets.key).verified_via == "evidence"

    # 3. a person saying `verify` in the channel
    answer(served.command(f"verify {backups.key}", response_url=fake.response_url("v")), fake, "v")
    assert item(store, backups.key).verified_via == "person"

    # 4. a linked monitor that is up
    with (
        FakeTarget({"/health": Reply(status=200, body=b"ok")}) as target,
        time_machine.travel(datetime.now(UTC), tick=False) as traveller,
    ):
        added = served.command(
            f"monitor add {target.url('/health')} item {health.key} every 1m",
            response_url=fake.response_url("mon"),
        )
        assert "Monitor" in answer(added, fake, "mon")
        check_monitors(store, 3, traveller, timedelta(minutes=1, seconds=1))
    assert item(store, health.key).verified_via == "monitor"
    verified = {e.item_key for e in events(store) if e.action == "verified"}
    assert {tls.key, backups.key, health.key} <= verified
    assert "evidence" in {e.action for e in events(store, secrets.key)}


def test_expired_evidence_reopens_dms_the_owner_and_verify_again_closes_it(
    served, store, fake
) -> None:
    start = datetime.now(UTC)
    ok(store, ctx(now=start), "launch new Checkout date 2027-06-01")
    ok(store, ctx(now=start), "add Restore test key BAK !critical")
    ok(store, ctx(now=start), f"assign BAK <@{DANA}>")
    answer(
        served.command("done BAK restored in 14 min", response_url=fake.response_url("d")),
        fake,
        "d",
    )
    answer(served.command("verify BAK every 30d", response_url=fake.response_url("v")), fake, "v")
    assert item(store, "BAK").status == "done"
    with time_machine.travel(start + timedelta(days=31), tick=False):
        assert served.service.jobs.evidence() == 1
        assert served.service.jobs.evidence() == 0  # once
        served.deliver()
    assert item(store, "BAK").status == "todo"
    dm = eventually(lambda: next(m for m in fake.posted(DANA) if "BAK" in json.dumps(m)))
    text = json.dumps(dm, ensure_ascii=False)
    assert "older than 30" in text and ids.ACTION_ITEM_VERIFY in text
    assert "&lt;link or note&gt;" in text  # not Slack markup that eats the placeholder
    # Once: not again the next days, nor from a replica or a restarted readybot.
    with serve(store, fake) as replica:
        for day in (31, 32, 40):
            with time_machine.travel(start + timedelta(days=day, hours=1), tick=False):
                assert replica.service.jobs.evidence() == 0
                assert served.service.jobs.evidence() == 0
                replica.deliver()
                served.deliver()
    assert len([m for m in fake.posted(DANA) if "BAK" in json.dumps(m)]) == 1
    button = next(
        element
        for block in dm["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == ids.ACTION_ITEM_VERIFY
    )
    served.click(ids.ACTION_ITEM_VERIFY, button["value"], user=DANA, channel=DANA)
    eventually(lambda: item(store, "BAK").status == "done")
    again = item(store, "BAK")
    assert again.verified_by == DANA and again.verified_at is not None


def test_a_stability_window_completes_after_an_unbroken_run_and_resets_on_failure(
    served, store, fake
) -> None:
    ok(store, ctx(), "launch new Checkout date 2027-06-01")
    ok(store, ctx(), "add Checkout API stable key API !critical")
    replies = {"/health": Reply(status=200, body=b"ok")}
    with (
        FakeTarget(replies) as target,
        time_machine.travel(datetime.now(UTC), tick=False) as traveller,
    ):
        ok(store, ctx(), f"monitor add {target.url('/health')} every 1h")
        shown = answer(
            served.command("verify API by monitor 1 for 6h", response_url=fake.response_url("w")),
            fake,
            "w",
        )
        assert "6" in shown and "API" in shown
        hour = timedelta(hours=1, seconds=1)
        check_monitors(store, 4, traveller, hour)
        assert item(store, "API").status != "done"  # 4 h up: not yet
        target.routes["/health"] = Reply(status=503)
        check_monitors(store, 3, traveller, hour)  # a confirmed failure breaks the run
        target.routes["/health"] = Reply(status=200, body=b"ok")
        check_monitors(store, 4, traveller, hour)
        assert item(store, "API").status != "done"  # the window started again
        assert "down" in {e.kind for e in monitor_events(store)}
        check_monitors(store, 4, traveller, hour)
        done = item(store, "API")
        assert done.status == "done" and done.verified_via == "monitor"
        note = next(e.note for e in events(store, "API") if e.action == "done")
        assert "without a break" in note
        target.routes["/health"] = Reply(status=503)
        check_monitors(store, 3, traveller, hour)  # failing again before the launch
    assert item(store, "API").status == "todo"
    reopened = [e for e in events(store, "API") if e.action == "reopened"]
    assert reopened and "window starts again" in reopened[-1].note


def test_a_stability_window_verifies_a_claimed_item_and_a_failure_reopens_it(
    served, store, fake
) -> None:
    importing.import_text(store, ctx(), DOC, dry_run=False, launch_name="Checkout")
    ok(store, ctx(), "launch use Checkout")
    health = by_title(store)["Health endpoint answers"]
    assert health.status == "done" and health.verified_at is None  # claimed by the document
    replies = {"/health": Reply(status=200, body=b"ok")}
    with (
        FakeTarget(replies) as target,
        time_machine.travel(datetime.now(UTC), tick=False) as traveller,
    ):
        ok(store, ctx(), f"monitor add {target.url('/health')} every 1h")
        shown = answer(
            served.command(
                f"verify {health.key} by monitor 1 for 3 hours", response_url=fake.response_url("w")
            ),
            fake,
            "w",
        )
        assert "set a stability window for" in shown
        hour = timedelta(hours=1, seconds=1)
        check_monitors(store, 2, traveller, hour)
        assert item(store, health.key).verified_at is None  # 2 h up: still only claimed
        check_monitors(store, 2, traveller, hour)
        verified = item(store, health.key)
        assert verified.status == "done" and verified.verified_via == "monitor"
        note = next(e.note for e in events(store, health.key) if e.action == "verified")
        assert "up for 3 h without a break" in note
        target.routes["/health"] = Reply(status=503)
        check_monitors(store, 3, traveller, hour)  # a confirmed failure before the launch
    assert item(store, health.key).status == "todo"
    assert any(
        e.action == "reopened" and "window starts again" in (e.note or "")
        for e in events(store, health.key)
    )


def test_dependency_cycles_are_refused_naming_the_cycle(served, store, fake) -> None:
    ok(store, ctx(), "launch new Checkout")
    for key in ("DNS", "TLS", "CDN"):
        ok(store, ctx(), f"add {key} work key {key}")
    answer(served.command("needs TLS DNS", response_url=fake.response_url("a")), fake, "a")
    answer(served.command("needs CDN TLS", response_url=fake.response_url("b")), fake, "b")
    refused = answer(
        served.command("needs DNS CDN", response_url=fake.response_url("c")), fake, "c"
    )
    assert "cycle" in refused and "DNS → CDN → TLS → DNS" in refused
    assert "needs" not in {e.action for e in events(store, "DNS")}


def test_status_shows_the_critical_path_of_a_60_item_launch(served, store, fake) -> None:
    ok(store, ctx(), "launch new Checkout date 2027-01-15")
    for n in range(1, 61):
        ok(store, ctx(), f"add Item number {n} key K{n}" + (" !critical" if n % 10 == 0 else ""))
    for n in range(2, 8):  # a chain K1 → K2 → … → K7, the longest
        ok(store, ctx(), f"needs K{n} K{n - 1}")
    ok(store, ctx(), "needs K30 K20")
    ok(store, ctx(), f"assign K1 <@{DANA}>")
    ok(store, ctx(), "block K1 waiting on the registrar")
    status = answer(served.command("status", response_url=fake.response_url("s")), fake, "s")
    assert "Critical path" in status
    path = status[status.index("Critical path") :]
    line = path[: path.index("\\n")]
    assert line.index("K1") < line.index("K2") < line.index("K5") and "+2" in line
    assert "blocked" in line and "<@U4DANA>" in line  # the first step, with its owner
    assert "holds up `K2`, `K3`, `K4`, `K5` and 2 more" in status
    message = json.loads(status)
    assert len(message.get("blocks", [])) <= 12


def test_a_t_minus_due_date_moves_with_the_launch_date(served, store, fake) -> None:
    ok(store, ctx(), "launch new Checkout date 2027-01-20")
    ok(store, ctx(), "add Load test key LOAD")
    set_due = answer(
        served.command("due LOAD T-7d", response_url=fake.response_url("d")), fake, "d"
    )
    assert "LOAD" in set_due
    assert item(store, "LOAD").due_date.isoformat() == "2027-01-13"
    answer(served.command("launch date 2027-02-10", response_url=fake.response_url("m")), fake, "m")
    assert item(store, "LOAD").due_date.isoformat() == "2027-02-03"
    ok(store, ctx(), "due LOAD 2027-01-25")  # a fixed date no longer moves
    answer(served.command("launch date 2027-03-01", response_url=fake.response_url("n")), fake, "n")
    assert item(store, "LOAD").due_date.isoformat() == "2027-01-25"
