"""Times of day, weekdays and when schedules fire. Pure.

A schedule is a local wall-clock time, a timezone and weekdays. Each local date on which it
runs has exactly one due instant: a time that does not exist that day (the clocks jumped
forward over it) is due when the clocks reach the far side of the gap; a time that happens
twice (the clocks went back) is due the first time. Combined with one claim per channel and
local date (storage: digest_run.run_key), a DST change can never produce two digests or none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = "mon,tue,wed,thu,fri"
EVERY_DAY = ",".join(WEEKDAYS)
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


class ScheduleError(ValueError):
    """The text is not a time or a set of days readybot understands."""


def parse_time(text: str) -> time:
    """`09:00`, `9`, `9am`, `17:30`, `5:30pm`."""
    match = _TIME.match(text.strip())
    if not match:
        raise ScheduleError(f"“{text}” is not a time: use 24-hour HH:MM such as 09:00 or 17:30.")
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise ScheduleError(f"“{text}” is not a time: with am/pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"“{text}” is not a time: use 24-hour HH:MM such as 09:00 or 17:30.")
    return time(hour, minute)


def parse_days(text: str) -> str:
    """`weekdays`, `daily`, `mon,wed,fri`, `mon-fri` → a canonical comma-separated list."""
    word = text.strip().lower()
    if word in ("weekdays", "workdays", "mon-fri"):
        return WORKDAYS
    if word in ("daily", "everyday", "every day", "all"):
        return EVERY_DAY
    chosen: set[int] = set()
    for part in re.split(r"[,\s]+", word):
        if not part:
            continue
        if "-" in part:
            start, _, end = part.partition("-")
            first, last = _weekday(start, text), _weekday(end, text)
            span = (
                range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
            )
            chosen.update(span)
        else:
            chosen.add(_weekday(part, text))
    if not chosen:
        raise ScheduleError(f"“{text}” names no days: use weekdays, daily or e.g. mon,wed,fri.")
    return ",".join(WEEKDAYS[d] for d in sorted(chosen))


def _weekday(word: str, original: str) -> int:
    key = word[:3]
    if key not in WEEKDAYS or not WEEKDAYS[WEEKDAYS.index(key)].startswith(word[:3]):
        raise ScheduleError(f"“{original}” has “{word}”, which is not a day: use mon, tue, … sun.")
    return WEEKDAYS.index(key)


def describe_days(days: str) -> str:
    if days == WORKDAYS:
        return "Monday to Friday"
    if days == EVERY_DAY:
        return "every day"
    return ", ".join(d.capitalize() for d in days.split(","))


@dataclass(frozen=True)
class Schedule:
    at: time
    zone: ZoneInfo
    days: frozenset[int]  # 0 = Monday

    def runs_on(self, day: date) -> bool:
        return day.weekday() in self.days


def schedule_of(at_time: str, timezone: str, days: str) -> Schedule:
    return Schedule(
        parse_time(at_time),
        ZoneInfo(timezone),
        frozenset(WEEKDAYS.index(d) for d in days.split(",") if d),
    )


def due_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant the schedule fires on local date `day` (see the module docstring)."""
    local = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of two repeated times
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # In a spring-forward gap: the wall time never shows. Fire at the transition, found
    # between the readings of the wall time with the offsets from either side of the gap.
    low = local.replace(fold=1).astimezone(UTC)
    high = local.replace(fold=0).astimezone(UTC)
    low, high = min(low, high), max(low, high)
    offset_before = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def latest_due(
    schedule: Schedule, now: datetime, *, lookback_days: int = 7
) -> tuple[date, datetime] | None:
    """The most recent (local date, instant) at or before `now` on which the schedule fired."""
    today = now.astimezone(schedule.zone).date()
    for back in range(lookback_days + 1):
        day = today - timedelta(days=back)
        if not schedule.runs_on(day):
            continue
        instant = due_instant(day, schedule.at, schedule.zone)
        if instant <= now:
            return day, instant
    return None


def next_due(schedule: Schedule, now: datetime) -> tuple[date, datetime] | None:
    """The next (local date, instant) strictly after `now`."""
    today = now.astimezone(schedule.zone).date()
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if schedule.runs_on(day):
            instant = due_instant(day, schedule.at, schedule.zone)
            if instant > now:
                return day, instant
    return None
