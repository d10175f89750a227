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
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
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
        if links_possible or "](" in content or _MARKUP.search(content):
            md.inline.parse(content, md, env, token.children)
        else:
            token.children += _plain(content)


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
