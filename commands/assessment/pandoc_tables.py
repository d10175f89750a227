"""Pandoc's own table shapes (what `pandoc -t markdown` makes of a Word or Google Docs
table), rewritten as GFM pipe tables before markdown-it sees them.

* grid tables: `+----+----+` borders, `|` cells that wrap over several lines, a `+====+`
  line under the header (none: a headerless table);
* simple tables: a header line over groups of dashes (`-----  -----`), one row a line;
* multiline tables: a full-width dashed line, a header, groups of dashes, rows that wrap
  over lines and are separated by blank lines, and a closing dashed line.

A cell's wrapped lines are one text. The pipe table takes the place of the source lines
(the rest of them blank), so the document keeps its line count; `rewrite` returns the
source line each pipe row stands for, for `remap_tables` to give the rows back their
own line numbers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from commands.assessment.blocks import Block, ListBlock, Quote, Table

_GRID_BORDER = re.compile(r"^\s{0,3}\+(?:[-=:]+\+)+\s*$")
_DASH_GROUPS = re.compile(r"^\s{0,3}-{3,}(?:[ \t]+-{3,})+\s*$")
_FULL_DASHES = re.compile(r"^\s{0,3}-{8,}\s*$")
_CAPTION = re.compile(r"^\s{0,3}(?:Table)?:\s+\S")


def may_have_tables(text: str) -> bool:
    """A cheap test: only documents with a border or dash groups are scanned."""
    return "+-" in text or "--- " in text or "-- -" in text or "\n---------" in text


def rewrite(lines: list[str]) -> tuple[list[str], dict[int, int]]:
    """`lines` with pandoc tables as pipe tables; {pipe row line: source line} (1-based)."""
    out = list(lines)
    origin: dict[int, int] = {}
    index = 0
    while index < len(lines):
        found = _grid(lines, index) or _multiline(lines, index) or _simple(lines, index)
        if found is None:
            index += 1
            continue
        end, header, rows = found
        if len(rows) + 2 <= end - index:  # the pipe table fits where the table was
            _place(out, origin, index, end, header, rows)
        index = end
    return out, origin


def remap_tables(blocks: Iterable[Block], origin: dict[int, int]) -> None:
    """Give the rows of rewritten tables their source line numbers."""
    for block in blocks:
        if isinstance(block, Table):
            block.number = origin.get(block.number, block.number)
            for row in block.rows:
                for cell in row:
                    cell.number = origin.get(cell.number, cell.number)
        elif isinstance(block, ListBlock):
            for item in block.items:
                remap_tables(item.children, origin)
        elif isinstance(block, Quote):
            remap_tables(block.children, origin)


Row = tuple[list[str], int]  # cells, the 0-based source line of the row


def _place(
    out: list[str], origin: dict[int, int], start: int, end: int, header: list[str], rows: list[Row]
) -> None:
    width = max([len(header), *(len(cells) for cells, _ in rows)])

    def pipe(cells: list[str]) -> str:
        cells = cells + [""] * (width - len(cells))
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    block = [pipe(header), "|" + "---|" * width] + [pipe(cells) for cells, _ in rows]
    for offset in range(end - start):
        out[start + offset] = block[offset] if offset < len(block) else ""
    for offset, (_, source) in enumerate(rows):
        origin[start + 3 + offset] = source + 1


def _joined(parts: list[str]) -> str:
    return " ".join(" ".join(part.split()) for part in parts if part.strip())


def _cut(line: str, bounds: list[tuple[int, int]]) -> list[str]:
    return [line[a:b] if b > 0 else line[a:] for a, b in bounds]


# --- grid tables ---------------------------------------------------------------------------


def _grid(lines: list[str], start: int) -> tuple[int, list[str], list[Row]] | None:
    if not _GRID_BORDER.match(lines[start]):
        return None
    border = lines[start].rstrip()
    pluses = [i for i, char in enumerate(border) if char == "+"]
    bounds = [(a + 1, b) for a, b in itertools.pairwise(pluses)]
    header: list[str] = []
    rows: list[Row] = []
    parts: list[list[str]] = [[] for _ in bounds]
    row_start = start + 1
    index = start + 1
    while index < len(lines):
        line = lines[index].rstrip()
        if _GRID_BORDER.match(line):
            cells = [_joined(part) for part in parts]
            if "=" in line and not header and not rows:
                header = cells
            elif any(cells):
                rows.append((cells, row_start))
            parts, row_start = [[] for _ in bounds], index + 1
        elif line.lstrip().startswith("|"):
            for part, cell in zip(parts, _cut(line, bounds), strict=True):
                part.append(cell)
        else:
            break
        index += 1
    if not rows and not header:
        return None
    if not header:
        header = [""] * len(bounds)
    return index, header, rows


# --- simple and multiline tables -------------------------------------------------------------


def _dash_bounds(line: str) -> list[tuple[int, int]]:
    """Column spans from a line of dash groups: each column runs to the next one's start."""
    starts = [match.start() for match in re.finditer(r"-+", line)]
    return [(a, b) for a, b in zip(starts, [*starts[1:], -1], strict=True)]


def _simple(lines: list[str], start: int) -> tuple[int, list[str], list[Row]] | None:
    """A header line over dash groups (or dash groups first: no header), rows to a blank."""
    if _DASH_GROUPS.match(lines[start]):
        headed, dashes = False, start
    elif (
        start + 1 < len(lines)
        and lines[start].strip()
        and _DASH_GROUPS.match(lines[start + 1])
        and (start == 0 or not lines[start - 1].strip())
    ):
        headed, dashes = True, start + 1
    else:
        return None
    bounds = _dash_bounds(lines[dashes])
    header = [_joined([cell]) for cell in _cut(lines[start], bounds)] if headed else []
    rows: list[Row] = []
    index = dashes + 1
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        if _DASH_GROUPS.match(line) or _FULL_DASHES.match(line):
            index += 1  # a headerless table's closing line
            break
        rows.append(([_joined([cell]) for cell in _cut(line, bounds)], index))
        index += 1
    if not rows:
        return None
    if index < len(lines) and not lines[index].strip():
        index = _caption(lines, index)
    return index, header or [""] * len(bounds), rows


def _multiline(lines: list[str], start: int) -> tuple[int, list[str], list[Row]] | None:
    if not _FULL_DASHES.match(lines[start]) or start + 1 >= len(lines):
        return None
    dashes = next(
        (i for i in range(start + 1, min(start + 6, len(lines))) if _DASH_GROUPS.match(lines[i])),
        None,
    )
    if dashes is None or not all(lines[i].strip() for i in range(start + 1, dashes)):
        return None
    close = next((i for i in range(dashes + 1, len(lines)) if _FULL_DASHES.match(lines[i])), None)
    if close is None:
        return None
    bounds = _dash_bounds(lines[dashes])
    head_parts: list[list[str]] = [[] for _ in bounds]
    for line in lines[start + 1 : dashes]:
        for part, cell in zip(head_parts, _cut(line, bounds), strict=True):
            part.append(cell)
    rows: list[Row] = []
    parts: list[list[str]] = [[] for _ in bounds]
    row_start = dashes + 1
    for index in range(dashes + 1, close + 1):
        line = lines[index]
        if not line.strip() or index == close:
            if any(any(p.strip() for p in part) for part in parts):
                rows.append(([_joined(part) for part in parts], row_start))
            parts, row_start = [[] for _ in bounds], index + 1
            continue
        for part, cell in zip(parts, _cut(line, bounds), strict=True):
            part.append(cell)
    if not rows:
        return None
    return _caption(lines, close + 1), [_joined(part) for part in head_parts], rows


def _caption(lines: list[str], index: int) -> int:
    """Past a "Table: ..." caption after a blank line (kept out of the items)."""
    if index + 1 < len(lines) and not lines[index].strip() and _CAPTION.match(lines[index + 1]):
        return index + 2
    return index
