"""How each verb changes an item: pure functions from the item's state to the fields
to change, or a Conflict that says why not and what to type instead."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from commands import wording
from commands.errors import Conflict
from commands.replies import ItemView, join_scenarios
from commands.text import user
from storage.vocabulary import Priority, Status


@dataclass(frozen=True)
class Change:
    """Fields to set, the audit action, the user's own words (reason, evidence, note) if any,
    and whether the channel should hear about it."""

    action: str
    fields: dict[str, Any]
    note: str | None = None
    announce: bool = False
    cleared: str | None = None  # a block this change clears on the way (`done` on a blocked item)


_CLEAR_BLOCK = {"blocked_reason": None, "blocked_by": None, "blocked_at": None}
_CLEAR_WAIVER = {"waiver_reason": None, "waiver_until": None, "waived_by": None}
_CLEAR_DONE = {
    "done_at": None,
    "done_by": None,
    "verified_at": None,
    "verified_by": None,
    "verified_via": None,
}


def verified(actor: str, via: str, now: datetime) -> dict[str, Any]:
    """The fields that make a done item verified (not only claimed)."""
    return {"verified_at": now, "verified_by": actor, "verified_via": via}


def _when(moment: datetime | None) -> str:
    return f" on {wording.day(moment.date())}" if moment else ""


def mark_done(item: ItemView, *, actor: str, evidence: str, now: datetime) -> Change:
    if item.status == Status.DONE:
        by = f" by {user(item.done_by)}" if item.done_by else ""
        raise Conflict(
            f"{item.key} is already done{by}{_when(item.done_at)}. To undo: `/ready reopen {item.key}`."
        )
    fields: dict[str, Any] = {
        "status": Status.DONE,
        "done_at": now,
        "done_by": actor,
        # A person marking it done is a verification: they say they checked.
        **verified(actor, "person", now),
        **_CLEAR_BLOCK,
        **_CLEAR_WAIVER,
    }
    if evidence:
        fields["evidence"] = evidence
    cleared = (item.blocked_reason or "") if item.status == Status.BLOCKED else None
    return Change("done", fields, evidence or None, announce=True, cleared=cleared)


def start(item: ItemView) -> Change:
    if item.status == Status.IN_PROGRESS:
        raise Conflict(f"{item.key} is already in progress.")
    if item.status == Status.BLOCKED:
        raise Conflict(
            f"{item.key} is blocked. Clear the block first: `/ready unblock {item.key}`."
        )
    if item.status in (Status.DONE, Status.WAIVED):
        raise Conflict(
            f"{item.key} is {item.status.value}. To work on it again: `/ready reopen {item.key}`."
        )
    return Change("started", {"status": Status.IN_PROGRESS})


def block(item: ItemView, *, actor: str, reason: str, now: datetime) -> Change:
    if item.status in (Status.DONE, Status.WAIVED):
        raise Conflict(
            f"{item.key} is {item.status.value}. Reopen it first: `/ready reopen {item.key}`."
        )
    if item.status == Status.BLOCKED and (reason or None) == item.blocked_reason:
        raise Conflict(f"{item.key} is already blocked{': ' + reason if reason else ''}.")
    fields = {
        "status": Status.BLOCKED,
        "blocked_reason": reason or None,
        "blocked_by": actor,
        "blocked_at": now,
    }
    action = "reblocked" if item.status == Status.BLOCKED else "blocked"
    return Change(action, fields, reason or None, announce=True)


def unblock(item: ItemView) -> Change:
    if item.status != Status.BLOCKED:
        raise Conflict(f"{item.key} is not blocked (it is {describe_status(item.status)}).")
    return Change(
        "unblocked", {"status": Status.TODO, **_CLEAR_BLOCK}, item.blocked_reason, announce=True
    )


def reopen(item: ItemView) -> Change:
    if item.status in (Status.TODO, Status.IN_PROGRESS):
        raise Conflict(f"{item.key} is already open ({describe_status(item.status)}).")
    return Change(
        "reopened",
        {"status": Status.TODO, **_CLEAR_BLOCK, **_CLEAR_WAIVER, **_CLEAR_DONE},
        announce=True,
    )


def assign(item: ItemView, *, owner: str | None) -> Change:
    if owner == item.owner:
        who = f"owned by {user(owner)}" if owner else "unassigned"
        raise Conflict(f"{item.key} is already {who}.")
    return Change("assigned" if owner else "unassigned", {"owner": owner})


def set_due(item: ItemView, *, due: date | None) -> Change:
    if due == item.due_date and item.due_offset_days is None:
        raise Conflict(
            f"{item.key} is already due {wording.day(due)}."
            if due
            else f"{item.key} has no due date."
        )
    return Change("due", {"due_date": due, "due_offset_days": None})


def set_due_before_target(item: ItemView, *, days: int, target: date | None) -> Change:
    """`due SSL T-7d`: seven days before the target date, moving when the target moves."""
    if target is None:
        raise Conflict(
            f"`T-{days}d` counts back from the launch's target date, and it has none: set it "
            "first with `/ready launch date <date>`."
        )
    if item.due_offset_days == days:
        raise Conflict(f"{item.key} is already due T-{days}d.")
    due = target - timedelta(days=days)
    return Change("due", {"due_date": due, "due_offset_days": days}, f"T-{days}d")


def waive(item: ItemView, *, actor: str, reason: str, until: date | None, today: date) -> Change:
    if item.status == Status.DONE:
        raise Conflict(f"{item.key} is already done; there is nothing to waive.")
    if until is not None and until < today:
        raise Conflict(
            f"A waiver until {wording.day(until)} would already have expired; give a later date."
        )
    if item.status == Status.WAIVED and (reason, until) == (item.waiver_reason, item.waiver_until):
        raise Conflict(f"{item.key} is already waived with that reason.")
    fields = {
        "status": Status.WAIVED,
        "waiver_reason": reason,
        "waiver_until": until,
        "waived_by": actor,
        **_CLEAR_BLOCK,
    }
    detail = reason + (f" (until {wording.day(until)})" if until else "")
    return Change("waived", fields, detail, announce=True)


def add_note(item: ItemView, *, actor: str, text: str, now: datetime) -> Change:
    if not text.strip():
        raise Conflict("The note is empty.")
    line = f"{now:%Y-%m-%d} @{actor}: {text.strip()}"
    notes = f"{item.notes}\n{line}" if item.notes else line
    return Change("noted", {"notes": notes}, text.strip())


def set_priority(item: ItemView, *, priority: Priority) -> Change:
    if priority == item.priority:
        raise Conflict(f"{item.key} is already {priority.value}.")
    return Change("priority", {"priority": priority})


def set_scope(item: ItemView, *, scenarios: tuple[str, ...] | None) -> Change:
    if scenarios == item.scenarios:
        raise Conflict(f"{item.key} already has that scope.")
    return Change("scoped", {"scenarios": join_scenarios(scenarios)})


def describe_status(status: Status) -> str:
    return {"in_progress": "in progress"}.get(status.value, status.value)


def verify(item: ItemView, *, actor: str, now: datetime) -> Change:
    """A person confirms a done item (a claim from a document, or evidence grown old)."""
    if item.status != Status.DONE:
        if item.verify_every_days and item.status == Status.TODO:
            # Reopened because its evidence grew old: verifying it again is marking it done.
            return replace(mark_done(item, actor=actor, evidence="", now=now), action="verified")
        raise Conflict(
            f"{item.key} is not done ({describe_status(item.status)}): mark it done with "
            f"evidence instead: `/ready done {item.key} <link or note>`."
        )
    return Change("verified", verified(actor, "person", now), announce=item.claimed)


def add_evidence(item: ItemView, *, actor: str, evidence: str, now: datetime) -> Change:
    """Evidence appended to what the item has; on a done item it verifies it."""
    text = evidence.strip()
    if not text:
        raise Conflict(f"Give the evidence: `/ready evidence {item.key} <link or text>`.")
    if item.evidence and text in item.evidence.split("\n"):
        raise Conflict(f"{item.key} already has that evidence.")
    joined = f"{item.evidence}\n{text}" if item.evidence else text
    fields: dict[str, Any] = {"evidence": joined[:20000]}
    if item.status == Status.DONE:
        fields.update(verified(actor, "evidence", now))
    return Change("evidence", fields, text)


def verify_every(item: ItemView, *, days: int | None) -> Change:
    if days == item.verify_every_days:
        raise Conflict(
            f"{item.key} already needs verifying every {days} d."
            if days
            else f"{item.key} has no verification interval."
        )
    if days is None:
        return Change("verify_every", {"verify_every_days": None}, "evidence no longer expires")
    note = f"evidence at most {days} d old"
    if item.status == Status.DONE and item.verified_at is not None:
        again = (item.verified_at + timedelta(days=days)).date()
        note += f": verify it again by {wording.day(again)}"
    elif item.status == Status.DONE:
        note += f": only claimed, verify it now (`/ready verify {item.key}`)"
    return Change("verify_every", {"verify_every_days": days}, note)
