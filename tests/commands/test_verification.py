"""Claimed and verified done, evidence that expires, dependencies and relative due dates,
against a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.render.text import render
from commands import importing
from commands.items.expiry import expire_evidence
from storage.models import Item, Outbox
from tests.commands.helpers import events, fails, item, ok
from tests.conftest import NOW, make_ctx

DOC = """# Checkout v2 — readiness
## Security
- [x] 🔴 TLS certificates installed
- [x] 🔴 Secrets rotated — evidence: https://wiki.example.com/rotation-2026-11
- [ ] 🔴 Pen test report filed
- [ ] WAF rules reviewed (depends on Pen test report filed)
"""


def items(store) -> dict[str, Item]:
    with store.read() as session:
        return {i.title: i for i in session.exec(select(Item)).scalars()}


def test_an_import_claims_and_evidence_or_a_person_verifies(store) -> None:
    alice = make_ctx("alice")
    importing.import_text(store, alice, DOC, dry_run=False, launch_name="Checkout")
    found = items(store)
    tls = found["TLS certificates installed"]
    secrets = next(i for t, i in found.items() if t.startswith("Secrets rotated"))
    assert tls.status == "done" and tls.verified_at is None  # claimed
    assert secrets.verified_at is not None and secrets.verified_via == "evidence"
    status = render(ok(store, alice, "status"))
    assert "claimed" in status and "verified" in status
    ok(store, alice, f"evidence {tls.key} https://ssl-checker.example.com/report/991")
    assert item(store, tls.key).verified_via == "evidence"
    assert (
        "already has that evidence"
        in fails(
            store, alice, f"evidence {tls.key} https://ssl-checker.example.com/report/991"
        ).message
    )


def test_verify_needs_a_done_item_and_require_verified_critical_changes_the_verdict(store) -> None:
    alice = make_ctx("alice")
    importing.import_text(store, alice, DOC, dry_run=False, launch_name="Checkout")
    pen = next(i for t, i in items(store).items() if t.startswith("Pen test"))
    assert "is not done" in fails(store, alice, f"verify {pen.key}").message
    ok(store, alice, f"done {pen.key} report in the vault")
    ok(store, alice, "done WAF rules reviewed")
    ok(store, alice, "launch bar 0")
    assert ok(store, alice, "status").report.verdict.go
    ok(store, alice, "launch require verified critical")
    verdict = ok(store, alice, "status").report.verdict
    assert not verdict.go and "1 critical only claimed done" in verdict.counts
    tls = items(store)["TLS certificates installed"]
    ok(store, alice, f"verify {tls.key}")
    assert ok(store, alice, "status").report.verdict.go
    assert "verified" in {e.action for e in events(store, tls.key)}


def test_dependencies_refuse_cycles_and_name_them(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date dec 20")
    for title in ("DNS cut-over", "TLS certificates", "CDN config", "Smoke test"):
        ok(store, alice, f"add {title}")
    keys = {i.title: i.key for i in items(store).values()}
    ok(store, alice, f"needs {keys['TLS certificates']} {keys['DNS cut-over']}")
    ok(store, alice, f'needs "smoke test" {keys["TLS certificates"]}, {keys["CDN config"]}')
    refused = fails(store, alice, f"needs {keys['DNS cut-over']} {keys['Smoke test']}")
    dns, tls, smoke = keys["DNS cut-over"], keys["TLS certificates"], keys["Smoke test"]
    assert f"That would make a cycle: {dns} → {smoke} → {tls} → {dns}" in refused.message
    itself = fails(store, alice, f"needs {dns} {dns}").message
    assert "cannot need itself" in itself and f"`/ready needs {dns} <other item>`" in itself
    assert "already needs" in fails(store, alice, f"needs {tls} {dns}").message
    ok(store, alice, f"block {dns} waiting on the registrar")
    status = render(ok(store, alice, "status"))
    assert f"holds up `{tls}` and `{smoke}`" in status
    assert f"Critical path: {dns}" in status
    waits = ok(store, alice, "status").report.plan.waits_for
    assert waits[smoke] == tuple(sorted((keys["CDN config"], tls))) and waits[tls] == (dns,)
    ok(store, alice, f"priority {smoke} critical")
    smoke_row = next(
        line
        for line in render(ok(store, alice, "status")).splitlines()
        if smoke in line and "Smoke" in line
    )
    first, second = sorted((keys["CDN config"], tls))
    assert f"waits for `{first}` and `{second}`" in smoke_row
    ok(store, alice, f"needs {tls} not {dns}")
    assert {"needs", "unneeds"} <= {e.action for e in events(store, tls)}
    unknown = fails(store, alice, f"needs {tls} DNS cutover plan")
    assert "Did you mean" in render(unknown) and dns in render(unknown)


def test_an_imported_document_states_dependencies(store) -> None:
    importing.import_text(store, make_ctx("alice"), DOC, dry_run=False, launch_name="Checkout")
    with store.read() as session:
        from storage import readiness

        edges = readiness.edges(session, launch_id=1)
    waf = items(store)["WAF rules reviewed"]
    pen = next(i for t, i in items(store).items() if t.startswith("Pen test"))
    assert edges == [(waf.id, pen.id)]


def test_a_blocked_item_tells_the_owners_of_what_needs_it_once(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    ok(store, alice, "add DNS cut-over key DNS")
    ok(store, alice, "add TLS certificates key TLS")
    ok(store, alice, "assign TLS @bob")
    ok(store, alice, "needs TLS DNS")
    ok(store, alice, "block DNS waiting on the registrar")
    ok(store, alice, "block DNS the registrar wants a form")  # reblocked: no second notice
    with store.read() as session:
        told = session.exec(select(Outbox).where(Outbox.kind == "held_up")).scalars().all()
    assert [(o.channel_id, o.payload["waiting"]) for o in told] == [("bob", ["TLS"])]


def test_t_minus_due_dates_move_with_the_target(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    ok(store, alice, "add Load test key LOAD")
    assert (
        "counts back from the launch's target date" in fails(store, alice, "due LOAD T-7d").message
    )
    ok(store, alice, "launch date 2026-12-20")
    ok(store, alice, "due LOAD T-7d")
    assert item(store, "LOAD").due_date.isoformat() == "2026-12-13"
    reply = ok(store, alice, "launch date 2027-01-10")
    assert "1 due date moved with it" in render(reply)
    assert item(store, "LOAD").due_date.isoformat() == "2027-01-03"
    ok(store, alice, "due LOAD dec 30")  # a plain date stops following the target
    ok(store, alice, "launch date 2027-01-20")
    assert item(store, "LOAD").due_date.isoformat() == "2026-12-30"


def test_evidence_that_grows_old_reopens_the_item_and_tells_its_owner(store) -> None:
    start = NOW
    with time_machine.travel(start, tick=False):
        alice = make_ctx("alice", now=start)
        ok(store, alice, "launch new Checkout date 2027-03-01")
        ok(store, alice, "add Restore test key BAK !critical")
        ok(store, alice, "assign BAK @dana")
        ok(store, alice, "done BAK restored in 14 min")
        said = render(ok(store, alice, "verify BAK every 30d"))
        again_by = (start + timedelta(days=30)).strftime("%b %-d")
        assert "set a maximum evidence age for BAK" in said, said
        assert "at most 30 d old: verify it again by" in said and again_by in said
        digest_warns = ok(store, alice, "status")
        assert digest_warns.report.score.ready == 1
    later = start + timedelta(days=31)
    assert expire_evidence(store, later, slack=False) == 1
    assert expire_evidence(store, later, slack=False) == 0  # once
    assert item(store, "BAK").status == "todo"
    expired = [e for e in events(store, "BAK") if e.action == "evidence_expired"]
    assert expired and "older than 30 d" in expired[0].note
    with store.read() as session:
        dm = session.exec(select(Outbox).where(Outbox.kind == "evidence_expired")).scalars().one()
    assert dm.channel_id == "dana" and dm.payload["key"] == "BAK"
    dana = make_ctx("dana", now=later)
    ok(store, dana, "verify BAK")  # verifying again is doing it again
    again = item(store, "BAK")
    assert again.status == "done" and again.verified_by == "dana"


def test_the_digest_warns_of_evidence_too_old_by_the_target(store) -> None:
    from bot.render.digest.digest import render_digest_text
    from bot.render.digest.templates import load_templates
    from commands.digests.gather import gather
    from storage.models import DigestRun

    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2027-06-01")
    ok(store, alice, "add Restore test key BAK")
    ok(store, alice, "done BAK restored")
    ok(store, alice, "verify BAK every 30d")
    with store.write() as session:
        run = DigestRun(
            team_id="T1",
            channel_id="C-LAUNCH",
            launch_id=1,
            run_key="x",
            due_at=NOW,
            claimed_at=NOW,
            claimed_by="t",
        )
        digest = gather(session, run, NOW)
    text = render_digest_text(digest, load_templates())
    assert "Evidence too old by the target (1)" in text and "BAK" in text
    assert datetime(2026, 12, 20, tzinfo=UTC).date().isoformat()  # 30 d after Nov 20


def test_done_before_what_it_needs_is_allowed_and_said(store) -> None:
    from bot.render import text as render_text
    from bot.render.messages import change_line

    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    for key in ("DNS", "CDN", "TLS"):
        ok(store, alice, f"add {key} work key {key}")
    ok(store, alice, "needs TLS DNS, CDN")
    ok(store, alice, "done CDN")
    early = ok(store, alice, "done TLS")
    assert early.still_needs == ("DNS",)
    assert "It needs `DNS`, still open." in change_line(early, viewer=None)
    assert "It needs `DNS`, still open." in render_text.render(early, render_text.CONSOLE)
    assert ok(store, alice, "done DNS").still_needs == ()


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("verify BAK every 30d", 30),
        ("verify BAK every 30 days", 30),
        ("verify BAK every 2 weeks", 14),
        ("verify BAK every 2w", 14),
        ("verify BAK every month", 30),
        ("verify BAK every 3 months", 90),
        ("verify BAK every off", None),
    ],
)
def test_an_evidence_age_reads_as_people_write_it(text: str, days: int | None) -> None:
    from commands.parse.text import parse
    from commands.verbs.readiness import VerifyEvery

    assert parse(text) == VerifyEvery("BAK", days)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("verify API by monitor 3 for 72h", 72),
        ("verify API by monitor 3 for 72 hours", 72),
        ("verify API by monitor #3 for 3 days", 72),
        ("verify API by monitor 3 for 2h30m", 2.5),
        ("verify API by monitor 3 for 90 minutes", 1.5),
    ],
)
def test_a_stability_window_reads_as_people_write_it(text: str, hours: float) -> None:
    from commands.parse.text import parse
    from commands.verbs.readiness import VerifyByMonitor

    assert parse(text) == VerifyByMonitor("API", 3, hours)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("verify BAK every 0d", "`every 30d`"),
        ("verify BAK every soon", "`every month`"),
        ("verify API by monitor api for 72h", "`/ready monitor list`"),
        ("verify API by monitor 3 for ever", "`for 72h`"),
    ],
)
def test_a_bad_age_or_window_says_what_to_type(store, text: str, says: str) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    ok(store, alice, "add Restore test key BAK")
    refused = fails(store, alice, text)
    assert says in refused.message and refused.verb == "verify"
    assert [e.action for e in events(store, "BAK")] == ["created"]
