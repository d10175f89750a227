"""How an imported item is recognised again when the same document is imported later."""

from __future__ import annotations

import re
import unicodedata

IMPORT_REF_MAX = 700
_CATEGORY_PART_MAX = 190

# Everything that is not a letter or digit separates words: punctuation, spaces, emoji.
_SEPARATORS = re.compile(r"[\W_]+")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub(" ", text).strip()


def import_ref(category: str, title: str) -> str:
    """The identity of an item across imports: "category/title", normalised.

    Case, Unicode form, punctuation, emoji and spacing do not matter, so "Domain & DNS" /
    "SSL/TLS Certificate" and "domain dns" / "SSL TLS certificate ✅" are the same item. The
    result is at most 700 characters (the category part is capped first so that long
    categories cannot push the title out).
    """
    ref = f"{_normalise(category)[:_CATEGORY_PART_MAX]}/{_normalise(title)}"
    return ref[:IMPORT_REF_MAX]
