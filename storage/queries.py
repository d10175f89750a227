"""Queries the commands need. Each takes an open session; none commits.

Status is computed from aggregates (GROUP BY) and short, indexed lists, so its
cost stays small as a launch grows to thousands of items.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from storage.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ChannelBinding,
    Event,
    Item,
    Launch,
    Priority,
    Status,
    Via,
    Workspace,
)

# -- workspaces and launches -------------------------------------------------------


def ensure_workspace(session: Session, team_id: str, now: datetime, name: str = "") -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, name=name, created_at=now)
        session.add(workspace)
        session.flush()
    return workspace


def workspaces(session: Session) -> list[Workspace]:
    return list(session.exec(select(Workspace).order_by(Workspace.created_at)).scalars())


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def launch_for_channel(session: Session, team_id: str, channel_id: str | None) -> Launch | None:
    if not channel_id:
        return None
    stmt = (
        select(Launch)
        .join(ChannelBinding, col(ChannelBinding.launch_id) == col(Launch.id))
        .where(ChannelBinding.team_id == team_id, ChannelBinding.channel_id == channel_id)
    )
    return session.exec(stmt).scalars().first()


def launch_by_name(session: Session, team_id: str, name: str) -> Launch | None:
    stmt = select(Launch).where(Launch.team_id == team_id, Launch.name_key == name_key(name))
    return session.exec(stmt).scalars().first()


def launches(session: Session, team_id: str) -> list[Launch]:
    stmt = select(Launch).where(Launch.team_id == team_id).order_by(Launch.created_at)
    return list(session.exec(stmt).scalars())


def channels_of(session: Session, launch_id: int) -> tuple[str, ...]:
    stmt = select(ChannelBinding.channel_id).where(ChannelBinding.launch_id == launch_id)
    return tuple(sorted(session.exec(stmt).scalars()))


def bind_channel(
    session: Session, *, team_id: str, channel_id: str, launch_id: int, actor: str, now: datetime
) -> int | None:
    """Bind the channel to the launch; return the launch it was bound to before, if any."""
    binding = session.get(ChannelBinding, (team_id, channel_id))
    previous = binding.launch_id if binding else None
    if binding is None:
        session.add(
            ChannelBinding(
                team_id=team_id,
                channel_id=channel_id,
                launch_id=launch_id,
                bound_by=actor,
                bound_at=now,
            )
        )
    else:
        binding.launch_id, binding.bound_by, binding.bound_at = launch_id, actor, now
    session.flush()
    return previous


def lock_launch(session: Session, launch_id: int) -> Launch:
    launch = (
        session.exec(select(Launch).where(Launch.id == launch_id).with_for_update()).scalars().one()
    )
    return launch


def bump_revision(session: Session, launch_id: int, now: datetime) -> None:
    session.execute(
        update(Launch)
        .where(col(Launch.id) == launch_id)
        .values(revision=Launch.revision + 1, updated_at=now)
    )


# -- items -----------------------------------------------------------------------


def item_refs(session: Session, launch_id: int) -> list[tuple[int, str, str]]:
    """(id, key, title) of every item: what reference resolution matches against."""
    stmt = (
        select(Item.id, Item.key, Item.title).where(Item.launch_id == launch_id).order_by(Item.seq)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]


def item_id_by_key(session: Session, launch_id: int, key: str) -> int | None:
    stmt = select(Item.id).where(Item.launch_id == launch_id, Item.key == key.upper())
    return session.execute(stmt).scalar_one_or_none()


def get_item(session: Session, item_id: int, *, for_update: bool = False) -> Item:
    stmt = select(Item).where(Item.id == item_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).scalars().one()


def items_by_keys(session: Session, launch_id: int, keys: Sequence[str]) -> list[Item]:
    stmt = select(Item).where(
        Item.launch_id == launch_id, col(Item.key).in_([k.upper() for k in keys])
    )
    return list(session.exec(stmt).scalars())


def items_by_import_ref(session: Session, launch_id: int) -> dict[str, Item]:
    stmt = select(Item).where(Item.launch_id == launch_id, col(Item.import_ref).is_not(None))
    return {item.import_ref: item for item in session.exec(stmt).scalars() if item.import_ref}


def all_items(session: Session, launch_id: int) -> list[Item]:
    return list(
        session.exec(select(Item).where(Item.launch_id == launch_id).order_by(Item.seq)).scalars()
    )


def keys_with_prefix(session: Session, launch_id: int, prefix: str) -> list[str]:
    stmt = select(Item.key).where(
        Item.launch_id == launch_id, col(Item.key).startswith(prefix, autoescape=True)
    )
    return list(session.execute(stmt).scalars())


def all_keys(session: Session, launch_id: int) -> set[str]:
    return set(session.execute(select(Item.key).where(Item.launch_id == launch_id)).scalars())


def next_seq(session: Session, launch_id: int) -> int:
    current = session.execute(
        select(func.max(Item.seq)).where(Item.launch_id == launch_id)
    ).scalar()
    return (current or 0) + 1


def required_clause(scenario: str) -> ColumnElement[bool]:
    """Items the scenario requires: those without scenarios, or listing it."""
    return or_(
        col(Item.scenarios).is_(None),
        col(Item.scenarios).contains(f",{scenario},", autoescape=True),
    )


def open_clause(today: date) -> ColumnElement[bool]:
    """Open items, counting waivers whose date has passed as open again."""
    return or_(
        col(Item.status).in_([s.value for s in OPEN_STATUSES]),
        and_(Item.status == Status.WAIVED.value, col(Item.waiver_until) < today),
    )


def tallies(
    session: Session, launch_id: int, scenario: str, today: date
) -> list[tuple[str, str, str, bool, int]]:
    """(category, priority, status, waiver expired, count) over the items the scenario requires."""
    expired = case(
        (and_(Item.status == Status.WAIVED.value, col(Item.waiver_until) < today), True),
        else_=False,
    ).label("expired")
    stmt = (
        select(Item.category, Item.priority, Item.status, expired, func.count())
        .where(Item.launch_id == launch_id, required_clause(scenario))
        .group_by(Item.category, Item.priority, Item.status, expired)
    )
    return [(r[0], r[1], r[2], bool(r[3]), int(r[4])) for r in session.execute(stmt)]


def count_not_required(session: Session, launch_id: int, scenario: str) -> int:
    stmt = select(func.count()).where(Item.launch_id == launch_id, ~required_clause(scenario))
    return int(session.execute(stmt).scalar_one())


def _brief_select(launch_id: int, scenario: str) -> object:
    return select(Item).where(Item.launch_id == launch_id, required_clause(scenario))


def open_critical(
    session: Session, launch_id: int, scenario: str, today: date, limit: int
) -> tuple[list[Item], int]:
    where = and_(
        Item.launch_id == launch_id,
        required_clause(scenario),
        Item.priority == Priority.CRITICAL.value,
        open_clause(today),
    )
    return _page(session, where, (col(Item.due_date).is_(None), Item.due_date, Item.seq), limit)


def blocked(session: Session, launch_id: int, scenario: str, limit: int) -> tuple[list[Item], int]:
    where = and_(
        Item.launch_id == launch_id, required_clause(scenario), Item.status == Status.BLOCKED.value
    )
    return _page(session, where, (Item.blocked_at, Item.seq), limit)


def overdue(
    session: Session, launch_id: int, scenario: str, today: date, limit: int
) -> tuple[list[Item], int]:
    where = and_(
        Item.launch_id == launch_id,
        required_clause(scenario),
        col(Item.due_date) < today,
        col(Item.status).in_([s.value for s in OPEN_STATUSES]),
    )
    return _page(session, where, (Item.due_date, Item.seq), limit)


def next_due(
    session: Session, launch_id: int, scenario: str, today: date, limit: int
) -> list[Item]:
    stmt = (
        select(Item)
        .where(
            Item.launch_id == launch_id,
            required_clause(scenario),
            col(Item.due_date) >= today,
            col(Item.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(Item.due_date, Item.seq)
        .limit(limit)
    )
    return list(session.exec(stmt).scalars())


def _page(
    session: Session, where: ColumnElement[bool], order: Sequence[object], limit: int
) -> tuple[list[Item], int]:
    rows = list(session.exec(select(Item).where(where).order_by(*order).limit(limit)).scalars())  # type: ignore[arg-type]
    if len(rows) < limit:
        return rows, len(rows)
    total = int(session.execute(select(func.count()).select_from(Item).where(where)).scalar_one())
    return rows, total


def list_items(
    session: Session, where: ColumnElement[bool], *, limit: int, offset: int
) -> tuple[list[Item], int]:
    stmt = select(Item).where(where).order_by(Item.category, Item.seq).limit(limit).offset(offset)
    rows = list(session.exec(stmt).scalars())
    total = int(session.execute(select(func.count()).select_from(Item).where(where)).scalar_one())
    return rows, total


def categories(session: Session, launch_id: int) -> list[str]:
    stmt = (
        select(Item.category).where(Item.launch_id == launch_id).distinct().order_by(Item.category)
    )
    return list(session.execute(stmt).scalars())


# -- events ------------------------------------------------------------------------


def closed_since(session: Session, launch_id: int, since: datetime) -> int:
    """Items closed by people (not by an import) since `since`: the launch's recent pace."""
    stmt = select(func.count()).where(
        Event.launch_id == launch_id,
        col(Event.at) >= since,
        col(Event.action).in_(["done", "waived"]),
        Event.via != Via.IMPORT.value,
    )
    return int(session.execute(stmt).scalar_one())


def item_events(session: Session, item_id: int, limit: int) -> list[Event]:
    stmt = (
        select(Event)
        .where(Event.item_id == item_id)
        .order_by(col(Event.at).desc(), col(Event.id).desc())
        .limit(limit)
    )
    return list(reversed(list(session.exec(stmt).scalars())))


def count_items(session: Session, launch_id: int) -> tuple[int, int]:
    """(all items, open items) of a launch."""
    stmt = select(
        func.count(),
        func.sum(case((col(Item.status).in_([s.value for s in CLOSED_STATUSES]), 0), else_=1)),
    ).where(Item.launch_id == launch_id)
    total, open_ = session.execute(stmt).one()
    return int(total), int(open_ or 0)
