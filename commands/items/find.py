"""Finding the item a reference names, inside a launch."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from commands.context import Context
from commands.errors import CommandError, UnknownItem
from commands.launching import current_launch
from commands.lru import LRU
from commands.refs import ItemIndex, parse_id_ref, resolve, split_reference
from storage import items
from storage.engine import Session, Store, database_of
from storage.models import Launch

# Indexes of recent launches per database, keyed by (launch id, revision): every change to
# a launch's items bumps its revision in the same transaction, so an index built at one
# revision is exact while it stands (the status report relies on `plan_revision`, which moves with all but a note).
# Most changes (a note, a status) leave every key and title as it was: the index a launch had
# at its previous revision is reused when the rows it was built from read the same, so a
# title reference after a change reads 5,000 rows instead of rebuilding from them (bench.writes).
_INDEXES: weakref.WeakKeyDictionary[
    object, tuple[LRU[tuple[int, int], ItemIndex], LRU[int, ItemIndex]]
] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def item_index(session: Session, launch: Launch) -> ItemIndex:
    """The index of `launch`'s items, built once per revision. `launch` is as this transaction
    read it, before any change to its items (every caller resolves first, then changes)."""
    assert launch.id is not None
    with _INDEXES_LOCK:
        caches = _INDEXES.get(database := database_of(session))
        if caches is None:
            caches = _INDEXES[database] = (LRU(32), LRU(32))
    by_revision, latest = caches
    launch_id, key = launch.id, (launch.id, launch.revision)
    found = by_revision.get(key)
    if found is not None:
        return found
    rows = items.item_refs(session, launch_id=launch_id)
    previous = latest.get(launch_id)
    index = previous if previous is not None and previous.rows == rows else ItemIndex(rows)
    latest.put(launch_id, index)
    return by_revision.put(key, index)


def find_item(
    session: Session, launch: Launch, text: str, *, split: bool, verb: str
) -> tuple[int, str]:
    """The item `text` names in `launch` (and, with `split`, the free text after it).

    An exact key is looked up by index first, so `block SSL …` does not read every title.
    """
    launch_id = launch.id
    assert launch_id is not None
    return _find(
        text,
        split=split,
        verb=verb,
        has_id=lambda item_id: items.item_in_launch(session, launch_id=launch_id, item_id=item_id),
        key_id=lambda key: items.item_id_by_key(session, launch_id=launch_id, key=key),
        index=lambda: item_index(session, launch),
    )


def _find(
    text: str,
    *,
    split: bool,
    verb: str,
    has_id: Callable[[int], bool],
    key_id: Callable[[str], int | None],
    index: Callable[[], ItemIndex],
) -> tuple[int, str]:
    """The rules of a reference, over where its items are read from: an item's id (what
    buttons send), an exact key, then keys and titles through the index."""
    by_id = parse_id_ref(text)
    if by_id is not None:
        item_id, rest = by_id
        if not has_id(item_id):
            raise UnknownItem("that item", [], usage_verb=verb)
        return item_id, rest
    text = text.strip()
    first, _, remainder = text.partition(" ")
    if first and not first.startswith(('"', "“")):
        keyed = key_id(first)
        if keyed is not None and (split or not remainder.strip()):
            return keyed, remainder.strip()
    if split:
        found, rest = split_reference(index(), text, usage_verb=verb)
        return found.id, rest
    return resolve(index(), text, usage_verb=verb).id, ""


@dataclass(frozen=True)
class References:
    """What a channel's item references resolve against, as read at one moment: its launch's
    index, and the ids in it. Exact while nothing has been committed since (bot.misses)."""

    launch_id: int
    index: ItemIndex
    ids: frozenset[int]


def references(store: Store, ctx: Context) -> References | None:
    """The references of the launch `ctx`'s commands act on; None when there is none."""
    with store.read() as session:
        try:
            launch = current_launch(session, ctx)
        except CommandError:
            return None
        assert launch.id is not None
        index = item_index(session, launch)
    return References(launch.id, index, frozenset(item.id for item in index.items))


def locate(refs: References, text: str, *, split: bool, verb: str) -> tuple[int, str]:
    """`find_item` over a snapshot: the same item and free text, or the same error."""

    def key_id(key: str) -> int | None:
        found = refs.index.by_key.get(key.upper())
        return found.id if found is not None else None

    return _find(
        text,
        split=split,
        verb=verb,
        has_id=refs.ids.__contains__,
        key_id=key_id,
        index=lambda: refs.index,
    )
