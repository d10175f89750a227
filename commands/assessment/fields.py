"""`Label: value` lines: the metadata vocabulary shared by readybot's own format and
free-form documents ("- **Timeline**: 1-2 business days", "**Effort:** 2-3 days",
"- Owner: <@U123>")."""

from __future__ import annotations

import re
from datetime import date, datetime

# Label (case-insensitive) -> ParsedItem field, or one of the pseudo fields "status",
# "priority" and "notes" that readers interpret themselves.
FIELD_LABELS: dict[str, str] = {
    "key": "key",
    "status": "status",
    "priority": "priority",
    "owner": "owner",
    "owners": "owner",
    "assignee": "owner",
    "assigned to": "owner",
    "assigned": "owner",
    "responsible": "owner",
    "responsible party": "owner",
    "accountable": "owner",
    "dri": "owner",
    "lead": "owner",
    "id": "key",
    "ref": "key",
    "state": "status",
    "result": "status",
    "severity": "priority",
    "importance": "priority",
    "target date": "due",
    "target": "due",
    "eta": "due",
    "due by": "due",
    "proof": "evidence",
    "verification": "evidence",
    "depends on": "depends_on",
    "dependencies": "depends_on",
    "dependency": "depends_on",
    "prerequisites": "depends_on",
    "prerequisite": "depends_on",
    "waiting on": "blocked_reason",
    "waiting for": "blocked_reason",
    "due": "due",
    "due date": "due",
    "deadline": "due",
    "effort": "effort",
    "estimate": "effort",
    "estimated effort": "effort",
    "time estimate": "effort",
    "timeline": "effort",
    "evidence": "evidence",
    "blocked because": "blocked_reason",
    "blocked by": "blocked_reason",
    "blocker": "blocked_reason",
    "waived because": "waiver_reason",
    "waiver": "waiver_reason",
    "waiver reason": "waiver_reason",
    "waived until": "waiver_until",
    "waiver until": "waiver_until",
    "scenarios": "scenarios",
    "notes": "notes",
    "note": "notes",
}

# "Label: value", "**Label**: value", "**Label:** value", "__Label__: value".
_LABELLED = re.compile(
    r"^(?:\*\*|__)?(?P<label>[A-Za-z][A-Za-z '/-]{0,40}?)\s*"
    r"(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)(?:\s+|$)(?P<value>.*)$"
)

_DATE_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%b. %d, %Y",
    "%d/%b/%y",
    "%d/%b/%Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+", re.I
)
_TIME = re.compile(r"[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm]|Z|[+-]\d{2}:?\d{2})?$")
_WEEK_OF = re.compile(
    r"^(?:w/c|w/b|wc|wb|week of|week commencing|week beginning|by|before|on)\s+", re.I
)
_NUMERIC = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _numeric_date(first: int, second: int, year: int, *, sure: bool = False) -> date | None:
    """ "20/03/2026" (day first) or "03/20/2026" (month first) where only one reading is a
    date; "05/03/2026" is either, and is not guessed (`sure`: day, month as given)."""
    readings = set()
    for day, month in ((first, second), (second, first))[: 1 if sure else 2]:
        try:
            readings.add(date(year, month, day))
        except ValueError:
            continue
    return readings.pop() if len(readings) == 1 else None


def split_label(text: str) -> tuple[str, str] | None:
    """("Label", "value") of a `Label: value` line, emphasis markers removed; else None."""
    match = _LABELLED.match(text.strip())
    if not match:
        return None
    return match.group("label").strip(), match.group("value").strip()


def field_of(label: str) -> str | None:
    """The field a label names, if any."""
    return FIELD_LABELS.get(" ".join(label.casefold().split()))


def ambiguous_date(text: str) -> bool:
    """ "05/03/2026": a numeric date that reads either day or month first."""
    numeric = _NUMERIC.fullmatch(text.strip().strip("*_`").strip())
    return bool(numeric) and parse_date(text) is None


def parse_date(
    text: str, *, near: date | None = None, day_first: bool | None = None
) -> date | None:
    """An absolute date: ISO "2026-03-01" or "March 1, 2026" / "1 March 2026"; else None.

    With `near` (the document's date), a date without a year ("w/c 23 Mar", "Fri 13 Mar")
    is the one nearest to it; with `day_first`, "05/03/2026" reads as the document's other
    dates do. Relative dates ("next friday") need a today and a timezone, which belong to
    the caller. A time after the date ("23/Mar/26 12:00 AM", Jira's) is left out.
    """
    text = _ORDINAL.sub("", text.strip().strip("*_`").strip())
    text = _TIME.sub("", _WEEKDAY.sub("", text.split(" (")[0].strip()))
    text = _WEEK_OF.sub("", text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    numeric = _NUMERIC.fullmatch(text)
    if numeric:
        first, second, year = (int(part) for part in numeric.groups())
        if day_first is not None:
            first, second = (first, second) if day_first else (second, first)
            return _numeric_date(first, second, year, sure=True)
        return _numeric_date(first, second, year)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007  a date, no time
        except ValueError:
            continue
    return _without_year(text, near) if near is not None else None


def _without_year(text: str, near: date) -> date | None:
    for pattern in ("%d %b", "%d %B", "%b %d", "%B %d"):
        try:
            # The year is given to strptime so that 29 Feb parses in a leap year.
            when = datetime.strptime(f"{text} {near.year}", f"{pattern} %Y").date()  # noqa: DTZ007
        except ValueError:
            continue
        # "3 Jan" in a document of December is next year's.
        candidates = [when.replace(year=near.year + step) for step in (-1, 0, 1)]
        return min(candidates, key=lambda day: abs((day - near).days))
    return None
