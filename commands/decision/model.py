"""The Go/No-Go call as data, and the rule that decides it. Pure.

The team's call is GO when at least the quorum voted GO or GO with conditions and nobody
voted NO-GO (one NO-GO from someone who answers for an area stops the launch); the
decision is GO only if the team's call is GO *and* readybot's verdict is not NO-GO. Where
the two differ, the decision says so plainly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Choice(StrEnum):
    GO = "go"
    CONDITIONS = "conditions"
    NO_GO = "no_go"

    @property
    def label(self) -> str:
        return CHOICE_LABELS[self]

    @property
    def is_go(self) -> bool:
        return self is not Choice.NO_GO


CHOICE_LABELS = {Choice.GO: "GO", Choice.CONDITIONS: "GO with conditions", Choice.NO_GO: "NO-GO"}
GO, NO_GO = "GO", "NO-GO"


@dataclass(frozen=True)
class VoteView:
    voter: str
    choice: Choice
    at: datetime
    voter_name: str | None = None
    reason: str | None = None
    conditions: tuple[str, ...] = ()  # keys of the items the conditions became


@dataclass(frozen=True)
class CategoryState:
    """A category as a call or status shows it: who answers for it and whether they signed."""

    category: str
    percent: int
    ready: int
    total: int
    owner: str | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None
    note: str | None = None
    revoked_reason: str | None = None  # why the latest sign-off was revoked, if it was

    @property
    def signed(self) -> bool:
        return self.signed_by is not None


def needed(quorum: int | None, voters: tuple[str, ...]) -> int:
    """How many votes close the call: every voter, or the quorum (never more than voters)."""
    return len(voters) if quorum is None else max(1, min(quorum, len(voters)))


@dataclass(frozen=True)
class Outcome:
    decision: str  # GO or NO-GO
    team: str  # what the team's votes say: GO or NO-GO
    why: str  # the team's call in words: "3 of 3 voted GO"
    disagreement: str | None  # "the team voted GO; readybot's verdict is NO-GO because …"


def decide(
    votes: tuple[VoteView, ...],
    voters: tuple[str, ...],
    quorum: int | None,
    *,
    verdict_go: bool,
    verdict_label: str,
    verdict_reasons: tuple[str, ...],
) -> Outcome:
    cast = [v for v in votes if v.voter in voters]
    go = [v for v in cast if v.choice.is_go]
    no_go = [v for v in cast if not v.choice.is_go]
    need = needed(quorum, voters)
    if no_go:
        team, why = NO_GO, f"{len(no_go)} of {len(cast)} voted NO-GO"
    elif len(go) >= need:
        team, why = GO, f"{len(go)} of {len(voters)} voted GO ({need} needed)"
    else:
        team, why = NO_GO, f"no quorum: {len(cast)} of {need} needed voted"
    decision = GO if team == GO and verdict_go else NO_GO
    disagreement = None
    if team == GO and not verdict_go:
        because = f" because {'; '.join(verdict_reasons[:3])}" if verdict_reasons else ""
        disagreement = f"the team voted GO; readybot's verdict is {verdict_label}{because}"
    elif team == NO_GO and verdict_go and no_go:
        disagreement = f"readybot's verdict is {verdict_label}; the team voted NO-GO"
    return Outcome(decision, team, why, disagreement)


def closes_now(votes: tuple[VoteView, ...], voters: tuple[str, ...], quorum: int | None) -> bool:
    """Whether the votes in make the quorum (every required voter has voted)."""
    cast = {v.voter for v in votes if v.voter in voters}
    return len(cast) >= needed(quorum, voters)


def reminder_due(opened_at: datetime, deadline: datetime | None, now: datetime) -> bool:
    """Halfway to the deadline."""
    return deadline is not None and now >= opened_at + (deadline - opened_at) / 2


@dataclass(frozen=True)
class ItemSnapshot:
    key: str
    title: str
    category: str
    status: str
    priority: str
    owner: str | None = None
    due: str | None = None  # ISO date


@dataclass(frozen=True)
class Override:
    decision: str  # GO or NO-GO
    by: str
    reason: str
    at: datetime
    by_name: str | None = None


@dataclass(frozen=True)
class DecisionRecord:
    """What a call decided and what it was based on, written once when it closes."""

    call_id: int
    launch: str
    opened_at: datetime
    decided_at: datetime
    close_reason: str  # quorum, deadline, owner
    closed_by: str | None
    decision: str
    team: str
    why: str
    disagreement: str | None
    score: int
    verdict: str
    reasons: tuple[str, ...]
    voters: tuple[str, ...]
    quorum: int | None
    votes: tuple[VoteView, ...]
    categories: tuple[CategoryState, ...]
    items: tuple[ItemSnapshot, ...]
    timezone: str = "UTC"

    def final(self, override: Override | None) -> str:
        """The decision as it stands: the override's, if an admin recorded one."""
        return override.decision if override else self.decision


@dataclass(frozen=True)
class CallView:
    """A call as its message shows it: open (with live votes) or closed (with its record)."""

    id: int
    launch_id: int
    launch: str
    channel_id: str
    opened_by: str
    opened_at: datetime
    deadline: datetime | None
    quorum: int | None
    voters: tuple[str, ...]
    votes: tuple[VoteView, ...]
    categories: tuple[CategoryState, ...]
    score: int
    verdict: str
    reasons: tuple[str, ...]
    timezone: str
    launch_owner: str | None = None
    team_id: str = ""
    record: DecisionRecord | None = None  # set once closed
    override: Override | None = None

    @property
    def is_open(self) -> bool:
        return self.record is None

    @property
    def needed(self) -> int:
        return needed(self.quorum, self.voters)

    @property
    def waiting(self) -> tuple[str, ...]:
        voted = {v.voter for v in self.votes}
        return tuple(v for v in self.voters if v not in voted)
