"""The launch's items kept between reports (commands.launch_state) and brought up to date
from the items the database marked (migration 0015's triggers) are what a whole read gives,
after every kind of change (commands, imports, deletions, dependencies, settings, a new
day), and so are the counts, the claimed items and the graph made from them: the counts
are those `storage.items.status_counts` gives, the claimed those a plain query finds."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import and_, or_, select, text

from commands import importing
from commands.launch_state import StateCache, launch_state, read_whole
from commands.launching import current_launch, local_today
from commands.replies import ErrorReply
from commands.run import execute
from commands.status import build_report
from storage import items, readiness
from storage.engine import open_store
from storage.models import Item
from tests.commands.helpers import ok
from tests.conftest import make_ctx

KEYS = [f"K{n}" for n in range(12)]
DOCUMENT = """# Readiness

| Item | Priority | Status | Owner |
|---|---|---|---|
| TLS certificates renewed | Critical | Done | @ana |
| Backups restored in staging | High | Blocked: waiting on storage | |
| Pager rota agreed | Medium | In progress | @ben |
| Rollback rehearsed | High | Not started | |
"""


def _kept_and_whole(store, ctx):
    """The state the cache hands out now, and the one read whole in the same transaction;
    checked against the database's own counts and a plain query for the claimed items."""
    with store.read() as session:
        launch = current_launch(session, ctx)
        today = local_today(ctx, launch)
        kept = launch_state(session, launch, today)
        settings = (today, bool(launch.require_verified_critical), launch.scenario)
        assert launch.id is not None
        whole = read_whole(session, launch.id, launch.plan_revision, launch.items_removed, settings)
        counted = items.status_counts(
            session, launch_id=launch.id, scenario=launch.scenario, today=today
        )
        assert sorted(kept.count_rows()) == sorted(counted)
        claimed: dict[tuple[str, str], int] = {}
        for item in session.exec(select(Item).where(Item.launch_id == launch.id)).scalars():
            if (
                item.status == "done"
                and item.verified_at is None
                and items.is_required(item.scenarios, launch.scenario)
            ):
                key = (item.category, item.priority)
                claimed[key] = claimed.get(key, 0) + 1
        assert kept.claimed == claimed
        for name, keys in concern_lists(session, launch.id, launch.scenario, today).items():
            assert [kept.rows[entry[-1]][1] for entry in kept.concerns[name]] == keys, name
    return (kept.graph, kept.ids, kept.rows, kept.counts), (
        whole.graph,
        whole.ids,
        whole.rows,
        whole.counts,
    )


def concern_lists(session, launch_id, scenario, today) -> dict[str, list[str]]:
    """Each concern's item keys in order, by plain queries: the filters and orders status
    lists by (undated and open-ended last, unknown block times first)."""
    base = and_(Item.launch_id == launch_id, items.required_clause(scenario))
    is_open = items.open_clause(today)
    open_now = Item.status.in_(["todo", "in_progress", "blocked"])
    by_due = (Item.due_date.is_(None), Item.due_date, Item.seq, Item.id)
    parts = {
        "critical": (and_(Item.priority == "critical", is_open), by_due),
        "blocked": (Item.status == "blocked", (Item.blocked_at.nulls_first(), Item.seq, Item.id)),
        "overdue": (and_(Item.due_date < today, open_now), (Item.due_date, Item.seq, Item.id)),
        "upcoming": (and_(Item.due_date >= today, open_now), (Item.due_date, Item.seq, Item.id)),
        "high": (and_(Item.priority == "high", is_open), by_due),
        "critical_overdue": (
            and_(Item.priority == "critical", open_now, Item.due_date < today),
            (Item.due_date, Item.seq, Item.id),
        ),
        "waived": (
            and_(
                Item.status == "waived",
                or_(Item.waiver_until.is_(None), Item.waiver_until >= today),
            ),
            (Item.waiver_until.is_(None), Item.waiver_until, Item.seq, Item.id),
        ),
    }
    return {
        name: list(session.execute(select(Item.key).where(base, where).order_by(*order)).scalars())
        for name, (where, order) in parts.items()
    }


def _report_read_whole(store, ctx):
    """The status report a third engine makes, which keeps nothing yet: read whole."""
    blank = open_store(store.engine.url.render_as_string(hide_password=False))
    try:
        with blank.read() as session:
            launch = current_launch(session, ctx)
            return build_report(session, ctx, launch, local_today(ctx, launch))[0]
    finally:
        blank.dispose()


def _random_change(rng: random.Random) -> str:
    key, other = rng.sample(KEYS, 2)
    return rng.choice(
        [
            f"add Item {rng.randrange(10**6)} #{rng.choice(['Sec', 'Ops'])} "
            f"!{rng.choice(['critical', 'high', 'low'])} key {key}",
            f"done {key}",
            f"reopen {key}",
            f"block {key} waiting on {other}",
            f"unblock {key}",
            f"start {key}",
            f"waive {key} accepted for the beta",
            f"assign {key} @u{rng.randrange(3)}",
            f"due {key} 2026-12-{rng.randrange(1, 28):02d}",
            f"due {key} 2026-11-{rng.randrange(17, 24):02d}",  # around today
            f"waive {key} accepted until 2026-11-{rng.randrange(19, 24):02d}",
            f"priority {key} {rng.choice(['critical', 'high', 'medium', 'low'])}",
            f"note {key} the vendor answered",
            f"needs {key} {other}",
            f"needs {key} not {other}",
            f"scope {key} {rng.choice(['all', 'regulated', 'internal'])}",
            f"remove {key}",
            f"verify {key}",
            f"launch scenario {rng.choice(['internal', 'internet-facing', 'regulated'])}",
            f"launch require verified {rng.choice(['critical', 'claimed'])}",
            "undo",
        ]
    )


def _tracker(rng: random.Random) -> str:
    """A tracker table of KEYS[:10]: some done only as the document says (claimed)."""
    lines = ["| ID | Summary | Priority | Status | Due |", "|---|---|---|---|---|"]
    for key in KEYS[:10]:
        status = rng.choice(["Done", "Done", "Blocked", "In progress", "Not started"])
        due = f"2026-11-{rng.randrange(17, 24)}" if rng.random() < 0.6 else ""
        priority = rng.choice(["Critical", "High", "Medium", "Low"])
        lines.append(f"| {key} | Item {key} work | {priority} | {status} | {due} |")
    return "# Launch tracker\n\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(10))
def test_the_kept_state_is_the_state_read_whole_after_every_change(store, seed) -> None:
    rng = random.Random(seed)
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2026-12-20")
    importing.import_text(store, alice, _tracker(rng), dry_run=False)
    if seed % 2:
        ok(store, alice, "launch require verified critical")
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole and len(kept[2]) == 10
    for step in range(40):
        change = _random_change(rng)
        execute(store, alice, change)  # refused ones too (a cycle, an unknown key)
        kept, whole = _kept_and_whole(store, alice)
        assert kept == whole, (step, change)


def test_an_import_a_deletion_and_a_hand_written_update_reach_the_kept_graph(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2026-12-20")
    ok(store, alice, "add Load test #Testing !high key LOAD")
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole
    importing.import_text(store, alice, DOCUMENT, dry_run=False)
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole and len(kept[0].nodes) == 5  # TLS is critical and only claimed
    # Whatever writes the row, the database marks it: here SQL typed by an operator, who
    # moves the launch's revisions as every change must (or no cached report would move).
    with store.write() as session:
        session.execute(text("UPDATE item SET status = 'done' WHERE key = 'LOAD'"))
        session.execute(
            text("UPDATE launch SET revision = revision + 1, plan_revision = plan_revision + 1")
        )
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole and "LOAD" not in kept[1]
    with store.write() as session:  # a deletion is seen even with the revisions left alone
        session.execute(text("DELETE FROM item WHERE title LIKE 'Pager%'"))
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole and len(kept[0].nodes) == 3


def test_a_new_day_rebuilds_the_nodes_a_waiver_ends(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2026-12-20")
    ok(store, alice, "add Pen test #Sec !high key PEN")
    ok(store, alice, f"waive PEN accepted until {(alice.now + timedelta(days=1)).date()}")
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole and kept[0].nodes[kept[1]["PEN"]].ready
    later = make_ctx("alice", now=alice.now + timedelta(days=3))
    kept, whole = _kept_and_whole(store, later)
    assert kept == whole and not kept[0].nodes[kept[1]["PEN"]].ready  # the waiver ended


def test_the_database_says_it_keeps_the_marks(store) -> None:
    with store.read() as session:
        assert readiness.plan_marks_kept(session)


def test_refused_changes_leave_the_graph_as_it_was(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2026-12-20")
    ok(store, alice, "add A #Sec !high key A")
    ok(store, alice, "add B #Sec !high key B")
    ok(store, alice, "needs A B")
    before, _ = _kept_and_whole(store, alice)
    assert isinstance(execute(store, alice, "needs B A"), ErrorReply)  # a cycle
    after, whole = _kept_and_whole(store, alice)
    assert after == whole == before


def test_the_kept_launches_are_bounded_by_their_items(store) -> None:
    cache = StateCache(launches=8, max_items=5)
    seen = []
    for name in ("One", "Two", "Three"):
        alice = make_ctx("alice", channel=f"C-{name.upper()}")
        ok(store, alice, f"launch new {name} date 2026-12-20")
        for n in range(3):
            ok(store, alice, f"add {name} item {n} #Ops !high")
        with store.read() as session:
            launch = current_launch(session, alice)
            seen.append(cache.state(session, launch, local_today(alice, launch)).rows)
    # Three launches of three items, at most five items kept: only the newest stays.
    assert [len(rows) for rows in seen] == [3, 3, 3]
    assert len(cache._kept._entries) == 1


def test_a_replica_sees_at_once_what_another_changed(store) -> None:
    """Two replicas, each with its own engine and kept state, over one database: what one
    changes, the other's next status shows, as a report made from scratch would."""
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    try:
        alice = make_ctx("alice")
        ok(store, alice, "launch new Checkout date 2026-12-20")
        for key in ("TLS", "DNS", "PEN", "RUN"):
            ok(store, alice, f"add {key} work #Sec !critical key {key}")
        ok(store, alice, "needs DNS TLS")
        for replica, change in [
            (other, "block TLS waiting on the CA"),
            (store, "status"),
            (other, "done DNS"),
            (other, "needs PEN RUN"),
            (other, "unblock TLS"),
            (other, "remove RUN"),
            (store, "add Pager rota #Ops !high key PAGER"),
            (other, "waive PEN accepted for the beta"),
        ]:
            ok(replica, alice, change)
            fresh = _report_read_whole(store, alice)
            for reader in (store, other):
                shown = ok(reader, alice, "status").report
                assert shown == fresh, change
        assert "TLS" not in {b.key for b in shown.concerns.blocked}
        assert {b.key for b in shown.concerns.waived} == {"PEN"}
    finally:
        other.dispose()


def test_changes_made_while_others_read_status_all_reach_the_kept_state(store) -> None:
    """Writers in threads change items while readers keep asking for status: whatever the
    interleaving (on PostgreSQL each statement sees the latest commits), the state kept in
    the end is the one a whole read gives, and so is the report."""

    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2026-12-20")
    importing.import_text(store, alice, _tracker(random.Random(3)), dry_run=False)
    failures: list[BaseException] = []
    stop = threading.Event()

    def write(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(25):
                # No removals: a deletion reads the launch whole, the path not under test here.
                execute(store, make_ctx(f"u{seed}"), _random_change(rng).replace("remove", "note"))
        except BaseException as exc:
            failures.append(exc)

    def read() -> None:
        try:
            while not stop.is_set():
                ok(store, alice, "status")
        except BaseException as exc:
            failures.append(exc)

    writers = [threading.Thread(target=write, args=(seed,)) for seed in range(3)]
    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in (*writers, *readers):
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert not failures, failures
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole
    assert ok(store, alice, "status").report == _report_read_whole(store, alice)
