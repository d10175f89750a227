"""Item verbs end to end against a real database (SQLite and PostgreSQL)."""

from datetime import date, timedelta

from commands.replies import HistoryReply, ItemChanged, ItemListReply, StatusReply
from storage.vocabulary import Status
from tests.commands.helpers import events, fails, fingerprint, item, ok, seed
from tests.conftest import NOW, make_ctx


def test_add_creates_an_item_with_a_key_from_its_category_and_audits_it(store, ctx) -> None:
    seed(store, ctx)
    mfa = item(store, "SEC-1")
    assert (mfa.title, mfa.category, mfa.priority, mfa.status) == (
        "Enable MFA for admins",
        "Security",
        "high",
        "todo",
    )
    created = events(store, "SEC-1")
    assert [(e.action, e.actor, e.via) for e in created] == [("created", "alice", "command")]
    assert created[0].after["title"] == "Enable MFA for admins"


def test_a_category_reuses_the_existing_spelling(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "add Pen test booked #security")
    assert item(store, "SEC-2").category == "Security"


def test_done_with_evidence_closes_the_item_and_records_before_and_after(store, ctx) -> None:
    seed(store, ctx)
    reply = ok(store, ctx, "done SSL cert installed, expires 2027-03-01")
    assert isinstance(reply, ItemChanged) and reply.announce
    ssl = item(store, "SSL")
    assert (ssl.status, ssl.evidence, ssl.done_by) == (
        "done",
        "cert installed, expires 2027-03-01",
        "alice",
    )
    last = events(store, "SSL")[-1]
    assert (last.action, last.before["status"], last.after["status"]) == ("done", "todo", "done")


def test_block_by_fuzzy_title_keeps_the_reason(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "block backups restored waiting on the storage team")
    backups = item(store, "INF-1")
    assert (backups.status, backups.blocked_reason, backups.blocked_by) == (
        "blocked",
        "waiting on the storage team",
        "alice",
    )


def test_an_ambiguous_reference_lists_candidates_and_changes_nothing(store, ctx) -> None:
    seed(store, ctx)
    before = fingerprint(store)
    reply = fails(store, ctx, "block tls the CA is slow")
    assert {c.key for c in reply.candidates} == {"SSL", "INF-2"}
    assert reply.usage and reply.usage.startswith("/ready block")
    assert fingerprint(store) == before


def test_an_unknown_reference_suggests_close_items(store, ctx) -> None:
    seed(store, ctx)
    before = fingerprint(store)
    reply = fails(store, ctx, "done multifactor for admins")
    assert reply.message == "No item matches “multifactor”."
    assert "SEC-1" in [c.key for c in reply.suggestions]
    assert fingerprint(store) == before


def test_state_conflicts_say_what_to_type_instead(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "done SSL")
    before = fingerprint(store)
    assert "/ready reopen SSL" in fails(store, ctx, "done SSL").message
    assert "Reopen it first" in fails(store, ctx, "block SSL oops").message
    assert "not blocked" in fails(store, ctx, "unblock SSL").message
    assert fingerprint(store) == before


def test_reopen_unblock_assign_due_note_round(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "block SSL CA is slow")
    ok(store, ctx, "unblock SSL")
    assert item(store, "SSL").status == "todo"
    ok(store, ctx, "assign SSL <@U777|bob>")
    assert item(store, "SSL").owner == "U777"
    ok(store, ctx, "due SSL tomorrow")
    assert item(store, "SSL").due_date == NOW.date() + timedelta(days=1)
    ok(store, ctx, "note SSL vendor says Tuesday")
    assert item(store, "SSL").notes.endswith("@alice: vendor says Tuesday")
    ok(store, ctx, "done SSL")
    ok(store, ctx, "reopen SSL")
    ssl = item(store, "SSL")
    assert (ssl.status, ssl.done_by) == ("todo", None)
    actions = [e.action for e in events(store, "SSL")]
    assert actions == [
        "created",
        "blocked",
        "unblocked",
        "assigned",
        "due",
        "noted",
        "done",
        "reopened",
    ]
    assert ssl.version == 8


def test_history_shows_every_change_in_order(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "block SSL CA is slow")
    ok(store, ctx, "done SSL")
    reply = ok(store, ctx, "history SSL")
    assert isinstance(reply, HistoryReply)
    assert [e.action for e in reply.events] == ["created", "blocked", "unblocked", "done"]
    assert reply.events[2].note == "CA is slow"  # done cleared the block, and says why


def test_done_on_a_blocked_item_says_it_cleared_the_block(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "block SSL CA is slow")
    reply = ok(store, ctx, "done SSL")
    assert isinstance(reply, ItemChanged) and reply.cleared == "CA is slow"


def test_undo_reverts_the_change_as_one_more_audited_change(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "block SSL CA is slow")
    ok(store, ctx, "done SSL")
    undone = ok(store, ctx, "undo")
    assert isinstance(undone, ItemChanged) and undone.action == "undone"
    assert undone.item.status == Status.BLOCKED and undone.item.blocked_reason == "CA is slow"
    assert [e.action for e in ok(store, ctx, "history SSL").events][-1] == "undone"
    assert "changed since" in fails(store, ctx, f"undo {undone.event_id - 1}").message


def test_undo_is_refused_after_ten_minutes_and_for_someone_elses_item(store, ctx) -> None:
    from dataclasses import replace
    from datetime import timedelta

    seed(store, ctx)
    ok(store, ctx, "done SEC-1")
    later = replace(ctx, now=ctx.now + timedelta(minutes=11))
    assert "older than 10 minutes" in fails(store, later, "undo").message
    assert "no change of yours" in fails(store, replace(ctx, user_id="bob"), "undo").message


def test_list_filters_and_pages(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "block SSL CA")
    blocked = ok(store, ctx, "list blocked")
    assert isinstance(blocked, ItemListReply) and [i.key for i in blocked.items] == ["SSL"]
    overdue = ok(store, ctx, "list overdue")
    assert [i.key for i in overdue.items] == ["TES-1"]
    security = ok(store, ctx, "list secur")
    assert security.description == "items in Security" and security.total == 2
    for n in range(25):
        ok(store, ctx, f"add Filler task number {n} #Misc")
    page2 = ok(store, ctx, "list all page 2")
    assert (page2.total, len(page2.items), page2.pages) == (30, 10, 2)
    assert "only 2 pages" in fails(store, ctx, "list all page 3").message


def test_list_of_an_unknown_category_names_the_categories(store, ctx) -> None:
    seed(store, ctx)
    message = fails(store, ctx, "list quantum").message
    assert "Security" in message and "Infrastructure" in message


def test_waive_needs_an_owner_or_admin_and_counts_as_done_until_it_expires(store, ctx) -> None:
    seed(store, ctx)
    bob = make_ctx("bob")
    refusal = fails(store, bob, "waive TES-1 out of scope for beta")
    assert "launch owner" in refusal.message
    ok(store, ctx, "waive TES-1 out of scope for beta until 2026-11-30")
    assert item(store, "TES-1").status == Status.WAIVED
    status_now = ok(store, ctx, "status")
    later = make_ctx(now=NOW + timedelta(days=15))
    status_later = ok(store, later, "status")
    assert status_later.report.expired_waivers == 1
    assert status_later.report.score.percent < status_now.report.score.percent


def test_people_change_their_own_and_unowned_items_only(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "assign SSL <@U1>")
    bob = make_ctx("bob")
    assert "belongs to" in fails(store, bob, "done SSL").message
    ok(store, bob, "done SEC-1")  # nobody owns it
    ok(store, make_ctx("U1"), "done SSL")
    ok(store, make_ctx("root", admins=frozenset({"root"})), "reopen SSL")


def test_remove_is_for_owners_and_keeps_the_history(store, ctx) -> None:
    seed(store, ctx)
    assert "launch owner" in fails(store, make_ctx("bob"), "remove SSL").message
    ok(store, ctx, "remove SSL")
    assert [e.action for e in events(store, "SSL")] == ["created", "removed"]
    assert "SSL" not in [i.key for i in ok(store, ctx, "list all").items]


def test_add_refuses_a_taken_key_or_a_duplicate_title(store, ctx) -> None:
    seed(store, ctx)
    assert "taken" in fails(store, ctx, "add Something else key SSL").message
    assert (
        "already on the checklist as SEC-1"
        in fails(store, ctx, "add enable mfa FOR admins").message
    )


def test_status_explains_itself(store, ctx) -> None:
    seed(store, ctx)
    ok(store, ctx, "block INF-1 storage team")
    reply = ok(store, ctx, "status")
    assert isinstance(reply, StatusReply)
    report = reply.report
    assert report.verdict.label == "NO-GO"
    assert report.verdict.why == (
        "2 critical open: SSL, INF-1",
        "1 blocked: INF-1",
        "score 0 is under the bar of 80",
    )
    assert [i.key for i in report.overdue] == ["TES-1"]
    assert report.days_to_target == 14
    assert report.score.percent == 0


def test_status_if_shows_the_score_with_those_items_done(store, ctx) -> None:
    seed(store, ctx)
    reply = ok(store, ctx, "status if SSL, backups restored")
    assert reply.what_if.score.percent > reply.report.score.percent
    assert [r.kind for r in reply.what_if.verdict.reasons] == ["bar"]  # no critical left open
    ok(store, ctx, "launch bar 60")
    assert ok(store, ctx, "status if SSL, backups restored").what_if.verdict.go


def test_forecast_waits_for_history_then_uses_the_pace_of_recent_closures(store, ctx) -> None:
    from dataclasses import replace
    from datetime import timedelta

    seed(store, ctx)
    ok(store, ctx, "done SSL")
    ok(store, ctx, "done SEC-1")
    young = ok(store, ctx, "status").report.forecast
    assert young.closed_recently == 2 and young.open_items == 3
    assert young.ready_on is None  # a day of history, two closed items: no forecast yet
    later = replace(ctx, now=ctx.now + timedelta(days=4))
    ok(store, later, "done INF-1")
    forecast = ok(store, later, "status").report.forecast
    assert forecast.closed_recently == 3 and forecast.window_days == 4
    assert forecast.likely == date(2026, 11, 27)  # 2 open at 3 per 4 days
    assert forecast.earliest <= forecast.likely <= forecast.latest


def test_scope_leaves_items_out_of_the_score_for_other_scenarios(store, ctx) -> None:
    seed(store, ctx)
    before = ok(store, ctx, "status").report
    ok(store, ctx, "scope SSL regulated")
    after = ok(store, ctx, "status").report
    assert after.not_required == 1
    assert after.score.total == before.score.total - 1
    assert "SSL" not in [i.key for i in after.concerns.open_critical]


def test_home_lists_an_owners_most_important_items_first(store) -> None:
    from commands.home import home

    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    for text in (
        "add Alpha docs #Docs !low key DOC",
        "add Beta dashboards #Ops !medium key DASH",
        "add Zulu certificates #Security !critical key TLS",
        "add Gamma backups #Infra !high key BAK due 2026-12-20",
        "add Delta restore #Infra !high key RST due 2026-12-10",
    ):
        ok(store, alice, text)
    for key in ("DOC", "DASH", "TLS", "BAK", "RST"):
        ok(store, alice, f"assign {key} @bob")
    mine = home(store, make_ctx("bob")).launches[0].mine
    assert [item.key for item in mine] == ["TLS", "RST", "BAK", "DASH", "DOC"]
