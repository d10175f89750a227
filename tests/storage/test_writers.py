"""SQLite writers of one process take turns on a lock before BEGIN IMMEDIATE."""

import threading

import pytest

from storage.engine import DatabaseUnavailable, Writers, open_store


def test_a_writer_waits_for_its_turn_no_longer_than_the_busy_timeout(tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    assert store.writers is not None
    store = type(store)(store.engine, writers=Writers(timeout=0.05))
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.write():
            holding.set()
            release.wait(timeout=5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(timeout=5)
    try:
        with pytest.raises(DatabaseUnavailable, match="no write turn"), store.write():
            pass
    finally:
        release.set()
        thread.join()
    with store.write():  # the turn is free again
        pass
    store.dispose()


def test_postgresql_stores_have_no_turns() -> None:
    store = open_store("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert store.writers is None
    store.dispose()
