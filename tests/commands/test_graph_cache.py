"""The launch graph kept between plans (commands.graphs) and brought up to date from the
items the database marked (migration 0015's triggers) is the graph read whole, after every
kind of change: commands, imports, deletions, dependencies, settings, a new day."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import text

from commands import importing
from commands.graphs import launch_graph, read_whole
from commands.launching import current_launch, local_today
from commands.replies import ErrorReply
from commands.run import execute
from storage import readiness
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
    """The graph the cache hands out now, and the one read whole in the same transaction."""
    with store.read() as session:
        launch = current_launch(session, ctx)
        today = local_today(ctx, launch)
        graph, ids = launch_graph(session, launch, today)
        settings = (today, bool(launch.require_verified_critical), launch.scenario)
        assert launch.id is not None
        whole = read_whole(session, launch.id, launch.plan_revision, launch.items_removed, settings)
    return (graph, ids), (whole.graph, whole.ids)


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


@pytest.mark.parametrize("seed", range(10))
def test_the_kept_graph_is_the_graph_read_whole_after_every_change(store, seed) -> None:
    rng = random.Random(seed)
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout date 2026-12-20")
    for key in KEYS[:8]:
        ok(store, alice, f"add Item {key} #Sec !{rng.choice(['critical', 'high'])} key {key}")
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole and len(kept[0].nodes) == 8
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
    # Whatever writes the row, the database marks it: here SQL typed by an operator.
    with store.write() as session:
        session.execute(text("UPDATE item SET status = 'done' WHERE key = 'LOAD'"))
    kept, whole = _kept_and_whole(store, alice)
    assert kept == whole and "LOAD" not in kept[1]
    with store.write() as session:
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
