"""Whether anything was committed to the database since a mark, asked without a transaction.

For SQLite, `PRAGMA data_version` on a connection of its own that never writes: its value
changes whenever any other connection, in this process or another (the console, the command
line, a second `serve`), commits. Asking costs a few microseconds and no worker thread, so an
edge can tell whether an answer it gave a moment ago still holds (bot.answers).

PostgreSQL has no such number short of a round trip: there, and for in-memory SQLite, the
watch knows nothing (`mark()` is None) and nothing is reused.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from storage.engine import Store

log = logging.getLogger(__name__)


class ChangeWatch:
    """`mark()`: a number that differs from every earlier mark once something is committed;
    None when the watch cannot tell (not SQLite, or the file cannot be read just now)."""

    def __init__(self, store: Store) -> None:
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # sqlite3 connections are not for two threads at once
        database = store.engine.url.database if store.is_sqlite else None
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                self._connection = sqlite3.connect(
                    database, check_same_thread=False, isolation_level=None, timeout=0
                )
            except sqlite3.Error as exc:
                log.warning("not watching %s for changes: %s", database, exc)

    def mark(self) -> int | None:
        if self._connection is None:
            return None
        with self._lock:
            try:
                row = self._connection.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                return None  # busy or gone: tell nothing, so nothing is reused
        return int(row[0])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
