"""Inline markdown (markdown-it tokens) as the few texts the reader needs.

One inline run becomes one `Line` per source line: a wrapped title is joined again by
the list reader, while a paragraph of `**Label:** value` lines is read line by line.
Emphasis markers, link targets and images leave the text; code spans keep their
content (and, in `note`, their backticks); HTML entities arrive decoded from markdown-it;
GitHub shortcodes (`:white_check_mark:`) become the emoji they stand for; citations
(`【F:src/a.ts†L1-L35】`) and link targets are collected as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from commands.assessment.citations import take_citations
from commands.assessment.inline import collapse_spaces
from commands.assessment.vocabulary import PRIORITY_EMOJI, STATUS_EMOJI, expand_shortcodes

_TAG = re.compile(r"<[^>]*>")
_BREAK_TAG = re.compile(r"^<br\s*/?>$", re.I)
_CHECKBOX_INPUT = re.compile(r"<input[^>]*type=\"?checkbox", re.I)
_CHECKED = re.compile(r"\bchecked\b", re.I)
# A box written as text: markdown-it's task lists know only [ ] and [x]; the extended
# states, boxes outside list items (table cells) and ☐/☑ glyphs are read here.
_TEXT_BOX = re.compile(r"^\s*\[([ xX~/!\-])\](?=\s|$)\s*")
# "![High][high_img]" whose reference is not defined stays text: its alt still ranks.
_LOOSE_IMAGE = re.compile(r"!\[([^\]\n]*)\](?:\[[^\]\n]*\]|\([^)\n]*\))")
_EMOTICON = re.compile(r"^\(([/xX!])\)(?=\s|$)")
_EMOTICONS = {"/": "✅", "x": "❌", "!": "⚠️"}
_NOT_WORD = re.compile(r"[\W_]+")
_LEAD_SYMBOLS = frozenset(STATUS_EMOJI) | frozenset(PRIORITY_EMOJI) | {"\ufe0f", "\ufe0e"}


@dataclass
class Line:
    """One source line of inline content."""

    number: int  # 1-based line in the document
    text: str = ""  # plain: no markup, emoji kept
    note: str = ""  # like text, code spans keep their backticks
    lead: str | None = None  # a leading **bold** run (after status/priority emoji), plain
    rest: str = ""  # the plain text after that bold run
    box: str | None = None  # " ", "x", "~", "/", "!", "-" for a task box
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # alt texts (badges rank items)
    evidence: list[str] = field(default_factory=list)  # rendered citations
    residue: str = ""  # letters and digits outside links
    struck: bool = False  # the line opens with ~~struck-through~~ text: does not apply

    @property
    def is_link_only(self) -> bool:
        """A line that is nothing but links (a table of contents, a reference list)."""
        return bool(self.links) and not self.residue


class _Builder:
    """Accumulates the texts of the current line while walking inline tokens."""

    def __init__(self, number: int) -> None:
        self.line = Line(number)
        self.text: list[str] = []
        # The note and the residue (text outside links, to tell link-only lines) are the
        # text until a code span or a link makes them differ; only then are they kept.
        self.note: list[str] | None = None
        self.residue: list[str] | None = None
        self.strong_depth = 0
        self.lead_start: int | None = None
        self.lead_end: int | None = None
        self.in_link = 0

    def add(self, plain: str, note: str | None = None) -> None:
        if note is not None and self.note is None:
            self.note = list(self.text)
        if self.in_link and self.residue is None:
            self.residue = list(self.text)
        self.text.append(plain)
        if self.note is not None:
            self.note.append(plain if note is None else note)
        if self.residue is not None and not self.in_link:
            self.residue.append(plain)

    def so_far(self) -> str:
        return "".join(self.text)

    def finish(self) -> Line:
        line = self.line
        text = "".join(self.text)
        if self.lead_start is not None and self.lead_end is not None:
            line.lead = collapse_spaces(text[self.lead_start : self.lead_end])
            line.rest = collapse_spaces(text[self.lead_end :])
        line.text = collapse_spaces(text)
        line.note = line.text if self.note is None else collapse_spaces("".join(self.note))
        line.residue = _NOT_WORD.sub("", text if self.residue is None else "".join(self.residue))
        if line.box is not None:
            return line
        if line.text[:1] == "(" and (emoticon := _EMOTICON.match(line.text)):
            # Confluence's "(/)", "(x)", "(!)" written as text: the marks they render as.
            glyph = _EMOTICONS[emoticon.group(1).casefold()]
            line.text = glyph + line.text[emoticon.end() :]
            line.note = _EMOTICON.sub(glyph, line.note, count=1)
        first = line.text[:1]
        box = _TEXT_BOX.match(line.text) if first == "[" else None  # the text is stripped
        if box:
            line.box = box.group(1)
            cut = box.end()
            line.text = line.text[cut:]
            line.note = _TEXT_BOX.sub("", line.note, count=1)
        elif first in ("☐", "☑", "☒"):
            line.box = " " if first == "☐" else "x"
            line.text = line.text[1:].strip()
            line.note = line.note.lstrip("☐☑☒ ")
        return line


def _only_symbols(text: str) -> bool:
    return all(char.isspace() or char in _LEAD_SYMBOLS for char in text)


def render_lines(tokens: list[Token] | None, first_line: int) -> list[Line]:
    """The lines of one inline token's children, numbered from `first_line` (1-based)."""
    lines: list[Line] = []
    builder = _Builder(first_line)
    for token in tokens or []:
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            lines.append(builder.finish())
            builder = _Builder(builder.line.number + 1)
        elif kind == "text":
            _add_text(builder, token.content)
        elif kind == "code_inline":
            builder.add(token.content, f"`{token.content}`")
        elif kind == "strong_open":
            if (
                builder.strong_depth == 0
                and builder.lead_start is None
                and _only_symbols(builder.so_far())
            ):
                builder.lead_start = len(builder.so_far())
            builder.strong_depth += 1
        elif kind == "strong_close":
            builder.strong_depth -= 1
            if builder.strong_depth == 0 and builder.lead_start is not None:
                builder.lead_end = builder.lead_end or len(builder.so_far())
        elif kind == "s_open" and _only_symbols(builder.so_far()):
            builder.line.struck = True
        elif kind == "link_open":
            href = str(token.attrs.get("href", ""))
            if href and not href.startswith("#"):
                builder.line.links.append(href)
            builder.in_link += 1
        elif kind == "link_close":
            builder.in_link = max(0, builder.in_link - 1)
        elif kind == "image":
            builder.line.images.append(token.content)
        elif kind == "html_inline":
            _add_html(builder, token.content)
    lines.append(builder.finish())
    return lines


def _add_text(builder: _Builder, content: str) -> None:
    content = expand_shortcodes(content)
    content, cited = take_citations(content)
    builder.line.evidence.extend(cited)
    if "://" in content:
        if builder.in_link and _BARE_URL.fullmatch(content.strip()):
            return  # an autolink's text is its address, already kept as evidence
        if not builder.in_link:
            # A bare URL (GitHub links it) is a link like any other: evidence, not title,
            # and so is the label that introduced it ("— evidence:").
            builder.line.links.extend(
                m.group(0).rstrip(".,;:)") for m in _BARE_URL.finditer(content)
            )
            content = _BARE_URL.sub(" ", content)
            content = _LABELLED_TAIL.sub("", content.rstrip(" .,;")) + (
                " " if content.endswith(" ") else ""
            )
    if "![" in content:
        builder.line.images.extend(match.group(1) for match in _LOOSE_IMAGE.finditer(content))
        content = _LOOSE_IMAGE.sub(" ", content)
    builder.add(content)


_BARE_URL = re.compile(r"https?://[^\s<>\"'`]+")
_LABELLED_TAIL = re.compile(r"[\s—–:-]*\b(?:evidence|proof|see|link|ref)\s*:?\s*$", re.IGNORECASE)


def _add_html(builder: _Builder, content: str) -> None:
    if _CHECKBOX_INPUT.search(content):
        builder.line.box = "x" if _CHECKED.search(content) else " "
    elif _BREAK_TAG.match(content.strip()):
        builder.add(" ")
    # Other inline tags (<b>, <summary>, <span>) are markup: their text is already text.


def strip_tags(html: str) -> str:
    """Text of an HTML fragment (for `<summary>` and similar block-level HTML)."""
    return collapse_spaces(_TAG.sub(" ", html))
