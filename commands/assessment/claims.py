"""What an assessment says about its own result, and whether readybot agrees.

"Overall Readiness: 85/100 (95/100 with SSL)", "75% Complete", "Completed: 23/30",
"Ready for go-live: ❌ NO", "### 🔴 DO NOT GO PRODUCTION YET", "**Date:** October 27, 2025".
`read_claim` reads one line; the reader keeps the first claim of each kind (the summary
at the top is the document's own verdict; later figures are per-section).
"""

from __future__ import annotations

import re

from commands.assessment.fields import ambiguous_date, parse_date, split_label
from commands.assessment.model import Claim, Claims

_READINESS_WORDS = re.compile(
    r"\b(?:readiness|ready|score|overall|complete|completed|completion|progress|status|go[- ]live"
    r"|launch|production)\b",
    re.I,
)
_SCORE = re.compile(r"(?<![\d.])(\d{1,3})(?:\.\d+)?\s*/\s*100\b")
_PERCENT = re.compile(r"(?<![\d.])(\d{1,3})(?:\.\d+)?\s*%")
_COUNTS = re.compile(
    r"\b(?:completed?|done|passed|passing|ready|closed|checked|finished)\b[^0-9\n]{0,20}"
    r"(?<![\d/])(\d{1,4})\s*(?:/|of|out of)\s*(\d{1,4})\b"
    r"|(?<![\d/])(\d{1,4})\s*(?:/|of|out of)\s*(\d{1,4})\s*"
    r"(?:items?|checks?|tasks?|controls?|requirements?|criteria|steps?|tests?)?\s*"
    r"(?:completed?|done|passed|passing|ready|closed|checked|finished)\b",
    re.I,
)
_VARIANT = re.compile(r"\(([^()]*\d{1,3}\s*(?:/\s*100|%)[^()]*)\)")
_NO_GO = re.compile(
    r"\bno[- ]go\b|\bnot (?:yet )?(?:production[- ])?ready\b|\bdo not (?:go|launch|deploy|ship)"
    r"|\bnot ready for (?:production|launch|go[- ]live)|\bnot recommended\b|\bnot approved\b"
    r"|\bready[^:\n]{0,30}:\s*(?:❌|🔴|no\b)|\bblocked\b",
    re.I,
)
_GO = re.compile(
    r"\bgo\b(?![- ]live)(?!\s+production)|\bready for (?:production|launch|go[- ]live)\b|\bapproved for"
    r"|\bproduction[- ]ready\b|\bready[^:\n]{0,30}:\s*(?:✅|🟢|yes\b)|\blaunch ready\b"
    r"|\bready to (?:launch|go[- ]live|ship|deploy|go)\b",
    re.I,
)
_VERDICT_CONTEXT = re.compile(
    r"\b(?:verdict|decision|recommendation|go\s*[/ ]\s*no[- ]go|ready for|overall|readiness"
    r"|conclusion|go[- ]live|do not go)\b",
    re.I,
)
_DATE_LABELS = frozenset(
    {
        "date",
        "assessment date",
        "analysis date",
        "last updated",
        "updated",
        "report date",
        "review date",
        "prepared",
        "as of",
        "generated",
        "assessment completed",
    }
)


_BY_WHOM = re.compile(r"\s+(?:by|from)\s+\D.*$", re.I)


def read_claim(text: str, number: int, claims: Claims) -> bool:
    """Read one line's claims into `claims` (first claim of each kind wins); True if the
    line is a claim, so that the reader does not also take it for an item."""
    found = False
    labelled = split_label(text)
    if labelled and " ".join(labelled[0].casefold().split()) in _DATE_LABELS:
        # "05/03/2026 by the launch PMO": the date, not who wrote it.
        value = _BY_WHOM.sub("", labelled[1])
        labelled = (labelled[0], value)
        when = parse_date(value.split(",")[0] if value.count(",") > 1 else value)
        if when is not None and claims.date is None:
            claims.date = when
            claims.sources.append(Claim("date", text, number))
        elif claims.date is None and claims.date_text is None and ambiguous_date(value):
            # "05/03/2026": day or month first, as the document's other dates say.
            claims.date_text = value
            claims.sources.append(Claim("date", text, number))
            return True
        return when is not None
    verdict = _verdict(text)
    if verdict and claims.verdict is None:
        claims.verdict = verdict
        claims.sources.append(Claim("verdict", text, number))
    if not _READINESS_WORDS.search(text):
        return verdict is not None
    found = verdict is not None
    score = _SCORE.search(text)
    if score and int(score.group(1)) <= 100:
        found = True
        if claims.score is None:
            claims.score = int(score.group(1))
            variant = _VARIANT.search(text[score.end() :])
            claims.score_variant = variant.group(1).strip() if variant else None
            claims.sources.append(Claim("score", text, number))
    counts = _COUNTS.search(text)
    if counts:
        done, total = (g for g in counts.groups() if g is not None)
        if int(done) <= int(total) and int(total) > 0:
            found = True
            if claims.total is None:
                claims.done, claims.total = int(done), int(total)
                claims.sources.append(Claim("counts", text, number))
    percent = _PERCENT.search(_SCORE.sub(" ", text))
    if percent and int(percent.group(1)) <= 100 and not counts:
        found = True
        if claims.percent is None and claims.score is None:
            claims.percent = int(percent.group(1))
            claims.sources.append(Claim("percent", text, number))
    return found


_FIRST_CLAUSE = re.compile(r"\s+[—–]\s+|\s+-\s+|(?<=[.!;])\s+")


def _verdict(text: str) -> str | None:
    # A verdict is a short statement ("Verdict: NO-GO", "Ready for go-live: ❌ NO"), not
    # a sentence that mentions readiness; "Overall: 🟡 Conditional GO — ship if ..." opens
    # with one.
    if len(text.split()) > 12:
        text = _FIRST_CLAUSE.split(text, maxsplit=1)[0]
    if not _VERDICT_CONTEXT.search(text) or len(text.split()) > 12:
        return None
    if _NO_GO.search(text):
        return "NO-GO"
    if _GO.search(text):
        return "GO"
    return None


def disagreements(
    claims: Claims, score: int, go: bool, *, tolerance: int = 10, restate: bool = True
) -> list[str]:
    """Warnings where the document's claims and readybot's own (score, verdict) disagree:
    by more than `tolerance` points, or in the verdict. Empty when they agree or the
    document claims nothing. `restate=False`: only readybot's side, for a line that has
    already said what the document claims."""
    warnings = []
    stated = claims.stated_score()
    if stated is not None and abs(stated - score) > tolerance:
        said = f"the document says {stated}/100, " if restate else ""
        warnings.append(f"{said}readybot computes {score}/100 ({abs(stated - score)} points apart)")
    ours = "GO" if go else "NO-GO"
    if claims.verdict is not None and claims.verdict != ours:
        said = f"the document says {claims.verdict}, " if restate else ""
        warnings.append(f"{said}readybot says {ours}")
    return warnings
