"""Plain-text helpers shared by commands and renderers.

Replies are plain text: renderers escape them for their medium. A person is
written with `user()`, which wraps the id in NUL characters (input can never
contain them: `clean()` strips control characters from everything typed), so a
renderer can turn exactly those into mentions and nothing a user typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_USER = re.compile(r"\x00@([^\x00]{1,64})\x00")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def user(user_id: str) -> str:
    return f"\x00@{user_id}\x00"


def replace_users(text: str, render: Callable[[str], str]) -> str:
    """Replace each `user()` marker with `render(user_id)`."""
    return _USER.sub(lambda m: render(m[1]), text)


def clean(text: str) -> str:
    """Normalise typed text: NFC, no control characters (tabs and newlines stay)."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural_word or word + 's')}"
