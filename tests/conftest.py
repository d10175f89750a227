"""Shared fixtures: a real database per test, on SQLite and on PostgreSQL.

`store` is parametrised over both engines. SQLite tests copy a migrated template
file; PostgreSQL tests share one database created for the session (migrated with
the real migrations) and truncate its tables between tests. Without a reachable
PostgreSQL server those tests skip and say why, unless
READYBOT_TEST_REQUIRE_POSTGRES=1 (CI sets it), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from commands.context import Context
from storage.engine import Store, open_store
from storage.migrate import upgrade
from storage.vocabulary import Via

POSTGRES_URL = os.environ.get(
    "READYBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("READYBOT_TEST_REQUIRE_POSTGRES") == "1"
TABLES = (
    "event",
    "item",
    "channel_binding",
    "launch",
    "workspace",
    "outbox",
    "processed_request",
    "draft",
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
    "digest_schedule",
    "digest_run",
    "launch_day",
    "reminder_pref",
    "reminder_run",
    "reminder_snooze",
    "monitor",
    "monitor_event",
    "category_owner",
    "signoff",
    "gonogo_call",
    "vote",
    "gate_token",
    "item_dependency",
    "message_item",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        action="append",
        choices=["sqlite", "postgresql"],
        help="run database tests on these engines only",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_engine" in metafunc.fixturenames:
        engines = metafunc.config.getoption("--db") or ["sqlite", "postgresql"]
        metafunc.parametrize("db_engine", engines, scope="session")


def postgres_unreachable_reason() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {make_url(POSTGRES_URL).render_as_string(hide_password=True)}: {exc.__class__.__name__}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    store = open_store(f"sqlite:///{path}")
    upgrade(store)
    store.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    reason = postgres_unreachable_reason()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(reason + " (READYBOT_TEST_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    name = f"readybot_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    store = open_store(url)
    upgrade(store)
    store.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def store(db_engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if db_engine == "sqlite":
        path = tmp_path / "readybot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        store = open_store(f"sqlite:///{path}")
        yield store
        store.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    store = open_store(url, pool_size=5, max_overflow=20)
    with store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    yield store
    store.dispose()


NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday


def make_ctx(
    user: str = "alice",
    *,
    channel: str | None = "C-LAUNCH",
    team: str = "T1",
    now: datetime = NOW,
    admins: frozenset[str] = frozenset(),
    via: Via = Via.COMMAND,
    local: bool = False,
) -> Context:
    return Context(
        team_id=team,
        user_id=user,
        channel_id=channel,
        via=via,
        now=now,
        admins=admins,
        local_operator=local,
    )


@pytest.fixture
def ctx() -> Context:
    return make_ctx()
