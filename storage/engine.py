"""Engines and sessions for SQLite (the default) and PostgreSQL.

SQLite runs in WAL mode with a busy timeout and foreign keys on. Its writers
take the write lock up front (``BEGIN IMMEDIATE``): a deferred transaction that
reads and then writes can fail with "database is locked" the moment another
writer commits in between, and that is exactly the two-people-click-at-once case.
On PostgreSQL, writers lock the rows they change (``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlmodel import Session

__all__ = [
    "DatabaseUnavailable",
    "Session",
    "Store",
    "make_engine",
    "normalise_url",
    "open_store",
]

SQLITE_BUSY_TIMEOUT_MS = 10_000
# What "the database did not answer" looks like: refused or dropped connections, timeouts,
# a pool with no connection to give. Integrity errors (a unique key taken) are not this.
_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.TimeoutError, sa_exc.InterfaceError)


class DatabaseUnavailable(Exception):
    """The database did not answer in time; the transaction was rolled back."""


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste and pick the psycopg 3 driver for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's own BEGIN is always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


@dataclass(frozen=True)
class Store:
    """The database: hands out read and write sessions, each one transaction."""

    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def writer_engine(self) -> Engine:
        """The engine for code that opens its own write transactions (slack_sdk's OAuth stores):
        on SQLite they take the write lock up front, so they wait for another writer instead of
        failing with "database is locked"."""
        return (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read session. Raises DatabaseUnavailable when the database does not answer."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except _UNAVAILABLE as exc:
            raise DatabaseUnavailable(type(exc).__name__) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any exception.
        Raises DatabaseUnavailable when the database does not answer."""
        bind = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        try:
            with Session(bind, expire_on_commit=False) as session, session.begin():
                yield session
        except _UNAVAILABLE as exc:
            raise DatabaseUnavailable(type(exc).__name__) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, **kwargs: Any) -> Store:
    return Store(make_engine(url, **kwargs))


_SECRET_QUERY_KEYS = re.compile(
    r"(?i)([?&](?:password|passwd|pass|pwd|sslpassword|secret|token|api[_-]?key)=)([^&#]*)"
)


def _userinfo_span(url: str) -> tuple[int, int] | None:
    """Where the user-info part (`user:password`) of a URL is, even when the password holds
    an unencoded `@` or `/`: from after `://` to the last `@` before the query."""
    start = url.find("://")
    if start < 0:
        return None
    start += 3
    end_of_authority = len(url)
    for mark in ("?", "#"):
        found = url.find(mark, start)
        if found >= 0:
            end_of_authority = min(end_of_authority, found)
    at = url.rfind("@", start, end_of_authority)
    return (start, at) if at >= 0 else None


def url_password(url: str) -> str | None:
    span = _userinfo_span(url)
    if span is None:
        return None
    userinfo = url[span[0] : span[1]]
    return userinfo.partition(":")[2] or None


def redact_url(url: str) -> str:
    """The URL with every password masked, whatever form it takes (in the user info, with an
    unencoded `@` or `/`, or as a query parameter such as `?password=`)."""
    span = _userinfo_span(url)
    if span is not None:
        user, colon, _password = url[span[0] : span[1]].partition(":")
        url = url[: span[0]] + user + (colon + "***" if colon else "") + url[span[1] :]
    return _SECRET_QUERY_KEYS.sub(lambda m: m[1] + "***", url)


def redact_text(text: str, url: str) -> str:
    """`text` (an error message, say) with the URL's password masked wherever it appears."""
    for secret in filter(None, [url_password(url), *_query_secrets(url)]):
        text = text.replace(secret, "***")
    return text.replace(url, redact_url(url))


def _query_secrets(url: str) -> list[str]:
    return [m[2] for m in _SECRET_QUERY_KEYS.finditer(url) if m[2]]
