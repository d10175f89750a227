"""Category owners, sign-offs, Go/No-Go calls with their votes, and gate tokens.

Races between replicas are settled here: a vote is one row per voter (a repeat click
updates it), and a call closes by one conditional UPDATE that only one worker wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from storage.models import CategoryOwner, GateToken, GoNoGoCall, Signoff, Vote
from storage.unique import insert_unique

OPEN, CLOSED = "open", "closed"


def category_key(name: str) -> str:
    return " ".join(name.casefold().split())[:100]


# -- category owners ---------------------------------------------------------------------


# Built once: every status report reads them (commands.decision.signoffs.category_states).
_OWNERS = select(CategoryOwner).where(col(CategoryOwner.launch_id) == bindparam("launch"))
_STANDING_SIGNOFFS = (
    select(Signoff)
    .where(col(Signoff.launch_id) == bindparam("launch"), col(Signoff.revoked_at).is_(None))
    .order_by(col(Signoff.signed_at))
)
_REVOKED_SIGNOFFS = (
    select(Signoff)
    .where(col(Signoff.launch_id) == bindparam("launch"), col(Signoff.revoked_at).is_not(None))
    .order_by(col(Signoff.revoked_at))
)


def category_owners(session: Session, *, launch_id: int) -> dict[str, CategoryOwner]:
    """Owners by category key."""
    rows = session.exec(_OWNERS, params={"launch": launch_id}).all()
    return {row.category_key: row for row in rows}


def set_category_owner(
    session: Session, *, launch_id: int, category: str, owner: str | None, actor: str, now: datetime
) -> CategoryOwner | None:
    """Set (or with None, clear) a category's owner; the row before the change, if any."""
    key = category_key(category)
    found = session.get(CategoryOwner, (launch_id, key))
    before = (
        CategoryOwner(**{name: getattr(found, name) for name in CategoryOwner.model_fields})
        if found
        else None
    )
    if owner is None:
        if found:
            session.delete(found)
    elif found:
        found.owner, found.category, found.set_by, found.set_at = owner, category, actor, now
        session.add(found)
    else:
        session.add(
            CategoryOwner(
                launch_id=launch_id,
                category_key=key,
                category=category,
                owner=owner,
                set_by=actor,
                set_at=now,
            )
        )
    session.flush()
    return before


# -- sign-offs ---------------------------------------------------------------------------


def active_signoffs(session: Session, *, launch_id: int) -> dict[str, Signoff]:
    """The standing sign-off of each category (by category key)."""
    rows = session.exec(_STANDING_SIGNOFFS, params={"launch": launch_id}).all()
    return {row.category_key: row for row in rows}


def latest_revoked(session: Session, *, launch_id: int) -> dict[str, Signoff]:
    """The latest revoked sign-off of each category (by category key)."""
    rows = session.exec(_REVOKED_SIGNOFFS, params={"launch": launch_id}).all()
    return {row.category_key: row for row in rows}


_STANDING = "readybot.standing_signoffs"


def _standing(session: Session, launch_id: int) -> dict[str, int]:
    """Standing sign-off ids by category key, read once per transaction: every item change
    asks, and writers hold the launch's row lock, so nobody else changes them meanwhile."""
    cache: dict[int, dict[str, int]] = session.info.setdefault(_STANDING, {})
    if launch_id not in cache:
        cache[launch_id] = {
            key: row.id
            for key, row in active_signoffs(session, launch_id=launch_id).items()
            if row.id is not None
        }
    return cache[launch_id]


def active_signoff(session: Session, *, launch_id: int, category: str) -> Signoff | None:
    signoff_id = _standing(session, launch_id).get(category_key(category))
    if signoff_id is None:
        return None
    stmt = (
        select(Signoff)
        .where(col(Signoff.id) == signoff_id, col(Signoff.revoked_at).is_(None))
        .with_for_update()
    )
    return session.exec(stmt).first()


def add_signoff(session: Session, *, signoff: Signoff) -> Signoff:
    session.add(signoff)
    session.flush()
    assert signoff.id is not None
    _standing(session, signoff.launch_id)[signoff.category_key] = signoff.id
    return signoff


def revoke_signoff(session: Session, *, signoff_id: int, reason: str, now: datetime) -> bool:
    """Revoke a standing sign-off; False if it was revoked already (by another worker)."""
    result = session.execute(
        update(Signoff)
        .where(col(Signoff.id) == signoff_id, col(Signoff.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason[:1000])
    )
    for standing in session.info.get(_STANDING, {}).values():
        for key, found in list(standing.items()):
            if found == signoff_id:
                del standing[key]
    return bool(getattr(result, "rowcount", 0))


def get_signoff(session: Session, *, signoff_id: int) -> Signoff | None:
    return session.get(Signoff, signoff_id)


# -- Go/No-Go calls ----------------------------------------------------------------------


def add_call(session: Session, *, call: GoNoGoCall) -> GoNoGoCall:
    session.add(call)
    session.flush()
    return call


def get_call(session: Session, *, call_id: int, for_update: bool = False) -> GoNoGoCall | None:
    stmt = select(GoNoGoCall).where(col(GoNoGoCall.id) == call_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def open_call(session: Session, *, launch_id: int) -> GoNoGoCall | None:
    stmt = (
        select(GoNoGoCall)
        .where(col(GoNoGoCall.launch_id) == launch_id, col(GoNoGoCall.status) == OPEN)
        .order_by(col(GoNoGoCall.opened_at).desc())
    )
    return session.exec(stmt).first()


def latest_closed_call(session: Session, *, launch_id: int) -> GoNoGoCall | None:
    stmt = (
        select(GoNoGoCall)
        .where(col(GoNoGoCall.launch_id) == launch_id, col(GoNoGoCall.status) == CLOSED)
        .order_by(col(GoNoGoCall.closed_at).desc(), col(GoNoGoCall.id).desc())
    )
    return session.exec(stmt).first()


def claim_close(
    session: Session, *, call_id: int, now: datetime, by: str | None, reason: str
) -> bool:
    """Close an open call; exactly one of several workers closing it sees True."""
    result = session.execute(
        update(GoNoGoCall)
        .where(col(GoNoGoCall.id) == call_id, col(GoNoGoCall.status) == OPEN)
        .values(status=CLOSED, closed_at=now, closed_by=by, close_reason=reason)
    )
    return bool(getattr(result, "rowcount", 0))


def claim_reminder(session: Session, *, call_id: int, now: datetime) -> bool:
    """Mark an open call's halfway reminder as sent; True for the one worker that does."""
    result = session.execute(
        update(GoNoGoCall)
        .where(
            col(GoNoGoCall.id) == call_id,
            col(GoNoGoCall.status) == OPEN,
            col(GoNoGoCall.reminded_at).is_(None),
        )
        .values(reminded_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def calls_due(session: Session, *, now: datetime) -> list[GoNoGoCall]:
    """Open calls with a deadline: the scheduler closes the past ones and reminds halfway."""
    stmt = select(GoNoGoCall).where(
        col(GoNoGoCall.status) == OPEN, col(GoNoGoCall.deadline).is_not(None)
    )
    return list(session.exec(stmt).all())


def votes(session: Session, *, call_id: int) -> list[Vote]:
    stmt = select(Vote).where(col(Vote.call_id) == call_id).order_by(col(Vote.at))
    return list(session.exec(stmt).all())


def cast_vote(session: Session, *, vote: Vote) -> Vote | None:
    """Record a vote, replacing the voter's earlier one; the earlier vote, if any.

    The first vote is a unique insert (two replicas taking the same first click make one
    row); a later one updates that row."""
    earlier = session.exec(
        select(Vote)
        .where(col(Vote.call_id) == vote.call_id, col(Vote.voter) == vote.voter)
        .with_for_update()
    ).first()
    if earlier is None:
        if insert_unique(session, vote):
            return None
        earlier = session.exec(
            select(Vote)
            .where(col(Vote.call_id) == vote.call_id, col(Vote.voter) == vote.voter)
            .with_for_update()
        ).one()
    before = Vote(**{name: getattr(earlier, name) for name in Vote.model_fields})
    earlier.choice, earlier.reason, earlier.conditions = vote.choice, vote.reason, vote.conditions
    earlier.at, earlier.voter_name = vote.at, vote.voter_name or earlier.voter_name
    earlier.changes += 1
    session.add(earlier)
    session.flush()
    return before


def save_call(session: Session, *, call: GoNoGoCall) -> None:
    session.add(call)
    session.flush()


# -- gate tokens -------------------------------------------------------------------------


def active_token(session: Session, *, launch_id: int) -> GateToken | None:
    stmt = select(GateToken).where(
        col(GateToken.launch_id) == launch_id, col(GateToken.revoked_at).is_(None)
    )
    return session.exec(stmt).first()


def add_token(session: Session, *, token: GateToken) -> GateToken:
    session.add(token)
    session.flush()
    return token


def revoke_tokens(session: Session, *, launch_id: int, now: datetime) -> int:
    result = session.execute(
        update(GateToken)
        .where(col(GateToken.launch_id) == launch_id, col(GateToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def token_by_hash(session: Session, *, token_hash: str) -> GateToken | None:
    stmt = select(GateToken).where(
        col(GateToken.token_hash) == token_hash, col(GateToken.revoked_at).is_(None)
    )
    return session.exec(stmt).first()


def touch_token(session: Session, *, token_id: int, now: datetime) -> None:
    session.execute(update(GateToken).where(col(GateToken.id) == token_id).values(last_used_at=now))
