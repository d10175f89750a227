"""Slack messages that became items: the unique (workspace, channel, message ts) guard."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Item, MessageItem
from storage.unique import insert_unique


def item_for_message(
    session: Session, *, team_id: str, channel_id: str, message_ts: str
) -> Item | None:
    """The item made from this message, if there is one (a removed item frees its message)."""
    stmt = (
        select(Item)
        .join(MessageItem, col(MessageItem.item_id) == col(Item.id))
        .where(
            col(MessageItem.team_id) == team_id,
            col(MessageItem.channel_id) == channel_id,
            col(MessageItem.message_ts) == message_ts,
        )
    )
    return session.exec(stmt).first()


def link_message(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    item_id: int,
    now: datetime,
) -> bool:
    """Record that the message became `item_id`; False when another request (or replica)
    made an item of it first."""
    row = MessageItem(
        team_id=team_id,
        channel_id=channel_id,
        message_ts=message_ts,
        item_id=item_id,
        created_at=now,
    )
    return insert_unique(session, row)
