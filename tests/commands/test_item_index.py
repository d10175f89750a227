"""The item index is cached per launch revision, and reused when a change left every key and
title as it was."""

from sqlmodel import select

from commands.items.find import item_index
from storage.models import Launch
from tests.commands.helpers import ok, seed


def _index(store):
    with store.read() as session:
        launch = session.exec(select(Launch)).first()
        return item_index(session, launch)


def test_a_note_keeps_the_index_and_a_new_item_rebuilds_it(store, ctx) -> None:
    seed(store, ctx)
    first = _index(store)
    ok(store, ctx, "note SSL checked with the CA")
    assert _index(store) is first
    ok(store, ctx, "add Rotate the signing keys #Security key KEYS")
    rebuilt = _index(store)
    assert rebuilt is not first and "KEYS" in rebuilt.by_key
