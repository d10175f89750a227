"""Two people changing the same item at the same moment: both changes land, both are audited."""

import threading
from collections.abc import Callable

from commands.replies import ErrorReply
from commands.run import execute
from storage import launches
from tests.commands.helpers import events, item, ok
from tests.conftest import make_ctx

ROUNDS = 25


def run_together(store, *writers: tuple[object, Callable[[int], str]]) -> list[str]:
    """Each (context, command for round n) in a thread of its own, all started at once, for
    ROUNDS rounds; the error messages they got."""
    start = threading.Barrier(len(writers))
    failures: list[str] = []

    def work(ctx, command: Callable[[int], str]) -> None:
        start.wait()
        for n in range(ROUNDS):
            reply = execute(store, ctx, command(n))
            if isinstance(reply, ErrorReply):
                failures.append(reply.message)

    threads = [threading.Thread(target=work, args=writer) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_simultaneous_changes_to_one_item_are_never_lost(store) -> None:
    alice, bob = make_ctx("alice"), make_ctx("bob")
    ok(store, alice, "launch new Checkout")
    ok(store, alice, "add Configure SSL/TLS certificates key SSL")
    failures = run_together(
        store, (alice, lambda n: f"note SSL alice {n}"), (bob, lambda n: f"note SSL bob {n}")
    )
    assert failures == []
    ssl = item(store, "SSL")
    notes = ssl.notes.splitlines()
    assert len(notes) == 2 * ROUNDS
    assert {line.split(": ", 1)[1] for line in notes} == {
        f"{w} {n}" for w in ("alice", "bob") for n in range(ROUNDS)
    }
    assert ssl.version == 1 + 2 * ROUNDS
    noted = [e for e in events(store, "SSL") if e.action == "noted"]
    assert len(noted) == 2 * ROUNDS


def test_simultaneous_adds_never_hand_out_the_same_key(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    start = threading.Barrier(4)
    failures: list[str] = []

    def work(worker: int) -> None:
        start.wait()
        for n in range(10):
            reply = execute(store, make_ctx(f"u{worker}"), f"add Task {worker}-{n} #Ops")
            if isinstance(reply, ErrorReply):
                failures.append(reply.message)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert {e.item_key for e in events(store) if e.action == "created"} == {
        f"OPS-{n}" for n in range(1, 41)
    }


def test_simultaneous_changes_to_different_items_each_move_the_launch_revision(store) -> None:
    """Every change bumps its launch's revision, which keys every cached report and index: two
    writers that read the launch before either took its lock must still count twice (a writer
    working from the revision it read before the lock would overwrite the other's bump)."""
    alice, bob = make_ctx("alice"), make_ctx("bob")
    ok(store, alice, "launch new Checkout")
    ok(store, alice, "add Configure SSL key SSL")
    ok(store, alice, "add Backups tested key BAK")
    with store.read() as session:
        before = launches.all_launches(session)[0].revision
    failures = run_together(
        store, (alice, lambda n: f"note SSL round {n}"), (bob, lambda n: f"note BAK round {n}")
    )
    assert failures == []
    with store.read() as session:
        assert launches.all_launches(session)[0].revision == before + 2 * ROUNDS
