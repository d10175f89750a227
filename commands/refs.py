"""Resolve what a user typed to one checklist item. Pure: works on (key, title) pairs.

Order: exact key, then unique key prefix, then fuzzy title match. A reference that
fits several items is ambiguous (the caller lists them); one that fits none gets
the closest items as suggestions.

Verbs such as `block <item> <reason>` carry free text after the reference, and
references may be several words (`done configure ssl all green`). `split_reference`
finds where the reference ends: the longest run of leading words that all occur
in some title, or a leading key.

Words are letters and digits of any script, compared after NFKC, case folding and
accent folding (`Café` ~ `cafe`, `ΈΛΕΓΧΟΣ` ~ `έλεγχος`, `ｓｓｌ` ~ `ssl`). Scripts written
without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) match by substring: `备份`
finds “数据库备份”. Emoji and punctuation are not words.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from commands.errors import AmbiguousItem, Candidate, UnknownItem
from commands.lru import LRU

if TYPE_CHECKING:
    from commands.suggest import Choices

_ASCII_WORD = re.compile(r"[0-9a-z]+")
# Letter-or-digit runs, and single other characters (marks, punctuation, emoji): a
# combining mark right after a word belongs to it (Devanagari vowel signs, Thai vowels).
_PIECE = re.compile(r"[^\W_]+|[^\w\s]")
# Dropped after NFD: accents on Latin, Greek and Cyrillic letters (the generic combining
# diacritics blocks) and emoji variation selectors. Marks of other scripts' letters stay.
_IGNORED = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
    "\U000e0100-\U000e01ef]"
)
# Scripts written without spaces between words: their runs match by substring.
_UNSPACED_CHARS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff"  # CJK marks, Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0003134f"  # Han extensions
)
_UNSPACED = re.compile(f"[{_UNSPACED_CHARS}]")
_SCRIPT_RUN = re.compile(f"[{_UNSPACED_CHARS}]+|[^{_UNSPACED_CHARS}]+")
# Buttons name items by id. The mark is a control character, which typed text never
# contains (commands.text.clean strips them), so nobody can type an id reference.
ID_MARK = "\x01"
MAX_REFERENCE_WORDS = 10
_TYPO_SCORE = 85  # rapidfuzz ratio for "sertificate" ~ "certificate"
_UNSPACED_TYPO_SCORE = 80  # partial ratio: one character off in five, for 数据库备份
_SUGGEST_SCORE = 50
# A reference shaped like a key (`SECC-12`, `sec41`) was meant as one: suggest the keys
# nearest it (rapidfuzz ratio), before titles. `SECC-12` ~ `SEC-12` scores 92, `SEC-120` 86.
_KEY_SHAPED = re.compile(r"^[^\W\d_]+-?\d+$")
_KEY_SCORE = 75


@dataclass(frozen=True)
class Indexed:
    """A candidate with its title words, ready for matching."""

    id: int
    key: str
    title: str
    words: frozenset[str]


def fold(text: str) -> str:
    """`text` as references compare it: NFKC, case-folded, Latin/Greek/Cyrillic accents off."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKC", text).casefold()
    stripped = _IGNORED.sub("", unicodedata.normalize("NFD", folded))
    return unicodedata.normalize("NFC", stripped)


def words_of(text: str) -> list[str]:
    """The words of `text`, folded: letter-and-digit runs of any script, a run of an
    unspaced script (Han, Kana, Thai …) standing as one word."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    folded = fold(text)
    words: list[str] = []
    end = -1  # where the last word ended
    for match in _PIECE.finditer(folded):
        piece = match.group()
        joins = bool(words) and match.start() == end
        if piece[0].isalnum() and not joins:
            words.append(piece)
        elif joins and (piece[0].isalnum() or unicodedata.category(piece)[0] == "M"):
            words[-1] += piece  # a mark, or the letters after it (हि + ंदी)
        else:
            continue  # punctuation, emoji, a stray mark
        end = match.end()
    if not any(_UNSPACED.search(word) for word in words):
        return words
    return [run for word in words for run in _SCRIPT_RUN.findall(word)]


def is_unspaced(word: str) -> bool:
    return _UNSPACED.match(word) is not None


def _min_prefix(word: str) -> int:
    """How long a word must be to match longer words it starts: a Hangul syllable carries
    what three Latin letters do."""
    return 2 if "\uac00" <= word[0] <= "\ud7a3" else 3


class ItemIndex:
    """Items of one launch, indexed by key and by title words. Never changed once built (the
    suggestions' list is made on first use), so one index may serve many threads."""

    def __init__(self, rows: Sequence[tuple[int, str, str]]) -> None:
        self.rows = list(rows)  # what it was built from: equal rows, an equal index
        self.items = [
            Indexed(id_, key, title, frozenset(words_of(title))) for id_, key, title in rows
        ]
        self.by_key = {item.key.upper(): item for item in self.items}
        # (key, its place in by_key), sorted: the keys a prefix starts are one run of them.
        self._sorted_keys = sorted((key, n) for n, key in enumerate(self.by_key))
        self._key_items = list(self.by_key.values())
        self._keys_folded: list[str] | None = None
        self._vocab: dict[str, set[int]] = {}
        for position, item in enumerate(self.items):
            for word in item.words:
                self._vocab.setdefault(word, set()).add(position)
        self._vocab_words: list[str] = []  # spaced words: prefixes and typos
        self._unspaced_words: list[str] = []  # runs of Han, Kana, Thai …: substrings
        for word in self._vocab:
            unspaced = not word.isascii() and is_unspaced(word)
            (self._unspaced_words if unspaced else self._vocab_words).append(word)
        self._vocab_words.sort()  # the words a prefix starts are one run of them
        # What each word typed finds: the index never changes, and people type the same few
        # words (`ssl`, `cert`) again and again.
        self._found: LRU[str, frozenset[int]] = LRU(128)
        self._choices: tuple[Choices, list[Indexed]] | None = None  # built on first use

    # -- keys ---------------------------------------------------------------
    def key_matches(self, token: str) -> list[Indexed]:
        """Exact key first; else every item whose key starts with `token`."""
        upper = token.upper()
        if upper in self.by_key:
            return [self.by_key[upper]]
        found = []
        at = bisect_left(self._sorted_keys, (upper,))
        while at < len(self._sorted_keys) and self._sorted_keys[at][0].startswith(upper):
            found.append(self._sorted_keys[at][1])
            at += 1
        return [self._key_items[n] for n in sorted(found)]  # in the launch's order

    # -- titles -------------------------------------------------------------
    def _positions_for_word(self, word: str) -> frozenset[int]:
        return self._found.get_or_make(word, partial(self._find_word, word))

    def _find_word(self, word: str) -> frozenset[int]:
        if is_unspaced(word):
            return frozenset(self._positions_for_run(word))
        found = set(self._vocab.get(word, ()))
        if len(word) >= _min_prefix(word):
            words = self._vocab_words
            at = bisect_left(words, word)
            while at < len(words) and words[at].startswith(word):
                if words[at] != word:
                    found |= self._vocab[words[at]]
                at += 1
        if len(word) >= 4:
            for vocab_word, _score, _ in process.extract(
                word, self._vocab_words, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE, limit=None
            ):
                found |= self._vocab[vocab_word]
        return frozenset(found)

    def _positions_for_run(self, run: str) -> set[int]:
        """A run of an unspaced script matches the title runs containing it; from four
        characters on, one character may be off (`数据库备份` ~ `数据库的备份`)."""
        found: set[int] = set()
        for vocab_word in self._unspaced_words:
            if len(vocab_word) < len(run):
                continue
            if run in vocab_word or (
                len(run) >= 4
                and fuzz.partial_ratio(run, vocab_word, score_cutoff=_UNSPACED_TYPO_SCORE)
            ):
                found |= self._vocab[vocab_word]
        return found

    def title_matches(self, query_words: Sequence[str]) -> list[Indexed]:
        """Items whose titles contain every query word (exactly, as a prefix, or with a typo)."""
        positions: frozenset[int] | None = None
        for word in query_words:
            hits = self._positions_for_word(word)
            positions = hits if positions is None else positions & hits
            if not positions:
                return []
        return [self.items[p] for p in sorted(positions or ())]

    def _folded_keys(self) -> list[str]:
        """Every key, folded, in by_key's order; made on first use."""
        if self._keys_folded is None:
            self._keys_folded = [fold(item.key) for item in self._key_items]
        return self._keys_folded

    def _suggestion_choices(self) -> tuple[Choices, list[Indexed]]:
        """`key title` of every item (one per key), folded and prepared once: what suggestions
        rank."""
        if self._choices is None:
            # numpy and the suggestion machinery load with the first typo, not at start-up.
            from commands.suggest import Choices

            by_key = {item.key: item for item in self.items}
            self._choices = (
                Choices([fold(f"{k} {i.title}") for k, i in by_key.items()]),
                list(by_key.values()),
            )
        return self._choices

    def suggestions(self, text: str, limit: int = 3) -> list[Candidate]:
        """The `limit` items closest to `text`, best first: if its first word is shaped like
        a key, the nearest keys (at least _KEY_SCORE); otherwise, or if none is that near,
        those whose `key title` is closest to the whole text (rapidfuzz WRatio, at least
        _SUGGEST_SCORE)."""
        words = text.split()
        if words and _KEY_SHAPED.match(first := fold(words[0])):
            keyed = process.extract(
                first,
                self._folded_keys(),
                scorer=fuzz.ratio,
                processor=None,
                limit=limit,
                score_cutoff=_KEY_SCORE,
            )
            if keyed:
                found = [self._key_items[position] for _, _, position in keyed]
                return [Candidate(item.key, item.title) for item in found]
        choices, owners = self._suggestion_choices()
        ranked = choices.best(fold(text), limit=limit, cutoff=_SUGGEST_SCORE)
        found = [self.by_key[owners[position].key.upper()] for _, position in ranked]
        return [Candidate(item.key, item.title) for item in found]


def _narrow(matches: list[Indexed], phrase: str) -> list[Indexed]:
    """Among several title matches, an exact title (or a single whole-phrase match) wins."""
    folded = " ".join(words_of(phrase))
    exact = [m for m in matches if " ".join(words_of(m.title)) == folded]
    if len(exact) == 1:
        return exact
    whole = [m for m in matches if folded and folded in " ".join(words_of(m.title))]
    return whole if len(whole) == 1 else matches


def _candidates(matches: Sequence[Indexed]) -> list[Candidate]:
    return [Candidate(m.key, m.title) for m in matches]


def resolve(index: ItemIndex, ref: str, *, usage_verb: str | None = None) -> Indexed:
    """Resolve a whole reference; raise UnknownItem or AmbiguousItem."""
    ref = ref.strip()
    keyed = index.key_matches(ref) if ref and " " not in ref else []
    if len(keyed) == 1:
        return keyed[0]
    query = words_of(ref)
    titled = _narrow(index.title_matches(query), ref) if query else []
    if len(titled) == 1:
        return titled[0]
    if titled or len(keyed) > 1:
        raise AmbiguousItem(ref, _candidates(keyed or titled), usage_verb=usage_verb)
    raise UnknownItem(ref, partial(index.suggestions, ref), usage_verb=usage_verb)


def split_reference(
    index: ItemIndex, text: str, *, usage_verb: str | None = None
) -> tuple[Indexed, str]:
    """Split `text` into (item, rest): `SSL waiting on cert` -> (SSL item, "waiting on cert").

    A quoted reference (`"configure ssl" waiting`) ends at the closing quote.
    """
    text = text.strip()
    quoted = re.match(r'^["“”]([^"“”]+)["“”]\s*(.*)$', text, re.DOTALL)
    if quoted:
        return resolve(index, quoted[1], usage_verb=usage_verb), quoted[2].strip()
    tokens = text.split()
    if not tokens:
        raise UnknownItem("", [], usage_verb=usage_verb)
    first = tokens[0]
    keyed = index.key_matches(first)
    if len(keyed) == 1:
        return keyed[0], text[len(first) :].strip()

    best: tuple[int, list[Indexed]] | None = None
    for count in range(1, min(len(tokens), MAX_REFERENCE_WORDS) + 1):
        phrase = " ".join(tokens[:count])
        query = words_of(phrase)
        if not query:
            continue
        matches = index.title_matches(query)
        if not matches:
            break  # adding words only narrows further
        best = (count, matches)
    if best is None:
        if len(keyed) > 1:
            raise AmbiguousItem(first, _candidates(keyed), usage_verb=usage_verb)
        raise UnknownItem(first, partial(index.suggestions, text), usage_verb=usage_verb)
    count, matches = best
    phrase = " ".join(tokens[:count])
    matches = _narrow(matches, phrase)
    if len(matches) > 1:
        raise AmbiguousItem(phrase, _candidates(matches), usage_verb=usage_verb)
    rest = text.split(None, count)[count] if len(tokens) > count else ""
    return matches[0], rest.strip()


def ref_for_id(item_id: int) -> str:
    return f"{ID_MARK}{item_id}{ID_MARK}"


def parse_id_ref(text: str) -> tuple[int, str] | None:
    """(item id, the text after it) for a reference made by `ref_for_id`, else None."""
    match = re.match(rf"^{ID_MARK}(\d+){ID_MARK}\s*(.*)$", text, re.DOTALL)
    return (int(match[1]), match[2].strip()) if match else None
