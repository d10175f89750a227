"""The document's own date where it says it in words near its top, not on a `Date:`
line (those are claims, `claims.read_claim`): "Last reviewed 2026-03-09 by Priya",
"Reviewed on 4 March 2026", "As of March 9, 2026", "Status as of 9 March 2026.",
"Reviewer: Lena · Review date: 2026-03-06", and pandoc front matter's `date:`.
"""

from __future__ import annotations

import re

from commands.assessment.fields import ambiguous_date, parse_date
from commands.assessment.model import Claim, Claims

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?P<date>\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
_STATED = re.compile(
    r"\b(?:(?:last\s+)?(?:reviewed|updated|revised|assessed|audited|checked|edited|modified"
    r"|prepared|written|generated|held|signed off|approved)(?:\s+(?:on|at))?"
    r"|as (?:of|at)|(?:review|assessment|report|document|revision|last updated|updated) date)"
    rf"\s*:?\s*{_DATE}",
    re.I,
)
TOP_LINES = 40  # a document states its date near its top


def read_stated_date(text: str, number: int, claims: Claims) -> bool:
    """Read the date a line gives the document into `claims` (unless it has one)."""
    if claims.date is not None or claims.date_text is not None:
        return False
    match = _STATED.search(text) if any(char.isdigit() for char in text) else None
    if match is None:
        return False
    return _take(match.group("date"), text, number, claims)


def read_front_matter_date(content: str, number: int, claims: Claims) -> None:
    """`date: 2026-02-27` (or "March 9, 2026") in YAML front matter."""
    for raw in content.splitlines():
        key, _, value = raw.partition(":")
        if key.strip().casefold() in ("date", "last_modified", "updated", "reviewed"):
            value = value.strip().strip("\"'")
            if value and claims.date is None and claims.date_text is None:
                _take(value, raw, number, claims)


def _take(value: str, text: str, number: int, claims: Claims) -> bool:
    when = parse_date(value.replace(",", ", ").replace(",  ", ", "))
    if when is not None:
        claims.date = when
    elif ambiguous_date(value):
        claims.date_text = value  # day or month first: as the document's other dates say
    else:
        return False
    claims.sources.append(Claim("date", text, number))
    return True
