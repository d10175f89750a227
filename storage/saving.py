"""Writing one changed row now, with one UPDATE, instead of a flush of the whole session.

A unit-of-work flush of a row or two costs several times the UPDATE it emits; on the path of
every change (an item and its launch) that is most of the write's CPU and of the time it holds
SQLite's write lock. `save_now` writes the attributes changed on a row, by primary key, and
marks them saved, so the flush at commit has nothing left to do for it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, and_, bindparam, inspect, update
from sqlalchemy.sql import Update

from storage.engine import Session

_BY_KEY: dict[Table, Update] = {}


def _update_by_key(table: Table) -> Update:
    """UPDATE table WHERE primary key = :pk_<column>; the SET clause is the parameters given."""
    found = _BY_KEY.get(table)
    if found is None:
        found = _BY_KEY[table] = update(table).where(
            and_(*(column == bindparam(f"pk_{column.name}") for column in table.primary_key))
        )
    return found


def save_now(session: Session, row: Any) -> None:
    """Write what changed on `row` (loaded in `session`) now, and mark it saved."""
    state = inspect(row)
    changed = {key: state.dict[key] for key in state.committed_state if key in state.dict}
    if not changed or state.key is None:
        return
    table: Table = row.__table__
    if any(key not in table.c for key in changed):  # a relationship: the unit of work's job
        session.flush()
        return
    params = {f"pk_{column.name}": getattr(row, column.name) for column in table.primary_key}
    session.connection().execute(_update_by_key(table), {**params, **changed})
    # What a flush does once it has written a row: its values become the committed ones and
    # it leaves the session's modified set (else every later query would autoflush it again).
    state._commit_all(state.dict, session.identity_map)
