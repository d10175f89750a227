"""Finding the item a reference names, inside a launch."""

from __future__ import annotations

from commands.errors import UnknownItem
from commands.refs import ItemIndex, parse_id_ref, resolve, split_reference
from storage import items
from storage.engine import Session


def find_item(
    session: Session, launch_id: int, text: str, *, split: bool, verb: str
) -> tuple[int, str]:
    """The item `text` names (and, with `split`, the free text after it).

    An exact key is looked up by index first, so `block SSL …` does not read every title.
    """
    by_id = parse_id_ref(text)
    if by_id is not None:
        item_id, rest = by_id
        if not items.item_in_launch(session, launch_id=launch_id, item_id=item_id):
            raise UnknownItem("that item", [], usage_verb=verb)
        return item_id, rest
    text = text.strip()
    first, _, remainder = text.partition(" ")
    if first and not first.startswith(('"', "“")):
        keyed = items.item_id_by_key(session, launch_id=launch_id, key=first)
        if keyed is not None and (split or not remainder.strip()):
            return keyed, remainder.strip()
    index = ItemIndex(items.item_refs(session, launch_id=launch_id))
    if split:
        found, rest = split_reference(index, text, usage_verb=verb)
        return found.id, rest
    return resolve(index, text, usage_verb=verb).id, ""
