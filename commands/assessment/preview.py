"""What an import would do, as data and as plain text: for `--dry-run`, the import
modal's preview and `--explain`.

`build_preview(assessment)` gives categories with their counts by status, the merges,
the skipped summary and the document's claims; `render_preview` writes it for a
terminal; `explain_lines` lists every item with the line it came from. Pure: the
integration adds what only the database knows (new versus updated items, readybot's own
score), e.g. by passing `computed` to `render_preview`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from commands.assessment.claims import disagreements
from commands.assessment.model import Assessment, Claims, Merge

_STATUS_ORDER = ("done", "in_progress", "blocked", "todo", "waived")
_STATUS_WORDS = {
    "done": "done",
    "in_progress": "in progress",
    "blocked": "blocked",
    "todo": "todo",
    "waived": "waived",
}


@dataclass
class CategoryCount:
    category: str
    by_status: dict[str, int]  # Status value -> items, in _STATUS_ORDER
    owner: str | None = None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class Preview:
    """An import preview, before the database is touched."""

    name: str | None
    items: int
    categories: list[CategoryCount] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    skipped: str = ""  # "ignored 14 lines: 9 links, 5 prose"
    claims: Claims = field(default_factory=Claims)
    repaired: str | None = None


def build_preview(assessment: Assessment) -> Preview:
    counts: dict[str, Counter[str]] = {}
    for item in assessment.items:
        counts.setdefault(item.category, Counter())[item.status.value] += 1
    categories = [
        CategoryCount(
            category,
            {status: counter[status] for status in _STATUS_ORDER if counter[status]},
            assessment.category_owners.get(category),
        )
        for category, counter in counts.items()
    ]
    return Preview(
        name=assessment.name,
        items=len(assessment.items),
        categories=categories,
        merges=list(assessment.merges),
        skipped=assessment.skipped.summary(),
        claims=assessment.claims,
        repaired=assessment.repaired,
    )


def describe_claims(claims: Claims) -> str:
    """ "The document says: 85/100 (95/100 with SSL), NO-GO (October 11, 2025)"; "" if none."""
    parts = []
    if claims.score is not None:
        variant = f" ({claims.score_variant})" if claims.score_variant else ""
        parts.append(f"{claims.score}/100{variant}")
    elif claims.percent is not None:
        parts.append(f"{claims.percent}%")
    if claims.total is not None:
        parts.append(f"{claims.done}/{claims.total} done")
    if claims.verdict:
        parts.append(claims.verdict)
    if not parts:
        return ""
    dated = f" ({claims.date.isoformat()})" if claims.date else ""
    return "The document says: " + ", ".join(parts) + dated


def render_preview(preview: Preview, computed: tuple[int, bool] | None = None) -> str:
    """The preview as plain text. `computed`: readybot's own (score, go) to set beside the
    document's claims, with a warning where they disagree."""
    lines = [f"{preview.items} items in {len(preview.categories)} categories"]
    for category in preview.categories:
        statuses = ", ".join(
            f"{count} {_STATUS_WORDS[status]}" for status, count in category.by_status.items()
        )
        owner = f" (owner: {category.owner})" if category.owner else ""
        lines.append(f"  {category.category}{owner}: {statuses}")
    if preview.merges:
        lines.append(f"Merged {len(preview.merges)} repeated statements:")
        for merge in preview.merges:
            where = f"line {merge.into_line}" if merge.into_line else "a category"
            lines.append(
                f"  line {merge.line} “{merge.title}” → “{merge.into_title}” ({where}, {merge.reason})"
            )
    if preview.skipped:
        lines.append(preview.skipped[:1].upper() + preview.skipped[1:])
    said = describe_claims(preview.claims)
    if said:
        lines.append(said)
    if computed is not None:
        score, go = computed
        lines.append(f"readybot says: {score}/100, {'GO' if go else 'NO-GO'}")
        lines += [f"Warning: {warning}" for warning in disagreements(preview.claims, score, go)]
    if preview.repaired:
        lines.append(f"Repaired broken characters ({preview.repaired})")
    return "\n".join(lines)


def explain_lines(assessment: Assessment) -> list[str]:
    """Every item with the source line it came from: "  12  Security | TLS ← - [ ] TLS"."""
    width = len(str(max((item.line for item in assessment.items), default=0)))
    return [
        f"{item.line:>{width}}  [{item.status.value}] {item.category} | {item.title}"
        f"  ← {item.source}"
        for item in assessment.items
    ]
