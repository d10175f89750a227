"""Changing an item: one path for every verb that changes one (done, block, assign …).

A verb says how to decide the change from the item's state (`commands.transitions`), whether
free text follows the reference, and whether only launch admins may do it. `change_item`
then resolves the item, checks permission, decides, and applies the change with its audit
event (and its announcement, with the facts of the change) in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commands.audit import record
from commands.context import Context
from commands.decision.signoffs import revoke_for_change
from commands.items.downstream import tell_downstream
from commands.items.find import find_item
from commands.launching import current_launch, view
from commands.notify import announce
from commands.permissions import require_item_change, require_launch_admin
from commands.replies import Announcement, ItemChanged, ItemView
from commands.transitions import Change
from commands.writes import writing
from storage import items, launches, readiness
from storage.audit import jsonable, snapshot
from storage.engine import Session, Store
from storage.models import Item, Launch
from storage.saving import save_now

# What a change may write without moving anything `status` shows (its counts, concerns,
# sign-offs and plan read none of it; commands.status): a note. Anything else bumps
# `launch.plan_revision`, and the report is computed afresh.
PLAN_NEUTRAL = frozenset({"notes"})

# (context, launch, the item as it is, the free text after the reference) -> the change
Decide = Callable[[Context, Launch, ItemView, str], Change]


@dataclass(frozen=True)
class ItemChange:
    """How one verb changes an item."""

    verb: str
    decide: Decide
    split: bool = False  # free text (a reason, evidence, a note) follows the reference
    admin_only: str | None = None  # what only launch owners and admins may do, in words


def apply_change(
    session: Session, ctx: Context, launch: Launch, item: Item, change: Change
) -> ItemChanged:
    """Set the fields, bump the versions and append the audit event, all in this transaction;
    queue the announcement, with the item as the change left it, if the change is news."""
    if change.cleared is not None:
        # The audit log tells both: the block was cleared, then the item was done.
        blocked = ("status", "blocked_reason", "blocked_by", "blocked_at")
        record(
            session,
            ctx,
            launch_id=launch.id,
            item_id=item.id,
            item_key=item.key,
            action="unblocked",
            before=snapshot(item, blocked),
            after={
                "status": "todo",
                "blocked_reason": None,
                "blocked_by": None,
                "blocked_at": None,
            },
            note=change.cleared or None,
        )
    before = snapshot(item, tuple(change.fields))
    for name, value in change.fields.items():
        setattr(item, name, value)
    # A sign-off stands for the checklist as it was: a change under it revokes it.
    revoke_for_change(session, ctx, launch, item, before, change.action)
    items.stamp(item, now=ctx.now)
    launches.touch(launch, now=ctx.now, plan=not PLAN_NEUTRAL.issuperset(change.fields))
    save_now(session, item)
    save_now(session, launch)
    event = record(
        session,
        ctx,
        launch_id=launch.id,
        item_id=item.id,
        item_key=item.key,
        action=change.action,
        before=before,
        after={name: jsonable(getattr(item, name)) for name in change.fields},
        note=change.note,
        flush=True,
    )
    changed = ItemChanged(
        view(session, launch),
        ItemView.of(item),
        change.action,
        ctx.user_id,
        change.note,
        change.announce,
        event_id=event.id,
        actor_name=ctx.user_name,
        cleared=change.cleared,
        # Done before what it needs: allowed (people know things readybot does not),
        # but said, so a dependency recorded in error can be removed.
        still_needs=tuple(readiness.open_needs(session, item_id=item.id))
        if change.action == "done" and item.id is not None
        else (),
    )
    if change.action == "blocked" and event.id is not None:
        tell_downstream(session, ctx, launch, item, event_id=event.id)
    if change.announce:
        assert launch.id is not None and event.id is not None
        announce(
            session, ctx, launch_id=launch.id, event_id=event.id, what=Announcement(item=changed)
        )
    return changed


def change_item(store: Store, ctx: Context, text: str, how: ItemChange) -> ItemChanged:
    """Resolve the item `text` names, check permission, let `how` decide the change and apply
    it atomically."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        item_id, rest = find_item(session, launch, text, split=how.split, verb=how.verb)
        item = items.get_item(session, item_id=item_id, for_update=True)
        if how.admin_only:
            require_launch_admin(ctx, launch, action=how.admin_only)
        else:
            require_item_change(ctx, launch, key=item.key, owner=item.owner, action=how.verb)
        change = how.decide(ctx, launch, ItemView.of(item), rest)
        return apply_change(session, ctx, launch, item, change)
