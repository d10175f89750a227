"""Block-level HTML as the blocks it stands for: tables, (task) lists and text.

Wiki exports (Confluence, SharePoint) and some editors (Notion's callouts) write HTML
where markdown would have a table or a list: `<table>` with `<th>`/`<td>` cells (`<br>`
inside, entities escaped), `<ul class="inline-task-list">` whose `<li class="checked">`
is a ticked task, `<li><input type="checkbox" checked>`, `<aside>` callouts. Each
becomes the block markdown would have given, with its line numbers, so the reader reads
it like any other: a table by its columns, a task list as checkboxes, text as a
paragraph. Cell and item contents keep their links, code and emphasis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from commands.assessment.blocks import Block, ListBlock, ListItem, Paragraph, Table, inline_lines
from commands.assessment.inline_render import Line

_SKIPPED = frozenset({"script", "style", "colgroup", "col", "head", "title"})
_BREAKS = frozenset({"br"})
_BLOCK_TEXT = frozenset({"p", "div", "aside", "section", "blockquote", "h1", "h2", "h3", "h4"})


@dataclass
class _Cell:
    line: int
    parts: list[str] = field(default_factory=list)
    box: str | None = None
    header: bool = False


class _Reader(HTMLParser):
    """Collects rows of cells, list items and loose text lines, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, object]] = []  # ("row", [cells]) / ("li", cell) / ("text", cell)
        self._row: list[_Cell] | None = None
        self._cell: _Cell | None = None
        self._text: _Cell | None = None
        self._links: list[str | None] = []
        self._skip = 0
        self._lists = 0

    # --- helpers ---
    def _sink(self) -> _Cell:
        if self._cell is not None:
            return self._cell
        if self._text is None:
            self._text = _Cell(self.getpos()[0])
        return self._text

    def _end_text(self) -> None:
        if self._text is not None and "".join(self._text.parts).strip():
            self.out.append(("text", self._text))
        self._text = None

    # --- HTMLParser ---
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "tr":
            self._end_text()
            self._row = []
        elif tag in ("td", "th"):
            self._end_text()
            self._cell = _Cell(self.getpos()[0], header=tag == "th")
        elif tag in ("ul", "ol"):
            self._end_text()
            self._lists += 1
        elif tag == "li":
            self._end_text()
            classes = (values.get("class") or "").split()
            task = "data-inline-task-id" in values or "task-list-item" in classes
            self._cell = _Cell(self.getpos()[0])
            if task or "checked" in classes:
                self._cell.box = "x" if "checked" in classes else " "
        elif tag == "input" and (values.get("type") or "").casefold() == "checkbox":
            self._sink().box = "x" if "checked" in values else " "
        elif tag in _BREAKS:
            self._sink().parts.append(" " if self._cell is not None else "\n")
        elif tag in ("strong", "b"):
            self._sink().parts.append("**")
        elif tag == "code":
            self._sink().parts.append("`")
        elif tag == "a":
            href = values.get("href")
            self._links.append(href)
            if href:
                self._sink().parts.append("[")
        elif tag in _BLOCK_TEXT and self._cell is None:
            self._end_text()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._cell is not None:
            if self._row is not None:
                self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.out.append(("row", self._row))
            self._row = None
        elif tag == "li" and self._cell is not None:
            self.out.append(("li", self._cell))
            self._cell = None
        elif tag in ("ul", "ol"):
            self._lists = max(0, self._lists - 1)
        elif tag in ("strong", "b"):
            self._sink().parts.append("**")
        elif tag == "code":
            self._sink().parts.append("`")
        elif tag == "a":
            href = self._links.pop() if self._links else None
            if href:
                self._sink().parts.append(f"]({href})")
        elif tag in _BLOCK_TEXT and self._cell is None:
            self._end_text()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is None and self._row is not None:
            return  # whitespace between cells
        self._sink().parts.append(data.replace("\xa0", " "))

    def close(self) -> None:
        super().close()
        self._end_text()


def _line(cell: _Cell, first_line: int) -> Line:
    text = " ".join("".join(cell.parts).split())
    lines = inline_lines(text, first_line + cell.line - 1)
    line = lines[0]
    if cell.box is not None:
        line.box = cell.box
    return line


def html_blocks(content: str, first_line: int) -> list[Block]:
    """The blocks an HTML block stands for (empty when it has no text: a comment, a
    closing tag)."""
    reader = _Reader()
    reader.feed(content)
    reader.close()
    blocks: list[Block] = []
    rows: list[list[_Cell]] = []
    items: list[ListItem] = []

    def flush() -> None:
        if rows:
            header, body = rows[0], rows[1:]
            cells = [[_line(cell, first_line) for cell in row] for row in body]
            blocks.append(
                Table(
                    [_line(cell, first_line) for cell in header],
                    cells,
                    first_line + header[0].line - 1,
                )
            )
            rows.clear()
        if items:
            blocks.append(ListBlock(False, list(items)))
            items.clear()

    for kind, value in reader.out:
        if kind == "row":
            if items:
                flush()
            rows.append(value)  # type: ignore[arg-type]
        elif kind == "li":
            if rows:
                flush()
            items.append(ListItem([_line(value, first_line)]))  # type: ignore[arg-type]
        else:
            flush()
            cell: _Cell = value  # type: ignore[assignment]
            paragraph: list[Line] = []
            for offset, piece in enumerate("".join(cell.parts).split("\n")):
                text = " ".join(piece.split())
                if text:
                    paragraph += inline_lines(text, first_line + cell.line - 1 + offset)
            if paragraph:
                blocks.append(Paragraph(paragraph))
    flush()
    return blocks
