"""Claims by unique rows: of several replicas inserting the same key, one insert wins."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def insert_unique(session: Session, row: SQLModel) -> bool:
    """Insert a claim row; False if its unique key exists (another replica claimed it first).
    A lost race rolls back to a savepoint, not the whole transaction."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True
