"""What an assessment document says, independent of the database.

Everything here is plain data with defaults, so callers that only know the older fields
(title, category, status, priority, ... on items; name, title, target date ... on the
assessment) keep working, and the integration layer needs no parsing of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from storage.vocabulary import Priority, Status


@dataclass
class ParsedItem:
    """One checklist item found in a document."""

    title: str
    category: str
    status: Status = Status.TODO
    priority: Priority | None = None  # None: the document does not say (readybot uses medium)
    key: str | None = None  # ids the document gives ("GL-004") and keys `export` writes
    owner: str | None = None
    due: date | None = None
    effort: str | None = None
    notes: str | None = None
    evidence: str | None = None  # every piece of `evidence_items`, one per line
    blocked_reason: str | None = None
    waiver_reason: str | None = None
    waiver_until: date | None = None
    # Scenarios (storage.vocabulary.Scenario values) the item is required in; None: all.
    scenarios: tuple[str, ...] | None = None
    line: int = 0  # 1-based line in the (repaired) document, for error messages and --explain
    source: str = ""  # that line's text, for --explain
    evidence_items: tuple[str, ...] = ()  # citations ("src/a.ts, lines 1–35") and links
    depends_on: tuple[str, ...] = ()  # ids or titles the document says this item needs first
    # Scenarios in which the document calls the item mandatory or critical: the integration
    # raises its priority to critical only when the launch's scenario is one of these.
    critical_in: tuple[str, ...] = ()
    parent: str | None = None  # the title of the checkbox this one is nested under

    def __post_init__(self) -> None:
        # `evidence` is `evidence_items`, one per line: whichever a caller set, both agree.
        if self.evidence and not self.evidence_items:
            self.evidence_items = tuple(self.evidence.split("\n"))
        elif self.evidence_items and not self.evidence:
            self.evidence = "\n".join(self.evidence_items)


@dataclass(frozen=True)
class Claim:
    """One thing the document says about its own readiness, with where it says it."""

    kind: str  # "score", "percent", "counts" or "verdict"
    text: str  # the claim as written ("Overall Readiness: 85/100 (95/100 with SSL)")
    line: int


@dataclass
class Claims:
    """What the document claims about itself; None where it claims nothing."""

    score: int | None = None  # "85/100" -> 85
    score_variant: str | None = None  # "95/100 with SSL": a conditional score, kept as text
    percent: int | None = None  # "75% Complete" -> 75
    done: int | None = None  # "Completed: 23/30" -> 23
    total: int | None = None  # -> 30
    verdict: str | None = None  # "GO" or "NO-GO"
    date: date | None = None  # the document's own date ("**Date:** October 27, 2025")
    date_text: str | None = None  # a date line whose date needs the document's convention
    sources: list[Claim] = field(default_factory=list)

    def stated_score(self) -> int | None:
        """The one number the document gives for itself: score, else percent, else counts."""
        if self.score is not None:
            return self.score
        if self.percent is not None:
            return self.percent
        if self.done is not None and self.total:
            return round(100 * self.done / self.total)
        return None

    def is_empty(self) -> bool:
        return not self.sources


@dataclass(frozen=True)
class Merge:
    """A statement that was folded into an item said earlier (or more specifically)."""

    into_title: str  # the merged item's final title
    into_line: int
    title: str  # the statement as it was read
    line: int
    reason: str  # "same item" or "restates" (a next step that only repeats an item)


@dataclass
class Skipped:
    """Lines the reader saw and did not turn into items, by reason."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, lines: int = 1) -> None:
        if lines > 0:
            self.counts[reason] = self.counts.get(reason, 0) + lines

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """ "ignored 14 lines: 9 links, 5 prose" (largest reason first); "" if nothing."""
        if not self.total:
            return ""
        parts = sorted(self.counts.items(), key=lambda pair: (-pair[1], pair[0]))
        described = ", ".join(f"{count} {reason}" for reason, count in parts)
        noun = "line" if self.total == 1 else "lines"
        return f"ignored {self.total} {noun}: {described}"


@dataclass
class Assessment:
    """A parsed document: its items in document order, plus what its header says."""

    title: str | None = None
    name: str | None = None  # the launch name the document suggests
    stated_readiness: int | None = None  # "85% READY" -> 85 (= claims.stated_score())
    target_date: date | None = None
    scenario: str | None = None
    timezone: str | None = None
    items: list[ParsedItem] = field(default_factory=list)
    repaired: str | None = None  # "mac_roman", "cp1252" or None when the text was clean
    claims: Claims = field(default_factory=Claims)
    merges: list[Merge] = field(default_factory=list)
    skipped: Skipped = field(default_factory=Skipped)
    category_owners: dict[str, str] = field(default_factory=dict)
    # Scenario sections the document has ("Scenario 2: Internet-Facing" -> internet-facing).
    scenarios_named: tuple[str, ...] = ()
