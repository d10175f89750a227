"""Parse the dates people type: `2026-12-01`, `dec 1`, `1 december 2026`, `tomorrow`,
`in 2 weeks`, `friday`, `next friday`, `+3d`. Pure: `today` is passed in, never read."""

from __future__ import annotations

import re
from datetime import date, timedelta

DATE_HELP = "a date such as 2026-12-01, dec 1, tomorrow, friday or in 2 weeks"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
_UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_RELATIVE = re.compile(
    r"(?:in\s+)?(\d+|a|an|one|two|three|four|five|six)\s*(d|days?|w|wks?|weeks?|months?)"
)
_PLUS = re.compile(r"\+(\d+)\s*([dw])")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")


class DateError(ValueError):
    """The text is not a date readybot understands."""


def parse_date(text: str, *, today: date) -> date:
    """Return the date `text` names, relative to `today`; raise DateError otherwise.

    Month-day dates without a year mean the next such day (today or later), so
    `dec 1` typed in December of one year and read in January is not in the past.
    """
    cleaned = re.sub(r"[,\s]+", " ", text.strip().lower()).strip()
    if not cleaned:
        raise DateError(f"Missing date: give {DATE_HELP}.")
    try:
        result = _parse(cleaned, today)
    except ValueError as exc:  # e.g. 2026-02-30
        raise DateError(f"“{text.strip()}” is not a valid date: {exc}.") from exc
    if result is None:
        raise DateError(f"“{text.strip()}” is not a date I understand: give {DATE_HELP}.")
    return result


def _parse(s: str, today: date) -> date | None:
    if m := _ISO.fullmatch(s):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if s == "today":
        return today
    if s == "tomorrow":
        return today + timedelta(days=1)
    if s == "yesterday":
        return today - timedelta(days=1)
    if m := _RELATIVE.fullmatch(s):
        count = int(m[1]) if m[1].isdigit() else _NUMBER_WORDS[m[1]]
        unit = m[2]
        if unit.startswith("month"):
            return _add_months(today, count)
        return today + timedelta(days=count * _UNITS[unit])
    if m := _PLUS.fullmatch(s):
        return today + timedelta(days=int(m[1]) * _UNITS[m[2]])
    if s in ("next week",):
        return today + timedelta(days=7)
    words = s.split(" ")
    if words[0] in ("next", "this") and len(words) == 2 and words[1] in _WEEKDAYS:
        return _next_weekday(today, _WEEKDAYS[words[1]], skip_today=True)
    if len(words) == 1 and s in _WEEKDAYS:
        return _next_weekday(today, _WEEKDAYS[s], skip_today=True)
    return _month_day(words, today)


def _month_day(words: list[str], today: date) -> date | None:
    """`dec 1`, `december 1st 2026`, `1 dec`, `1st of december`."""
    words = [w for w in words if w != "of"]
    if len(words) not in (2, 3):
        return None
    month = day = None
    if words[0] in _MONTHS and (m := _ORDINAL.fullmatch(words[1])):
        month, day = _MONTHS[words[0]], int(m[1])
    elif words[1] in _MONTHS and (m := _ORDINAL.fullmatch(words[0])):
        month, day = _MONTHS[words[1]], int(m[1])
    if month is None or day is None:
        return None
    if len(words) == 3:
        if not re.fullmatch(r"\d{4}", words[2]):
            return None
        return date(int(words[2]), month, day)
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def _next_weekday(today: date, weekday: int, *, skip_today: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and skip_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
