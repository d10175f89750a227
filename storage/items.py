"""Checklist items: lookups, the grouped counts behind every status, lists and changes.

Status is computed from aggregates (GROUP BY) and short, indexed lists, so its cost stays
small as a launch grows to thousands of items. Each function takes an open session and
never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, literal, or_, true, union_all
from sqlalchemy import select as core_select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import Event, Item, Launch
from storage.vocabulary import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ItemFilter,
    Priority,
    Status,
    Via,
)

_OPEN = [s.value for s in OPEN_STATUSES]
_CLOSED = [s.value for s in CLOSED_STATUSES]

# (key, title, category, priority, status, blocked reason, owner, due date): just enough of
# an item to name it in a reason, read without building ORM objects.
BriefRow = tuple[str, str, str, str, str, str | None, str | None, date | None]
BRIEF_COLUMNS = (
    col(Item.key),
    col(Item.title),
    col(Item.category),
    col(Item.priority),
    col(Item.status),
    col(Item.blocked_reason),
    col(Item.owner),
    col(Item.due_date),
)
# (category, priority, status, waiver expired, required, overdue, count)
CountRow = tuple[str, str, str, bool, bool, bool, int]


# -- finding items ----------------------------------------------------------------------------


def item_refs(session: Session, *, launch_id: int) -> list[tuple[int, str, str]]:
    """(id, key, title) of every item: what reference resolution matches against."""
    stmt = (
        select(Item.id, Item.key, Item.title)
        .where(col(Item.launch_id) == launch_id)
        .order_by(col(Item.seq))
    )
    return [(int(id_ or 0), key, title) for id_, key, title in session.exec(stmt).all()]


# Statements on the path of every change, built once (building one costs more than running it).
_ITEM_BY_KEY = select(Item).where(
    col(Item.launch_id) == bindparam("launch"), col(Item.key) == bindparam("key")
)
_ITEM_FOR_UPDATE = (
    select(Item)
    .where(col(Item.id) == bindparam("item"))
    .with_for_update()
    # The row as the lock returns it, not as this transaction may have read it before.
    .execution_options(populate_existing=True)
)


def item_id_by_key(session: Session, *, launch_id: int, key: str) -> int | None:
    """The id of the item with this key. The item itself is read with it, so a change that
    follows (`get_item`) finds it loaded in this transaction."""
    found = session.exec(_ITEM_BY_KEY, params={"launch": launch_id, "key": key.upper()}).first()
    if found is None:
        return None
    # The session's identity map holds rows weakly: keep this one for the transaction.
    session.info.setdefault("items_read", []).append(found)
    return found.id


def item_in_launch(session: Session, *, launch_id: int, item_id: int) -> bool:
    stmt = select(Item.id).where(col(Item.id) == item_id, col(Item.launch_id) == launch_id)
    return session.exec(stmt).first() is not None


def launch_of_item(session: Session, *, team_id: str, item_id: int) -> int | None:
    stmt = select(Item.launch_id).where(col(Item.id) == item_id, col(Item.team_id) == team_id)
    return session.exec(stmt).first()


def get_item(session: Session, *, item_id: int, for_update: bool = False) -> Item:
    """The item; with `for_update`, locked for this transaction. SQLite writers hold the
    database lock already, so an item this transaction has read is current as it is."""
    if for_update and session.get_bind().dialect.name != "sqlite":
        return session.exec(_ITEM_FOR_UPDATE, params={"item": item_id}).one()
    found = session.get(Item, item_id)
    if found is None:
        raise NoResultFound(f"item {item_id} is gone")
    return found


def find_item(session: Session, *, item_id: int) -> Item | None:
    return session.get(Item, item_id)


def all_items(session: Session, *, launch_id: int) -> list[Item]:
    stmt = select(Item).where(col(Item.launch_id) == launch_id).order_by(col(Item.seq))
    return list(session.exec(stmt).all())


def scenario_critical_items(session: Session, *, launch_id: int) -> list[Item]:
    """Items whose priority depends on the launch's scenario, locked for update."""
    stmt = (
        select(Item)
        .where(col(Item.launch_id) == launch_id, col(Item.critical_in).is_not(None))
        .order_by(col(Item.seq))
        .with_for_update()
    )
    return list(session.exec(stmt).all())


def items_in_category(session: Session, *, launch_id: int, category: str) -> list[Item]:
    stmt = (
        select(Item)
        .where(col(Item.launch_id) == launch_id, col(Item.category) == category)
        .order_by(col(Item.seq))
    )
    return list(session.exec(stmt).all())


def all_keys(session: Session, *, launch_id: int) -> set[str]:
    return set(session.exec(select(Item.key).where(col(Item.launch_id) == launch_id)).all())


def next_seq(session: Session, *, launch_id: int) -> int:
    current = session.exec(
        select(func.max(Item.seq)).where(col(Item.launch_id) == launch_id)
    ).first()
    return int(current or 0) + 1


def categories(session: Session, *, launch_id: int) -> list[str]:
    stmt = (
        select(Item.category)
        .where(col(Item.launch_id) == launch_id)
        .distinct()
        .order_by(col(Item.category))
    )
    return list(session.exec(stmt).all())


def count_items(session: Session, *, launch_id: int) -> tuple[int, int]:
    """(all items, open items) of a launch."""
    stmt = select(
        func.count(),
        func.sum(case((col(Item.status).in_(_CLOSED), 0), else_=1)),
    ).where(col(Item.launch_id) == launch_id)
    total, open_ = session.exec(stmt).one()
    return int(total), int(open_ or 0)


# -- changing items ---------------------------------------------------------------------------


def add_items(session: Session, *, items: Sequence[Item]) -> None:
    """Insert new items in one batch; their ids are set when this returns."""
    session.add_all(items)
    session.flush()


def delete_item(session: Session, *, item: Item) -> None:
    session.delete(item)
    session.flush()


# -- status ---------------------------------------------------------------------------------


def required_clause(scenario: str) -> ColumnElement[bool]:
    """Items the scenario requires: those without scenarios, or listing it."""
    return or_(
        col(Item.scenarios).is_(None),
        col(Item.scenarios).contains(f",{scenario},", autoescape=True),
    )


def is_required(scenarios: str | None, scenario: str) -> bool:
    """Python twin of `required_clause`, for rows already fetched."""
    return not scenarios or f",{scenario}," in scenarios


def open_clause(today: date) -> ColumnElement[bool]:
    """Open items, counting waivers whose date has passed as open again."""
    return or_(
        col(Item.status).in_(_OPEN),
        and_(col(Item.status) == Status.WAIVED.value, col(Item.waiver_until) < today),
    )


def status_counts(
    session: Session, *, launch_id: int, scenario: str, today: date
) -> list[CountRow]:
    """Every count `status` shows, as rows of
    (category, priority, status, waiver expired, required, overdue, count).

    One round trip of three grouped parts instead of one grouped scan with per-row
    expressions: the main part reads only the covering index ix_item_status_counts, and
    the two date-dependent subsets (expired waivers, overdue items) are small.
    """
    columns = (col(Item.category), col(Item.priority), col(Item.status), col(Item.scenarios))
    in_launch = col(Item.launch_id) == launch_id
    # Plain Core selects: sqlmodel's `select` types at most four columns.
    main = core_select(literal(0).label("part"), *columns, func.count()).where(in_launch)
    expired = core_select(literal(1), *columns, func.count()).where(
        in_launch, col(Item.status) == Status.WAIVED.value, col(Item.waiver_until) < today
    )
    late = core_select(literal(2), *columns, func.count()).where(
        in_launch, col(Item.status).in_(_OPEN), col(Item.due_date) < today
    )
    stmt = union_all(*(part.group_by(*columns) for part in (main, expired, late)))
    counts: dict[tuple[str, str, str, bool, bool, bool], int] = {}
    for part, category, priority, status, scenarios, n in session.execute(stmt):
        required = is_required(scenarios, scenario)
        plain = (category, priority, status, False, required, False)
        counts[plain] = counts.get(plain, 0) + (n if part == 0 else -n)
        if part:
            flagged = (category, priority, status, part == 1, required, part == 2)
            counts[flagged] = counts.get(flagged, 0) + n
    return [(*key, n) for key, n in counts.items() if n > 0]


# -- lists ----------------------------------------------------------------------------------


def _filter_clause(
    kind: ItemFilter, value: str | None, *, today: date, user_id: str
) -> ColumnElement[bool]:
    open_now = col(Item.status).in_(_OPEN)
    match kind:
        case ItemFilter.OPEN:
            return open_clause(today)
        case ItemFilter.ALL:
            return true()
        case ItemFilter.DONE | ItemFilter.WAIVED | ItemFilter.BLOCKED | ItemFilter.TODO:
            return col(Item.status) == kind.value
        case ItemFilter.STARTED:
            return col(Item.status) == Status.IN_PROGRESS.value
        case ItemFilter.OVERDUE:
            return and_(open_now, col(Item.due_date) < today)
        case ItemFilter.PRIORITY:
            return and_(open_now, col(Item.priority) == value)
        case ItemFilter.MINE:
            return and_(open_now, col(Item.owner) == user_id)
        case ItemFilter.OWNER:
            return and_(open_now, col(Item.owner) == value)
        case ItemFilter.UNASSIGNED:
            return and_(open_now, col(Item.owner).is_(None))
        case ItemFilter.CATEGORY:
            return col(Item.category) == value
    raise ValueError(f"unknown filter {kind!r}")


def list_items(
    session: Session,
    *,
    launch_id: int,
    kind: ItemFilter,
    value: str | None = None,
    today: date,
    user_id: str = "",
    limit: int,
    offset: int = 0,
) -> tuple[list[Item], int]:
    """One page of the launch's items matching the filter, and how many match in all."""
    where = and_(
        col(Item.launch_id) == launch_id,
        _filter_clause(kind, value, today=today, user_id=user_id),
    )
    stmt = (
        select(Item)
        .where(where)
        .order_by(col(Item.category), col(Item.seq))
        .limit(limit)
        .offset(offset)
    )
    rows = list(session.exec(stmt).all())
    total = session.exec(select(func.count()).select_from(Item).where(where)).one()
    return rows, int(total)


def same_title(session: Session, *, launch_id: int, title: str) -> Item | None:
    """An item whose title equals `title`, ignoring case and spacing."""
    folded = " ".join(title.casefold().split())
    for item_id, _key, existing in item_refs(session, launch_id=launch_id):
        if " ".join(existing.casefold().split()) == folded:
            return session.get(Item, item_id)
    return None


def changed_since_import(session: Session, *, launch_id: int) -> set[int]:
    """Items with a change made in readybot after their latest import (event ids only grow)."""
    by_import = func.max(case((col(Event.via) == Via.IMPORT.value, col(Event.id)), else_=None))
    by_people = func.max(case((col(Event.via) != Via.IMPORT.value, col(Event.id)), else_=None))
    stmt = (
        select(Event.item_id, by_import, by_people)
        .where(col(Event.launch_id) == launch_id, col(Event.item_id).is_not(None))
        .group_by(col(Event.item_id))
    )
    return {
        int(item_id)
        for item_id, imported, changed in session.exec(stmt).all()
        if item_id is not None
        and imported is not None
        and changed is not None
        and changed > imported
    }


# -- people ---------------------------------------------------------------------------------

_PRIORITY_RANK = case(
    {p.value: rank for rank, p in enumerate(Priority)},
    value=col(Item.priority),
    else_=len(Priority),
)


def open_items_of(
    session: Session, *, launch_id: int, owner: str, limit: int
) -> tuple[list[Item], int]:
    """An owner's open items in a launch (first `limit`), and how many there are."""
    where = and_(
        col(Item.launch_id) == launch_id,
        col(Item.owner) == owner,
        col(Item.status).in_(_OPEN),
    )
    # What matters most first: the page may hold only some of them.
    stmt = (
        select(Item)
        .where(where)
        .order_by(
            _PRIORITY_RANK,
            col(Item.due_date).is_(None),
            col(Item.due_date),
            col(Item.seq),
        )
        .limit(limit)
    )
    total = session.exec(select(func.count()).select_from(Item).where(where)).one()
    return list(session.exec(stmt).all()), int(total)


def overdue_for_owner(
    session: Session, *, team_id: str, owner: str, today: date
) -> list[tuple[str, Item]]:
    """(launch name, item) for every open item the owner has that is past due."""
    stmt = (
        select(Item, Launch.name)
        .join(Launch, col(Launch.id) == col(Item.launch_id))
        .where(
            col(Item.team_id) == team_id,
            col(Item.owner) == owner,
            col(Item.due_date) < today,
            col(Item.status).in_(_OPEN),
        )
        .order_by(col(Item.due_date), col(Item.seq))
    )
    return [(name, item) for item, name in session.exec(stmt).all()]


def owners_with_overdue(session: Session, *, launch_id: int, today: date) -> list[str]:
    stmt = (
        select(Item.owner)
        .where(
            col(Item.launch_id) == launch_id,
            col(Item.owner).is_not(None),
            col(Item.due_date) < today,
            col(Item.status).in_(_OPEN),
        )
        .distinct()
    )
    return [owner for owner in session.exec(stmt).all() if owner]


def expiring_waivers(session: Session, *, launch_id: int, today: date, days: int) -> list[Item]:
    """Waived items whose waiver ends within `days` from today (not already expired)."""
    stmt = (
        select(Item)
        .where(
            col(Item.launch_id) == launch_id,
            col(Item.status) == Status.WAIVED.value,
            col(Item.waiver_until) >= today,
            col(Item.waiver_until) <= today + timedelta(days=days),
        )
        .order_by(col(Item.waiver_until))
    )
    return list(session.exec(stmt).all())


def stamp(item: Item, *, now: datetime) -> None:
    """Record a change to the item: its version guards against lost updates."""
    item.version += 1
    item.updated_at = now


def open_unowned(
    session: Session, *, launch_id: int, priority: Priority, limit: int
) -> tuple[list[Item], int]:
    """Open items of `priority` that nobody owns (first `limit`), and how many there are."""
    where = and_(
        col(Item.launch_id) == launch_id,
        col(Item.owner).is_(None),
        col(Item.priority) == priority.value,
        col(Item.status).in_(_OPEN),
    )
    stmt = select(Item).where(where).order_by(col(Item.due_date), col(Item.seq)).limit(limit)
    total = session.exec(select(func.count()).select_from(Item).where(where)).one()
    return list(session.exec(stmt).all()), int(total)
