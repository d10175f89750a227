"""Parse the dates people type: `2026-12-01`, `dec 1`, `1 december 2026`, `tomorrow`,
`in 2 weeks`, `friday`, `next friday`, `+3d`. Pure: `today` is passed in, never read.

Weeks run Monday to Sunday. `friday` (or `this friday`) is the coming Friday, never today;
`next friday` is the Friday of next week. The two are the same day once this week's
Friday has come.
"""

from __future__ import annotations

import calendar
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


class NoSuchDay(DateError):
    """The text has a date's form, but no such day exists (`31 feb`); the message says why."""


class _NoSuchDay(ValueError):
    """A year, month and day that make no date; the message says why."""


# Only to check that date text parses, before the launch's today is known: in a leap year,
# every month-day without a year exists (Feb 29 is refused later if it lands elsewhere).
_PROBE_DAY = date(2028, 1, 1)


_MONTH_NAMES = tuple(calendar.month_name)


def _date(year: int, month: int, day: int, *, year_given: bool = True) -> date:
    """`date(year, month, day)`, or _NoSuchDay saying why not ("February has 28 days in
    2027"). The year is named only where it decides: a typed one, or February 29."""
    if not 1 <= month <= 12:
        raise _NoSuchDay(f"there is no month {month}; months go from 1 to 12")
    if not 1 <= year <= 9999:
        raise _NoSuchDay(f"{year} is not a year I can use")
    last = calendar.monthrange(year, month)[1]
    if day < 1:
        raise _NoSuchDay("days of the month start at 1")
    if day > last:
        if month == 2 and (year_given or day == 29):
            raise _NoSuchDay(f"February has {last} days in {year}")
        most = 29 if month == 2 else last
        raise _NoSuchDay(f"{_MONTH_NAMES[month]} has {'at most ' if month == 2 else ''}{most} days")
    return date(year, month, day)


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
    except _NoSuchDay as exc:  # e.g. 31 feb
        raise NoSuchDay(f"“{text.strip()}” is not a date: {exc}.") from None
    except (OverflowError, ValueError):  # in 99999 months: past the year 9999
        raise DateError(f"“{text.strip()}” is too far away to be a date.") from None
    if result is None:
        raise DateError(f"“{text.strip()}” is not a date I understand: give {DATE_HELP}.")
    return result


def _parse(s: str, today: date) -> date | None:
    if m := _ISO.fullmatch(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
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
    if len(words) == 2 and words[0] == "next" and words[1] in _WEEKDAYS:
        return _in_next_week(today, _WEEKDAYS[words[1]])
    if len(words) == 2 and words[0] == "this" and words[1] in _WEEKDAYS:
        return _coming(today, _WEEKDAYS[words[1]])
    if len(words) == 1 and s in _WEEKDAYS:
        return _coming(today, _WEEKDAYS[s])
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
        return _date(int(words[2]), month, day)
    # The next such day: this year's if it has not passed, else next year's (and a day
    # that does not exist is judged in the year it would have landed in).
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    return _date(year, month, day, year_given=False)


def check_date(text: str) -> None:
    """Raise DateError unless `text` names a date on some today (parsing, before the
    launch's today is known). A month-day without a year passes if any year has it."""
    parse_date(text, today=_PROBE_DAY)


def _coming(today: date, weekday: int) -> date:
    """The first `weekday` after today: on that weekday itself, the one a week later."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _in_next_week(today: date, weekday: int) -> date:
    """`weekday` in the week (Monday to Sunday) after this one."""
    next_monday = today + timedelta(days=7 - today.weekday())
    return next_monday + timedelta(days=weekday)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > 9999:
        raise OverflowError("past the year 9999")
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
