"""How readybot writes durations and dates, everywhere (Slack, the console, digests, alerts).

One formatter each, so a duration never reads "3 d 4 h" in one place and "3 days" in
another: `duration` for spans people wait through, `latency` for request-scale times,
`day` and `due` for dates, relative to the launch's local today. Pure.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def duration(span: timedelta | float) -> str:
    """`45 min`, `2 h 13 min`, `3 d 4 h`, `less than 1 min` (rounded down; negative is 0).
    A number is seconds."""
    seconds = span.total_seconds() if isinstance(span, timedelta) else float(span)
    minutes = max(0, int(seconds)) // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    if mins:
        return f"{mins} min"
    whole = max(0, int(seconds))
    return f"{whole} s" if whole else "less than 1 s"


def latency(span: timedelta | float) -> str:
    """A request-scale time: `34 ms` under a second, else `2.1 s`. A number is seconds."""
    seconds = span.total_seconds() if isinstance(span, timedelta) else float(span)
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    return f"{seconds:.1f} s"


def days_between(count: int) -> str:
    """`1 d`, `12 d`: the gap between two dates, in the same units as `duration`."""
    return f"{count} d"


def day(when: date, today: date | None = None, *, relative: bool = True) -> str:
    """`Fri Dec 4`, with `, 2027` when it is not in the year of `today`; with `today` (and
    `relative`), how far it is: `Fri Dec 4 (in 3 d)`, `Tue Dec 1 (today)`, `Mon Nov 30 (1 d
    ago)`."""
    text = f"{when:%a %b} {when.day}"
    if today is not None and when.year != today.year:
        text += f", {when.year}"
    if today is None or not relative:
        return text
    gap = (when - today).days
    if gap == 0:
        return f"{text} (today)"
    if gap == 1:
        return f"{text} (tomorrow)"
    if gap > 0:
        return f"{text} (in {days_between(gap)})"
    return f"{text} ({days_between(-gap)} ago)"


def due(when: date | None, today: date | None) -> str:
    """`due Fri Dec 4 (in 3 d)`, `due today`, `overdue 3 d (due Mon Nov 30)`; "" for no date."""
    if when is None:
        return ""
    if today is None:
        return f"due {day(when)}"
    gap = (when - today).days
    if gap < 0:
        return f"overdue {days_between(-gap)} (due {day(when, today, relative=False)})"
    if gap == 0:
        return "due today"
    return f"due {day(when, today)}"


def moment(when: datetime, timezone: str = "UTC", today: date | None = None) -> str:
    """`Tue Dec 1, 18:30` in `timezone` (the launch's); just `18:30` when it is `today`."""
    try:
        local = when.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        local = when
    if today is not None and local.date() == today:
        return f"today {local:%H:%M}"
    return f"{day(local.date(), today, relative=False)}, {local:%H:%M}"


# How the audit log's fields read in a history.
FIELD_NAMES = {
    "key": "key",
    "title": "title",
    "category": "category",
    "priority": "priority",
    "status": "status",
    "owner": "owner",
    "due_date": "due date",
    "effort": "effort",
    "evidence": "evidence",
    "notes": "notes",
    "blocked_reason": "block reason",
    "blocked_by": "blocked by",
    "blocked_at": "blocked at",
    "waiver_reason": "waiver reason",
    "waiver_until": "waived until",
    "waived_by": "waived by",
    "done_at": "done at",
    "done_by": "done by",
    "verified_at": "verified at",
    "verified_by": "verified by",
    "verified_via": "verified via",
    "verify_every_days": "verify every (days)",
    "due_offset_days": "due before the target (days)",
    "critical_in": "critical for",
    "base_priority": "priority outside those scenarios",
    "stability_monitor_id": "stability monitor",
    "stability_hours": "stable for (hours)",
    "source": "source",
    "scenarios": "required for",
    "import_ref": "import reference",
    "name": "name",
    "target_date": "target date",
    "timezone": "timezone",
    "scenario": "scenario",
    "bar": "bar for GO",
}
STATUS_WORDS = {"in_progress": "in progress"}


def field_name(field: str) -> str:
    return FIELD_NAMES.get(field, field.replace("_", " "))


def field_value(field: str, value: object, timezone: str = "UTC") -> str:
    """An audit value as words: dates and times local, statuses spelt out, lists joined."""
    if value in (None, ""):
        return "—"
    text = str(value)
    if field in ("due_date", "waiver_until", "target_date"):
        try:
            return day(date.fromisoformat(text))
        except ValueError:
            return text
    if field.endswith("_at"):
        try:
            return moment(datetime.fromisoformat(text), timezone)
        except ValueError:
            return text
    if field == "status":
        return STATUS_WORDS.get(text, text)
    if field == "scenarios":
        return ", ".join(part for part in text.split(",") if part) or "every scenario"
    return text
