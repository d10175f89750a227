"""Run the Alembic migrations from code: at start-up and from `readybot db upgrade`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from storage.engine import Store, patient

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every replica.
_PG_MIGRATION_LOCK = 0x72656479  # "redy"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """slack_sdk owns the schema of its OAuth tables (slack_*); autogenerate leaves them alone."""
    table = obj if type_ == "table" else getattr(obj, "table", None)
    table_name = getattr(table, "name", name) or ""
    return not table_name.startswith("slack_")


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> str | None:
    """Bring the schema up to ``revision``; a no-op when it is already there.

    On PostgreSQL an advisory lock serialises replicas that start together, so
    only one of them migrates and the others find the work done.
    """
    target = head_revision() if revision == "head" else revision
    if current_revision(store) == target:
        return target
    # Waiting for another replica's migration, and the migration itself, may take longer
    # than any statement of ordinary work: no timeouts here.
    with patient(), store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL statement_timeout = 0"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        before = MigrationContext.configure(conn).get_current_revision()
        if before != target:
            log.info("migrating database from %s to %s", before or "empty", target)
            command.upgrade(alembic_config(conn), revision)
    return target
