"""Evidence that expires (`verify <item> every 30d`): when an item's verification is older
than that, the item goes back to needing verification (reopened, so it counts as open)
and its owner is told by DM with a button to verify it again. A restore test done in
January is not done for a June launch."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from commands import transitions
from commands.digests.gather import scheduler_context
from commands.facts import encode
from commands.items.change import apply_change
from commands.replies import EvidenceExpired, ItemView
from commands.wording import day
from storage import items, launches, outbox, readiness
from storage.engine import Store
from storage.vocabulary import OutboxKind, is_slack_channel, is_slack_user


def expire_evidence(store: Store, now: datetime, *, slack: bool = True) -> int:
    """Reopen every item whose evidence is too old; how many. Safe on several replicas: each
    item is reopened under its launch's lock, and one DM is queued per expiry."""
    with store.read() as session:
        due = [(item.id, item.launch_id) for item in readiness.expired_evidence(session, now=now)]
    done = 0
    for item_id, launch_id in due:
        with store.write() as session:
            launch = launches.lock_launch(session, launch_id=launch_id)
            item = items.get_item(session, item_id=item_id or 0, for_update=True)
            if item.status != "done" or item.verified_at is None or item.verify_every_days is None:
                continue  # verified again meanwhile
            channel = (launches.channels_of(session, launch_id=launch_id) or ("",))[0]
            if channel and is_slack_channel(channel) != slack:
                continue  # the other side (serve or the console) handles this launch
            ctx = scheduler_context(launch.team_id, now)
            verified_on = item.verified_at
            note = (
                f"its evidence, verified {day(verified_on.date())}, is older than "
                f"{item.verify_every_days} d: verify it again"
            )
            reopened = transitions.reopen(ItemView.of(item))
            changed = apply_change(
                session, ctx, launch, item, replace(reopened, action="evidence_expired", note=note)
            )
            person = item.owner or launch.owner
            if person and (is_slack_user(person) == slack):
                outbox.enqueue(
                    session,
                    kind=OutboxKind.EVIDENCE_EXPIRED,
                    team_id=launch.team_id,
                    channel_id=person,
                    dedupe_key=f"evidence-expired:{changed.event_id}",
                    facts=encode(
                        EvidenceExpired(
                            launch_id=launch_id,
                            launch=launch.name,
                            item_id=item_id or 0,
                            key=item.key,
                            title=item.title,
                            owner=person,
                            verified_at=verified_on,
                            every_days=item.verify_every_days,
                        )
                    ),
                    now=now,
                )
            done += 1
    return done
