"""Status tables: markdown tables with one row per checklist item.

A table yields items only if one column states a status: a column headed Status (State,
Done, Ready, ...) or one whose cells mostly start with a status (✅, ❌, ⚠️, Done, Yes,
Partial, Blocked, No, Missing, N/A ...). Tables of figures ("Current | Production | Gap") are
not checklists and yield nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commands.assessment.inline import note_text, plain_text
from commands.assessment.vocabulary import (
    priority_from_value,
    status_from_emoji,
    status_from_value,
    status_phrase,
)
from storage.models import Priority, Status

_STATUS_HEADERS = frozenset(
    {"status", "state", "done", "complete", "completed", "ready", "result", "implemented"}
) | {"progress", "in place", "ready?", "done?"}
_TITLE_HEADERS = (
    "item",
    "task",
    "check",
    "requirement",
    "area",
    "feature",
    "component",
    "control",
    "title",
    "name",
    "description",
)
_ROLE_HEADERS = {
    "priority": "priority",
    "severity": "priority",
    "owner": "owner",
    "assignee": "owner",
    "effort": "effort",
    "estimate": "effort",
    "evidence": "evidence",
}
_NOTES_HEADERS = frozenset(["notes", "note", "comments", "comment", "details", "remarks"])
_STATUS_SHARE = 0.6  # share of non-empty cells that must start with a status
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_DELIMITER_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")


@dataclass
class TableItem:
    title: str
    status: Status
    line: int
    priority: Priority | None = None
    owner: str | None = None
    effort: str | None = None
    evidence: str | None = None
    notes: list[str] = field(default_factory=list)


def split_row(line: str) -> list[str]:
    """The cells of a table row; escaped pipes (and pipes in code spans) do not split."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells, current, in_code = [], [], False
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            # GFM: "\|" is a literal pipe in a cell; other escapes stay for later.
            current.append("|" if body[index + 1] == "|" else body[index : index + 2])
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    return cells


def is_delimiter_row(line: str) -> bool:
    cells = split_row(line)
    return bool(cells) and all(_DELIMITER_CELL.match(cell) for cell in cells)


def _header_key(cell: str) -> str:
    return " ".join(plain_text(cell).casefold().split())


def read_table(rows: list[tuple[int, str]]) -> list[TableItem]:
    """Items of a table given as (line number, text) rows: header, delimiter, body rows."""
    if len(rows) < 3 or not is_delimiter_row(rows[1][1]):
        return []
    raw_headers = split_row(rows[0][1])
    headers = [_header_key(cell) for cell in raw_headers]
    body = [(number, split_row(text)) for number, text in rows[2:]]
    status_column = _status_column(raw_headers, headers, [cells for _, cells in body])
    if status_column is None:
        return []
    title_column = _title_column(headers, status_column, [cells for _, cells in body])
    if title_column is None:
        return []
    items = []
    for number, cells in body:
        cells = cells + [""] * (len(headers) - len(cells))
        title = plain_text(cells[title_column])
        if not title:
            continue
        # A row says what it says; a blank or unreadable status is work not done yet.
        status = status_from_value(cells[status_column])
        item = TableItem(title=title, status=status or Status.TODO, line=number)
        if status is None and cells[status_column].strip():
            item.notes.append(f"Status: {note_text(cells[status_column])}")
        for column, header in enumerate(headers):
            if column in (title_column, status_column) or not cells[column].strip():
                continue
            _fill(item, header, cells[column])
        items.append(item)
    return items


def _fill(item: TableItem, header: str, cell: str) -> None:
    role = _ROLE_HEADERS.get(header)
    if role == "priority":
        item.priority = priority_from_value(cell)
    elif role is not None:
        setattr(item, role, plain_text(cell))
    elif header in _NOTES_HEADERS or not header:
        item.notes.append(note_text(cell))
    else:
        item.notes.append(f"{plain_text(header).capitalize()}: {note_text(cell)}")


def _status_column(raw: list[str], headers: list[str], rows: list[list[str]]) -> int | None:
    for column, header in enumerate(headers):
        # "Status", or a header that is just a status emoji ("✅").
        if header in _STATUS_HEADERS or (not header and status_from_emoji(raw[column])):
            return column
    best, best_share = None, 0.0
    for column in range(len(headers)):
        cells = [row[column] for row in rows if column < len(row) and row[column].strip()]
        if not cells:
            continue
        share = sum(_is_status_cell(cell) for cell in cells) / len(cells)
        if share >= _STATUS_SHARE and share > best_share:
            best, best_share = column, share
    return best


def _is_status_cell(cell: str) -> bool:
    """Whether a cell is nothing but a status: "✅", "✅ Done", "Partial (60%)", "N/A".

    "No backups configured" starts with a status word but is a finding.
    """
    if status_from_emoji(cell) is not None and not plain_text(cell):
        return True
    core = _PARENTHETICAL.sub(" ", plain_text(cell)).strip()
    return status_phrase(core) is not None


def _title_column(headers: list[str], status_column: int, rows: list[list[str]]) -> int | None:
    for name in _TITLE_HEADERS:
        for column, header in enumerate(headers):
            if column != status_column and header == name:
                return column
    for column in range(len(headers)):
        if column == status_column:
            continue
        cells = [plain_text(row[column]) for row in rows if column < len(row)]
        if any(any(char.isalpha() for char in cell) for cell in cells):
            return column
    return None
