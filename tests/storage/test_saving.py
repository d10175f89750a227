"""Rows written on the hot path without a unit-of-work flush: `save_now`, the audit event's
INSERT … RETURNING and the delivery key's INSERT … ON CONFLICT, on both engines."""

from datetime import UTC, datetime

from sqlalchemy import event
from sqlmodel import select

from storage.audit import append_event
from storage.models import Event, Item, Launch, Workspace
from storage.requests import remember_request
from storage.saving import save_now

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _launch_with_item(store) -> tuple[int, int]:
    with store.write() as session:
        session.add(Workspace(team_id="T1", created_at=NOW))
        session.flush()
        launch = Launch(
            team_id="T1",
            name="L",
            name_key="l",
            owner="u",
            created_by="u",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(launch)
        session.flush()
        item = Item(
            team_id="T1",
            launch_id=launch.id,
            key="SSL",
            seq=1,
            title="SSL",
            category="Sec",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(item)
        session.flush()
        assert launch.id is not None and item.id is not None
        return launch.id, item.id


def _statements(store) -> list[str]:
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda c, cur, sql, *a: seen.append(sql))
    return seen


def test_save_now_writes_only_the_changed_fields_at_once_and_nothing_at_commit(store) -> None:
    _, item_id = _launch_with_item(store)
    seen = _statements(store)
    with store.write() as session:
        item = session.get(Item, item_id)
        assert item is not None
        item.notes = "checked with the vendor"
        item.version += 1
        save_now(session, item)
        written = [sql for sql in seen if sql.startswith("UPDATE")]
        assert len(written) == 1 and "notes" in written[0] and "title" not in written[0]
        assert not session.dirty
        save_now(session, item)  # nothing changed since: nothing written
    assert len([sql for sql in seen if sql.startswith("UPDATE")]) == 1
    with store.read() as session:
        again = session.get(Item, item_id)
        assert again is not None
        assert (again.notes, again.version) == ("checked with the vendor", 2)


def test_save_now_rolls_back_with_its_transaction(store) -> None:
    _, item_id = _launch_with_item(store)
    try:
        with store.write() as session:
            item = session.get(Item, item_id)
            assert item is not None
            item.notes = "never"
            save_now(session, item)
            raise RuntimeError("the command failed after the change")
    except RuntimeError:
        pass
    with store.read() as session:
        assert session.get(Item, item_id).notes is None  # type: ignore[union-attr]


def _flushed_event(session, launch_id: int, item_id: int | None, key: str, action: str, **more):
    """An audit event for the item, written at once (`flush=True`)."""
    return append_event(
        session,
        team_id="T1",
        launch_id=launch_id,
        actor="u",
        via="command",
        action=action,
        at=NOW,
        item_id=item_id,
        item_key=key,
        flush=True,
        **more,
    )


def test_a_flushed_event_gets_its_id_and_is_written_once(store) -> None:
    launch_id, item_id = _launch_with_item(store)
    with store.write() as session:
        first = _flushed_event(session, launch_id, item_id, "SSL", "noted", after={"notes": "x"})
        second = _flushed_event(session, launch_id, item_id, "SSL", "noted")
        assert first.id is not None and second.id is not None and second.id > first.id
    with store.read() as session:
        rows = session.exec(select(Event).order_by(Event.id)).all()
    assert [(e.id, e.action, e.after) for e in rows] == [
        (first.id, "noted", {"notes": "x"}),
        (second.id, "noted", None),
    ]


def test_an_event_flushed_after_a_new_item_refers_to_it(store) -> None:
    launch_id, _ = _launch_with_item(store)
    with store.write() as session:
        item = Item(
            team_id="T1",
            launch_id=launch_id,
            key="BAK",
            seq=2,
            title="Backups",
            category="Ops",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(item)
        event_ = _flushed_event(session, launch_id, item.id, "BAK", "added")
        assert item.id is not None and event_.id is not None


def test_a_delivery_is_remembered_once(store) -> None:
    _launch_with_item(store)
    with store.write() as session:
        assert remember_request(session, team_id="T1", key="1700000000.000100", now=NOW)
        assert not remember_request(session, team_id="T1", key="1700000000.000100", now=NOW)
    with store.write() as session:
        assert not remember_request(session, team_id="T1", key="1700000000.000100", now=NOW)
        assert remember_request(session, team_id="T1", key="1700000000.000200", now=NOW)
