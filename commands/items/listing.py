"""`list`: a page of the launch's items, by status, priority, owner or category."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from commands.context import Context
from commands.errors import UsageError
from commands.launching import current_launch, local_today, view
from commands.replies import ItemListReply, ItemView
from commands.text import plural, user
from storage import items
from storage.engine import Session, Store
from storage.models import Launch
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
            value = _match_category(session, launch, value or "")
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


def _match_category(session: Session, launch: Launch, wanted: str) -> str:
    assert launch.id is not None
    names = items.categories(session, launch_id=launch.id)
    folded = wanted.casefold()
    for name in names:
        if name.casefold() == folded:
            return name
    starting = [name for name in names if name.casefold().startswith(folded)]
    if len(starting) == 1:
        return starting[0]
    close = [
        name
        for name, _score, _ in process.extract(
            wanted, names, scorer=fuzz.WRatio, processor=str.casefold, limit=3, score_cutoff=70
        )
    ]
    if len(close) == 1:
        return close[0]
    options = ", ".join(close or names[:12]) or "none yet"
    raise UsageError(
        f"“{wanted}” is not a filter or a category. Categories: {options}.", usage_verb="list"
    )
