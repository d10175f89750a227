"""Queries the commands need. Each takes an open session; none commits.

Status is computed from aggregates (GROUP BY) and short, indexed lists, so its
cost stays small as a launch grows to thousands of items.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, union_all
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


# Built once: building a statement costs more than running it on the hot path of every
# command (finding the channel's launch, its channels).
_LAUNCH_FOR_CHANNEL = (
    select(Launch)
    .join(ChannelBinding, col(ChannelBinding.launch_id) == col(Launch.id))
    .where(
        ChannelBinding.team_id == bindparam("team"),
        ChannelBinding.channel_id == bindparam("channel"),
    )
)
_CHANNELS_OF = select(ChannelBinding.channel_id).where(
    ChannelBinding.launch_id == bindparam("launch")
)


def launch_for_channel(session: Session, team_id: str, channel_id: str | None) -> Launch | None:
    if not channel_id:
        return None
    return (
        session.exec(_LAUNCH_FOR_CHANNEL, params={"team": team_id, "channel": channel_id})
        .scalars()
        .first()
    )  # type: ignore[call-overload]


def launch_by_name(session: Session, team_id: str, name: str) -> Launch | None:
    stmt = select(Launch).where(Launch.team_id == team_id, Launch.name_key == name_key(name))
    return session.exec(stmt).scalars().first()


def launches(session: Session, team_id: str) -> list[Launch]:
    stmt = select(Launch).where(Launch.team_id == team_id).order_by(Launch.created_at)
    return list(session.exec(stmt).scalars())


def channels_of(session: Session, launch_id: int) -> tuple[str, ...]:
    return tuple(sorted(session.execute(_CHANNELS_OF, {"launch": launch_id}).scalars()))


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


def item_in_launch(session: Session, launch_id: int, item_id: int) -> bool:
    stmt = select(Item.id).where(Item.id == item_id, Item.launch_id == launch_id)
    return session.execute(stmt).first() is not None


def launch_of_item(session: Session, team_id: str, item_id: int) -> int | None:
    stmt = select(Item.launch_id).where(Item.id == item_id, Item.team_id == team_id)
    return session.execute(stmt).scalar_one_or_none()


def get_item(session: Session, item_id: int, *, for_update: bool = False) -> Item:
    stmt = select(Item).where(Item.id == item_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).scalars().one()


def all_items(session: Session, launch_id: int) -> list[Item]:
    return list(
        session.exec(select(Item).where(Item.launch_id == launch_id).order_by(Item.seq)).scalars()
    )


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


def status_counts(
    session: Session, launch_id: int, scenario: str, today: date
) -> list[tuple[str, str, str, bool, bool, bool, int]]:
    """Every count `status` shows, as rows of
    (category, priority, status, waiver expired, required, overdue, count).

    One round trip of three grouped parts instead of one grouped scan with per-row
    expressions: the main part reads only the covering index ix_item_status_counts, and
    the two date-dependent subsets (expired waivers, overdue items) are small.
    """
    columns = (Item.category, Item.priority, Item.status, Item.scenarios)
    main = select(literal(0).label("part"), *columns, func.count()).where(
        Item.launch_id == launch_id
    )
    expired = select(literal(1), *columns, func.count()).where(
        Item.launch_id == launch_id,
        Item.status == Status.WAIVED.value,
        col(Item.waiver_until) < today,
    )
    late = select(literal(2), *columns, func.count()).where(
        Item.launch_id == launch_id,
        col(Item.status).in_([s.value for s in OPEN_STATUSES]),
        col(Item.due_date) < today,
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


def is_required(scenarios: str | None, scenario: str) -> bool:
    """Python twin of `required_clause`, for rows already fetched."""
    return not scenarios or f",{scenario}," in scenarios


BRIEF_COLUMNS = (
    Item.key,
    Item.title,
    Item.category,
    Item.priority,
    Item.status,
    Item.blocked_reason,
    Item.owner,
    Item.due_date,
)


def briefs(
    session: Session, parts: dict[str, tuple[ColumnElement[bool], Sequence[Any], int]]
) -> dict[str, list[tuple[Any, ...]]]:
    """For each named (where, order, limit): the first matching items as plain rows of
    BRIEF_COLUMNS, all in one round trip (no ORM objects: cheap)."""
    found: dict[str, list[tuple[Any, ...]]] = {name: [] for name in parts}
    if not parts:
        return found
    selects = []
    for number, (where, order, limit) in enumerate(parts.values()):
        ranked = select(*BRIEF_COLUMNS).where(where).order_by(*order).limit(limit).subquery()
        selects.append(select(literal(number).label("part"), *ranked.c).select_from(ranked))
    names = list(parts)
    # Parts come back in any order; within a part the rows keep their subquery's order.
    for part, *row in session.execute(union_all(*selects)):
        found[names[part]].append(tuple(row))
    return found


def open_critical_where(launch_id: int, scenario: str, today: date) -> ColumnElement[bool]:
    return and_(
        Item.launch_id == launch_id,
        required_clause(scenario),
        Item.priority == Priority.CRITICAL.value,
        open_clause(today),
    )


def blocked_where(launch_id: int, scenario: str) -> ColumnElement[bool]:
    return and_(
        Item.launch_id == launch_id, required_clause(scenario), Item.status == Status.BLOCKED.value
    )


def overdue_where(launch_id: int, scenario: str, today: date) -> ColumnElement[bool]:
    return and_(
        Item.launch_id == launch_id,
        required_clause(scenario),
        col(Item.due_date) < today,
        col(Item.status).in_([s.value for s in OPEN_STATUSES]),
    )


def upcoming_where(launch_id: int, scenario: str, today: date) -> ColumnElement[bool]:
    return and_(
        Item.launch_id == launch_id,
        required_clause(scenario),
        col(Item.due_date) >= today,
        col(Item.status).in_([s.value for s in OPEN_STATUSES]),
    )


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
