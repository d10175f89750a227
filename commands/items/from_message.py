"""Items made from Slack messages: which item a message already is, and whether a delivery
of the event asking for one was seen before (the reaction answers each delivery once)."""

from __future__ import annotations

from commands.context import Context
from commands.model import MessageRef
from commands.replies import ItemView
from storage import messages
from storage.engine import Store
from storage.requests import remember_request


def item_of_message(store: Store, ctx: Context, message: MessageRef) -> ItemView | None:
    """The item made from `message` in this workspace, if any."""
    with store.read() as session:
        found = messages.item_for_message(
            session, team_id=ctx.team_id, channel_id=message.channel_id, message_ts=message.ts
        )
        return ItemView.of(found) if found is not None else None


def first_delivery(store: Store, ctx: Context) -> bool:
    """Record `ctx.request_key` (an event id); False when Slack delivered it before, to this
    replica or another. A context without a key is always a first delivery."""
    if not ctx.request_key:
        return True
    with store.write() as session:
        return remember_request(session, team_id=ctx.team_id, key=ctx.request_key, now=ctx.now)
