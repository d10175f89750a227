"""Plain-text helpers shared by commands and renderers.

Replies are plain text: renderers escape them for their medium. A person is
written with `user()`, which wraps the id in NUL characters (input can never
contain them: `clean()` strips control characters from everything typed), so a
renderer can turn exactly those into mentions and nothing a user typed.

`clean()` also strips what makes text read differently from what it is: bidirectional
embeddings, overrides and isolates (a right-to-left override turns `SSL done` around on
screen) and invisible zero-width characters (which make two equal-looking titles differ).
Zero-width joiners inside emoji sequences (👩‍💻) and non-joiners between letters of
scripts that need them (Persian) are kept.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_USER = re.compile(r"\x00@([^\x00]{1,64})\x00")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), the
# deprecated format controls (U+206A-U+206F), and invisible characters: zero-width space,
# word joiner, invisible operators, BOM, Mongolian vowel separator.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u206f\u200b\u2060-\u2064\ufeff\u180e]")
_JOINERS = re.compile("[\u200c\u200d]")
_ZWJ, _VS16 = "\u200d", "\ufe0f"


def user(user_id: str) -> str:
    return f"\x00@{user_id}\x00"


def replace_users(text: str, render: Callable[[str], str]) -> str:
    """Replace each `user()` marker with `render(user_id)`."""
    return _USER.sub(lambda m: render(m[1]), text)


def clean(text: str, *, keep: str = "") -> str:
    """Normalise typed text: NFC, no control characters (tabs and newlines stay, and those
    in `keep`), no bidirectional overrides or isolates, no zero-width characters outside
    emoji sequences and the scripts that need them."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(lambda m: m[0] if m[0] in keep else "", text)
    text = _INVISIBLE.sub("", text)
    if "\u200c" in text or "\u200d" in text:
        text = _JOINERS.sub(lambda m: m[0] if _joins(text, m.start()) else "", text)
    return text


def _emoji(char: str) -> bool:
    code = ord(char)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF


def _joins(text: str, at: int) -> bool:
    """Whether the joiner at `at` does its job: a zero-width joiner between two emoji (👩‍💻,
    after an optional variation selector or skin tone), a non-joiner between two letters
    of a non-Latin script (Persian `می‌خواهم`)."""
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if not before or not after:
        return False
    if text[at] == _ZWJ:
        return (_emoji(before) or before == _VS16) and _emoji(after)
    letters = unicodedata.category(before)[0] == "L" and unicodedata.category(after)[0] == "L"
    return letters and not before.isascii() and not after.isascii()


def clean_fields(value: T, *, keep: str = "") -> T:
    """A frozen dataclass (a typed command) with `clean(keep=keep)` applied to each of its
    text fields: modals and buttons build commands without going through the text parser."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {
        f.name: cleaned
        for f in dataclasses.fields(value)
        if isinstance(current := getattr(value, f.name), str)
        and (cleaned := clean(current, keep=keep)) != current
    }
    return dataclasses.replace(value, **changes) if changes else value


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural_word or word + 's')}"
