"""What verification and dependencies need from the database: done items only claimed,
evidence past its age, stability windows, and the dependency graph of a launch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, text
from sqlalchemy import select as core_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.items import BRIEF_COLUMNS, BriefRow, required_clause
from storage.models import Item, ItemDependency
from storage.unique import insert_unique
from storage.vocabulary import Status


def _claimed(launch_id: int, scenario: str) -> ColumnElement[bool]:
    return and_(
        col(Item.launch_id) == launch_id,
        required_clause(scenario),
        col(Item.status) == Status.DONE.value,
        col(Item.verified_at).is_(None),
    )


def claimed_briefs(
    session: Session, *, launch_id: int, scenario: str, priority: str, limit: int
) -> list[BriefRow]:
    stmt = (
        core_select(*BRIEF_COLUMNS)
        .where(_claimed(launch_id, scenario), col(Item.priority) == priority)
        .order_by(col(Item.seq))
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(stmt)]


def expired_evidence(session: Session, *, now: datetime) -> list[Item]:
    """Done items whose verification is older than their `verify_every_days` (any launch)."""
    stmt = select(Item).where(
        col(Item.status) == Status.DONE.value,
        col(Item.verify_every_days).is_not(None),
        col(Item.verified_at).is_not(None),
    )
    return [
        item
        for item in session.exec(stmt).all()
        if item.verified_at is not None
        and item.verify_every_days is not None
        and item.verified_at + timedelta(days=item.verify_every_days) <= now
    ]


def expiring_before(session: Session, *, launch_id: int, day: date) -> list[Item]:
    """Done items of the launch whose evidence will be too old by `day` (the target)."""
    stmt = select(Item).where(
        col(Item.launch_id) == launch_id,
        col(Item.status) == Status.DONE.value,
        col(Item.verify_every_days).is_not(None),
        col(Item.verified_at).is_not(None),
    )
    return [
        item
        for item in session.exec(stmt).all()
        if item.verified_at is not None
        and item.verify_every_days is not None
        and (item.verified_at + timedelta(days=item.verify_every_days)).date() <= day
    ]


def watched_by(session: Session, *, monitor_id: int) -> list[Item]:
    """Items whose stability window runs on this monitor."""
    stmt = select(Item).where(col(Item.stability_monitor_id) == monitor_id).with_for_update()
    return list(session.exec(stmt).all())


def relative_due(session: Session, *, launch_id: int) -> list[Item]:
    """Items due relative to the target date (`due T-7d`), locked for update."""
    stmt = (
        select(Item)
        .where(col(Item.launch_id) == launch_id, col(Item.due_offset_days).is_not(None))
        .with_for_update()
    )
    return list(session.exec(stmt).all())


# -- dependencies --------------------------------------------------------------------------


def edges(session: Session, *, launch_id: int) -> list[tuple[int, int]]:
    """(item id, id of an item it needs) for every dependency in the launch."""
    stmt = core_select(col(ItemDependency.item_id), col(ItemDependency.needs_id)).where(
        col(ItemDependency.launch_id) == launch_id
    )
    return [(int(a), int(b)) for a, b in session.execute(stmt)]


def add_dependency(
    session: Session, *, launch_id: int, item_id: int, needs_id: int, actor: str, now: datetime
) -> bool:
    """False if it was there already."""
    return insert_unique(
        session,
        ItemDependency(
            launch_id=launch_id,
            item_id=item_id,
            needs_id=needs_id,
            created_by=actor,
            created_at=now,
        ),
    )


def remove_dependency(session: Session, *, item_id: int, needs_id: int) -> bool:
    result = session.execute(
        delete(ItemDependency).where(
            col(ItemDependency.item_id) == item_id, col(ItemDependency.needs_id) == needs_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


def needed_by(session: Session, *, item_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(dependent item id, needed item id) for the items that need any of `item_ids`."""
    wanted = list(item_ids)
    if not wanted:
        return []
    stmt = core_select(col(ItemDependency.item_id), col(ItemDependency.needs_id)).where(
        col(ItemDependency.needs_id).in_(wanted)
    )
    return [(int(a), int(b)) for a, b in session.execute(stmt)]


def open_needs(session: Session, *, item_id: int) -> list[str]:
    """Keys of the items `item_id` needs that are neither done nor waived, by key."""
    stmt = (
        core_select(col(Item.key))
        .join(ItemDependency, col(ItemDependency.needs_id) == col(Item.id))
        .where(
            col(ItemDependency.item_id) == item_id,
            col(Item.status).not_in([Status.DONE, Status.WAIVED]),
        )
        .order_by(col(Item.key))
    )
    return [str(key) for key in session.execute(stmt).scalars()]


# What the critical path and the path to GO read of an item: (id, key, title, priority,
# status, owner, due, effort, scenarios, blocked_reason, waiver_until, unverified). Every
# column costs its conversion, and a launch has thousands of items. Migration 0015's
# triggers move `plan_mark` when any of these or the other STATE_COLUMNS change.
GRAPH_COLUMNS = (
    col(Item.id),
    col(Item.key),
    col(Item.title),
    col(Item.priority),
    col(Item.status),
    col(Item.owner),
    col(Item.due_date),
    col(Item.effort),
    col(Item.scenarios),
    col(Item.blocked_reason),
    col(Item.waiver_until),
    col(Item.verified_at).is_(None),
)
# Done items are ready and need no node, except critical ones only claimed (a launch may
# require them verified).
IN_GRAPH = or_(
    col(Item.status) != Status.DONE.value,
    and_(col(Item.verified_at).is_(None), col(Item.priority) == "critical"),
)


# What a report reads of every item (commands.launch_state): the graph's columns, the
# category it counts under, what orders it in the lists status shows, and whether the
# graph holds it.
STATE_COLUMNS = (
    *GRAPH_COLUMNS,
    col(Item.category),
    col(Item.blocked_at),
    col(Item.seq),
    IN_GRAPH,
)


def state_rows(session: Session, *, launch_id: int) -> list[tuple[Any, ...]]:
    """Every item of the launch as `STATE_COLUMNS` rows."""
    stmt = core_select(*STATE_COLUMNS).where(col(Item.launch_id) == launch_id)
    # Core rows, not the ORM's loading: thousands of plain tuples.
    return [tuple(row) for row in session.connection().execute(stmt)]


def plan_marks_kept(session: Session) -> bool:
    """Whether this database keeps `item.plan_mark` (migration 0015's triggers): without
    them what is kept of a launch cannot be brought up to date from the rows that changed."""
    sql = (
        "SELECT 1 FROM pg_trigger WHERE tgname = 'item_plan_mark'"
        if session.get_bind().dialect.name == "postgresql"
        else "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'item_plan_mark_update'"
    )
    return session.execute(text(sql)).first() is not None


@dataclass(frozen=True)
class StateChanges:
    rows: list[tuple[Any, ...]]  # STATE_COLUMNS of the items that changed
    edges: list[tuple[int, int]]  # every dependency of the changed items


def state_changes(
    session: Session, *, launch_id: int, since: int, limit: int
) -> StateChanges | None:
    """The items whose columns or dependencies changed at plan revision `since` or later:
    with the items read at `since`, and no item deleted since (launch.items_removed),
    enough to bring them up to date. (Rows marked `since` itself may be kept already;
    a writer's mark is the revision before or after its own bump, never earlier.) None
    past `limit` changed rows: read the launch whole."""
    in_launch = col(Item.launch_id) == launch_id
    connection = session.connection()
    rows = [
        tuple(row)
        for row in connection.execute(
            core_select(*STATE_COLUMNS)
            .where(in_launch, col(Item.plan_mark) >= since)
            .limit(limit + 1)
        )
    ]
    if len(rows) > limit:
        return None
    found = (
        [
            (int(a), int(b))
            for a, b in connection.execute(
                core_select(col(ItemDependency.item_id), col(ItemDependency.needs_id)).where(
                    col(ItemDependency.item_id).in_([row[0] for row in rows])
                )
            )
        ]
        if rows
        else []
    )
    return StateChanges(rows, found)
