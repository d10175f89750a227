"""Finding the item a reference names, inside a launch."""

from __future__ import annotations

import threading
import weakref

from commands.errors import UnknownItem
from commands.lru import LRU
from commands.refs import ItemIndex, parse_id_ref, resolve, split_reference
from storage import items
from storage.engine import Session, database_of
from storage.models import Launch

# Indexes of recent launches per database, keyed by (launch id, revision): every change to
# a launch's items bumps its revision in the same transaction, so an index built at one
# revision is exact while it stands (as commands.status.ReportCache relies on too).
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
    assert launch.id is not None
    by_id = parse_id_ref(text)
    if by_id is not None:
        item_id, rest = by_id
        if not items.item_in_launch(session, launch_id=launch.id, item_id=item_id):
            raise UnknownItem("that item", [], usage_verb=verb)
        return item_id, rest
    text = text.strip()
    first, _, remainder = text.partition(" ")
    if first and not first.startswith(('"', "“")):
        keyed = items.item_id_by_key(session, launch_id=launch.id, key=first)
        if keyed is not None and (split or not remainder.strip()):
            return keyed, remainder.strip()
    index = item_index(session, launch)
    if split:
        found, rest = split_reference(index, text, usage_verb=verb)
        return found.id, rest
    return resolve(index, text, usage_verb=verb).id, ""
