"""Helpers for tests that run commands against a real store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from commands.context import Context
from commands.replies import ErrorReply, Reply
from commands.run import execute
from storage.engine import Store
from storage.models import ChannelBinding, Event, Item, Launch


def ok(store: Store, ctx: Context, text: str) -> Any:
    reply = execute(store, ctx, text)
    assert not isinstance(reply, ErrorReply), f"{text!r} failed: {reply}"
    return reply


def fails(store: Store, ctx: Context, text: str) -> ErrorReply:
    reply = execute(store, ctx, text)
    assert isinstance(reply, ErrorReply), f"{text!r} should have failed but gave {reply}"
    return reply


def item(store: Store, key: str) -> Item:
    with store.read() as session:
        return session.exec(select(Item).where(Item.key == key)).scalars().one()  # type: ignore[call-overload]


def events(store: Store, key: str | None = None) -> list[Event]:
    with store.read() as session:
        stmt = select(Event).order_by(Event.id)
        if key:
            stmt = stmt.where(Event.item_key == key)
        return list(session.exec(stmt).scalars())  # type: ignore[call-overload]


def fingerprint(store: Store) -> tuple[Any, ...]:
    """Everything a command could change, in a comparable form."""
    with store.read() as session:
        items = [
            tuple(getattr(i, c.name) for c in Item.__table__.columns)  # type: ignore[attr-defined]
            for i in session.exec(select(Item).order_by(Item.id)).scalars()  # type: ignore[call-overload]
        ]
        launches = [
            tuple(getattr(x, c.name) for c in Launch.__table__.columns)  # type: ignore[attr-defined]
            for x in session.exec(select(Launch).order_by(Launch.id)).scalars()  # type: ignore[call-overload]
        ]
        bindings = sorted(
            (b.channel_id, b.launch_id)
            for b in session.exec(select(ChannelBinding)).scalars()  # type: ignore[call-overload]
        )
        event_count = session.execute(select(func.count()).select_from(Event)).scalar_one()
    return tuple(items), tuple(launches), tuple(bindings), event_count


def seed(store: Store, ctx: Context) -> Reply:
    ok(store, ctx, "launch new Checkout v2 date 2026-12-04")
    ok(store, ctx, "add Configure SSL/TLS certificates #Security !critical key SSL")
    ok(store, ctx, "add Enable MFA for admins #Security !high")
    ok(store, ctx, "add Database backups restored in a drill #Infrastructure !critical")
    ok(store, ctx, "add Load test at 3x peak #Testing !medium due 2026-11-18")
    return ok(store, ctx, "add SSL/TLS for database connections #Infrastructure !low")
