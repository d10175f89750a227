"""A first-character gate in front of markdown-it's block rules that need one.

markdown-it tries every block rule at the start of every block, and again at every
continuation line of a paragraph or list item, to see whether something else starts
there: thousands of calls per document, most of them to rules that look at the line's
first character, see that it is not theirs and return False. The gate makes that test
before the call. It lets through everything a rule could match, and the rule then
decides as before, so the tokens are the same. (What is skipped is the rule's own
check and its "entering" debug log line.)
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_Rule = Callable[[StateBlock, int, int, bool], bool]

# Rule -> the first characters (after indentation) of the lines it can match; each of
# these rules returns False at once for any other character.
_FIRST_CHARACTERS = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}
_BLOCK_RULES = [
    "front_matter",
    "table",
    "code",
    "fence",
    "blockquote",
    "hr",
    "list",
    "reference",
    "html_block",
    "heading",
    "lheading",
    "paragraph",
]


def install(md: MarkdownIt) -> None:
    """Gate the rules of `md` above, if its block rules are the ones this was written for."""
    ruler = md.block.ruler
    if ruler.get_active_rules() != _BLOCK_RULES:
        return
    for rule in ruler.__rules__:
        if rule.name in _FIRST_CHARACTERS:
            ruler.at(rule.name, _gated(rule.fn, _FIRST_CHARACTERS[rule.name]), {"alt": rule.alt})


def _gated(rule: _Rule, first: str) -> _Rule:
    def gated(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        position = state.bMarks[line] + state.tShift[line]
        if position < len(state.src) and state.src[position] not in first:
            return False
        return rule(state, line, end, silent)

    return gated
