"""When an item is blocked, the owners of the open items that need it are told once, by DM:
what is blocked, why, and which of their items wait for it."""

from __future__ import annotations

from commands.context import Context
from commands.facts import encode
from commands.replies import HeldUp
from storage import items, outbox, readiness
from storage.engine import Session
from storage.models import Item, Launch
from storage.vocabulary import CLOSED_STATUSES, OutboxKind


def tell_downstream(
    session: Session, ctx: Context, launch: Launch, item: Item, *, event_id: int
) -> int:
    """Queue one DM per owner of a dependent open item (not the person who blocked it);
    how many. Keyed by the block's audit event, so it is told once."""
    assert launch.id is not None and item.id is not None
    dependents = [a for a, _b in readiness.needed_by(session, item_ids=[item.id])]
    waiting: dict[str, list[str]] = {}
    for dependent in dependents:
        found = items.get_item(session, item_id=dependent)
        if found.status in CLOSED_STATUSES or not found.owner or found.owner == ctx.user_id:
            continue
        waiting.setdefault(found.owner, []).append(found.key)
    for owner, keys in waiting.items():
        outbox.enqueue(
            session,
            kind=OutboxKind.HELD_UP,
            team_id=launch.team_id,
            channel_id=owner,
            dedupe_key=f"held-up:{event_id}:{owner}",
            facts=encode(
                HeldUp(
                    launch.id,
                    launch.name,
                    item.key,
                    item.title,
                    item.blocked_reason,
                    owner,
                    tuple(sorted(keys)),
                )
            ),
            now=ctx.now,
        )
    return len(waiting)
