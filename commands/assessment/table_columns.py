"""Which column of a table says what: found by header words first, then by content."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commands.assessment.inline import plain_text, strip_emoji
from commands.assessment.inline_render import Line
from commands.assessment.vocabulary import (
    priority_from_label,
    status_from_emoji,
    status_from_value,
    status_phrase,
)
from storage.vocabulary import Status

_TITLE_HEADERS = (
    "item",
    "check",
    "check name",
    "checklist item",
    "task",
    "requirement",
    "requirements",
    "question",
    "questions",
    "control",
    "criteria",
    "criterion",
    "deliverable",
    "activity",
    "title",
    "summary",
    "name",
    "feature",
    "capability",
    "component",
    "test",
    "step",
    "area",
    "action",
    "issue",
    "finding",
    "gap",
    "risk",
    "description",
)
_STATUS_HEADERS = re.compile(
    r"^(?:status|state|done\??|complete[d?]?|result|results|ready\??|implemented\??|progress"
    r"|in place\??|met\??|pass/fail|passed\??|outcome|verdict|current status|current state"
    r"|status \(.*\)|checked\?|ok\??|y/n|yes/no|✓|✅)$"
)
_ROLE_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("key", re.compile(r"^(?:id|#|no\.?|ref|key|item id|task id|check id|req(?:uirement)? id)$")),
    (
        "priority",
        re.compile(
            r"^(?:priority|severity|importance|impact|criticality|moscow|p|prio|level|risk level|risk)$"
        ),
    ),
    (
        "owner",
        re.compile(
            r"^(?:owner|owners|assignee|assigned to|responsible|who|dri|lead|accountable|r)$"
        ),
    ),
    ("due", re.compile(r"^(?:due|due date|deadline|target date|target|eta|by when|date due)$")),
    ("effort", re.compile(r"^(?:effort|estimate|time|hours|size|time estimate)$")),
    (
        "category",
        re.compile(
            r"^(?:category|area|section|domain|scope|pillar|group|theme|type|components?|component/s|epic)$"
        ),
    ),
    (
        "evidence",
        re.compile(
            r"^(?:evidence|link|links|proof|source|verification|artifacts?|reference|location|file|where)$"
        ),
    ),
    (
        "notes",
        re.compile(
            r"^(?:notes?|comments?|details|remarks|short description|observations?|explanation|why|rationale|description|action|next steps?|mitigation)$"
        ),
    ),
)
# Headers that name where an item applies or how much it matters, not whether it is done.
_APPLIES_HEADER = re.compile(
    r"\b(?:level|tier|env|environment|prod|production|staging|stage|dev|development|qa|uat"
    r"|required|mandatory|recommended|optional|must|should|could|mvp|ga|beta|alpha|internal"
    r"|external|internet[- ]facing|public|regulated|p[0-3]|phase|launch|critical|standard"
    r"|experimental)\b",
    re.I,
)
_MARK_CELL = re.compile(
    r"^(?:[✅✔✓☑☒✗✘❌xX●•○◯*+-]|yes|no|y|n|required|optional|recommended)?$", re.I
)
_STATUS_SHARE = 0.6
_PARENTHETICAL = re.compile(r"\([^()]*\)")


@dataclass
class Columns:
    title: int
    names: list[str]
    status: int | None = None
    checkbox: int | None = None
    roles: dict[int, str] = field(default_factory=dict)
    applies: list[int] = field(default_factory=list)
    title_has_status: bool = False
    # "| Yes | No | N/A |" columns, one marked per row: the marked column's status.
    answers: dict[int, Status] = field(default_factory=dict)


def _key(cell: Line) -> str:
    return " ".join(strip_emoji(cell.text).casefold().split()).strip(" :*")


def _column(rows: list[list[Line]], index: int) -> list[Line]:
    return [row[index] for row in rows if index < len(row) and (row[index].text or row[index].box)]


def is_status_cell(cell: Line) -> bool:
    """Whether a cell is nothing but a status: "✅", "✅ Done", "Partial (60%)", "N/A"."""
    if cell.box is not None:
        return True
    text = cell.text
    if status_from_emoji(text) is not None and len(plain_text(text)) <= 20:
        return True
    core = _PARENTHETICAL.sub(" ", plain_text(text)).strip(" .!-–—")
    return status_phrase(core) is not None


def _share(cells: list[Line], test: object) -> float:
    if not cells:
        return 0.0
    return sum(bool(test(cell)) for cell in cells) / len(cells)  # type: ignore[operator]


def find_columns(
    header: list[Line], rows: list[list[Line]], *, stateless: bool = False
) -> Columns | None:
    """The columns of a checklist table, or None if the table is not one. `stateless`:
    a table of rows that are items by where they stand (an action items table) needs
    only a title column."""
    if not header or not rows:
        return None
    keys = [_key(cell) for cell in header]
    names = [plain_text(cell.text) for cell in header]
    columns = Columns(title=-1, names=names)
    for index, key in enumerate(keys):
        cells = _column(rows, index)
        boxes = _share(cells, lambda c: c.box is not None)
        if boxes >= _STATUS_SHARE and columns.checkbox is None:
            columns.checkbox = index
        elif (
            _APPLIES_HEADER.search(key)
            and cells
            and _share(cells, lambda c: _MARK_CELL.match(c.text.strip())) >= 0.9
            and not _STATUS_HEADERS.match(key)
        ):
            columns.applies.append(index)
        elif (
            _STATUS_HEADERS.match(key) or (not key and status_from_emoji(header[index].text))
        ) and columns.status is None:
            columns.status = index
    if columns.status is None and columns.checkbox is None:
        columns.answers = _answer_columns(keys, rows, columns)
    columns.title = _title_column(keys, rows, columns)
    if columns.title >= 0 and _share(_column(rows, columns.title), _is_id) >= 0.8:
        # "| PAY-812 | Rotate the keys |", "| CC6.1 | MFA enforced |": the ids are keys,
        # the words beside them the title.
        ids = columns.title
        columns.roles[ids] = "key"
        columns.title = _title_column(keys, rows, columns)
        if columns.title < 0:
            del columns.roles[ids]
            columns.title = ids
    if columns.title < 0:
        return None
    for index, key in enumerate(keys):
        if index in (columns.status, columns.checkbox, columns.title) or index in columns.applies:
            continue
        for role, pattern in _ROLE_HEADERS:
            if pattern.match(key) and role not in columns.roles.values():
                if (
                    role == "priority"
                    and _share(_column(rows, index), lambda c: priority_from_label(c.text)) < 0.5
                ):
                    continue
                columns.roles[index] = role
                break
    if columns.status is None and columns.checkbox is None:
        _status_by_content(rows, columns)
    used = {columns.title, columns.status, columns.checkbox, *columns.applies, *columns.answers}
    for index in range(len(keys)):
        if index not in used:
            columns.roles.setdefault(index, "other")  # kept as "Header: value" notes
    if columns.status is None and columns.checkbox is None:
        title_cells = _column(rows, columns.title)
        columns.title_has_status = (
            _share(title_cells, lambda c: status_from_emoji(c.text)) >= _STATUS_SHARE
        )
    has_state = (
        columns.status is not None
        or columns.checkbox is not None
        or columns.title_has_status
        or bool(columns.answers)
    )
    # Rows with an owner or a due date are tasks, whatever else the table says.
    tasks = bool({"priority", "owner", "due"} & set(columns.roles.values()))
    if not (has_state or stateless or columns.applies or tasks):
        return None
    return columns


_ANSWERS: dict[str, Status] = {
    "yes": Status.DONE,
    "y": Status.DONE,
    "compliant": Status.DONE,
    "in place": Status.DONE,
    "no": Status.TODO,
    "n": Status.TODO,
    "non-compliant": Status.TODO,
    "not compliant": Status.TODO,
    "partial": Status.IN_PROGRESS,
    "partially": Status.IN_PROGRESS,
    "n/a": Status.WAIVED,
    "na": Status.WAIVED,
    "not applicable": Status.WAIVED,
}
_ANSWER_MARK = re.compile(r"^(?:[✅✔✓☑☒✗✘❌xX●•*+]|yes|y)$", re.I)


def _answer_columns(keys: list[str], rows: list[list[Line]], columns: Columns) -> dict[int, Status]:
    """ "| Question | Yes | No | N/A |" with an X in one of them: columns headed by answers
    (two at least, one saying done and one not), whose cells are marks or empty."""
    answers: dict[int, Status] = {}
    for index, key in enumerate(keys):
        if index in columns.applies:
            continue
        status = _ANSWERS.get(key) or (status_from_value(key) if len(key) <= 20 else None)
        cells = _column(rows, index)
        if status is not None and all(_ANSWER_MARK.match(c.text.strip()) for c in cells):
            answers[index] = status
    said = set(answers.values())
    if len(answers) < 2 or Status.DONE not in said or said == {Status.DONE}:
        return {}
    return answers


def _status_by_content(rows: list[list[Line]], columns: Columns) -> None:
    best, best_share = None, 0.0
    for index in range(len(columns.names)):
        if index == columns.title or index in columns.applies or index in columns.roles:
            continue
        share = _share(_column(rows, index), is_status_cell)
        if share >= _STATUS_SHARE and share > best_share:
            best, best_share = index, share
    columns.status = best


_ID_CELL = re.compile(r"[A-Za-z]{1,10}[-_.]?\d+(?:\.\d+)*[a-z]?|#?\d+(?:\.\d+)*\.?")


def _is_id(cell: Line) -> bool:
    """Whether a cell is an id and nothing else: "PAY-812", "CC6.1", "SEC-3", "#4", "12"."""
    return bool(_ID_CELL.fullmatch(plain_text(cell.text).strip()))


def _names_role(key: str) -> bool:
    return any(pattern.match(key) for _, pattern in _ROLE_HEADERS)


def _title_column(keys: list[str], rows: list[list[Line]], columns: Columns) -> int:
    taken = {columns.status, columns.checkbox, *columns.applies, *columns.roles, *columns.answers}
    for name in _TITLE_HEADERS:
        for index, key in enumerate(keys):
            if index not in taken and key == name:
                return index
    for index, key in enumerate(keys):
        if index not in taken and any(key.startswith(name) for name in _TITLE_HEADERS[:8]):
            return index
    for index in range(len(keys)):
        if index in taken:
            continue
        cells = _column(rows, index)
        if (
            cells
            and not _names_role(keys[index])
            and _share(cells, _is_id) < 0.8
            and _share(cells, lambda c: sum(ch.isalpha() for ch in c.text) >= 3) >= 0.5
            and not _share(cells, is_status_cell) >= _STATUS_SHARE
        ):
            return index
    return -1
