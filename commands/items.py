"""Item verbs: add, the state changes (done, block, waive …), list, history and remove."""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import fuzz, process
from sqlalchemy import and_, true
from sqlmodel import Session, col

from commands import transitions as t
from commands import verbs as v
from commands.announce import announce
from commands.audit import record
from commands.context import Context
from commands.errors import Conflict, UnknownItem, UsageError
from commands.launching import current_launch, local_today, resolve_date, view
from commands.permissions import require_item_change, require_launch_admin
from commands.refs import ItemIndex, parse_id_ref, resolve, split_reference
from commands.replies import (
    EventView,
    HistoryReply,
    ItemChanged,
    ItemListReply,
    ItemRemoved,
    ItemView,
)
from commands.text import plural
from commands.writes import writing
from storage import queries
from storage.audit import jsonable, snapshot
from storage.engine import Store
from storage.models import OPEN_STATUSES, Item, Launch, Status

PAGE_SIZE = 20
HISTORY_LIMIT = 50
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


# -- finding items ---------------------------------------------------------------------


def find_item(
    session: Session, launch_id: int, text: str, *, split: bool, verb: str
) -> tuple[int, str]:
    """The item `text` names (and, with `split`, the free text after it).

    An exact key is looked up by index first, so `block SSL …` does not read every title.
    """
    by_id = parse_id_ref(text)
    if by_id is not None:
        item_id, rest = by_id
        if not queries.item_in_launch(session, launch_id, item_id):
            raise UnknownItem("that item", [], usage_verb=verb)
        return item_id, rest
    text = text.strip()
    first, _, remainder = text.partition(" ")
    if first and not first.startswith(('"', "“")):
        item_id = queries.item_id_by_key(session, launch_id, first)
        if item_id is not None and (split or not remainder.strip()):
            return item_id, remainder.strip()
    index = ItemIndex(queries.item_refs(session, launch_id))
    if split:
        found, rest = split_reference(index, text, usage_verb=verb)
        return found.id, rest
    return resolve(index, text, usage_verb=verb).id, ""


def apply_change(
    session: Session, ctx: Context, launch: Launch, item: Item, change: t.Change
) -> None:
    """Set the fields, bump the versions and append the audit event, all in this transaction."""
    before = snapshot(item, tuple(change.fields))
    for name, value in change.fields.items():
        setattr(item, name, value)
    item.version += 1
    item.updated_at = ctx.now
    launch.revision += 1
    launch.updated_at = ctx.now
    event = record(
        session,
        ctx,
        launch_id=launch.id,
        item_id=item.id,
        item_key=item.key,
        action=change.action,
        before=before,
        after={name: jsonable(getattr(item, name)) for name in change.fields},
        note=change.note,
    )
    if change.announce:
        announce(session, ctx, launch, event)


Decide = Callable[[Context, Launch, ItemView, str], t.Change]


def change_item(
    store: Store,
    ctx: Context,
    text: str,
    *,
    verb: str,
    split: bool,
    decide: Decide,
    admin_only: str | None = None,
) -> ItemChanged:
    """Resolve the item, check permission, let `decide` compute the change, apply it atomically."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        item_id, rest = find_item(session, launch.id, text, split=split, verb=verb)
        item = queries.get_item(session, item_id, for_update=True)
        if admin_only:
            require_launch_admin(ctx, launch, action=admin_only)
        else:
            require_item_change(ctx, launch, key=item.key, owner=item.owner, action=verb)
        change = decide(ctx, launch, ItemView.of(item), rest)
        apply_change(session, ctx, launch, item, change)
        return ItemChanged(
            view(session, launch),
            ItemView.of(item),
            change.action,
            ctx.user_id,
            change.note,
            change.announce,
        )


def run_item_verb(store: Store, ctx: Context, cmd: v.Command) -> ItemChanged:
    match cmd:
        case v.Done(target):
            return change_item(
                store,
                ctx,
                target,
                verb="done",
                split=True,
                decide=lambda c, _l, item, rest: t.mark_done(
                    item, actor=c.user_id, evidence=rest, now=c.now
                ),
            )
        case v.Start(ref):
            return change_item(
                store,
                ctx,
                ref,
                verb="start",
                split=False,
                decide=lambda _c, _l, item, _r: t.start(item),
            )
        case v.Block(target):
            return change_item(
                store,
                ctx,
                target,
                verb="block",
                split=True,
                decide=lambda c, _l, item, rest: t.block(
                    item, actor=c.user_id, reason=rest, now=c.now
                ),
            )
        case v.Unblock(ref):
            return change_item(
                store,
                ctx,
                ref,
                verb="unblock",
                split=False,
                decide=lambda _c, _l, item, _r: t.unblock(item),
            )
        case v.Reopen(ref):
            return change_item(
                store,
                ctx,
                ref,
                verb="reopen",
                split=False,
                decide=lambda _c, _l, item, _r: t.reopen(item),
            )
        case v.Assign(ref, owner):
            who = ctx.user_id if owner == "me" else owner
            return change_item(
                store,
                ctx,
                ref,
                verb="assign",
                split=False,
                decide=lambda _c, _l, item, _r: t.assign(item, owner=who),
            )
        case v.Due(ref, due):
            return change_item(
                store,
                ctx,
                ref,
                verb="due",
                split=False,
                decide=lambda c, launch, item, _r: t.set_due(
                    item, due=resolve_date(due, local_today(c, launch), "due") if due else None
                ),
            )
        case v.Waive(target, until):

            def decide_waiver(c: Context, launch: Launch, item: ItemView, rest: str) -> t.Change:
                if not rest:
                    raise UsageError("`waive` needs a reason after the item.", usage_verb="waive")
                today = local_today(c, launch)
                until_date = resolve_date(until, today, "waive") if until else None
                return t.waive(item, actor=c.user_id, reason=rest, until=until_date, today=today)

            return change_item(
                store,
                ctx,
                target,
                verb="waive",
                split=True,
                decide=decide_waiver,
                admin_only="waive items",
            )
        case v.Note(target):

            def decide_note(c: Context, _l: Launch, item: ItemView, rest: str) -> t.Change:
                if not rest:
                    raise UsageError(
                        "`note` needs the note text after the item.", usage_verb="note"
                    )
                return t.add_note(item, actor=c.user_id, text=rest, now=c.now)

            return change_item(store, ctx, target, verb="note", split=True, decide=decide_note)
        case v.SetPriority(ref, priority):
            return change_item(
                store,
                ctx,
                ref,
                verb="priority",
                split=False,
                decide=lambda _c, _l, item, _r: t.set_priority(item, priority=priority),
                admin_only="change priorities",
            )
        case v.Scope(ref, scenarios):
            return change_item(
                store,
                ctx,
                ref,
                verb="scope",
                split=False,
                decide=lambda _c, _l, item, _r: t.set_scope(item, scenarios=scenarios),
                admin_only="change which scenarios require an item",
            )
    raise AssertionError(f"not an item verb: {cmd!r}")


# -- add -----------------------------------------------------------------------------------


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
    for existing in queries.categories(session, launch_id):
        if existing.casefold() == wanted.casefold():
            return existing
    return wanted[:1].upper() + wanted[1:]


def new_item(
    ctx: Context, launch: Launch, *, key: str, seq: int, title: str, category: str, **fields: object
) -> Item:
    assert launch.id is not None
    return Item(
        team_id=ctx.team_id,
        launch_id=launch.id,
        key=key,
        seq=seq,
        title=title,
        category=category,
        created_at=ctx.now,
        updated_at=ctx.now,
        **fields,  # type: ignore[arg-type]
    )


def record_created(session: Session, ctx: Context, launch: Launch, item: Item) -> None:
    record(
        session,
        ctx,
        launch_id=launch.id,
        item_id=item.id,
        item_key=item.key,
        action="created",
        after=snapshot(item, ITEM_FIELDS),
    )


def add(store: Store, ctx: Context, cmd: v.Add) -> ItemChanged:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        taken = queries.all_keys(session, launch.id)
        if cmd.key and cmd.key.upper() in taken:
            existing = queries.get_item(
                session, queries.item_id_by_key(session, launch.id, cmd.key) or 0
            )
            raise Conflict(
                f"The key {cmd.key.upper()} is taken by “{existing.title}”. Choose another key."
            )
        duplicate = _same_title(session, launch.id, cmd.title)
        if duplicate:
            raise Conflict(f"“{duplicate.title}” is already on the checklist as {duplicate.key}.")
        category = canonical_category(session, launch.id, cmd.category)
        owner = ctx.user_id if cmd.owner == "me" else cmd.owner
        due = resolve_date(cmd.due, local_today(ctx, launch), "add") if cmd.due else None
        key = cmd.key.upper() if cmd.key else KeyMaker(taken).make(category)
        item = new_item(
            ctx,
            launch,
            key=key,
            seq=queries.next_seq(session, launch.id),
            title=cmd.title,
            category=category,
            priority=(cmd.priority or "medium"),
            owner=owner,
            due_date=due,
            source=str(ctx.via),
        )
        session.add(item)
        session.flush()
        record_created(session, ctx, launch, item)
        launch.revision += 1
        launch.updated_at = ctx.now
        return ItemChanged(view(session, launch), ItemView.of(item), "created", ctx.user_id)


def _same_title(session: Session, launch_id: int, title: str) -> Item | None:
    folded = " ".join(title.casefold().split())
    for item_id, _key, existing in queries.item_refs(session, launch_id):
        if " ".join(existing.casefold().split()) == folded:
            return queries.get_item(session, item_id)
    return None


# -- list, history, remove -------------------------------------------------------------


def list_items(store: Store, ctx: Context, cmd: v.ListItems) -> ItemListReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        assert launch.id is not None
        today = local_today(ctx, launch)
        where, description = _list_filter(session, ctx, launch, cmd, today)
        rows, total = queries.list_items(
            session,
            and_(col(Item.launch_id) == launch.id, where),
            limit=PAGE_SIZE,
            offset=(cmd.page - 1) * PAGE_SIZE,
        )
        if total and not rows:
            pages = -(-total // PAGE_SIZE)
            raise UsageError(
                f"There {'is' if pages == 1 else 'are'} only {plural(pages, 'page')}.",
                usage_verb="list",
            )
        return ItemListReply(
            view(session, launch),
            description,
            tuple(ItemView.of(r) for r in rows),
            total,
            cmd.page,
            PAGE_SIZE,
            today,
        )


def _list_filter(
    session: Session, ctx: Context, launch: Launch, cmd: v.ListItems, today: object
) -> tuple[object, str]:
    open_ = col(Item.status).in_([s.value for s in OPEN_STATUSES])
    kind = cmd.kind
    if kind == v.ListKind.OPEN:
        return queries.open_clause(today), "open items"  # type: ignore[arg-type]
    if kind == v.ListKind.ALL:
        return true(), "all items"
    if kind in (v.ListKind.DONE, v.ListKind.WAIVED, v.ListKind.BLOCKED, v.ListKind.TODO):
        return col(Item.status) == kind.value, f"{kind.value} items"
    if kind == v.ListKind.STARTED:
        return col(Item.status) == Status.IN_PROGRESS.value, "items in progress"
    if kind == v.ListKind.OVERDUE:
        return and_(open_, col(Item.due_date) < today), "overdue items"
    if kind == v.ListKind.PRIORITY:
        return and_(open_, col(Item.priority) == cmd.value), f"open {cmd.value} items"
    if kind == v.ListKind.MINE:
        return and_(open_, col(Item.owner) == ctx.user_id), "your open items"
    if kind == v.ListKind.OWNER:
        return and_(open_, col(Item.owner) == cmd.value), f"open items of \x00@{cmd.value}\x00"
    if kind == v.ListKind.UNASSIGNED:
        return and_(open_, col(Item.owner).is_(None)), "open items nobody owns"
    category = _match_category(session, launch, cmd.value or "")
    return col(Item.category) == category, f"items in {category}"


def _match_category(session: Session, launch: Launch, wanted: str) -> str:
    assert launch.id is not None
    names = queries.categories(session, launch.id)
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


def history(store: Store, ctx: Context, cmd: v.History) -> HistoryReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        assert launch.id is not None
        item_id, _ = find_item(session, launch.id, cmd.ref, split=False, verb="history")
        item = queries.get_item(session, item_id)
        events = queries.item_events(session, item_id, HISTORY_LIMIT)
        return HistoryReply(
            view(session, launch), ItemView.of(item), tuple(EventView.of(e) for e in events)
        )


def remove(store: Store, ctx: Context, cmd: v.Remove) -> ItemRemoved:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        require_launch_admin(ctx, launch, action="remove items")
        item_id, _ = find_item(session, launch.id, cmd.ref, split=False, verb="remove")
        item = queries.get_item(session, item_id, for_update=True)
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
        session.delete(item)
        launch.revision += 1
        launch.updated_at = ctx.now
        return ItemRemoved(view(session, launch), removed, ctx.user_id)
