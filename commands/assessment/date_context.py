"""Dates that need the rest of the document: "w/c 23 Mar" has no year, "05/03/2026" reads
day or month first. The document's own date gives the year (the nearest "23 Mar" to it),
and its other dates give the order: "20/03/2026" or "13.03.2026" or "13 Mar" are day
first, "03/20/2026" or "March 13" month first. Without either, such dates stay unread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from commands.assessment.drafts import Draft
from commands.assessment.fields import parse_date
from commands.assessment.model import Assessment

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NUMERIC = re.compile(r"\b(\d{1,2})([/.])(\d{1,2})[/.]\d{2,4}\b")
_DAY_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?![a-z])", re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?![\d:])", re.I)


def day_first(text: str) -> bool | None:
    """Whether the document writes its dates day first (None: it does not show)."""
    for first, separator, second in _NUMERIC.findall(text):
        if separator == "." or int(first) > 12:
            return True
        if int(second) > 12:
            return False
    words = len(_DAY_MONTH.findall(text)) - len(_MONTH_DAY.findall(text))
    return None if words == 0 else words > 0


def settle_dates(lines: Sequence[str], assessment: Assessment, drafts: Sequence[Draft]) -> None:
    """Read the document date and due dates that needed the document's year or order."""
    claims = assessment.claims
    waiting = [draft for draft in drafts if draft.due is None and draft.due_text]
    if not waiting and claims.date_text is None:
        return
    order = day_first("\n".join(lines))
    if claims.date is None and claims.date_text is not None:
        claims.date = parse_date(claims.date_text, day_first=order) if order is not None else None
        if claims.date is None:  # still unread: not a claim after all
            claims.sources = [claim for claim in claims.sources if claim.kind != "date"]
    near = claims.date or assessment.target_date
    for draft in waiting:
        draft.due = parse_date(draft.due_text or "", near=near, day_first=order)
        if draft.due is not None:  # "Due: w/c 23 Mar" is now the date itself
            draft.notes = [note for note in draft.notes if not note.endswith(f": {draft.due_text}")]
