"""Checklist tables, read by what their columns hold.

A table is a checklist when it has a title column and something that makes its rows
items: a status column (headed Status / State / Done / Result ..., or whose cells are
mostly statuses: ✅ ✓ ☑ ☐ ✗ ❌ ⚠️ 🔴, Done, Pass, Fail, Pending, Not started, Blocked, N/A,
Working, Tested, Not configured ...), a checkbox column, a priority column, or columns
that say where an item applies. Tables of figures ("Current | Production | Gap") and of
facts ("Attribute | Value") yield nothing.

Columns of ✅ under headers that name levels, tiers or environments ("Level A", "Prod",
"Required") say where an item applies or how important it is, never that it is done:
"Required" / "Must" raise the priority, "Optional" lowers it, scenario names ("Internet-
facing") restrict `scenarios`, anything else is noted ("Applies to: Level B, Level A").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.assessment.blocks import Table
from commands.assessment.drafts import Draft, Sink, category_of, waiting_reason
from commands.assessment.fields import parse_date
from commands.assessment.inline import DEFAULT_CATEGORY, plain_text
from commands.assessment.inline_render import Line
from commands.assessment.naming import is_generic
from commands.assessment.roles import Role
from commands.assessment.scenarios import ORDER, stated_scenario
from commands.assessment.signoffs import signoff_columns
from commands.assessment.table_columns import Columns, find_columns, is_status_cell
from commands.assessment.titles import ITEM_ID, split_title
from commands.assessment.vocabulary import (
    CHECKBOX_STATUS,
    OPEN,
    priority_from_label,
    refine_status,
    status_from_emoji,
    status_from_value,
)
from storage.vocabulary import Priority, Status

_SUMMARY_ROW = re.compile(r"^(?:overall|total|totals|sum|average|score|grand total)\b", re.I)
# Cells that say nothing: an owner nobody is yet, a date not set.
_NOBODY = frozenset({"-", "—", "–", "n/a", "tbd", "tba", "?", "unassigned", "none", "nobody"})
_MARKED = re.compile(r"[✅✔✓☑☒xX●•*+]|yes|required|y\b", re.I)


@dataclass
class _Row:
    cells: list[Line]
    number: int


def read_table(table: Table, sink: Sink) -> None:
    """Emit the items of a checklist table; count the rows of any other table as skipped."""
    rows = [_Row(cells, cells[0].number if cells else table.number) for cells in table.rows]
    names = [node.category or node.role_name or "" for node in sink.section.ancestors()[:2]]
    signoff = signoff_columns(table.header, names)
    if signoff is not None:
        # "Role | Name | Signed | Date": approvals, not work; a role may name an owner.
        for row in rows:
            said, person = (row.cells[i].text if 0 <= i < len(row.cells) else "" for i in signoff)
            if person.strip():
                sink.sign_off(plain_text(said), plain_text(person))
        sink.skip("sign-off table", len(rows) + 2)
        return
    role = sink.list_role or sink.section.role
    # An "Action items" table is a list of steps, "Known issues" one of items.
    stateless = role in (Role.NEXT, Role.CRITICAL, Role.GAPS)
    columns = find_columns(table.header, [row.cells for row in rows], stateless=stateless)
    if columns is None:
        if len(table.header) == 2:
            _read_facts(table, sink)  # "| **Target release** | 2026-05-04 |"
        sink.skip("tables that are not checklists", len(rows) + 2)
        return
    if sink.section.role is Role.PLAN and columns.checkbox is None:
        sink.skip("plan/summary sections", len(rows) + 2)  # a legend, a score table
        return
    group: str | None = None
    last: Draft | None = None
    for row in rows:
        cells = row.cells + [Line(row.number)] * (len(table.header) - len(row.cells))
        title_cell = cells[columns.title]
        if _is_group_row(cells, columns.title):
            group = plain_text(title_cell.text) or group
            continue
        if last is not None and _continues(cells, columns.title):
            # "| | | | checked 3 days in a row": the row above, continued.
            last.notes += [cell.note for cell in cells if cell.text.strip()]
            continue
        draft = _row_draft(cells, columns, row.number, sink)
        if draft is None:
            sink.skip("prose")
            continue
        last = draft
        if role is Role.NEXT:
            draft.kind = "step"
        if group is not None:
            with sink.grouped(group):
                draft.section = sink.section
                sink.emit(draft)
        else:
            sink.emit(draft)


def _read_facts(table: Table, sink: Sink) -> None:
    """A two-column table of facts about the launch: each row read as "Label: value"."""
    for cells in [table.header, *table.rows]:
        if len(cells) == 2 and cells[0].text.strip() and cells[1].text.strip():
            label, value = plain_text(cells[0].text).strip(" :"), plain_text(cells[1].text)
            sink.fact(Line(cells[0].number, text=f"{label}: {value}", note=f"{label}: {value}"))


def _continues(cells: list[Line], title: int) -> bool:
    """A row with no title and no status of its own: more notes for the row above."""
    return not cells[title].text.strip() and not any(
        cell.box is not None or status_from_value(cell.text) is not None for cell in cells
    )


def _is_group_row(cells: list[Line], title: int) -> bool:
    """ "| **Security** | | |": a bold row with nothing else names the rows below it."""
    others = [cell for index, cell in enumerate(cells) if index != title and cell.text.strip()]
    cell = cells[title]
    return not others and cell.lead is not None and cell.lead == cell.text


def _row_draft(cells: list[Line], columns: Columns, number: int, sink: Sink) -> Draft | None:
    cell = cells[columns.title]
    if _SUMMARY_ROW.match(cell.text):
        return None
    parts = split_title(cell.text)
    # A row names its check in its own words ("Description", "Contact" are checks here);
    # only rows without any are not items.
    if not any(char.isalnum() for char in parts.title):
        return None
    draft = Draft(title=parts.title, line=number, section=sink.section)
    draft.source = sink.source(number)
    draft.effort, draft.key = parts.effort, parts.key
    draft.priority = parts.priority
    draft.notes += [parts.note] if parts.note else []
    draft.evidence += [*cell.evidence, *cell.links]
    status = _row_status(cells, columns)
    draft.status = refine_status(status, parts.status) if status else parts.status
    if draft.status is None and columns.title_has_status:
        draft.status = status_from_emoji(cell.text)
    if columns.status is not None:
        raw = cells[columns.status]
        if raw.text and status_from_value(raw.text) is None and raw.box is None:
            draft.notes.append(f"Status: {raw.note}")
        reason = waiting_reason(raw.text) if raw.text else None
        if reason and draft.status in OPEN:
            # "⏳ Pending sign-off", "Waiting on legal": blocked, with that reason.
            draft.status, draft.blocked_reason = Status.BLOCKED, reason
    # A Category / Scope column names the category where no heading does.
    # (or only a generic one: "Operational Checklist").
    heading = category_of(sink.section)
    _fill_roles(
        draft, cells, columns, use_category=heading == DEFAULT_CATEGORY or is_generic(heading)
    )
    _fill_applies(draft, cells, columns)
    if draft.status is None:
        draft.status = _notes_status(cells, columns)
    return draft


_PROGRESS = re.compile(r"^(?P<done>\d+)\s*(?:of|/|out of)\s*(?P<all>\d+)\b", re.I)


def _notes_status(cells: list[Line], columns: Columns) -> Status | None:
    """A table without a status column: a notes cell that is a status ("Done") or a count
    done ("12 of 40 done", "40/40 installed") says it."""
    for index, role in columns.roles.items():
        if role not in ("notes", "other") or index >= len(cells):
            continue
        text = plain_text(cells[index].text).strip()
        progress = _PROGRESS.match(text)
        if progress and 0 < int(progress.group("all")) >= int(progress.group("done")):
            done, total = int(progress.group("done")), int(progress.group("all"))
            return (
                Status.DONE if done == total else Status.TODO if done == 0 else Status.IN_PROGRESS
            )
        if text and is_status_cell(cells[index]):
            return status_from_value(text) or status_from_emoji(text)
    return None


def _row_status(cells: list[Line], columns: Columns) -> Status | None:
    if columns.answers:
        marked = [status for i, status in columns.answers.items() if cells[i].text.strip()]
        return marked[0] if len(marked) == 1 else Status.TODO  # none, or two: not answered
    for index in (columns.checkbox, columns.status):
        if index is None:
            continue
        cell = cells[index]
        if cell.box is not None and cell.box in CHECKBOX_STATUS:
            return CHECKBOX_STATUS[cell.box]
        stated = status_from_value(cell.text)
        if stated is not None:
            return stated
        if index == columns.status:
            return Status.TODO  # a blank or unreadable status: work not done yet
    return None


def _fill_roles(draft: Draft, cells: list[Line], columns: Columns, *, use_category: bool) -> None:
    for index, role in columns.roles.items():
        cell = cells[index]
        text = cell.text.strip()
        if not text or text.casefold() in _NOBODY:
            if role == "evidence":
                draft.evidence += [*cell.evidence, *cell.links]
            continue
        if role == "priority":
            draft.priority = draft.priority or priority_from_label(text)
        elif role == "owner":
            draft.owner = draft.owner or text
        elif role == "due":
            draft.due = draft.due or parse_date(text)
            if draft.due is None:
                draft.due_text = text
                draft.notes.append(f"{columns.names[index]}: {cell.note}")
        elif role == "effort":
            draft.effort = draft.effort or text
        elif role == "category":
            if not use_category:
                draft.notes.append(f"{columns.names[index]}: {cell.note}")
                continue
            draft.category_hint = re.split(r"\s*[,;/]\s*", plain_text(text))[0] or None
        elif role == "evidence":
            draft.evidence += [*cell.evidence, *cell.links] or [cell.note]
        elif role == "key":
            if ITEM_ID.match(text + " ") or re.fullmatch(r"[A-Za-z]+[-_.]?\d+(?:\.\d+)*", text):
                draft.key = draft.key or text
        elif role == "notes":
            draft.notes.append(cell.note)
            draft.evidence += [*cell.evidence, *cell.links]
        else:
            draft.notes.append(f"{columns.names[index]}: {cell.note}")


def _fill_applies(draft: Draft, cells: list[Line], columns: Columns) -> None:
    marked = [index for index in columns.applies if _MARKED.search(cells[index].text or "")]
    if not columns.applies:
        return
    names = [columns.names[index] for index in marked]
    strongest = [priority_from_label(name) for name in names]
    ranks = [p for p in strongest if p is not None]
    if ranks:
        order = [Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW]
        draft.priority = draft.priority or min(ranks, key=order.index)
    scenarios = {s for s in (stated_scenario(name) for name in names) if s is not None}
    if scenarios:
        draft.scenarios = tuple(s.value for s in ORDER if s in scenarios)
    elif names and not ranks and len(marked) < len(columns.applies):
        draft.notes.append("Applies to: " + ", ".join(names))
