"""Write transactions for commands: one per command, idempotent per Slack delivery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from commands.context import Context
from commands.errors import CommandError
from storage.engine import Session, Store
from storage.requests import remember_request


class Duplicate(CommandError):
    """Slack delivered this request before and it was applied then."""


@contextmanager
def writing(store: Store, ctx: Context) -> Iterator[Session]:
    """A write transaction that first records `ctx.request_key`, if any.

    The key is written with the change it guards: if the change rolls back, so does the
    key (a retry may apply it); if it commits, a repeat finds the key and stops here.
    """
    with store.write() as session:
        if ctx.request_key and not remember_request(
            session, team_id=ctx.team_id, key=ctx.request_key, now=ctx.now
        ):
            raise Duplicate("Slack delivered that twice; it was applied once.")
        yield session
