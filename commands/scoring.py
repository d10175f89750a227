"""The readiness score, the verdict, what-if and the forecast. Pure functions.

Score: each item weighs by priority; done and waived items (with an unexpired
waiver) count as ready. Items the launch's scenario does not require are left out
before anything here sees them. The percentage is rounded down so a launch never
shows 100% while anything is open, and a launch with nothing required scores 0.

Verdict: NO-GO while anything blocks the launch (no checklist yet, a critical item open,
an item blocked, a critical item overdue, the score under the launch's bar), each reason
named; GO with conditions when every requirement is met but waivers or open high items
remain; GO otherwise.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from storage.vocabulary import PRIORITY_OF, STATUS_OF, Priority, Status

PRIORITY_WEIGHTS: dict[Priority, int] = {
    Priority.CRITICAL: 5,
    Priority.HIGH: 3,
    Priority.MEDIUM: 2,
    Priority.LOW: 1,
}
FORECAST_WINDOW_DAYS = 14


@dataclass(frozen=True)
class Tally:
    """How many required items share a category, priority and status."""

    category: str
    priority: Priority
    status: Status
    count: int
    expired_waiver: bool = False  # waived, but the waiver's date has passed

    @property
    def ready(self) -> bool:
        return self.status == Status.DONE or (
            self.status == Status.WAIVED and not self.expired_waiver
        )


@dataclass(frozen=True)
class CategoryScore:
    category: str
    percent: int
    ready: int
    total: int


@dataclass(frozen=True)
class Score:
    percent: int
    ready: int
    total: int
    categories: tuple[CategoryScore, ...]

    @property
    def open(self) -> int:
        return self.total - self.ready


DEFAULT_BAR = 80  # the score a launch needs for GO, unless `/ready launch bar <n>` says otherwise


def _percent(ready_weight: int, total_weight: int) -> int:
    if total_weight == 0:
        return 0  # nothing required yet is not ready
    return math.floor(100 * ready_weight / total_weight)


def weights(tallies: Iterable[Tally]) -> tuple[int, int]:
    """(ready weight, total weight) of required items: what the score is the ratio of."""
    ready = total = 0
    for tally in tallies:
        if tally.count > 0:
            weight = PRIORITY_WEIGHTS[tally.priority] * tally.count
            total += weight
            ready += weight if tally.ready else 0
    return ready, total


def verified_only(tallies: Sequence[Tally], claimed: Mapping[tuple[str, str], int]) -> list[Tally]:
    """The tallies with done items that are only claimed (by category and priority) counted
    as open: what the verified score is computed from."""
    adjusted = list(tallies)
    done = {
        (tally.category, tally.priority.value): i
        for i, tally in reversed(list(enumerate(adjusted)))  # the first such tally wins
        if tally.status == Status.DONE
    }
    for (category, priority), count in claimed.items():
        i = done.get((category, priority))
        if i is None:
            continue
        tally = adjusted[i]
        moved = min(count, tally.count)
        adjusted[i] = replace(tally, count=tally.count - moved)
        adjusted.append(Tally(category, tally.priority, Status.TODO, moved))
    return adjusted


def score(tallies: Iterable[Tally]) -> Score:
    weights: dict[str, list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )  # ready w, total w, ready n, n
    for tally in tallies:
        if tally.count <= 0:
            continue
        weight = PRIORITY_WEIGHTS[tally.priority] * tally.count
        bucket = weights[tally.category]
        bucket[1] += weight
        bucket[3] += tally.count
        if tally.ready:
            bucket[0] += weight
            bucket[2] += tally.count
    categories = tuple(
        CategoryScore(name, _percent(w[0], w[1]), w[2], w[3])
        for name, w in sorted(weights.items(), key=lambda kv: kv[0].casefold())
    )
    ready_weight = sum(w[0] for w in weights.values())
    total_weight = sum(w[1] for w in weights.values())
    return Score(
        percent=_percent(ready_weight, total_weight),
        ready=sum(c.ready for c in categories),
        total=sum(c.total for c in categories),
        categories=categories,
    )


@dataclass(frozen=True)
class ItemBrief:
    """Just enough of an item to name it in a reason."""

    key: str
    title: str
    category: str = ""
    priority: Priority = Priority.MEDIUM
    status: Status = Status.TODO
    blocked_reason: str | None = None
    owner: str | None = None
    due_date: date | None = None
    waiver_until: date | None = None  # waived items: past it, the item is open again


@dataclass(frozen=True)
class Concerns:
    """The items that decide the verdict: the first few of each kind, with counts."""

    open_critical: tuple[ItemBrief, ...] = ()
    open_critical_count: int = 0
    blocked: tuple[ItemBrief, ...] = ()
    blocked_count: int = 0
    critical_overdue: tuple[ItemBrief, ...] = ()
    critical_overdue_count: int = 0
    open_high: tuple[ItemBrief, ...] = ()
    open_high_count: int = 0
    waived: tuple[ItemBrief, ...] = ()
    waived_count: int = 0
    # Only when the launch requires verified critical items: done, but only claimed.
    claimed_critical: tuple[ItemBrief, ...] = ()
    claimed_critical_count: int = 0


class Call(StrEnum):
    NO_GO = "NO-GO"
    CONDITIONS = "GO with conditions"
    GO = "GO"


@dataclass(frozen=True)
class Reason:
    """One thing that decides the verdict: what it is, how many, and the first few items."""

    kind: str  # empty, critical, blocked, overdue, bar; (conditions) waived, high
    text: str  # "14 critical open"
    count: int = 0
    items: tuple[ItemBrief, ...] = ()


@dataclass(frozen=True)
class Verdict:
    call: Call
    reasons: tuple[Reason, ...]  # NO-GO: what blocks the launch; otherwise: the conditions

    @property
    def go(self) -> bool:
        return self.call != Call.NO_GO

    @property
    def label(self) -> str:
        return self.call.value

    @property
    def why(self) -> tuple[str, ...]:
        """The reasons in words, each naming its first items."""
        return tuple(
            f"{r.text}: {_names(r.items, r.count)}" if r.items else r.text for r in self.reasons
        )

    @property
    def counts(self) -> str:
        """The reasons as counts: "14 critical open · 1 blocked · 1 critical overdue"."""
        return " · ".join(r.text for r in self.reasons)


def _names(items: Sequence[ItemBrief], count: int) -> str:
    shown = ", ".join(item.key for item in items)
    return f"{shown} and {count - len(items)} more" if count > len(items) else shown


def _reason(kind: str, text: str, count: int, items: tuple[ItemBrief, ...]) -> Reason | None:
    return Reason(kind, text, count, items) if count else None


def verdict(concerns: Concerns, *, score: Score, bar: int = DEFAULT_BAR) -> Verdict:
    """NO-GO with every reason, GO with conditions with every condition, or GO."""
    if score.total == 0:
        return Verdict(Call.NO_GO, (Reason("empty", "no checklist yet"),))
    c = concerns
    blocking = [
        _reason(
            "critical",
            f"{c.open_critical_count:,} critical open",
            c.open_critical_count,
            c.open_critical,
        ),
        _reason("blocked", f"{c.blocked_count:,} blocked", c.blocked_count, c.blocked),
        _reason(
            "overdue",
            f"{c.critical_overdue_count:,} critical overdue",
            c.critical_overdue_count,
            c.critical_overdue,
        ),
        _reason(
            "claimed",
            f"{c.claimed_critical_count:,} critical only claimed done",
            c.claimed_critical_count,
            c.claimed_critical,
        ),
        Reason("bar", f"score {score.percent} is under the bar of {bar}")
        if score.percent < bar
        else None,
    ]
    found = tuple(r for r in blocking if r is not None)
    if found:
        return Verdict(Call.NO_GO, found)
    conditions = [
        _reason("waived", f"{c.waived_count:,} waived", c.waived_count, c.waived),
        _reason("high", f"{c.open_high_count:,} high open", c.open_high_count, c.open_high),
    ]
    met = tuple(r for r in conditions if r is not None)
    return Verdict(Call.CONDITIONS, met) if met else Verdict(Call.GO, ())


def assume_done(
    tallies: Sequence[Tally], concerns: Concerns, items: Sequence[ItemBrief], *, today: date
) -> tuple[list[Tally], Concerns]:
    """What the tallies and concerns would be if `items` were done (for `status if`)."""
    adjusted = list(tallies)
    c = concerns
    lists = {
        "open_critical": list(c.open_critical),
        "blocked": list(c.blocked),
        "critical_overdue": list(c.critical_overdue),
        "open_high": list(c.open_high),
    }
    counts = {name: getattr(c, f"{name}_count") for name in lists}
    for item in items:
        # A waiver whose date has passed is open again: assuming it done changes things.
        expired = (
            item.status == Status.WAIVED
            and item.waiver_until is not None
            and item.waiver_until < today
        )
        if item.status == Status.DONE or (item.status == Status.WAIVED and not expired):
            continue
        for i, tally in enumerate(adjusted):
            same = (tally.category, tally.priority, tally.status) == (
                item.category,
                item.priority,
                item.status,
            )
            if same and tally.expired_waiver == expired and tally.count > 0:
                adjusted[i] = replace(tally, count=tally.count - 1)
                adjusted.append(Tally(item.category, item.priority, Status.DONE, 1))
                break
        overdue = not expired and item.due_date is not None and item.due_date < today
        applies = {
            "open_critical": item.priority == Priority.CRITICAL,
            "blocked": item.status == Status.BLOCKED,
            "critical_overdue": item.priority == Priority.CRITICAL and overdue,
            "open_high": item.priority == Priority.HIGH,
        }
        for name, hit in applies.items():
            if hit:
                counts[name] = max(0, counts[name] - 1)
                lists[name] = [brief for brief in lists[name] if brief.key != item.key]
    return adjusted, replace(
        c,
        open_critical=tuple(lists["open_critical"]),
        open_critical_count=counts["open_critical"],
        blocked=tuple(lists["blocked"]),
        blocked_count=counts["blocked"],
        critical_overdue=tuple(lists["critical_overdue"]),
        critical_overdue_count=counts["critical_overdue"],
        open_high=tuple(lists["open_high"]),
        open_high_count=counts["open_high"],
    )


MIN_HISTORY_DAYS = 3  # no forecast from less history than this…
MIN_CLOSED = 3  # …or from fewer closed items: one click would swing it
_Z = 1.28  # an 80% range for the closing rate (normal approximation to a Poisson count)


@dataclass(frozen=True)
class Forecast:
    """When the open items would all be closed at the recent pace: a range, not one date.

    `earliest` and `latest` bound the closing rate's 80% range; `likely` is the recent pace
    itself. All three are None until there is enough history (MIN_HISTORY_DAYS of it and
    MIN_CLOSED items closed by people)."""

    open_items: int
    closed_recently: int
    window_days: int
    target: date | None
    earliest: date | None = None
    likely: date | None = None
    latest: date | None = None
    history_days: int = 0
    required_items: int | None = None  # 0: no checklist yet, so nothing to forecast

    @property
    def nothing_required(self) -> bool:
        return self.required_items == 0

    @property
    def ready_on(self) -> date | None:
        return self.likely

    @property
    def enough_data(self) -> bool:
        return self.likely is not None

    @property
    def per_day(self) -> float:
        return self.closed_recently / self.window_days if self.window_days else 0.0

    @property
    def days_late(self) -> int | None:
        """Positive: the likely date is after the target; negative: days to spare."""
        if self.likely is None or self.target is None:
            return None
        return (self.likely - self.target).days

    @property
    def at_risk(self) -> bool:
        """The range reaches past the target (even if the likely date does not)."""
        return bool(self.latest and self.target and self.latest > self.target)


def forecast(
    *,
    open_items: int,
    closed_recently: int,
    window_days: int,
    today: date,
    target: date | None,
    history_days: int | None = None,
    required_items: int | None = None,
) -> Forecast:
    """`required_items`: how many items the launch requires; with none (no checklist yet)
    there is nothing to forecast, rather than nothing left to do."""
    window_days = max(1, window_days)
    history = window_days if history_days is None else history_days
    base = Forecast(
        open_items,
        closed_recently,
        window_days,
        target,
        history_days=history,
        required_items=required_items,
    )
    if required_items == 0:
        return base
    if open_items == 0:
        return replace(base, earliest=today, likely=today, latest=today)
    if history < MIN_HISTORY_DAYS or closed_recently < MIN_CLOSED:
        return base

    def finish(closed: float) -> date:
        return today + timedelta(days=math.ceil(open_items * window_days / closed))

    spread = _Z * math.sqrt(closed_recently)
    return replace(
        base,
        earliest=finish(closed_recently + spread),
        likely=finish(closed_recently),
        latest=finish(max(closed_recently - spread, 1.0)),
    )


def with_chain(found: Forecast, chain_finish: date | None) -> Forecast:
    """The forecast no earlier than the critical path allows: however fast items close,
    a chain of items that wait for each other takes its own time."""
    if chain_finish is None or found.likely is None:
        return found
    return replace(
        found,
        earliest=max(found.earliest or chain_finish, chain_finish),
        likely=max(found.likely, chain_finish),
        latest=max(found.latest or chain_finish, chain_finish),
    )


@dataclass(frozen=True)
class Counts:
    """What one grouped pass over the items says (see storage.items.status_counts)."""

    tallies: list[Tally]
    open_critical: int
    blocked: int
    overdue: int
    not_required: int
    critical_overdue: int = 0
    open_high: int = 0
    waived: int = 0


def summarise(rows: Sequence[tuple[str, str, str, bool, bool, bool, int]]) -> Counts:
    tallies: list[Tally] = []
    critical = blocked = overdue = not_required = critical_overdue = high = waived = 0
    for category, priority, status, expired, required, late, count in rows:
        if not required:
            not_required += count
            continue
        tally = Tally(category, PRIORITY_OF[priority], STATUS_OF[status], count, expired)
        tallies.append(tally)
        if tally.priority == Priority.CRITICAL and not tally.ready:
            critical += count
            if late:
                critical_overdue += count
        if tally.priority == Priority.HIGH and not tally.ready:
            high += count
        if tally.status == Status.WAIVED and tally.ready:
            waived += count
        if tally.status == Status.BLOCKED:
            blocked += count
        if late:
            overdue += count
    return Counts(tallies, critical, blocked, overdue, not_required, critical_overdue, high, waived)
