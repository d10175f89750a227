"""`history`: an item's audit trail."""

from __future__ import annotations

from commands.context import Context
from commands.errors import UsageError
from commands.items.find import find_item
from commands.launching import current_launch, view
from commands.replies import EventView, HistoryReply, ItemView
from commands.text import plural
from storage import audit, items
from storage.engine import Store

PAGE_SIZE = 25


def history(store: Store, ctx: Context, *, ref: str, page: int = 1) -> HistoryReply:
    """Page 1 holds the newest PAGE_SIZE events (oldest first on the page), page 2 the ones
    before them, and so on."""
    with store.read() as session:
        launch = current_launch(session, ctx)
        assert launch.id is not None
        item_id, _ = find_item(session, launch, ref, split=False, verb="history")
        item = items.get_item(session, item_id=item_id)
        total = audit.count_item_events(session, item_id=item_id)
        pages = max(1, -(-total // PAGE_SIZE))
        if page > pages:
            raise UsageError(
                f"{item.key} has {plural(total, 'event')}: {plural(pages, 'page')}.",
                usage_verb="history",
            )
        events = audit.item_events(
            session, item_id=item_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        return HistoryReply(
            view(session, launch),
            ItemView.of(item),
            tuple(EventView.of(e) for e in events),
            page,
            pages,
            total,
        )
