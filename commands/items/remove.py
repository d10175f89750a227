"""`remove`: delete an item; the audit log keeps its history."""

from __future__ import annotations

from commands.audit import record
from commands.context import Context
from commands.items.add import ITEM_FIELDS
from commands.items.find import find_item
from commands.launching import current_launch, view
from commands.permissions import require_launch_admin
from commands.replies import ItemRemoved, ItemView
from commands.writes import writing
from storage import items, launches
from storage.audit import snapshot
from storage.engine import Store


def remove(store: Store, ctx: Context, *, ref: str) -> ItemRemoved:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        require_launch_admin(ctx, launch, action="remove items")
        item_id, _ = find_item(session, launch, ref, split=False, verb="remove")
        item = items.get_item(session, item_id=item_id, for_update=True)
        removed = ItemView.of(item)
        record(
            session,
            ctx,
            launch_id=launch.id,
            item_id=None,
            item_key=item.key,
            action="removed",
            before=snapshot(item, ITEM_FIELDS),
        )
        items.delete_item(session, item=item)
        launches.touch(launch, now=ctx.now)
        return ItemRemoved(view(session, launch), removed, ctx.user_id)
