"""A markdown document as a small tree of blocks, from markdown-it-py's token stream.

markdown-it does the hard parts (nesting, lazy continuation lines, fences, entities, GFM
tables, task lists, front matter); this module only regroups its flat token stream into
the handful of block kinds the reader interprets, each with its 1-based line number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from commands.assessment import block_gates, plain_inline
from commands.assessment.inline_render import Line, render_lines


@dataclass
class Heading:
    level: int
    line: Line


@dataclass
class Paragraph:
    lines: list[Line]


@dataclass
class ListItem:
    lines: list[Line]  # the item's own first paragraph, line by line
    children: list[Block] = field(default_factory=list)  # everything nested under it

    @property
    def number(self) -> int:
        return self.lines[0].number if self.lines else 0


@dataclass
class ListBlock:
    ordered: bool
    items: list[ListItem]


@dataclass
class Table:
    header: list[Line]
    rows: list[list[Line]]
    number: int


@dataclass
class Code:
    number: int
    lines: int  # how many source lines the block spans


@dataclass
class Html:
    number: int
    content: str


@dataclass
class Quote:
    children: list[Block]


@dataclass
class FrontMatter:
    content: str


Block = Heading | Paragraph | ListBlock | Table | Code | Html | Quote | FrontMatter


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "commonmark" plus GFM tables and strike-through; HTML on, so <details> and
    # <summary> arrive as HTML blocks instead of text; no linkify (links are as written).
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(tasklists_plugin).use(front_matter_plugin)
    # The same tokens, sooner: inline text without markup, rules that cannot match.
    plain_inline.install(md)
    block_gates.install(md)
    return md


def parse_blocks(text: str) -> list[Block]:
    """The document's top-level blocks, in order."""
    tokens = _parser().parse(text)
    blocks, _ = _blocks(tokens, 0, None)
    return blocks


def inline_lines(text: str, number: int) -> list[Line]:
    """One line of inline markdown (a cell or item of an HTML block) as Lines."""
    tokens = _parser().parseInline(text)
    return render_lines(tokens[0].children if tokens else None, number)


def _first_line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _blocks(tokens: list[Token], index: int, closer: str | None) -> tuple[list[Block], int]:
    """Blocks from `index` up to the token of type `closer` (exclusive); returns the index
    after the closer."""
    blocks: list[Block] = []
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == closer:
            return blocks, index + 1
        if kind == "heading_open":
            inline = tokens[index + 1]
            lines = render_lines(inline.children, _first_line(token))
            blocks.append(Heading(int(token.tag[1:]), lines[0]))
            index += 3
        elif kind == "paragraph_open":
            inline = tokens[index + 1]
            blocks.append(Paragraph(render_lines(inline.children, _first_line(token))))
            index += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items, index = _list_items(tokens, index + 1, kind.replace("_open", "_close"))
            blocks.append(ListBlock(kind == "ordered_list_open", items))
        elif kind == "table_open":
            table, index = _table(tokens, index)
            blocks.append(table)
        elif kind in ("fence", "code_block"):
            span = (token.map[1] - token.map[0]) if token.map else 1
            blocks.append(Code(_first_line(token), span))
            index += 1
        elif kind == "html_block":
            blocks.append(Html(_first_line(token), token.content))
            index += 1
        elif kind == "blockquote_open":
            children, index = _blocks(tokens, index + 1, "blockquote_close")
            blocks.append(Quote(children))
        elif kind == "front_matter":
            blocks.append(FrontMatter(token.content))
            index += 1
        else:  # hr and closers of blocks we do not track
            index += 1
    return blocks, index


def _list_items(tokens: list[Token], index: int, closer: str) -> tuple[list[ListItem], int]:
    items: list[ListItem] = []
    while index < len(tokens) and tokens[index].type != closer:
        if tokens[index].type != "list_item_open":
            index += 1
            continue
        start = _first_line(tokens[index])
        children, index = _blocks(tokens, index + 1, "list_item_close")
        lines: list[Line] = []
        first = children[0] if children else None
        if isinstance(first, Paragraph):
            lines = first.lines
            children = children[1:]
        items.append(ListItem(lines or [Line(start)], children))
    return items, index + 1


def _table(tokens: list[Token], index: int) -> tuple[Table, int]:
    number = _first_line(tokens[index])
    header: list[Line] = []
    rows: list[list[Line]] = []
    row: list[Line] = []
    row_line = number
    in_head = False
    index += 1
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row, row_line = [], _first_line(token) or row_line
        elif token.type == "inline":
            cell = render_lines(token.children, row_line)
            row.append(cell[0] if len(cell) == 1 else _joined(cell))
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        index += 1
    return Table(header, rows, number), index + 1


def _joined(lines: list[Line]) -> Line:
    first = lines[0]
    for other in lines[1:]:
        first.text = f"{first.text} {other.text}".strip()
        first.note = f"{first.note} {other.note}".strip()
        first.links += other.links
        first.images += other.images
        first.evidence += other.evidence
    return first
