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
        "summary",
        "task name",
        "card name",
        "issue",
        "question",
        "action",
        "step",
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
        "list name",
        "column",
        "stage",
    ),
    "priority": ("priority", "severity", "importance", "criticality", "moscow", "rank"),
    "owner": (
        "owner",
        "responsible",
        "assignee",
        "assigned to",
        "who",
        "dri",
        "lead",
        "members",
        "assignee name",
    ),
    "due": ("due", "due date", "deadline", "target", "target date", "eta", "by when", "due on"),
    "category": (
        "category",
        "area",
        "section",
        "domain",
        "group",
        "pillar",
        "theme",
        "scope",
        "epic",
        "section/column",
        "workstream",
    ),
    # Several to a cell ("security, infra"): the first names the category.
    "labels": ("labels", "label", "tags", "component", "components", "component/s"),
    "completed_at": ("completed at", "completed on", "date completed", "resolved", "closed at"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "details"),
    "evidence": ("evidence", "link", "links", "proof", "verification", "url", "reference"),
    "key": ("key", "id", "ref", "#", "item id", "task id", "issue key", "card id", "issue id"),
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
# Marks a sheet's Done / Status column holds (Excel booleans arrive as "True" / "False"),
# and the workflow states of issue trackers (Jira, Linear, Asana, Trello lists).
_STATUS_WORDS = {status.value: status for status in Status} | {
    "in progress": Status.IN_PROGRESS,
    "y": Status.DONE,
    "n": Status.TODO,
    "x": Status.DONE,
    "true": Status.DONE,
    "false": Status.TODO,
    "1": Status.DONE,
    "0": Status.TODO,
    "backlog": Status.TODO,
    "selected for development": Status.TODO,
    "doing": Status.IN_PROGRESS,
    "canceled": Status.WAIVED,
    "cancelled": Status.WAIVED,
    "duplicate": Status.WAIVED,
}
_PRIORITIES = {priority.value: priority for priority in Priority} | {
    "highest": Priority.CRITICAL,
    "lowest": Priority.LOW,
    "no priority": None,
}


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


def read_rows(
    rows: Sequence[Sequence[str]], *, name: str | None = None, category: str | None = None
) -> Assessment:
    """An Assessment from spreadsheet rows (strings); no items if no header row is found.
    `category`: for rows that name none (a workbook's sheet per category)."""
    assessment = Assessment(title=name, name=name)
    found = _find_header(rows)
    if found is None:
        return assessment
    header, columns = found
    body = rows[header + 1 :]
    sections = _section_rows(body, next(c for c, name in columns.items() if name == "title"))
    section: str | None = None
    for offset, row in enumerate(body, start=header + 2):
        if offset - header - 2 in sections:
            section = sections[offset - header - 2]
            continue
        values = {name: (row[c].strip() if c < len(row) else "") for c, name in columns.items()}
        if not values.get("title"):
            continue
        item = _item(values, offset, row)
        if item.category == DEFAULT_CATEGORY and (section or category):
            item.category = section or category or DEFAULT_CATEGORY
        assessment.items.append(item)
    return assessment


_SECTION_MAX_WORDS = 6
_NAME_WORD = re.compile(r"^(?:[A-Z0-9&/(][\w&/()'.-]*|and|of|the|&|[-–—])$")


def _after_gap(filled: list[list[int]], index: int) -> bool:
    """Whether a row opens the sheet's body or follows a blank row."""
    return index == 0 or not filled[index - 1] or not any(filled[:index])


def _names(text: str) -> bool:
    """ "Operations", "SECURITY", "Data & Privacy", "Access:" name a group; "Runbook
    reviewed" (a check still without a status) does not."""
    words = text.rstrip(":").split()
    return text.endswith(":") or (0 < len(words) <= 4 and all(_NAME_WORD.match(w) for w in words))


def _section_rows(body: Sequence[Sequence[str]], title: int) -> dict[int, str]:
    """Rows that name the category of the rows below them: only one cell filled ("Security"
    over the security checks), between rows that fill more, in a sheet that opens with one
    (or outside the title column). In a sheet whose rows are mostly titles alone (a blank
    template), or written as a sentence, such a row is an item."""
    filled = [[index for index, cell in enumerate(row) if cell.strip()] for row in body]
    rich = sum(len(cells) >= 2 for cells in filled)
    lone = [index for index, cells in enumerate(filled) if len(cells) == 1]
    if not lone or rich < 2 or rich < len(lone):
        return {}
    # Sections open the sheet ("Security" first, then its rows); an item with only its
    # title filled in (no status yet) sits among other items instead.
    opens = next((len(cells) == 1 for cells in filled if cells), False)
    sections = {}
    for index in lone:
        column = filled[index][0]
        text = body[index][column].strip()
        below = next((cells for cells in filled[index + 1 :] if cells), [])
        if (
            len(below) >= 2
            and len(text.split()) <= _SECTION_MAX_WORDS
            and not text.endswith((".", "?", "!"))
            and (column != title or (opens and (_after_gap(filled, index) or _names(text))))
        ):
            sections[index] = text
    return sections


def _tuple(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _item(values: dict[str, str], line: int, row: Sequence[str]) -> ParsedItem:
    status_text = values.get("status", "")
    status = _STATUS_WORDS.get(status_text.casefold()) or status_from_value(status_text)
    if status is None and values.get("completed_at"):
        status = Status.DONE  # Asana: a task with a completion date is done
    priority_text = values.get("priority", "")
    if priority_text.casefold() in _PRIORITIES:
        priority = _PRIORITIES[priority_text.casefold()]
    else:
        priority = priority_from_label(priority_text)
    labels = re.split(r"\s*[,;]\s*|\s+", values.get("labels", "").strip())[0]
    category = values.get("category") or labels
    evidence = values.get("evidence") or None
    return ParsedItem(
        title=values["title"],
        category=category or DEFAULT_CATEGORY,
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
    """An Assessment from every sheet of an XLSX workbook that has a header row, in sheet
    order; where several do, each sheet's name is the category of its rows that name none
    (a cover or instructions sheet, without a header row, gives nothing)."""
    from openpyxl import load_workbook  # a heavy import, only for spreadsheets

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = [
            (
                sheet.title,
                [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)],
            )
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()
    read = [(title, read_rows(rows, name=name)) for title, rows in sheets]
    read = [(title, sheet) for title, sheet in read if sheet.items]
    if len(read) <= 1:
        return read[0][1] if read else Assessment(title=name, name=name)
    assessment = Assessment(title=name, name=name)
    for title, rows in sheets:
        found = read_rows(rows, name=name, category=title.strip() or None)
        assessment.items += found.items
    return assessment


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
