"""markdown-it's "inline" core rule, with a shortcut for inline content without markup.

Most inline runs of an assessment are plain words: headings, table cells, wrapped lines,
"[ ] Check the backups". For those the inline parser's result is known in advance, and
building it here costs a fraction of running the parser's eleven rules at every
character. Anything with markup goes through the parser as before, so the tokens are
the same either way.

What the shortcut relies on, for the rules of `blocks._parser` (checked when the parser
is built: `install`):

* Outside `\\`, `` ` ``, `~`, `*`, `_`, `<` and `&` only "text", "newline", "link" and
  "image" can match; "text" takes every other character as literal text.
* "link" and "image" at `[` or `![` match only an inline link, which needs "](", or a
  reference, which needs a definition in the document (`env["references"]`).
* "newline" ends the text before it with a soft break, or a hard break after two
  spaces, dropping those spaces, and skips the next line's leading spaces and tabs.
* The post-processing rules change nothing without delimiters, and no two text
  tokens are adjacent.
* One `**bold**` run in a line (four `*` in all, no line break), the commonest markup
  of generated assessments, is strong emphasis when its first `**` can open and its
  second can close (CommonMark's flanking rules, with markdown-it's own character
  classes), and literal text otherwise; "emphasis" leaves an empty text token where a
  marker was, before and after the run, unless text is there to absorb it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_INLINE_RULES = [
    "text",
    "newline",
    "escape",
    "backticks",
    "strikethrough",
    "emphasis",
    "link",
    "image",
    "autolink",
    "html_inline",
    "entity",
]
_POST_RULES = ["balance_pairs", "strikethrough", "emphasis", "fragments_join"]
_MARKUP = re.compile(r"[\\`~*_<&]")
_MARKUP_BUT_STARS = re.compile(r"[\\`~_<&\n]")


def install(md: MarkdownIt) -> None:
    """Use the shortcut in `md`, if its inline rules are the ones it was written for."""
    if (
        md.inline.ruler.get_active_rules() == _INLINE_RULES
        and md.inline.ruler2.get_active_rules() == _POST_RULES
    ):
        md.core.ruler.at("inline", _inline)


def _inline(state: StateCore) -> None:
    md, env = state.md, state.env
    links_possible = "references" in env  # a reference can make any [label] a link
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        content = token.content
        known = None if links_possible or "](" in content else _shortcut(content)
        if known is None:
            md.inline.parse(content, md, env, token.children)
        else:
            token.children += known


def _shortcut(content: str) -> list[Token] | None:
    """The tokens of content without markup but a `**bold**` run; None for any other."""
    if not _MARKUP.search(content):
        return _plain(content)
    if content.count("*") == 4 and not _MARKUP_BUT_STARS.search(content):
        return _bold(content)
    return None


def _plain(content: str) -> list[Token]:
    """The tokens the inline parser makes of content without markup."""
    tokens: list[Token] = []
    lines = content.split("\n")
    pending = lines[0]
    for line in lines[1:]:
        kind = "softbreak"
        if pending.endswith("  "):
            pending, kind = pending.rstrip(" "), "hardbreak"
        elif pending.endswith(" "):
            pending = pending[:-1]
        if pending:
            tokens.append(Token("text", "", 0, content=pending))
        tokens.append(Token(kind, "br", 0))
        pending = line.lstrip(" \t")
    if pending:
        tokens.append(Token("text", "", 0, content=pending))
    return tokens


def _bold(content: str) -> list[Token] | None:
    """The tokens of "text **bold** text" (exactly four `*`, no line break); None when
    the stars are not two runs of two around some text."""
    start = content.find("**")
    end = content.find("**", start + 2) if start >= 0 else -1
    if end < start + 3:
        return None
    before, inner, after = content[:start], content[start + 2 : end], content[end + 2 :]
    opens, _ = _flanking(before[-1:] or " ", inner[0])
    _, closes = _flanking(inner[-1], after[:1] or " ")
    if not (opens and closes):
        return [Token("text", "", 0, content=content)]
    return [
        Token("text", "", 0, content=before),
        Token("strong_open", "strong", 1, markup="**"),
        Token("text", "", 0, content=inner, level=1),
        Token("strong_close", "strong", -1, markup="**"),
        Token("text", "", 0, content=after),
    ]


def _flanking(last: str, next_: str) -> tuple[bool, bool]:
    """Whether a delimiter run between `last` and `next_` is left- and right-flanking
    (as `StateInline.scanDelims` decides it)."""
    last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
    next_punct = isMdAsciiPunct(ord(next_)) or isPunctChar(next_)
    last_space = isWhiteSpace(ord(last))
    next_space = isWhiteSpace(ord(next_))
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    return left, right
