"""What an outbox row is rendered from: one facts type per OutboxKind, stored as JSON.

Facts are captured in the transaction that queues the row (storage.outbox.enqueue), so a
message tells what happened then. `encode` turns a facts object into JSON-ready data and
`decode` turns a row's payload back into the type its kind names (pydantic validates both
ways; the types are plain frozen dataclasses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from commands.decision.model import CallView
from commands.digests.model import ChartFacts, DigestFacts, ReminderFacts
from commands.monitors.alerts import AlertFacts
from commands.replies import (
    Announcement,
    EvidenceExpired,
    HeldUp,
    RevokedSignoff,
    VoteReminder,
)
from storage.vocabulary import OutboxKind


@dataclass(frozen=True)
class MessageRefresh:
    """What a message already posted should show now (`chat.update` of `channel` and `ts`),
    rendered by the edge when the refresh was queued."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class HomeRefresh:
    """What someone's App Home tab should show now (`views.publish`), rendered when queued."""

    user_id: str
    view: dict[str, Any]


@dataclass(frozen=True)
class AdminNotice:
    """An admin is told that a message was given up: it may be missing from `channel_id`."""

    outbox_id: int
    kind: str
    channel_id: str
    reason: str


Facts = (
    Announcement
    | DigestFacts
    | ChartFacts
    | ReminderFacts
    | AlertFacts
    | RevokedSignoff
    | CallView
    | VoteReminder
    | EvidenceExpired
    | HeldUp
    | MessageRefresh
    | HomeRefresh
    | AdminNotice
)

FACTS: dict[OutboxKind, type[Any]] = {
    OutboxKind.ANNOUNCE: Announcement,
    OutboxKind.DIGEST: DigestFacts,
    OutboxKind.CHART: ChartFacts,
    OutboxKind.REMINDER: ReminderFacts,
    OutboxKind.ALERT: AlertFacts,
    OutboxKind.SIGNOFF_REVOKED: RevokedSignoff,
    OutboxKind.CALL: CallView,
    OutboxKind.DECISION: CallView,
    OutboxKind.VOTE_REMINDER: VoteReminder,
    OutboxKind.EVIDENCE_EXPIRED: EvidenceExpired,
    OutboxKind.HELD_UP: HeldUp,
    OutboxKind.UPDATE: MessageRefresh,
    OutboxKind.HOME: HomeRefresh,
    OutboxKind.NOTICE: AdminNotice,
}


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    # Building an adapter costs milliseconds; using one, microseconds.
    found = _ADAPTERS.get(kind)
    if found is None:
        found = _ADAPTERS[kind] = TypeAdapter(kind)
    return found


def encode(facts: Facts) -> dict[str, Any]:
    data = _adapter(type(facts)).dump_python(facts, mode="json")
    assert isinstance(data, dict)
    return data


def decode(kind: OutboxKind, payload: dict[str, Any]) -> Facts:
    """The facts of a row of `kind`; raises pydantic.ValidationError for a payload that
    does not fit (a row written by an incompatible version)."""
    facts: Facts = _adapter(FACTS[kind]).validate_python(payload)
    return facts
