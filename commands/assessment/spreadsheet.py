"""Checklists kept in spreadsheets: CSV text and XLSX bytes in, the same `Assessment` out,
and back.

Reading finds the header row (title rows above it are allowed) by its words: a title
column (Title / Item / Check / Requirement / Task ...) and at least one other known
column (Status / State / Done?, Priority / Severity, Owner / Responsible / Assignee, Due /
Deadline / Target, Category / Area / Section / Domain, Notes / Comments, Evidence / Link /
Proof, Key / ID, Effort ...), in any order. Status cells are read like table cells (✅,
"Done", "Not started", "Blocked"...), priority cells like priority labels.

Writing produces exactly the columns `WRITE_COLUMNS`; reading a written file gives back
every field of every item (the round trip is lossless), including empty ones.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from commands.assessment.fields import parse_date
from commands.assessment.inline import DEFAULT_CATEGORY
from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.vocabulary import priority_from_label, status_from_value
from storage.vocabulary import Priority, Status

WRITE_COLUMNS = (
    "Key",
    "Category",
    "Title",
    "Status",
    "Priority",
    "Owner",
    "Due",
    "Effort",
    "Scenarios",
    "Critical in",
    "Depends on",
    "Blocked because",
    "Waived because",
    "Waived until",
    "Evidence",
    "Notes",
    "Parent",
)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "item",
        "check",
        "checklist item",
        "requirement",
        "task",
        "name",
        "control",
        "criteria",
        "criterion",
        "description",
        "deliverable",
        "activity",
    ),
    "status": (
        "status",
        "state",
        "done",
        "done?",
        "complete",
        "completed",
        "complete?",
        "result",
        "ready",
        "ready?",
        "progress",
        "pass/fail",
    ),
    "priority": ("priority", "severity", "importance", "criticality", "moscow", "rank"),
    "owner": ("owner", "responsible", "assignee", "assigned to", "who", "dri", "lead"),
    "due": ("due", "due date", "deadline", "target", "target date", "eta", "by when"),
    "category": ("category", "area", "section", "domain", "group", "pillar", "theme", "scope"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "details"),
    "evidence": ("evidence", "link", "links", "proof", "verification", "url", "reference"),
    "key": ("key", "id", "ref", "#", "item id", "task id"),
    "effort": ("effort", "estimate", "time estimate", "size"),
    "scenarios": ("scenarios", "scenario", "applies to"),
    "critical_in": ("critical in",),
    "depends_on": ("depends on", "dependencies", "prerequisites"),
    "blocked_reason": ("blocked because", "blocked reason", "blocker", "blocked by"),
    "waiver_reason": ("waived because", "waiver reason", "waiver"),
    "waiver_until": ("waived until", "waiver until"),
    "parent": ("parent", "parent item"),
}
_LOOKUP = {word: name for name, words in _SYNONYMS.items() for word in words}
_HEADER_SCAN = 20  # title rows above the header: a sheet's first rows at most
_STATUS_WORDS = {status.value: status for status in Status} | {"in progress": Status.IN_PROGRESS}
_PRIORITIES = {priority.value: priority for priority in Priority}


def _header_name(cell: str) -> str | None:
    """The field a header cell names: "Due date", "Done?", and wordier forms ("Check
    item", "Owner (team)") by their first or last word."""
    key = " ".join(re.sub(r"[*_:]|\([^)]*\)", " ", cell).casefold().split())
    if key in _LOOKUP:
        return _LOOKUP[key]
    words = key.split()
    if 1 < len(words) <= 4:
        return _LOOKUP.get(words[-1]) or _LOOKUP.get(words[0])
    return None


def _find_header(rows: Sequence[Sequence[str]]) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(rows[:_HEADER_SCAN]):
        names = {column: _header_name(cell) for column, cell in enumerate(row) if cell.strip()}
        known = {column: name for column, name in names.items() if name}
        if "title" in known.values() and len(known) >= 2:
            seen: dict[int, str] = {}
            for column, name in known.items():
                if name not in seen.values():
                    seen[column] = name
            return index, seen
    return None


def read_rows(rows: Sequence[Sequence[str]], *, name: str | None = None) -> Assessment:
    """An Assessment from spreadsheet rows (strings); no items if no header row is found."""
    assessment = Assessment(title=name, name=name)
    found = _find_header(rows)
    if found is None:
        return assessment
    header, columns = found
    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
        values = {name: (row[c].strip() if c < len(row) else "") for c, name in columns.items()}
        if not values.get("title"):
            continue
        assessment.items.append(_item(values, offset, row))
    return assessment


def _tuple(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _item(values: dict[str, str], line: int, row: Sequence[str]) -> ParsedItem:
    status_text = values.get("status", "")
    status = _STATUS_WORDS.get(status_text.casefold()) or status_from_value(status_text)
    priority_text = values.get("priority", "")
    priority = _PRIORITIES.get(priority_text.casefold()) or priority_from_label(priority_text)
    evidence = values.get("evidence") or None
    return ParsedItem(
        title=values["title"],
        category=values.get("category") or DEFAULT_CATEGORY,
        status=status or Status.TODO,
        priority=priority,
        key=values.get("key") or None,
        owner=values.get("owner") or None,
        due=parse_date(values.get("due", "")) if values.get("due") else None,
        effort=values.get("effort") or None,
        notes=values.get("notes") or None,
        evidence=evidence,
        blocked_reason=values.get("blocked_reason") or None,
        waiver_reason=values.get("waiver_reason") or None,
        waiver_until=parse_date(values["waiver_until"]) if values.get("waiver_until") else None,
        scenarios=_tuple(values["scenarios"]) or None if values.get("scenarios") else None,
        critical_in=_tuple(values.get("critical_in", "")),
        depends_on=_tuple(values.get("depends_on", "")),
        parent=values.get("parent") or None,
        line=line,
        source=",".join(row),
    )


def read_csv(text: str, *, name: str | None = None) -> Assessment:
    """An Assessment from CSV text (comma, semicolon or tab separated)."""
    text = text.removeprefix("\ufeff")
    # The separator is the one with which a header row appears; csv.Sniffer guesses
    # wrong when notes are full of semicolons.
    for delimiter in (",", ";", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        if _find_header(rows) is not None:
            return read_rows(rows, name=name)
    return Assessment(title=name, name=name)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, *, name: str | None = None) -> Assessment:
    """An Assessment from the first sheet of an XLSX workbook that has a header row."""
    from openpyxl import load_workbook  # a heavy import, only for spreadsheets

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            rows = [
                [_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)
            ]
            assessment = read_rows(rows, name=name)
            if assessment.items:
                return assessment
        return Assessment(title=name, name=name)
    finally:
        workbook.close()


def _row(item: ParsedItem) -> list[str]:
    def joined(values: Iterable[str] | None) -> str:
        return ", ".join(values or ())

    return [
        item.key or "",
        item.category,
        item.title,
        item.status.value,
        item.priority.value if item.priority else "",
        item.owner or "",
        item.due.isoformat() if item.due else "",
        item.effort or "",
        joined(item.scenarios),
        joined(item.critical_in),
        joined(item.depends_on),
        item.blocked_reason or "",
        item.waiver_reason or "",
        item.waiver_until.isoformat() if item.waiver_until else "",
        item.evidence or "",
        item.notes or "",
        item.parent or "",
    ]


def write_csv(assessment: Assessment) -> str:
    """The items as CSV with the `WRITE_COLUMNS` header; `read_csv` reads it back whole."""
    out = io.StringIO()
    # The default "\r\n" terminator makes the writer quote cells holding either character.
    writer = csv.writer(out)
    writer.writerow(WRITE_COLUMNS)
    writer.writerows(_row(item) for item in assessment.items)
    return out.getvalue()


def write_xlsx(assessment: Assessment) -> bytes:
    """The items as an XLSX workbook (one sheet, header row first)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    title = re.sub(r"[\[\]:*?/\\']", " ", assessment.name or "").strip()[:31]
    sheet = workbook.create_sheet(title=title or "Checklist")
    sheet.append(list(WRITE_COLUMNS))
    for item in assessment.items:
        sheet.append(_row(item))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
