"""Engines and sessions for SQLite (the default) and PostgreSQL, with timeouts everywhere.

SQLite runs in WAL mode with a busy timeout and foreign keys on. Its writers
take the write lock up front (``BEGIN IMMEDIATE``): a deferred transaction that
reads and then writes can fail with "database is locked" the moment another
writer commits in between, and that is exactly the two-people-click-at-once case.
On PostgreSQL, writers lock the rows they change (``SELECT ... FOR UPDATE``).

Nothing waits on the database for long (`Timeouts`): PostgreSQL connections open within
`connect`, statements are cancelled by the server after `statement`, and readybot itself
waits no longer than `statement` + ANSWER_GRACE for any answer, so a database whose
packets are dropped (the server never sees the query, so its own timeout cannot fire) is
noticed too: the connection is closed and the transaction, never committed, changes nothing.
A free connection from the pool comes within `pool`; SQLite waits `busy` for a lock.
Every such failure is raised as DatabaseUnavailable.
"""

from __future__ import annotations

import contextvars
import math
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlmodel import Session

from storage.urls import normalise_url, redact_text, redact_url, url_password

__all__ = [
    "DatabaseUnavailable",
    "Session",
    "Store",
    "Timeouts",
    "make_engine",
    "normalise_url",
    "open_store",
    "patient",
    "redact_text",
    "redact_url",
    "url_password",
]

# Past the server's own statement timeout, how much longer readybot waits for its answer
# (the cancellation travelling back) before it concludes the server cannot be reached.
ANSWER_GRACE = 0.5
# What "the database did not answer" looks like: refused or dropped connections, timeouts,
# a pool with no connection to give. Integrity errors (a unique key taken) are not this.
_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.TimeoutError, sa_exc.InterfaceError)
# Set while waiting is expected to take long (migrations queue on an advisory lock).
# storage.pg reads it; psycopg is imported there, only when a PostgreSQL engine is made.
_patient: contextvars.ContextVar[bool] = contextvars.ContextVar("patient", default=False)


@dataclass(frozen=True)
class Timeouts:
    """How long readybot waits on the database, in seconds."""

    connect: float = 3.0  # PostgreSQL: open a connection (libpq counts at least 2 s)
    statement: float = 5.0  # PostgreSQL: statement_timeout; any answer within this + grace
    pool: float = 3.0  # a free connection from the pool
    busy: float = 10.0  # SQLite: wait this long for another writer's lock

    @property
    def answer(self) -> float:
        return self.statement + ANSWER_GRACE


class DatabaseUnavailable(Exception):
    """The database did not answer in time; the transaction was rolled back. When
    `maybe_committed`, it stopped answering while committing: the change may have been
    saved."""

    def __init__(self, reason: str, *, maybe_committed: bool = False) -> None:
        super().__init__(reason)
        self.maybe_committed = maybe_committed


@contextmanager
def patient() -> Iterator[None]:
    """Wait on the database without the answer timeout (for migrations, which queue behind
    another replica's advisory lock). Statement timeouts set with SET LOCAL still apply."""
    token = _patient.set(True)
    try:
        yield
    finally:
        _patient.reset(token)


def make_engine(url: str, *, timeouts: Timeouts | None = None, **kwargs: Any) -> Engine:
    timeouts = timeouts or Timeouts()
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": timeouts.busy}, **kwargs
        )
        _configure_sqlite(engine, busy_ms=int(timeouts.busy * 1000))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", timeouts.pool)
    connect_args = {
        "connect_timeout": max(2, math.ceil(timeouts.connect)),
        "options": f"-c statement_timeout={int(timeouts.statement * 1000)}",
        **kwargs.pop("connect_args", {}),
    }
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _configure_postgresql(engine, answer=timeouts.answer)
    return engine


def _configure_postgresql(engine: Engine, *, answer: float) -> None:
    from storage.pg import AnsweringConnection

    @event.listens_for(engine, "do_connect")
    def connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        connection = AnsweringConnection.connect(*cargs, **cparams)
        connection.answer_timeout = answer
        return connection


def _configure_sqlite(engine: Engine, *, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's own BEGIN is always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _unavailable(exc: Exception) -> DatabaseUnavailable:
    orig = getattr(exc, "orig", None)
    pg = sys.modules.get("storage.pg")  # not imported: no PostgreSQL engine, no NotAnswering
    not_answering = pg is not None and isinstance(orig, pg.NotAnswering)
    committing = not_answering and bool(getattr(orig, "committing", False))
    reason = str(orig) if not_answering else type(exc).__name__
    return DatabaseUnavailable(reason, maybe_committed=committing)


class Writers:
    """One writer at a time within this process, for SQLite: its writers queue here, woken
    the moment the lock is free, instead of in SQLite's busy handler, which sleeps and retries
    (up to 100 ms a nap) while worker threads outnumber its one write lock (bench.writes).
    Writers in other processes still meet in the busy handler."""

    def __init__(self, timeout: float) -> None:
        self._lock = threading.RLock()  # re-entrant: a nested write meets SQLite, as before
        self.timeout = timeout

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self._lock.acquire(timeout=self.timeout):
            raise DatabaseUnavailable(f"no write turn within {self.timeout:g} s")
        try:
            yield
        finally:
            self._lock.release()


@dataclass(frozen=True)
class Store:
    """The database: hands out read and write sessions, each one transaction."""

    engine: Engine
    writers: Writers | None = field(default=None, compare=False)  # SQLite: see Writers

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
            raise _unavailable(exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any exception.
        Raises DatabaseUnavailable when the database does not answer."""
        bind = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        turn = self.writers.turn() if self.writers is not None else nullcontext()
        try:
            with turn, Session(bind, expire_on_commit=False) as session, session.begin():
                session.info[_WRITING] = True
                yield session
        except _UNAVAILABLE as exc:
            raise _unavailable(exc) from exc

    def dispose(self) -> None:
        self.engine.dispose()


_WRITING = "readybot.writing"


def is_writing(session: Session) -> bool:
    """Whether `session` is a write transaction (`Store.write`): what it reads may include
    its own changes, not committed yet, so no cache may keep it."""
    return bool(session.info.get(_WRITING))


def database_of(session: Session) -> object:
    """What identifies the database a session talks to, for caches of what it holds: its
    connection pool, shared by the engine and the engines its options derive (a write
    session's `BEGIN IMMEDIATE` one). Weakly referenceable; a disposed engine gets a new one."""
    return session.get_bind().engine.pool


def open_store(url: str, *, timeouts: Timeouts | None = None, **kwargs: Any) -> Store:
    engine = make_engine(url, timeouts=timeouts, **kwargs)
    if engine.dialect.name != "sqlite":
        return Store(engine)
    return Store(engine, writers=Writers((timeouts or Timeouts()).busy))
