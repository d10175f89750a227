"""Escaping for readybot's own markdown format, so any text survives a round trip.

Only CommonMark mechanisms are used, so the file also renders as the text it holds:

* a backslash before ASCII punctuation (`\\*`, `\\|`, `\\[`) for characters markdown would
  act on;
* numeric character references (`&#xA;`) for characters a line cannot hold or an editor
  would lose: control characters and line separators, and whitespace at either end of a
  value (editors trim it).

`unescape` is the exact inverse of `escape` and also understands named references
(`&amp;`) someone may type while editing.
"""

from __future__ import annotations

import html.entities
import re

# Markdown acts on these anywhere in a line; `_` only at word edges (DATABASE_URL is fine).
_INLINE_SPECIALS = "\\`*[]<>|#~"
_ENTITY_AHEAD = r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
_NEEDS_ESCAPE = re.compile(
    "[" + re.escape(_INLINE_SPECIALS) + "]"
    r"|(?<![^\W_])_|_(?![^\W_])"  # an underscore not between two letters or digits
    "|" + _ENTITY_AHEAD + "|[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]"
)
_LINE_START = re.compile(r"^(?:[-+=]|\d{1,9}[.)])")
_UNESCAPE = re.compile(
    r"\\([!-/:-@\[-`{-~])"
    r"|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


def reference(char: str) -> str:
    """The numeric character reference of one character: "&#x1F534;"."""
    return f"&#x{ord(char):X};"


def _escape_match(match: re.Match[str]) -> str:
    char = match.group()
    if char in _INLINE_SPECIALS or char in "_&":
        return "\\" + char
    return reference(char)


def escape(text: str, *, line_start: bool = False, also: str = "") -> str:
    """Text as it is written in readybot's format: one line, markdown-inert.

    `line_start`: the text begins a markdown line (a note line), so a leading "-", "+", "="
    or "1." is escaped too. `also`: extra ASCII punctuation to escape (the scenario list
    escapes its separator, ",").
    """
    body = text.strip()
    if not body:
        return "".join(reference(char) for char in text)
    # Whitespace at the ends would be trimmed by editors and by the reader.
    start = len(text) - len(text.lstrip())
    lead = "".join(reference(char) for char in text[:start])
    trail = "".join(reference(char) for char in text[start + len(body) :])
    escaped = _NEEDS_ESCAPE.sub(_escape_match, body)
    for char in also:
        escaped = escaped.replace(char, "\\" + char)
    if line_start and not lead:
        marker = _LINE_START.match(escaped)
        if marker:
            cut = marker.end()
            escaped = escaped[: cut - 1] + "\\" + escaped[cut - 1 :]
    return lead + escaped + trail


def _unescape_match(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1)
    name = match.group(2)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        return chr(code) if code <= 0x10FFFF else match.group()
    return html.entities.html5.get(name + ";", match.group())


def unescape(text: str) -> str:
    """The text an escaped line holds (inverse of `escape`)."""
    return _UNESCAPE.sub(_unescape_match, text)


def split_unescaped(text: str, separator: str) -> list[str]:
    """Split escaped text on `separator` characters that are not backslash-escaped."""
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts
