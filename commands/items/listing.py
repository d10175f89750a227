"""`list`: a page of the launch's items, by status, priority, owner or category."""

from __future__ import annotations

from commands.context import Context
from commands.errors import UsageError
from commands.items.categories import match_category
from commands.launching import current_launch, local_today, view
from commands.replies import ItemListReply, ItemView
from commands.text import plural, user
from storage import items
from storage.engine import Store
from storage.vocabulary import ItemFilter

PAGE_SIZE = 20


def describe(kind: ItemFilter, value: str | None) -> str:
    """The list's heading in words: "open items", "items in Security"."""
    match kind:
        case ItemFilter.OPEN:
            return "open items"
        case ItemFilter.ALL:
            return "all items"
        case ItemFilter.STARTED:
            return "items in progress"
        case ItemFilter.OVERDUE:
            return "overdue items"
        case ItemFilter.PRIORITY:
            return f"open {value} items"
        case ItemFilter.MINE:
            return "your open items"
        case ItemFilter.OWNER:
            return f"open items of {user(value or '')}"
        case ItemFilter.UNASSIGNED:
            return "open items nobody owns"
        case ItemFilter.CATEGORY:
            return f"items in {value}"
    return f"{kind.value} items"


def list_items(
    store: Store, ctx: Context, *, kind: ItemFilter, value: str | None, page: int
) -> ItemListReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        assert launch.id is not None
        today = local_today(ctx, launch)
        if kind == ItemFilter.CATEGORY:
            value = match_category(session, launch, value or "", what="a filter or a category")
        rows, total = items.list_items(
            session,
            launch_id=launch.id,
            kind=kind,
            value=value,
            today=today,
            user_id=ctx.user_id,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        if total and not rows:
            pages = -(-total // PAGE_SIZE)
            raise UsageError(
                f"There {'is' if pages == 1 else 'are'} only {plural(pages, 'page')}.",
                usage_verb="list",
            )
        return ItemListReply(
            view(session, launch),
            describe(kind, value),
            tuple(ItemView.of(r) for r in rows),
            total,
            page,
            PAGE_SIZE,
            today,
            kind,
            value,
        )
