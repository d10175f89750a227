"""What an imported document claims about its own readiness ("Overall Readiness: 85/100",
"Completed: 23/30", "Ready for go-live: ❌ NO"), kept on the launch so `status` and the
import preview can set readybot's own score and verdict beside it, and warn where the two
disagree: that usually means something was misread, or that the document was optimistic.
Pure: stored as JSON text in `launch.claims`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from commands import wording
from commands.assessment.claims import disagreements
from commands.assessment.model import Claims


@dataclass(frozen=True)
class DocumentClaims:
    score: int | None = None
    score_variant: str | None = None  # "95/100 with SSL"
    percent: int | None = None
    done: int | None = None
    total: int | None = None
    verdict: str | None = None  # "GO" or "NO-GO"
    date: dt.date | None = None  # the document's own date
    source: str | None = None  # the document's file name, when it had one
    imported_on: dt.date | None = None

    @classmethod
    def of(
        cls, claims: Claims, *, source: str | None = None, imported_on: dt.date | None = None
    ) -> DocumentClaims | None:
        """None when the document claims nothing about itself."""
        if claims.stated_score() is None and claims.verdict is None:
            return None
        return cls(
            claims.score,
            claims.score_variant,
            claims.percent,
            claims.done,
            claims.total,
            claims.verdict,
            claims.date,
            source,
            imported_on,
        )

    def as_claims(self) -> Claims:
        return Claims(
            self.score,
            self.score_variant,
            self.percent,
            self.done,
            self.total,
            self.verdict,
            self.date,
        )

    def stated(self) -> str:
        """ "85/100 (95/100 with SSL), 23/30 done, NO-GO" """
        parts = []
        if self.score is not None:
            variant = f" ({self.score_variant})" if self.score_variant else ""
            parts.append(f"{self.score}/100{variant}")
        elif self.percent is not None:
            parts.append(f"{self.percent}%")
        if self.total is not None:
            parts.append(f"{self.done}/{self.total} done")
        if self.verdict:
            parts.append(self.verdict)
        return ", ".join(parts)

    def said(self) -> str:
        """ "The document (Oct 27) says 85/100, NO-GO" """
        # The year shows when it is not the year the document was imported in.
        when = f" ({wording.day(self.date, self.imported_on, relative=False)})" if self.date else ""
        return f"The document{when} says {self.stated()}"

    def warnings(self, score: int, go: bool, *, restate: bool = True) -> list[str]:
        """Where readybot's (score, go) and the document disagree: by more than 10 points
        or in the verdict."""
        return disagreements(self.as_claims(), score, go, restate=restate)


def note(claims: DocumentClaims, score: int, go: bool) -> str:
    """One line for `status`: what the document said and, when readybot disagrees, how."""
    warnings = claims.warnings(score, go, restate=False)
    if not warnings:
        return f"{claims.said()} (readybot agrees)"
    return f"⚠️ {claims.said()}, but " + " and ".join(warnings)


def dump(claims: DocumentClaims | None) -> str | None:
    if claims is None:
        return None
    data = asdict(claims)
    for name in ("date", "imported_on"):
        data[name] = data[name].isoformat() if data[name] else None
    return json.dumps({k: v for k, v in data.items() if v is not None})


def load(text: str | None) -> DocumentClaims | None:
    """The stored claims; None for none or for anything unreadable (never an error: they
    are a note beside the score, not data anything depends on)."""
    if not text:
        return None
    try:
        data = json.loads(text)
        for name in ("date", "imported_on"):
            if data.get(name):
                data[name] = dt.date.fromisoformat(data[name])
        fields = DocumentClaims.__dataclass_fields__
        return DocumentClaims(**{k: v for k, v in data.items() if k in fields})
    except (ValueError, TypeError, AttributeError):
        return None
