"""The readiness score, the GO / NO-GO verdict, what-if and the forecast. Pure functions.

Score: each item weighs by priority; done and waived items (with an unexpired
waiver) count as ready. Items the launch's scenario does not require are left out
before anything here sees them. The percentage is rounded down so a launch never
shows 100% while anything is open.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from storage.vocabulary import Priority, Status

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


def _percent(ready_weight: int, total_weight: int) -> int:
    if total_weight == 0:
        return 100
    return math.floor(100 * ready_weight / total_weight)


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


@dataclass(frozen=True)
class Concerns:
    """The items that decide the verdict: open critical ones and blocked ones (first few + counts)."""

    open_critical: tuple[ItemBrief, ...] = ()
    open_critical_count: int = 0
    blocked: tuple[ItemBrief, ...] = ()
    blocked_count: int = 0


@dataclass(frozen=True)
class Verdict:
    go: bool
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return "GO" if self.go else "NO-GO"


def _names(items: Sequence[ItemBrief], count: int) -> str:
    shown = ", ".join(item.key for item in items)
    return f"{shown} and {count - len(items)} more" if count > len(items) else shown


def verdict(concerns: Concerns) -> Verdict:
    reasons: list[str] = []
    if concerns.open_critical_count:
        n = concerns.open_critical_count
        reasons.append(
            f"{n} critical item{'s' if n != 1 else ''} open: {_names(concerns.open_critical, n)}"
        )
    if concerns.blocked_count:
        n = concerns.blocked_count
        reasons.append(f"{n} item{'s' if n != 1 else ''} blocked: {_names(concerns.blocked, n)}")
    if reasons:
        return Verdict(False, tuple(reasons))
    return Verdict(True, ("no critical item is open and nothing is blocked",))


def assume_done(
    tallies: Sequence[Tally], concerns: Concerns, items: Sequence[ItemBrief]
) -> tuple[list[Tally], Concerns]:
    """What the tallies and concerns would be if `items` were done (for `status if`)."""
    adjusted = list(tallies)
    critical = list(concerns.open_critical)
    blocked = list(concerns.blocked)
    critical_count, blocked_count = concerns.open_critical_count, concerns.blocked_count
    for item in items:
        if item.status in (Status.DONE, Status.WAIVED):
            continue
        for i, tally in enumerate(adjusted):
            same = (tally.category, tally.priority, tally.status) == (
                item.category,
                item.priority,
                item.status,
            )
            if same and not tally.expired_waiver and tally.count > 0:
                adjusted[i] = replace(tally, count=tally.count - 1)
                adjusted.append(Tally(item.category, item.priority, Status.DONE, 1))
                break
        if item.priority == Priority.CRITICAL:
            critical_count -= 1
            critical = [c for c in critical if c.key != item.key]
        if item.status == Status.BLOCKED:
            blocked_count -= 1
            blocked = [b for b in blocked if b.key != item.key]
    return adjusted, Concerns(
        tuple(critical), max(critical_count, 0), tuple(blocked), max(blocked_count, 0)
    )


@dataclass(frozen=True)
class Forecast:
    """When the open items would all be closed at the recent pace."""

    open_items: int
    closed_recently: int
    window_days: int
    ready_on: date | None  # None: nothing closed recently, so no pace to project from
    target: date | None

    @property
    def per_day(self) -> float:
        return self.closed_recently / self.window_days if self.window_days else 0.0

    @property
    def days_late(self) -> int | None:
        """Positive: the forecast is after the target; negative: days to spare."""
        if self.ready_on is None or self.target is None:
            return None
        return (self.ready_on - self.target).days


def forecast(
    *, open_items: int, closed_recently: int, window_days: int, today: date, target: date | None
) -> Forecast:
    window_days = max(1, window_days)
    if open_items == 0:
        ready_on: date | None = today
    elif closed_recently == 0:
        ready_on = None
    else:
        ready_on = today + timedelta(days=math.ceil(open_items * window_days / closed_recently))
    return Forecast(open_items, closed_recently, window_days, ready_on, target)


@dataclass(frozen=True)
class Counts:
    """What one grouped pass over the items says (see storage.items.status_counts)."""

    tallies: list[Tally]
    open_critical: int
    blocked: int
    overdue: int
    not_required: int


def summarise(rows: list[tuple[str, str, str, bool, bool, bool, int]]) -> Counts:
    tallies: list[Tally] = []
    critical = blocked = overdue = not_required = 0
    for category, priority, status, expired, required, late, count in rows:
        if not required:
            not_required += count
            continue
        tally = Tally(category, Priority(priority), Status(status), count, expired)
        tallies.append(tally)
        if tally.priority == Priority.CRITICAL and not tally.ready:
            critical += count
        if tally.status == Status.BLOCKED:
            blocked += count
        if late:
            overdue += count
    return Counts(tallies, critical, blocked, overdue, not_required)
