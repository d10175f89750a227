"""Change commands naming no item, answered without the write lock (bot.misses), and the
snapshot resolution behind them (commands.items.find.locate), which must give exactly what
resolving in a transaction gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import func, select

from commands.context import Context
from commands.errors import CommandError
from commands.items.find import find_item, locate, references
from commands.launching import current_launch
from commands.refs import ID_MARK
from storage.models import Event, Item, ProcessedRequest
from tests.bot.harness import CHANNEL, eventually, serve
from tests.bot.test_slack_commands import seed_launch
from tests.commands.helpers import ok
from tests.conftest import make_ctx

TYPO = "block SECC-12 waiting on the CA"


def _counted(served, name: str, verb: str) -> float:
    for line in served.http.get("/metrics").text.splitlines():
        if line.startswith(f'{name}{{verb="{verb}"}}'):
            return float(line.split()[-1])
    return 0.0


def _answered(served) -> float:
    return _counted(served, "readybot_misses_answered_total", "block")


def _rows(store, model) -> int:
    with store.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_typo_is_answered_the_same_without_the_write_path_while_nothing_changes(
    store, fake
) -> None:
    seed_launch(store)
    with serve(store, fake) as served:
        served.deliver()  # the seed's announcements: their sending commits too
        first = served.command(TYPO).json()
        assert "No item matches" in first["text"]
        if not store.is_sqlite:  # nothing tells a change on PostgreSQL: every one runs
            assert served.command(TYPO).json() == first and _answered(served) == 0
            return
        # The channel's items are read after the first miss, in the background.
        eventually(lambda: served.command(TYPO).json() == first and _answered(served) >= 1)
        events, requests = _rows(store, Event), _rows(store, ProcessedRequest)
        before = _answered(served)
        other = served.command("done QQQ-7 with a ticket", user="U2BOB").json()
        assert "No item matches" in other["text"]  # anyone's miss, any change verb
        assert _counted(served, "readybot_misses_answered_total", "done") == 1
        assert served.command(TYPO).json() == first and _answered(served) == before + 1
        assert (_rows(store, Event), _rows(store, ProcessedRequest)) == (events, requests)

        # A reference that names an item runs as always.
        assert "blocked" in served.command("block SSL waiting on the CA").json()["text"]
        with store.read() as session:
            ssl = session.execute(select(Item).where(Item.key == "SSL")).scalar_one()
            assert ssl.status == "blocked"


def test_a_miss_becomes_a_change_once_the_item_exists(store, fake) -> None:
    seed_launch(store)
    with serve(store, fake) as served:
        served.deliver()
        miss = served.command("block PAGER no rota yet").json()
        assert "No item matches" in miss["text"]
        if store.is_sqlite:
            eventually(
                lambda: (
                    served.command("block PAGER no rota yet").json() == miss
                    and _answered(served) >= 1
                )
            )
        # Added straight into the database, as another process's `readybot ready` would.
        ok(
            store,
            make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)),
            "add Pager rota key PAGER",
        )
        reply = served.command("block PAGER no rota yet").json()
        assert "blocked" in reply["text"] and "No item matches" not in reply["text"]
        with store.read() as session:
            pager = session.execute(select(Item).where(Item.key == "PAGER")).scalar_one()
            assert (pager.status, pager.blocked_reason) == ("blocked", "no rota yet")


# -- locate gives what find_item gives ---------------------------------------------------------

_WORDS = ["ssl", "tls", "backup", "restore", "mfa", "admin", "pager", "rota", "deploy", "gate"]


def _references_to_try(rng: random.Random, keys: list[str], ids: list[int]) -> list[str]:
    tried = []
    for _ in range(120):
        shape = rng.randrange(7)
        words = " ".join(rng.sample(_WORDS, rng.randint(1, 3)))
        if shape == 0:
            tried.append(rng.choice(keys))
        elif shape == 1:
            tried.append(rng.choice(keys)[: rng.randint(1, 3)])  # a key's start
        elif shape == 2:
            tried.append(rng.choice(keys) + rng.choice(["X", "1", "-9"]))  # a mistyped key
        elif shape == 3:
            tried.append(f'"{words}" waiting on it')
        elif shape == 4:
            tried.append(f"{words} done now")
        elif shape == 5:
            tried.append(f"{ID_MARK}{rng.choice([*ids, 999999])} evidence")
        else:
            tried.append(f"{rng.choice(keys).lower()} {words}")
    return tried


def _outcome(resolve) -> tuple[object, ...]:
    try:
        return ("found", *resolve())
    except CommandError as exc:
        return ("error", type(exc).__name__, exc.message, tuple(getattr(exc, "suggestions", ())))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_locate_over_a_snapshot_resolves_as_a_transaction_does(store, seed) -> None:
    rng = random.Random(seed)
    ctx: Context = make_ctx("U1ALICE")
    ok(store, ctx, "launch new Checkout")
    for n in range(40):
        title = " ".join(rng.sample(_WORDS, 3)) + f" {n}"
        key = rng.choice(["SSL", "SEC", "BAK", "OPS", "MFA"]) + f"-{n}"
        ok(store, ctx, f"add {title} key {key}")
    refs = references(store, ctx)
    assert refs is not None
    keys = sorted(refs.index.by_key)
    for text in _references_to_try(rng, keys, sorted(refs.ids)):
        for split in (True, False):
            with store.read() as session:
                launch = current_launch(session, ctx)
                expected = _outcome(
                    partial(find_item, session, launch, text, split=split, verb="block")
                )
            got = _outcome(partial(locate, refs, text, split=split, verb="block"))
            assert got == expected, (text, split)
