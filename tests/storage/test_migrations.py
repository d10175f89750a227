"""The migrations build exactly the schema the models describe, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.engine import open_store
from storage.migrate import current_revision, head_revision, known_head, upgrade


def test_migrations_match_the_models(store) -> None:
    with store.engine.connect() as conn:
        from storage.migrate import include_object

        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_database_is_at_head_and_upgrading_again_is_a_no_op(store) -> None:
    assert current_revision(store) == head_revision()
    assert upgrade(store) == head_revision()


def test_the_head_read_from_the_files_is_alembics(store) -> None:
    assert known_head() == head_revision()


def test_a_fresh_sqlite_file_is_created_with_wal_and_foreign_keys(tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(store)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    assert {"launch", "item", "event", "workspace", "channel_binding"} <= set(
        inspect(store.engine).get_table_names()
    )
    store.dispose()


def test_timestamps_come_back_timezone_aware(store) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from storage.models import Workspace

    moment = datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    with store.write() as session:
        session.add(Workspace(team_id="TZ", created_at=moment))
    with store.read() as session:
        loaded = session.get(Workspace, "TZ")
    assert loaded.created_at == moment
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.astimezone(UTC).hour == 14
