"""The status report (score, concerns, sign-offs, critical path, shortest path to GO) kept
across a note, and only a note: each status after any change shows what a report computed
afresh would show (commands.status)."""

from __future__ import annotations

from commands.launching import current_launch, local_today
from commands.status import build_report
from storage.launches import all_launches
from tests.commands.helpers import ok
from tests.conftest import make_ctx


def _shown_and_fresh(store, ctx):
    """The report `status` shows, and the one computed from scratch at the same moment."""
    shown = ok(store, ctx, "status").report
    with store.read() as session:
        launch = current_launch(session, ctx)
        fresh, _ = build_report(session, ctx, launch, local_today(ctx, launch))
    return shown, fresh


def _plan_revision(store) -> int:
    with store.read() as session:
        return all_launches(session)[0].plan_revision


def test_a_note_keeps_the_plan_and_every_other_change_moves_it(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2026-12-20")
    for text in (
        "add TLS certificates #Security !critical key TLS",
        "add DNS cut-over #Infra !critical key DNS",
        "add Smoke test #Testing !high key SMOKE",
        "add Backups restored #Infra !critical key BAK",
        "add Runbook written #Ops !medium key RUN",
    ):
        ok(store, alice, text)
    ok(store, alice, "needs DNS TLS")
    ok(store, alice, "needs SMOKE DNS")
    ok(store, alice, "due TLS 2026-12-10")

    shown, fresh = _shown_and_fresh(store, alice)
    assert shown == fresh and shown.plan.path_to_go is not None and shown.plan.critical_path
    before = _plan_revision(store)

    ok(store, alice, "note TLS the CA answered")
    assert _plan_revision(store) == before  # a note cannot move what status shows
    again, fresh = _shown_and_fresh(store, alice)
    assert again == fresh == shown
    assert again is shown  # the report itself is kept

    for change in (
        "done TLS installed",
        "block BAK waiting on the storage team",
        "assign RUN @bob",
        "due DNS 2026-12-18",
        "needs RUN BAK",
        "reopen TLS",
        "add Pager rota #Ops !critical key PAGER",
        "waive SMOKE accepted by the CTO for the beta",
    ):
        revision = _plan_revision(store)
        ok(store, alice, change)
        assert _plan_revision(store) > revision, change
        shown, fresh = _shown_and_fresh(store, alice)
        assert shown == fresh, change
