"""Cheap tests that let a costly regex be skipped where it cannot match.

A case-insensitive regex of many alternatives tries each of them at every position of
the text, and most lines mention none of its words. A test made by `mentioning` asks
"could it match?" of the folded text instead, with a case-sensitive search for the
words, several times faster. It is only ever used in front of the regex
(`MAY_RANK(text) and REGEX.search(text)`), never instead of it, and is never wrong in
the direction that matters: where the regex matches, one of its words is in the folded
text.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def folded(text: str) -> str:
    """`text` in lower case such that a word an `re.IGNORECASE` regex matches in it is
    there in lower-case ASCII. `str.casefold` does that for every letter but one: re
    also takes "ı" (dotless i) and "İ" (which folds to "i" and a combining dot) for "i".
    ("K" the Kelvin sign and "ſ" the long s fold to "k" and "s", as re reads them.)"""
    return text.casefold().replace("ı", "i").replace("i\u0307", "i")


def mentioning(*words: str) -> Callable[[str], bool]:
    """A test of whether a text's folded form contains one of `words` (lower-case ASCII)."""
    pattern = re.compile("|".join(re.escape(word) for word in words))

    def mentions(text: str) -> bool:
        return pattern.search(folded(text)) is not None

    return mentions
