"""`history`: an item's audit trail."""

from __future__ import annotations

from commands.context import Context
from commands.items.find import find_item
from commands.launching import current_launch, view
from commands.replies import EventView, HistoryReply, ItemView
from storage import audit, items
from storage.engine import Store

HISTORY_LIMIT = 50


def history(store: Store, ctx: Context, *, ref: str) -> HistoryReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        assert launch.id is not None
        item_id, _ = find_item(session, launch.id, ref, split=False, verb="history")
        item = items.get_item(session, item_id=item_id)
        events = audit.item_events(session, item_id=item_id, limit=HISTORY_LIMIT)
        return HistoryReply(
            view(session, launch), ItemView.of(item), tuple(EventView.of(e) for e in events)
        )
