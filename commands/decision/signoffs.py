"""Category owners and sign-offs.

Each category can have an owner (`category <name> owner @user`). The owner, the launch
owner or an admin signs a category off (`signoff <category> [note]`), and the sign-off
keeps a snapshot of the category's items and score. A sign-off revokes itself when the
checklist changes under it: an item reopens, a new required item appears, or a linked
monitor goes down. The signer is told by direct message, and every step is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from commands.audit import record
from commands.context import Context
from commands.decision.model import CategoryState
from commands.errors import Conflict, NotAllowed
from commands.facts import encode
from commands.items.categories import match_category
from commands.launching import current_launch, local_today, view
from commands.parse.words import parse_user
from commands.permissions import is_launch_admin, require_launch_admin
from commands.replies import CategoryOwnerReply, RevokedSignoff, SignoffReply, SignoffsReply
from commands.scoring import CategoryScore, score, summarise
from commands.text import user
from commands.writes import writing
from storage import decisions, items, launches, outbox
from storage.engine import Session, Store
from storage.models import Item, Launch, Signoff
from storage.vocabulary import CLOSED_STATUSES, OutboxKind


def category_states(
    session: Session, launch: Launch, categories: Iterable[CategoryScore]
) -> tuple[CategoryState, ...]:
    """Each scored category with its owner and sign-off (or why its last one was revoked)."""
    assert launch.id is not None
    owners = decisions.category_owners(session, launch_id=launch.id)
    standing = decisions.active_signoffs(session, launch_id=launch.id)
    revoked = decisions.latest_revoked(session, launch_id=launch.id)
    states = []
    for c in categories:
        key = decisions.category_key(c.category)
        owner, signed, gone = owners.get(key), standing.get(key), revoked.get(key)
        states.append(
            CategoryState(
                c.category,
                c.percent,
                c.ready,
                c.total,
                owner=owner.owner if owner else None,
                signed_by=signed.signer if signed else None,
                signed_at=signed.signed_at if signed else None,
                note=signed.note if signed else None,
                revoked_reason=gone.revoked_reason if gone and not signed else None,
            )
        )
    return tuple(states)


def _scores(session: Session, ctx: Context, launch: Launch) -> list[CategoryScore]:
    assert launch.id is not None
    counts = items.status_counts(
        session, launch_id=launch.id, scenario=launch.scenario, today=local_today(ctx, launch)
    )
    return list(score(summarise(counts).tallies).categories)


def set_owner(
    store: Store, ctx: Context, *, category: str, owner: str | None
) -> CategoryOwnerReply:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        name = match_category(session, launch, category, verb="category")
        require_launch_admin(ctx, launch, action=f"choose who owns {name}")
        before = decisions.set_category_owner(
            session, launch_id=launch.id, category=name, owner=owner, actor=ctx.user_id, now=ctx.now
        )
        previous = before.owner if before else None
        if previous == owner:
            raise Conflict(
                f"{name} is already owned by {user(owner)}."
                if owner
                else f"{name} has no owner to clear."
            )
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="category.owner",
            before={"category": name, "owner": previous},
            after={"category": name, "owner": owner},
        )
        launches.touch(launch, now=ctx.now)
        return CategoryOwnerReply(view(session, launch), name, owner, previous)


def fill_owners(session: Session, ctx: Context, launch: Launch, owners: dict[str, str]) -> int:
    """Category owners an imported document names, where none is set yet; how many were set."""
    assert launch.id is not None
    known = decisions.category_owners(session, launch_id=launch.id)
    filled = 0
    for category, named in owners.items():
        owner = _person(named)
        if decisions.category_key(category) in known or not owner:
            continue
        decisions.set_category_owner(
            session,
            launch_id=launch.id,
            category=category,
            owner=owner,
            actor=ctx.user_id,
            now=ctx.now,
        )
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="category.owner",
            before={"category": category, "owner": None},
            after={"category": category, "owner": owner},
        )
        filled += 1
    return filled


def _person(named: str) -> str:
    """A document's owner as readybot stores people: a mention's id, `@name`'s name, or
    the words as written."""
    text = named.strip()
    first = text.split()[0] if text else ""
    return (parse_user(first) or text)[:64]


def may_sign(ctx: Context, launch: Launch, owner: str | None) -> bool:
    return is_launch_admin(ctx, launch) or (owner is not None and owner == ctx.user_id)


def sign_off(store: Store, ctx: Context, *, category: str, note: str | None) -> SignoffReply:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        name = match_category(session, launch, category, verb="signoff")
        owners = decisions.category_owners(session, launch_id=launch.id)
        owner = owners.get(decisions.category_key(name))
        if not may_sign(ctx, launch, owner.owner if owner else None):
            who = f"its owner ({user(owner.owner)}), " if owner else ""
            launch_owner = f"the launch owner ({user(launch.owner)})" if launch.owner else ""
            raise NotAllowed(
                f"Only {who}{launch_owner or 'the launch owner'} or an admin can sign off {name}."
                + ("" if owner else f" Give it an owner: `/ready category {name} owner @name`.")
            )
        standing = decisions.active_signoff(session, launch_id=launch.id, category=name)
        if standing is not None:
            raise Conflict(
                f"{name} is already signed off by {user(standing.signer)}. It stays signed "
                "until its checklist changes."
            )
        scores = {c.category: c for c in _scores(session, ctx, launch)}
        category_items = items.items_in_category(session, launch_id=launch.id, category=name)
        signed = decisions.add_signoff(
            session,
            signoff=Signoff(
                team_id=ctx.team_id,
                launch_id=launch.id,
                category_key=decisions.category_key(name),
                category=name,
                signer=ctx.user_id,
                signer_name=ctx.user_name,
                note=note,
                signed_at=ctx.now,
                snapshot={
                    "score": scores[name].percent if name in scores else None,
                    "items": [[i.key, i.title, i.status, i.priority] for i in category_items],
                },
            ),
        )
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="signed_off",
            after={"category": name, "signoff": signed.id},
            note=note,
        )
        launches.touch(launch, now=ctx.now)
        states = category_states(session, launch, [scores[name]] if name in scores else [])
        open_items = [i.key for i in category_items if i.status not in CLOSED_STATUSES]
        return SignoffReply(view(session, launch), states[0] if states else None, name, open_items)


def list_signoffs(store: Store, ctx: Context) -> SignoffsReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        return SignoffsReply(
            view(session, launch), category_states(session, launch, _scores(session, ctx, launch))
        )


# -- revocation ---------------------------------------------------------------------------


def revoke(session: Session, ctx: Context, launch: Launch, category: str, reason: str) -> bool:
    """Revoke the category's standing sign-off, if any, because of `reason` ("SEC-3
    reopened by alice"): audited, and the signer told by direct message with a button to
    sign again. True if one was revoked."""
    assert launch.id is not None
    standing = decisions.active_signoff(session, launch_id=launch.id, category=category)
    if standing is None or standing.id is None:
        return False
    if not decisions.revoke_signoff(session, signoff_id=standing.id, reason=reason, now=ctx.now):
        return False
    event = record(
        session,
        ctx,
        launch_id=launch.id,
        action="signoff.revoked",
        before={"category": standing.category, "signoff": standing.id, "signer": standing.signer},
        note=reason,
        flush=True,
    )
    facts = RevokedSignoff(
        launch_id=launch.id,
        launch=launch.name,
        category=standing.category,
        signer=standing.signer,
        signed_at=standing.signed_at,
        reason=reason,
        at=ctx.now,
    )
    outbox.enqueue(
        session,
        kind=OutboxKind.SIGNOFF_REVOKED,
        team_id=launch.team_id,
        channel_id=standing.signer,
        dedupe_key=f"signoff-revoked:{standing.id}",
        facts=encode(facts),
        now=ctx.now,
        ref_id=event.id,
    )
    return True


def _is_ready(status: str) -> bool:
    return status in CLOSED_STATUSES


def revoke_for_change(
    session: Session,
    ctx: Context,
    launch: Launch,
    item: Item,
    before: dict[str, object],
    action: str,
) -> None:
    """After an item changed: revoke the sign-off of a category whose checklist it changed
    under the signer (reopened, moved in, newly required)."""
    by = ctx.user_name or ctx.user_id  # stored as text: no user() markers
    old_status = str(before.get("status", item.status))
    old_category = str(before.get("category", item.category))
    if old_category != item.category and not _is_ready(item.status):
        revoke(
            session, ctx, launch, item.category, f"{item.key} moved into {item.category} by {by}"
        )
        return
    if _is_ready(old_status) and not _is_ready(item.status):
        word = {"blocked": "was blocked", "reopened": "reopened"}.get(action, f"is {item.status}")
        revoke(session, ctx, launch, item.category, f"{item.key} {word.replace('_', ' ')} ({by})")
        return
    if "scenarios" in before and not _is_ready(item.status):
        required_now = items.is_required(item.scenarios, launch.scenario)
        required_then = items.is_required(before.get("scenarios"), launch.scenario)  # type: ignore[arg-type]
        if required_now and not required_then:
            revoke(session, ctx, launch, item.category, f"{item.key} is now required ({by})")


def revoke_for_new_item(session: Session, ctx: Context, launch: Launch, item: Item) -> None:
    if _is_ready(item.status) or not items.is_required(item.scenarios, launch.scenario):
        return
    by = ctx.user_name or ctx.user_id  # stored as text: no user() markers
    revoke(
        session,
        ctx,
        launch,
        item.category,
        f"new required item {item.key}: {item.title[:80]} ({by})",
    )
