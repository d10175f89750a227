"""Adding items: keys made from the category (`SEC-3`), categories spelt as they exist."""

from __future__ import annotations

import re

from commands.audit import record
from commands.context import Context
from commands.decision.signoffs import revoke_for_new_item
from commands.errors import Conflict
from commands.launching import current_launch, local_today, resolve_date, view
from commands.model import DateText, MessageRef
from commands.replies import ItemChanged, ItemView
from commands.writes import writing
from storage import items, launches, messages
from storage.audit import snapshot
from storage.engine import Session, Store
from storage.models import Item, Launch
from storage.vocabulary import Priority

ITEM_FIELDS = (
    "key",
    "title",
    "category",
    "priority",
    "status",
    "owner",
    "due_date",
    "effort",
    "evidence",
    "notes",
    "blocked_reason",
    "waiver_reason",
    "waiver_until",
    "scenarios",
)
DEFAULT_CATEGORY = "General"


def key_prefix(category: str) -> str:
    letters = re.sub(r"[^A-Za-z0-9]", "", category.split()[0] if category.split() else "")
    prefix = letters[:3].upper()
    return prefix if prefix and prefix[0].isalpha() else "ITEM"


class KeyMaker:
    """Hands out `SEC-1`, `SEC-2` … per category prefix, skipping keys already taken."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = {key.upper() for key in taken}
        self.next_number: dict[str, int] = {}

    def make(self, category: str) -> str:
        prefix = key_prefix(category)
        number = self.next_number.get(prefix, 1)
        while f"{prefix}-{number}" in self.taken:
            number += 1
        key = f"{prefix}-{number}"
        self.next_number[prefix] = number + 1
        self.taken.add(key)
        return key

    def claim(self, key: str) -> bool:
        if key.upper() in self.taken:
            return False
        self.taken.add(key.upper())
        return True


def canonical_category(session: Session, launch_id: int, category: str | None) -> str:
    """Reuse an existing category's spelling (`#security` joins "Security")."""
    if not category:
        return DEFAULT_CATEGORY
    wanted = " ".join(category.split())[:100]
    for existing in items.categories(session, launch_id=launch_id):
        if existing.casefold() == wanted.casefold():
            return existing
    return wanted[:1].upper() + wanted[1:]


def new_item(
    ctx: Context, launch: Launch, *, key: str, seq: int, title: str, category: str, **fields: object
) -> Item:
    assert launch.id is not None
    return Item.model_validate(
        {
            "team_id": ctx.team_id,
            "launch_id": launch.id,
            "key": key,
            "seq": seq,
            "title": title,
            "category": category,
            "created_at": ctx.now,
            "updated_at": ctx.now,
            **fields,
        }
    )


def record_created(session: Session, ctx: Context, launch: Launch, item: Item) -> None:
    """The new item's audit event; a new required item revokes its category's sign-off."""
    revoke_for_new_item(session, ctx, launch, item)
    record(
        session,
        ctx,
        launch_id=launch.id,
        item_id=item.id,
        item_key=item.key,
        action="created",
        after=snapshot(item, ITEM_FIELDS),
    )


def add(
    store: Store,
    ctx: Context,
    *,
    title: str,
    category: str | None = None,
    priority: Priority | None = None,
    owner: str | None = None,
    due: DateText | None = None,
    key: str | None = None,
    evidence: str | None = None,
    message: MessageRef | None = None,
) -> ItemChanged:
    """A new open item. `evidence` is kept as the item's evidence (an open item stays open:
    evidence verifies only what is done); `message`, the Slack message the item is made
    from, can become one item only."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        if message is not None:
            _refuse_second_item(session, ctx, message)
        taken = items.all_keys(session, launch_id=launch.id)
        if key and key.upper() in taken:
            existing_id = items.item_id_by_key(session, launch_id=launch.id, key=key)
            existing = items.get_item(session, item_id=existing_id or 0)
            raise Conflict(
                f"The key {key.upper()} is taken by “{existing.title}”. Choose another key."
            )
        duplicate = items.same_title(session, launch_id=launch.id, title=title)
        if duplicate:
            raise Conflict(f"“{duplicate.title}” is already on the checklist as {duplicate.key}.")
        spelt = canonical_category(session, launch.id, category)
        item = new_item(
            ctx,
            launch,
            key=key.upper() if key else KeyMaker(taken).make(spelt),
            seq=items.next_seq(session, launch_id=launch.id),
            title=title,
            category=spelt,
            priority=(priority or Priority.MEDIUM).value,
            owner=ctx.user_id if owner == "me" else owner,
            due_date=resolve_date(due, local_today(ctx, launch), "add") if due else None,
            evidence=evidence.strip()[:20000] if evidence and evidence.strip() else None,
            source=str(ctx.via),
        )
        items.add_items(session, items=[item])
        if message is not None:
            assert item.id is not None
            linked = messages.link_message(
                session,
                team_id=ctx.team_id,
                channel_id=message.channel_id,
                message_ts=message.ts,
                item_id=item.id,
                now=ctx.now,
            )
            if not linked:  # another request made an item of it meanwhile
                _refuse_second_item(session, ctx, message)
        record_created(session, ctx, launch, item)
        launches.touch(launch, now=ctx.now)
        return ItemChanged(view(session, launch), ItemView.of(item), "created", ctx.user_id)


def _refuse_second_item(session: Session, ctx: Context, message: MessageRef) -> None:
    existing = messages.item_for_message(
        session, team_id=ctx.team_id, channel_id=message.channel_id, message_ts=message.ts
    )
    if existing is not None:
        raise Conflict(
            f"That message is already on the checklist as {existing.key} “{existing.title}”."
        )
