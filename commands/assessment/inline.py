"""Inline markdown clean-up for text lifted out of free-form documents.

Titles become plain text (no emoji, emphasis or code ticks); notes keep their code spans and
emoji, which still mean something when shown in Slack, but lose `**bold**` markers, which
Slack would show literally.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from commands.assessment.escaping import unescape

TITLE_MAX = 500
CATEGORY_MAX = 100
DEFAULT_CATEGORY = "General"  # for items under no heading that names a topic

# Pictographs, dingbats and the joiners and selectors that glue emoji sequences together.
# Arrows (→), maths and typographic symbols are text, not decoration, and stay.
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols
    "\u2300-\u23ff"  # ⌚ ⏰ ⏳
    "\u2600-\u27bf"  # ☑ ⚠ ⛔ ✅ ✓ ❌ ➡
    "\u2b00-\u2bff"  # ⭐ ⬛
    "\ufe0e\ufe0f\u200d\u20e3"  # variation selectors, zero-width joiner, keycap
    "\U000e0020-\U000e007f"  # tag characters (flag sequences)
    "]+"
)
# Emphasis comes in pairs around non-space text; a backslash-escaped marker is literal text
# and "__" inside a word (__init__.py) is not emphasis.
_STRONG_STAR = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*")
_STRONG_UNDERSCORE = re.compile(r"(?<![\w\\])__(?=\S)(.+?)(?<=\S)__(?!\w)")
_STRIKE = re.compile(r"(?<!\\)~~(?=\S)(.+?)(?<=\S)~~")
_EMPHASIS_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]*?[^\s\\])\*(?![\w*])")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_\\])_(?=\S)([^_\n]*?[^\s\\])_(?![\w_])")
_LINK = re.compile(r"(?<!\\)!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
# A code span: an unescaped run of backticks up to the next run of the same length.
_CODE = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _outside_code(text: str, prose: Callable[[str], str], code: Callable[[str], str]) -> str:
    """Apply `prose` to the text between code spans and `code` to each code span (with its
    backticks): markup inside code is not markup."""
    if "`" not in text:
        return prose(text)
    pieces, position = [], 0
    for match in _CODE.finditer(text):
        pieces.append(prose(text[position : match.start()]))
        pieces.append(code(match.group()))
        position = match.end()
    pieces.append(prose(text[position:]))
    return "".join(pieces)


def _strip_strong(text: str) -> str:
    if "**" in text:
        text = _STRONG_STAR.sub(r"\1", text)
    if "__" in text:
        text = _STRONG_UNDERSCORE.sub(r"\1", text)
    return text


def _unescape(text: str) -> str:
    return unescape(text) if "\\" in text or "&" in text else text


def strip_emoji(text: str) -> str:
    """Remove emoji and pictographic symbols (✅ 🔴 ⚠️ 📋), keeping everything else."""
    return _EMOJI.sub(" ", text)


def strip_emphasis(text: str) -> str:
    """Remove bold, italic and strike-through markers; keep the words."""
    text = _strip_strong(text)
    if "~~" in text:
        text = _STRIKE.sub(r"\1", text)
    if "*" in text:
        text = _EMPHASIS_STAR.sub(r"\1", text)
    if "_" in text:
        text = _EMPHASIS_UNDERSCORE.sub(r"\1", text)
    return text


def _plain_prose(text: str) -> str:
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    return _unescape(strip_emphasis(text))


def strip_markup(text: str) -> str:
    """Plain text of an inline markdown fragment: links become their text, code spans lose
    their backticks, emphasis markers and backslash escapes go."""
    return _outside_code(text, _plain_prose, lambda span: span.strip("`").strip())


def collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, none at the ends. (`str.split` splits where the
    regex `\\s+` would: both use `str.isspace`; it is several times faster.)"""
    return " ".join(text.split())


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters; a cut is marked with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def plain_text(text: str) -> str:
    """Markup, emoji and extra whitespace removed: what a title or category is made of."""
    return collapse_spaces(strip_emoji(strip_markup(text)))
