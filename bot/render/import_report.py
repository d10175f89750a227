"""What an import did (or would do), as plain lines both the Slack and the text renderers
lay out: the head, readybot's verdict beside the document's claims with any disagreement,
categories with counts by status, the merges, what was skipped and why. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from commands import replies as r
from commands.text import plural

MERGES_SHOWN = 5
STATUS_WORDS = {"in_progress": "in progress"}
VERDICT_MARKS = {"NO-GO": "⛔ NO-GO", "GO with conditions": "🟡 GO with conditions", "GO": "✅ GO"}


@dataclass(frozen=True)
class Category:
    name: str
    owner: str | None
    counts: str  # "3 done, 2 todo"


@dataclass(frozen=True)
class ImportReport:
    head: str  # "Would import 30 items into EDMS (new launch)"
    launch: str
    verdict: str | None  # "readybot: 22/100 ⛔ NO-GO"
    said: str | None  # "The document (Sun Oct 27) says 85/100, GO"
    warnings: tuple[str, ...]  # the disagreements
    categories: tuple[Category, ...]
    merges: tuple[str, ...]  # 'line 40 “SSL/TLS Not Configured” → “Configure SSL/TLS …”'
    more_merges: int
    skipped: str  # "Ignored 14 lines: 9 links, 5 prose"
    outcome: str  # "12 new, 3 updated, 0 unchanged"
    repaired: str | None  # "Windows 1252"
    notes: tuple[str, ...]


def report(reply: r.ImportReply) -> ImportReport:
    total = sum(sum(s.values()) for s in reply.counts.values())
    verb = "Would import" if reply.dry_run else "Imported"
    head = f"{verb} {plural(total, 'item')} into"
    new = " (new launch)" if reply.launch_created else ""
    preview = reply.preview
    if preview is not None:
        categories = tuple(
            Category(c.category, c.owner, _counts(c.by_status)) for c in preview.categories
        )
        merges = tuple(
            f"line {m.line} “{m.title}” → “{m.into_title}”"
            + (f" (line {m.into_line})" if m.into_line else "")
            for m in preview.merges
        )
        skipped = preview.skipped[:1].upper() + preview.skipped[1:]
    else:
        categories = tuple(Category(c, None, _counts(s)) for c, s in reply.counts.items())
        merges, skipped = (), ""
    verdict = (
        f"readybot: {reply.score}/100 {VERDICT_MARKS.get(reply.verdict, reply.verdict)}"
        if reply.score is not None and reply.verdict
        else None
    )
    said = reply.claims.said() if reply.claims else None
    if said is None and reply.stated_readiness is not None:
        said = f"The document says {reply.stated_readiness}% ready"
    return ImportReport(
        head=head,
        launch=reply.launch_name + new,
        verdict=verdict,
        said=said,
        warnings=reply.disagreements,
        categories=categories,
        merges=merges[:MERGES_SHOWN],
        more_merges=max(0, len(merges) - MERGES_SHOWN),
        skipped=skipped,
        outcome=f"{reply.created:,} new, {reply.updated:,} updated, {reply.unchanged:,} unchanged",
        repaired=reply.repaired.replace("_", " ").title() if reply.repaired else None,
        notes=reply.warnings,
    )


def _counts(by_status: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {STATUS_WORDS.get(s, s)}" for s, n in by_status.items())
