"""Run the Alembic migrations from code: at start-up and from `readybot db upgrade`."""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from sqlalchemy import exc as sa_exc

from storage.engine import Store, patient

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every replica.
_PG_MIGRATION_LOCK = 0x72656479  # "redy"
_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|None)', re.M)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """slack_sdk owns the schema of its OAuth tables (slack_*); autogenerate leaves them alone."""
    table = obj if type_ == "table" else getattr(obj, "table", None)
    table_name = getattr(table, "name", name) or ""
    return not table_name.startswith("slack_")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@cache
def known_head() -> str | None:
    """The head revision read from the migration files' `revision` and `down_revision` lines,
    without importing Alembic (a quarter of a one-shot command's start-up); Alembic's own
    answer when the files are not one plain chain."""
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((m[1], m[2]) for m in _REVISION_LINE.finditer(path.read_text("utf-8")))
        if not found.get("revision"):
            return head_revision()
        revisions[str(found["revision"])] = found.get("down_revision")
    heads = set(revisions) - {down for down in revisions.values() if down}
    return heads.pop() if len(heads) == 1 else head_revision()


def current_revision(store: Store) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stored_revision(store: Store) -> str | None:
    """The one revision in alembic_version, or None (no table yet, several heads): what
    Alembic would read, in one query, without importing Alembic."""
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except sa_exc.ProgrammingError:
        return None  # PostgreSQL: no such table, an empty database
    except sa_exc.OperationalError as exc:
        if "no such table" in str(exc.orig):
            return None  # SQLite: the same
        raise  # the database did not answer: as Alembic's own read would have
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade(store: Store, revision: str = "head") -> str | None:
    """Bring the schema up to ``revision``; a no-op when it is already there.

    On PostgreSQL an advisory lock serialises replicas that start together, so
    only one of them migrates and the others find the work done.
    """
    target = known_head() if revision == "head" else revision
    if target is not None and _stored_revision(store) == target:
        return target  # the common case, every start: no Alembic import
    from alembic import command
    from alembic.runtime.migration import MigrationContext

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
