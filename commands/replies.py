"""Reply models: what a command answers, before anyone decides how it looks.

`bot/render_text.py` turns them into terminal text and the Slack renderer into
Block Kit. Nothing here is a string meant for display except short phrases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from commands.assessment.preview import Preview
from commands.basic_replies import ErrorReply as ErrorReply
from commands.basic_replies import HelpReply as HelpReply
from commands.claims import DocumentClaims
from commands.claims import load as load_claims
from commands.decision.model import CallView, CategoryState, DecisionRecord, Override
from commands.readiness import Plan
from commands.scoring import Concerns, Forecast, ItemBrief, Score, Verdict
from storage.models import Event, Item, Launch
from storage.vocabulary import ItemFilter, Priority, Status


@dataclass(frozen=True)
class ItemView:
    id: int
    key: str
    title: str
    category: str
    priority: Priority
    status: Status
    owner: str | None = None
    due_date: date | None = None
    effort: str | None = None
    evidence: str | None = None
    notes: str | None = None
    blocked_reason: str | None = None
    blocked_by: str | None = None
    waiver_reason: str | None = None
    waiver_until: date | None = None
    waived_by: str | None = None
    done_by: str | None = None
    done_at: datetime | None = None
    scenarios: tuple[str, ...] | None = None
    version: int = 1
    verified_at: datetime | None = None
    verified_via: str | None = None  # person, evidence, monitor
    verify_every_days: int | None = None
    due_offset_days: int | None = None  # `due T-7d`

    @property
    def claimed(self) -> bool:
        """Done, but only because a document said so: nobody has verified it."""
        return self.status == Status.DONE and self.verified_at is None

    @classmethod
    def of(cls, item: Item) -> ItemView:
        assert item.id is not None
        return cls(
            id=item.id,
            key=item.key,
            title=item.title,
            category=item.category,
            priority=Priority(item.priority),
            status=Status(item.status),
            owner=item.owner,
            due_date=item.due_date,
            effort=item.effort,
            evidence=item.evidence,
            notes=item.notes,
            blocked_reason=item.blocked_reason,
            blocked_by=item.blocked_by,
            waiver_reason=item.waiver_reason,
            waiver_until=item.waiver_until,
            waived_by=item.waived_by,
            done_by=item.done_by,
            done_at=item.done_at,
            scenarios=split_scenarios(item.scenarios),
            version=item.version,
            verified_at=item.verified_at,
            verified_via=item.verified_via,
            verify_every_days=item.verify_every_days,
            due_offset_days=item.due_offset_days,
        )

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.DONE, Status.WAIVED)

    def brief(self) -> ItemBrief:
        return ItemBrief(
            self.key,
            self.title,
            self.category,
            self.priority,
            self.status,
            self.blocked_reason,
            self.owner,
            self.due_date,
            self.waiver_until,
        )


def split_scenarios(stored: str | None) -> tuple[str, ...] | None:
    if not stored:
        return None
    return tuple(part for part in stored.split(",") if part)


def join_scenarios(scenarios: tuple[str, ...] | None) -> str | None:
    return f",{','.join(scenarios)}," if scenarios else None


@dataclass(frozen=True)
class LaunchView:
    id: int
    name: str
    target_date: date | None
    timezone: str
    scenario: str
    owner: str | None
    channels: tuple[str, ...] = ()
    claims: DocumentClaims | None = None  # what the imported document says of itself

    @classmethod
    def of(cls, launch: Launch, channels: tuple[str, ...] = ()) -> LaunchView:
        assert launch.id is not None
        return cls(
            launch.id,
            launch.name,
            launch.target_date,
            launch.timezone,
            launch.scenario,
            launch.owner,
            channels,
            load_claims(launch.claims),
        )


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    via: str
    action: str
    item_key: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None
    actor_name: str | None = None

    @classmethod
    def of(cls, event: Event) -> EventView:
        return cls(
            event.at,
            event.actor,
            event.via,
            event.action,
            event.item_key,
            event.before,
            event.after,
            event.note,
            event.actor_name,
        )


# -- replies ---------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A short confirmation or piece of information."""

    text: str


@dataclass(frozen=True)
class AlreadyApplied:
    """A Slack delivery that was applied before (Slack sent it twice): nothing more to do."""

    text: str = "That was already applied."


@dataclass(frozen=True)
class StatusReport:
    """Everything `status` explains, computed from one consistent read."""

    score: Score
    verdict: Verdict
    concerns: Concerns
    overdue: tuple[ItemBrief, ...]
    overdue_count: int
    next_due: tuple[ItemBrief, ...]
    days_to_target: int | None
    forecast: Forecast
    expired_waivers: int = 0
    not_required: int = 0  # items the scenario does not require (left out of the score)
    bar: int = 80  # the score the launch needs for GO
    signoffs: tuple[CategoryState, ...] = ()  # each category's owner and sign-off
    plan: Plan = field(default_factory=Plan)  # verified score, critical path, path to GO


@dataclass(frozen=True)
class WhatIf:
    items: tuple[ItemBrief, ...]
    score: Score
    verdict: Verdict


@dataclass(frozen=True)
class StatusReply:
    launch: LaunchView
    report: StatusReport
    today: date
    what_if: WhatIf | None = None
    public: bool = False  # `status here`: for the whole channel


@dataclass(frozen=True)
class ItemListReply:
    launch: LaunchView
    description: str  # "open items", "blocked items", "items in Security"
    items: tuple[ItemView, ...]
    total: int
    page: int
    page_size: int
    today: date
    kind: ItemFilter = ItemFilter.OPEN
    value: str | None = None  # the priority, owner or category the list is filtered by

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def command_words(self) -> str:
        """The `list` arguments that give this list again: `blocked`, `@U1`, `Security`."""
        if self.kind in (ItemFilter.PRIORITY, ItemFilter.CATEGORY):
            return self.value or ""
        if self.kind == ItemFilter.OWNER:
            return f"@{self.value}"
        return "" if self.kind == ItemFilter.OPEN else self.kind.value


@dataclass(frozen=True)
class ItemChanged:
    """An item was created or changed. `announce` says whether the channel should hear of it."""

    launch: LaunchView
    item: ItemView
    action: str  # created, done, started, blocked, unblocked, reopened, assigned, due, waived, noted, ...
    actor: str
    detail: str | None = None
    announce: bool = False
    event_id: int | None = None  # the audit event (what Undo reverts)
    actor_name: str | None = None  # to name the actor without pinging them
    cleared: str | None = None  # `done` on a blocked item: the block it cleared (its reason)
    still_needs: tuple[str, ...] = ()  # `done` while items it needs are open: their keys


@dataclass(frozen=True)
class ItemRemoved:
    launch: LaunchView
    item: ItemView
    actor: str


@dataclass(frozen=True)
class HistoryReply:
    launch: LaunchView
    item: ItemView
    events: tuple[EventView, ...]  # this page, oldest first
    page: int = 1  # page 1 is the newest events
    pages: int = 1
    total: int = 0


@dataclass(frozen=True)
class LaunchReply:
    launch: LaunchView
    action: str  # shown, created, bound, changed
    actor: str
    detail: str | None = None
    announce: bool = False
    item_count: int = 0
    actor_name: str | None = None


@dataclass(frozen=True)
class Announcement:
    """What a launch's channels hear about a change: an item's, or the launch's own."""

    item: ItemChanged | None = None
    launch: LaunchReply | None = None


@dataclass(frozen=True)
class LaunchSummary:
    launch: LaunchView
    items: int
    open_items: int
    score: int


@dataclass(frozen=True)
class LaunchesReply:
    launches: tuple[LaunchSummary, ...]
    current_id: int | None


@dataclass(frozen=True)
class ImportReply:
    launch_name: str
    dry_run: bool
    counts: dict[str, dict[str, int]]  # category -> status -> items found in the document
    created: int
    updated: int
    unchanged: int
    repaired: str | None = None
    launch_created: bool = False
    stated_readiness: int | None = None
    warnings: tuple[str, ...] = field(default=())
    preview: Preview | None = None  # categories, merges, what was skipped and why
    score: int | None = None  # readybot's own, as the import leaves the launch
    verdict: str | None = None
    claims: DocumentClaims | None = None  # what the document says of itself
    disagreements: tuple[str, ...] = ()  # where the two differ (> 10 points, or the verdict)
    explain: tuple[str, ...] = ()  # --explain: every item with the line it came from


@dataclass(frozen=True)
class ExportReply:
    launch: LaunchView
    markdown: str  # the text (markdown or CSV); "" for XLSX
    items: int
    format: str = "md"  # md, csv or xlsx
    data: bytes = b""  # the file as written


@dataclass(frozen=True)
class CategoryOwnerReply:
    launch: LaunchView
    category: str
    owner: str | None  # None: cleared
    previous: str | None


@dataclass(frozen=True)
class SignoffReply:
    launch: LaunchView
    state: CategoryState | None
    category: str
    open_items: list[str] = field(default_factory=list)  # keys still open when signed


@dataclass(frozen=True)
class SignoffsReply:
    launch: LaunchView
    states: tuple[CategoryState, ...]


@dataclass(frozen=True)
class RevokedSignoff:
    """The facts of a revoked sign-off's direct message to its signer."""

    launch_id: int
    launch: str
    category: str
    signer: str
    signed_at: datetime
    reason: str
    at: datetime


@dataclass(frozen=True)
class EvidenceExpired:
    """The facts of an owner's DM: an item's evidence grew too old and it was reopened."""

    launch_id: int
    launch: str
    item_id: int
    key: str
    title: str
    owner: str
    verified_at: datetime
    every_days: int


@dataclass(frozen=True)
class HeldUp:
    """The facts of a downstream owner's DM: an item theirs needs was blocked."""

    launch_id: int
    launch: str
    blocked_key: str
    blocked_title: str
    reason: str | None
    owner: str
    waiting: tuple[str, ...]  # their items that need it, by key


@dataclass(frozen=True)
class VoteReminder:
    """The facts of a voter's reminder, halfway to the call's deadline."""

    call_id: int
    launch_id: int
    launch: str
    voter: str
    channel_id: str
    deadline: datetime
    timezone: str


@dataclass(frozen=True)
class CallReply:
    """A Go/No-Go call: opened, voted on, closed, overridden, or shown."""

    call: CallView
    action: str  # opened, voted, closed, override, show
    note: str | None = None  # what the actor did, in words ("you voted GO")


@dataclass(frozen=True)
class DecisionReply:
    launch: LaunchView
    record: DecisionRecord
    override: Override | None = None
    markdown: str = ""  # the record as markdown, for `export --decision`


@dataclass(frozen=True)
class TokenReply:
    launch: LaunchView
    action: str  # created, rotated, revoked, shown
    token: str | None = None  # shown once, when created or rotated
    hint: str | None = None
    created_at: datetime | None = None
    gate_path: str = ""  # /api/v1/launches/<id>/gate


Reply = (
    Message
    | AlreadyApplied
    | ErrorReply
    | HelpReply
    | StatusReply
    | ItemListReply
    | ItemChanged
    | ItemRemoved
    | HistoryReply
    | LaunchReply
    | LaunchesReply
    | ImportReply
    | ExportReply
    | CategoryOwnerReply
    | SignoffReply
    | SignoffsReply
    | CallReply
    | DecisionReply
    | TokenReply
)
