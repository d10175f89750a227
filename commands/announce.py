"""Telling the launch's channels about a state change: one outbox row per Slack channel,
written in the same transaction as the change (scheduler.delivery delivers them)."""

from __future__ import annotations

from sqlmodel import Session

from commands.context import Context
from storage import queries
from storage.digests import is_slack_channel
from storage.models import Event, Launch, Outbox


def announce(session: Session, ctx: Context, launch: Launch, event: Event) -> int:
    """Queue the event for every Slack channel bound to the launch; returns how many."""
    assert launch.id is not None
    if event.id is None:
        session.flush()
    channels = [c for c in queries.channels_of(session, launch.id) if is_slack_channel(c)]
    for channel in channels:
        session.add(
            Outbox(
                team_id=ctx.team_id,
                channel_id=channel,
                kind="announce",
                ref_id=event.id,
                dedupe_key=f"announce:{event.id}:{channel}",
                next_attempt_at=ctx.now,
                created_at=ctx.now,
            )
        )
    return len(channels)
