"""`import` and `export`: readiness assessments in markdown, in and out of a launch.

Import is idempotent: an item is recognised by its key (documents written by
`export` carry keys) or by its category and title, and updated rather than added
again. A plain assessment never undoes work recorded in readybot: an item changed
here since it was last imported keeps its state. An exported document (it has
keys) is applied as written, so edit-then-reimport works.
"""

from __future__ import annotations

import logging
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from commands.assessment.export_md import export_markdown
from commands.assessment.identity import import_ref
from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.parse_md import parse_assessment
from commands.assessment.preview import build_preview, explain_lines
from commands.assessment.repair import decode_document
from commands.assessment.spreadsheet import read_csv, read_xlsx, write_csv, write_xlsx
from commands.claims import DocumentClaims
from commands.claims import dump as dump_claims
from commands.context import Context
from commands.decision.signoffs import fill_owners
from commands.errors import CommandError, UsageError
from commands.items.add import KeyMaker, new_item, record_created
from commands.items.change import apply_change
from commands.items.critical import priority_in_scenario
from commands.launching import create_launch, current_launch, find_launch, local_today, view
from commands.paths import cycle_with
from commands.permissions import require_launch_admin
from commands.replies import ExportReply, ImportReply, join_scenarios, split_scenarios
from commands.status import build_report
from commands.text import clean_fields
from commands.transitions import Change, verified
from commands.writes import writing
from storage import items as rows
from storage import launches, readiness
from storage.engine import Session, Store
from storage.models import Item, Launch
from storage.vocabulary import Priority, Status, Via

NO_ITEMS = (
    "I found no checklist items in that text. I read `- [ ]` / `- [x]` checkboxes (nested too), "
    "✅ ❌ ⚠️ bullets, numbered next steps, **bold** findings, tables with a title or status "
    "column, and items written as headings (`#### GL-004 Backups verified` with `Status:` "
    "lines), under `## Section` headings; or a CSV or XLSX sheet with a Title column. "
    "Try `readybot import FILE --dry-run --explain` to see what each line gave."
)


log = logging.getLogger(__name__)


class _DryRun(Exception):
    """Raised inside the transaction to roll a preview back."""

    def __init__(self, reply: ImportReply) -> None:
        self.reply = reply


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0


def import_text(
    store: Store,
    ctx: Context,
    text: str,
    *,
    dry_run: bool,
    launch_name: str | None = None,
    source_name: str | None = None,
    explain: bool = False,
) -> ImportReply:
    """Import a markdown document, or CSV pasted as text (see `import_assessment`)."""
    assessment = read_text(text, name=source_name)
    return import_assessment(
        store,
        ctx,
        assessment,
        dry_run=dry_run,
        launch_name=launch_name,
        source_name=source_name,
        explain=explain,
    )


SHEET_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")


def import_file(
    store: Store,
    ctx: Context,
    data: bytes,
    *,
    name: str | None,
    dry_run: bool,
    launch_name: str | None = None,
    explain: bool = False,
) -> ImportReply:
    """Import a file's bytes: an XLSX workbook (a zip), a CSV sheet, or a markdown
    document, told apart by the bytes and then the name."""
    assessment = read_document(data, name=name)
    return import_assessment(
        store,
        ctx,
        assessment,
        dry_run=dry_run,
        launch_name=launch_name,
        source_name=name,
        explain=explain,
    )


def read_document(data: bytes, *, name: str | None) -> Assessment:
    """The assessment in a file, whatever its kind (see `import_file`)."""
    suffix = Path(name or "").suffix.casefold()
    # A sheet's launch is named after its file, without the suffix ("plan.csv" → "plan").
    stem = Path(name).stem if name else None
    if data[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        label = name or "the file"
        try:
            return read_xlsx(data, name=stem)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
            log.info("unreadable workbook %s: %s", label[:80], type(exc).__name__)
            raise CommandError(
                f"I could not read {label} as an XLSX workbook (it may be damaged or "
                "password-protected). Save it again from your spreadsheet app, or as CSV."
            ) from None
    text = decode_document(data)
    if suffix in (".csv", ".tsv"):
        return read_csv(text, name=stem)
    return read_text(text, name=name)


def read_text(text: str, *, name: str | None = None) -> Assessment:
    """A markdown document, or CSV pasted as text (a header row with a Title column and no
    markdown items)."""
    assessment = parse_assessment(text, source_name=name)
    if assessment.items or "\n" not in text.strip():
        return assessment
    sheet = read_csv(text, name=name)
    return sheet if sheet.items else assessment


def import_assessment(
    store: Store,
    ctx: Context,
    assessment: Assessment,
    *,
    dry_run: bool,
    launch_name: str | None = None,
    source_name: str | None = None,
    explain: bool = False,
) -> ImportReply:
    """Items found in the document are created or updated in one transaction (a dry run
    rolls it back), and the reply sets the document's own claims beside readybot's score.
    Items' text is cleaned as typed text is (no control, bidirectional or zero-width
    characters), whatever the document's format."""
    assessment.items = [clean_fields(item) for item in assessment.items]
    if not assessment.items:
        raise UsageError(NO_ITEMS, usage_verb="import")
    ctx = replace(ctx, via=Via.IMPORT)  # the audit log says these changes came from a document
    try:
        with writing(store, ctx) as session:
            reply = _import(session, ctx, assessment, dry_run=dry_run, launch_name=launch_name)
            reply = _judged(session, ctx, reply, assessment, source_name)
            if explain:
                reply = replace(reply, explain=tuple(explain_lines(assessment)))
            if dry_run:
                raise _DryRun(reply)
            return reply
    except _DryRun as preview:
        return preview.reply


def _target_launch(
    session: Session, ctx: Context, assessment: Assessment, launch_name: str | None
) -> tuple[Launch, bool]:
    if launch_name:
        existing = launches.launch_by_name(session, team_id=ctx.team_id, name=launch_name)
        if existing:
            return launches.lock_launch(session, launch_id=existing.id or 0), False
        return _create(session, ctx, assessment, launch_name), True
    if launches.launch_for_channel(session, team_id=ctx.team_id, channel_id=ctx.channel_id):
        return current_launch(session, ctx, lock=True), False
    name = (assessment.name or "Imported assessment")[:200]
    existing = launches.launch_by_name(session, team_id=ctx.team_id, name=name)
    if existing:
        return launches.lock_launch(session, launch_id=existing.id or 0), False
    launch = _create(session, ctx, assessment, name)
    if ctx.channel_id:
        launches.bind_channel(
            session,
            team_id=ctx.team_id,
            channel_id=ctx.channel_id,
            launch_id=launch.id or 0,
            actor=ctx.user_id,
            now=ctx.now,
        )
    return launch, True


def _create(session: Session, ctx: Context, assessment: Assessment, name: str) -> Launch:
    launch, _created = create_launch(
        session,
        ctx,
        name=name,
        target_date=assessment.target_date,
        scenario=assessment.scenario,
        timezone=assessment.timezone,
    )
    return launch


def _import(
    session: Session,
    ctx: Context,
    assessment: Assessment,
    *,
    dry_run: bool,
    launch_name: str | None,
) -> ImportReply:
    launch, created_launch = _target_launch(session, ctx, assessment, launch_name)
    assert launch.id is not None
    if not created_launch:
        require_launch_admin(ctx, launch, action=f"import into {launch.name}")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for parsed in assessment.items:
        counts[parsed.category][parsed.status.value] += 1

    by_key = {item.key: item for item in rows.all_items(session, launch_id=launch.id)}
    by_ref = {item.import_ref: item for item in by_key.values() if item.import_ref}
    by_title = {
        (item.category.casefold(), " ".join(item.title.casefold().split())): item
        for item in by_key.values()
    }
    touched_here = rows.changed_since_import(session, launch_id=launch.id)
    applies_as_written = any(parsed.key for parsed in assessment.items)
    keys = KeyMaker(set(by_key))
    seq = rows.next_seq(session, launch_id=launch.id)
    outcome = _Outcome()
    seen: set[int] = set()
    created: list[Item] = []
    placed: list[tuple[ParsedItem, Item]] = []  # each document item and the row it became

    for parsed in assessment.items:
        ref = import_ref(parsed.category, parsed.title)
        existing = (
            (by_key.get(parsed.key.upper()) if parsed.key else None)
            or by_ref.get(ref)
            or by_title.get((parsed.category.casefold(), " ".join(parsed.title.casefold().split())))
        )
        if existing is not None and existing.id in seen:
            existing = (
                None  # two document lines resolved to one item: keep the second as its own item
            )
        if existing is None:
            key = (
                parsed.key.upper()
                if parsed.key and keys.claim(parsed.key)
                else keys.make(parsed.category)
            )
            item = new_item(
                ctx,
                launch,
                key=key,
                seq=seq,
                title=parsed.title,
                category=parsed.category,
                source=Via.IMPORT.value,
                import_ref=ref,
                **_fields(parsed, None, launch.scenario, ctx),
            )
            seq += 1
            created.append(item)
            placed.append((parsed, item))
            continue
        seen.add(existing.id or 0)
        placed.append((parsed, existing))
        if existing.id in touched_here and not applies_as_written:
            outcome.kept += 1
            continue
        wanted = {
            "title": parsed.title,
            "category": parsed.category,
            "import_ref": ref,
            **_fields(parsed, existing, launch.scenario, ctx),
        }
        changes = {
            name: value
            for name, value in wanted.items()
            if _differs(getattr(existing, name), value)
        }
        if not changes:
            outcome.unchanged += 1
            continue
        apply_change(session, ctx, launch, existing, Change("imported", changes))
        outcome.updated += 1

    # One batched INSERT for the new items (ids come back with it), then their audit events.
    rows.add_items(session, items=created)
    for item in created:
        record_created(session, ctx, launch, item)
    outcome.created = len(created)
    owners_named = fill_owners(session, ctx, launch, assessment.category_owners)
    linked, refused = _dependencies(session, ctx, launch, placed)
    if outcome.created or owners_named:
        launches.touch(launch, now=ctx.now)
    warnings = (
        (f"kept {outcome.kept} item(s) changed in readybot since the last import",)
        if outcome.kept
        else ()
    ) + tuple(refused)
    if linked:
        warnings += (f"{linked} dependencies read from the document (“depends on”, “after”)",)
    return ImportReply(
        launch_name=launch.name,
        dry_run=dry_run,
        counts={c: dict(s) for c, s in counts.items()},
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged + outcome.kept,
        repaired=assessment.repaired,
        launch_created=created_launch,
        stated_readiness=assessment.stated_readiness,
        warnings=warnings,
    )


def _dependencies(
    session: Session, ctx: Context, launch: Launch, placed: list[tuple[ParsedItem, Item]]
) -> tuple[int, list[str]]:
    """Dependencies the document states ("depends on GL-003", "after the DNS cut-over"),
    by key or title among its items; one that would close a cycle is left out and said.
    Returns (how many were added, warnings)."""
    assert launch.id is not None
    by_name: dict[str, int] = {}
    for parsed, row in placed:
        if row.id is None:
            continue
        by_name[row.key.casefold()] = row.id
        if parsed.key:
            by_name[parsed.key.casefold()] = row.id
        by_name[" ".join(parsed.title.casefold().split())] = row.id
    edges = readiness.edges(session, launch_id=launch.id)
    added, refused = 0, []
    for parsed, row in placed:
        for wanted in parsed.depends_on:
            needed = by_name.get(" ".join(wanted.casefold().split()))
            if needed is None or row.id is None or needed == row.id or (row.id, needed) in edges:
                continue
            if cycle_with(edges, row.id, needed) is not None:
                refused.append(f"left out “{row.key} needs {wanted[:40]}”: it would make a cycle")
                continue
            if readiness.add_dependency(
                session,
                launch_id=launch.id,
                item_id=row.id,
                needs_id=needed,
                actor=ctx.user_id,
                now=ctx.now,
            ):
                edges.append((row.id, needed))
                added += 1
    return added, refused


def _fields(
    parsed: ParsedItem, existing: Item | None, scenario: str, ctx: Context
) -> dict[str, Any]:
    """Item fields from a document line. Where the document is silent, an existing value stays."""

    def keep(value: Any, name: str) -> Any:
        return value if value is not None or existing is None else getattr(existing, name)

    own = parsed.priority or (
        Priority(existing.base_priority or existing.priority) if existing else Priority.MEDIUM
    )
    critical_in = join_scenarios(parsed.critical_in or None)
    priority, base = priority_in_scenario(own.value, critical_in, scenario)
    fields: dict[str, Any] = {
        "status": parsed.status.value,
        "priority": priority,
        "base_priority": base,
        "critical_in": critical_in,
        "owner": keep(parsed.owner, "owner"),
        "due_date": keep(parsed.due, "due_date"),
        "effort": keep(parsed.effort, "effort"),
        "notes": keep(parsed.notes, "notes"),
        "evidence": keep(parsed.evidence, "evidence"),
        "scenarios": keep(join_scenarios(parsed.scenarios), "scenarios"),
        "blocked_reason": parsed.blocked_reason if parsed.status == Status.BLOCKED else None,
        "waiver_reason": parsed.waiver_reason if parsed.status == Status.WAIVED else None,
        "waiver_until": parsed.waiver_until if parsed.status == Status.WAIVED else None,
        **_verification(parsed, existing, ctx),
    }
    return fields


def _verification(parsed: ParsedItem, existing: Item | None, ctx: Context) -> dict[str, Any]:
    """A document saying "done" is a claim; done with evidence (a link, a citation) is
    verified by that evidence. A verification recorded in readybot stays."""
    if parsed.status != Status.DONE:
        return {"verified_at": None, "verified_by": None, "verified_via": None}
    if existing is not None and existing.status == Status.DONE and existing.verified_at:
        return {
            "verified_at": existing.verified_at,
            "verified_by": existing.verified_by,
            "verified_via": existing.verified_via,
        }
    if parsed.evidence:
        return verified(ctx.user_id, "evidence", ctx.now)
    return {"verified_at": None, "verified_by": None, "verified_via": None}


def _judged(
    session: Session,
    ctx: Context,
    reply: ImportReply,
    assessment: Assessment,
    source_name: str | None,
) -> ImportReply:
    """The reply with readybot's own score and verdict as the import leaves the launch, set
    beside what the document claims; the claims are kept on the launch for `status`."""
    launch = launches.launch_by_name(session, team_id=ctx.team_id, name=reply.launch_name)
    assert launch is not None and launch.id is not None
    today = local_today(ctx, launch)
    claims = DocumentClaims.of(assessment.claims, source=source_name, imported_on=today)
    if claims is not None:
        launch.claims = dump_claims(claims)
        session.add(launch)
    session.flush()
    report, _ = build_report(session, ctx, launch, today)
    score, go = report.score.percent, report.verdict.go
    # The preview says what the document claims just above: the warnings say our side.
    warnings = tuple(claims.warnings(score, go, restate=False)) if claims else ()
    return replace(
        reply,
        preview=build_preview(assessment),
        score=score,
        verdict=report.verdict.label,
        claims=claims,
        disagreements=warnings,
    )


def _differs(current: Any, wanted: Any) -> bool:
    return (current.value if hasattr(current, "value") else current) != (
        wanted.value if hasattr(wanted, "value") else wanted
    )


EXPORT_FORMATS = ("md", "csv", "xlsx")


def export(
    store: Store, ctx: Context, launch_name: str | None = None, *, format: str = "md"
) -> ExportReply:
    """The launch's checklist as markdown (which `import` reads back as written), CSV or
    XLSX (same columns; a CSV round trip is lossless)."""
    if format not in EXPORT_FORMATS:
        raise UsageError(
            f"I can export as {', '.join(EXPORT_FORMATS)}, not {format[:20]}: try `--format csv`.",
            usage_verb="export",
        )
    with store.read() as session:
        launch = (
            find_launch(session, ctx, launch_name) if launch_name else current_launch(session, ctx)
        )
        assert launch.id is not None
        stored = rows.all_items(session, launch_id=launch.id)
        assessment = Assessment(
            title=launch.name,
            name=launch.name,
            target_date=launch.target_date,
            scenario=launch.scenario,
            timezone=launch.timezone,
            items=[_parsed(item) for item in stored],
        )
        launch_view = view(session, launch)
    if format == "xlsx":
        return ExportReply(launch_view, "", len(stored), format, write_xlsx(assessment))
    text = write_csv(assessment) if format == "csv" else export_markdown(assessment)
    return ExportReply(launch_view, text, len(stored), format, text.encode("utf-8"))


def _parsed(item: Item) -> ParsedItem:
    return ParsedItem(
        title=item.title,
        category=item.category,
        status=Status(item.status),
        # Its own priority: a scenario's raise comes back from `critical_in` on import.
        priority=Priority(item.base_priority or item.priority),
        key=item.key,
        owner=item.owner,
        due=item.due_date,
        effort=item.effort,
        notes=item.notes,
        evidence=item.evidence,
        blocked_reason=item.blocked_reason,
        waiver_reason=item.waiver_reason,
        waiver_until=item.waiver_until,
        scenarios=split_scenarios(item.scenarios),
        critical_in=split_scenarios(item.critical_in) or (),
    )
