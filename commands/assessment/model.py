"""What an assessment document says, independent of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from storage.models import Priority, Status


@dataclass
class ParsedItem:
    """One checklist item found in a document."""

    title: str
    category: str
    status: Status = Status.TODO
    priority: Priority | None = None  # None: the document does not say (readybot uses medium)
    key: str | None = None  # only documents written by `export` carry keys
    owner: str | None = None
    due: date | None = None
    effort: str | None = None
    notes: str | None = None
    evidence: str | None = None
    blocked_reason: str | None = None
    waiver_reason: str | None = None
    waiver_until: date | None = None
    scenarios: tuple[str, ...] | None = None  # None: required in every scenario
    line: int = 0  # 1-based line in the (repaired) document, for error messages


@dataclass
class Assessment:
    """A parsed document: its items in document order, plus what its header says."""

    title: str | None = None
    name: str | None = None  # the launch name the document suggests
    stated_readiness: int | None = None  # "85% READY" -> 85
    target_date: date | None = None
    scenario: str | None = None
    timezone: str | None = None
    items: list[ParsedItem] = field(default_factory=list)
    repaired: str | None = None  # "mac_roman", "cp1252" or None when the text was clean
