"""Telling a launch's channels about a change: one outbox row per Slack channel, queued in
the same transaction as the change, with the change's facts (scheduler.delivery posts them)."""

from __future__ import annotations

from commands.context import Context
from commands.facts import encode
from commands.replies import Announcement
from storage import launches, outbox
from storage.engine import Session
from storage.vocabulary import OutboxKind, is_slack_channel


def announce(
    session: Session, ctx: Context, *, launch_id: int, event_id: int, what: Announcement
) -> int:
    """Queue `what` for every Slack channel bound to the launch; returns how many."""
    channels = [
        c for c in launches.channels_of(session, launch_id=launch_id) if is_slack_channel(c)
    ]
    facts = encode(what)
    for channel in channels:
        outbox.enqueue(
            session,
            kind=OutboxKind.ANNOUNCE,
            team_id=ctx.team_id,
            channel_id=channel,
            dedupe_key=f"announce:{event_id}:{channel}",
            facts=facts,
            now=ctx.now,
            ref_id=event_id,
        )
    return len(channels)
