"""What a digest says, gathered from the database by commands.digests.gather and rendered by
bot.render.digest.digest. Pure data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from commands.decision.model import CategoryState
from commands.readiness import Plan
from commands.replies import ItemView, LaunchView
from commands.scoring import Forecast, ItemBrief, Verdict


@dataclass(frozen=True)
class Change:
    """One state change since the last digest."""

    action: str  # done, blocked, unblocked, reopened, waived, created, removed
    key: str
    title: str
    actor: str  # a Slack user id, "monitor", or a console name
    at: datetime
    note: str | None = None  # the reason, evidence or waiver reason
    actor_name: str | None = None  # to name the actor without a ping
    trail: tuple[str, ...] = ()  # every action on the item since the last digest, in order


@dataclass(frozen=True)
class ExpiringEvidence:
    """A done item whose evidence will be too old before the launch's target date."""

    key: str
    title: str
    expires: date
    owner: str | None = None


@dataclass(frozen=True)
class ExpiringWaiver:
    key: str
    title: str
    until: date
    waived_by: str | None
    reason: str | None


@dataclass(frozen=True)
class MonitorNote:
    """A monitor that failed or recovered since the last digest (filled once monitors exist)."""

    name: str
    recovered: bool
    detail: str
    at: datetime
    item_key: str | None = None


@dataclass(frozen=True)
class DayScore:
    day: date
    score: int
    open_by_priority: dict[str, int] = field(
        default_factory=dict
    )  # critical/high/medium/low -> open


@dataclass(frozen=True)
class Digest:
    launch: LaunchView
    today: date  # local date of the digest
    score: int
    previous_score: int | None  # at the last digest; None for the first one
    verdict: Verdict
    changes: tuple[Change, ...]  # oldest first
    overdue: tuple[ItemBrief, ...]
    overdue_count: int
    due_soon: tuple[ItemBrief, ...]  # due in the next 3 days, owners to be mentioned
    expiring_waivers: tuple[ExpiringWaiver, ...]  # within a week
    monitors: tuple[MonitorNote, ...]
    days_to_target: int | None
    forecast: Forecast
    trend: tuple[DayScore, ...]  # the last 14 days, oldest first (days without data omitted)
    since: datetime | None  # when the last digest went out
    weekly: bool = False  # also attach the trend chart
    signoffs: tuple[CategoryState, ...] = ()  # each category's owner and sign-off
    plan: Plan = field(default_factory=Plan)  # verified score, critical path, path to GO
    expiring_evidence: tuple[ExpiringEvidence, ...] = ()  # too old by the target date

    @property
    def delta(self) -> int | None:
        return None if self.previous_score is None else self.score - self.previous_score

    @property
    def unchanged(self) -> bool:
        """Nothing to tell: no change, no monitor news, same score (overdue items alone are not news)."""
        return (
            not self.changes
            and not self.monitors
            and (self.delta in (0, None) and self.since is not None)
        )


@dataclass(frozen=True)
class DigestFacts:
    """An outbox row's digest: the facts, and whether to post only the one-line "no change"."""

    digest: Digest
    quiet: bool = False


@dataclass(frozen=True)
class ChartFacts:
    """The weekly chart: the trend it plots, for which launch, under which file name."""

    launch_name: str
    filename: str
    trend: tuple[DayScore, ...]


@dataclass(frozen=True)
class ReminderEntry:
    item: ItemView
    launch: str | None = None  # shown when a person's items span launches


@dataclass(frozen=True)
class ReminderFacts:
    """A person's overdue items on the day the reminder was queued."""

    user_id: str
    today: date
    items: tuple[ReminderEntry, ...]
