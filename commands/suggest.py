"""The closest items to a reference that names none: rapidfuzz's `WRatio` of the folded text
against every item's folded `key title`, best first (ties in list order), at least `cutoff`.

Scoring all 5,000 titles of a big launch with `WRatio` costs about 12 ms, most of it in the
partial ratios. `Choices.best` returns exactly what `process.extract(text, choices,
scorer=WRatio, processor=None, limit=…, score_cutoff=…)` returns, but scores with `WRatio`
only the titles that could reach the top, in the order of an upper bound on their score:

- Two plain Indel ratios over all titles are cheap (about 0.2 ms each): the text against each
  title, and its words sorted against each title's words sorted (prepared once per index).
- When text and title share no word, have no repeated word, and are split into words alike
  by Python and rapidfuzz (no whitespace but ' '), `WRatio`'s token parts are Indel ratios of
  the sorted words: exactly `max(ratio, 0.95 · sorted ratio)` for lengths within 1.5×; for
  longer titles each partial ratio is at most 2L/(m + L) of its strings (L their longest common
  subsequence, read back from the ratio; m the shorter length), scaled as `WRatio` scales it.
- Any other title (a shared word makes `WRatio` 85.5 or more) is scored, bound 100.

Scoring stops when the next bound is below the `limit`-th best score found.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

_UNBASE_SCALE = 0.95  # rapidfuzz WRatio's constants
_BATCH = 16  # titles scored by the first rapidfuzz call (then twice as many each time)
# Bounds are computed in floating point from rounded ratios: leave room above them.
_SLACK = 1e-6


def _plain_words(text: str) -> list[str] | None:
    """`text`'s words if Python and rapidfuzz split it alike and no word repeats, else None."""
    if any(ch.isspace() and ch != " " for ch in text):
        return None
    words = text.split()
    return words if len(set(words)) == len(words) else None


class Choices:
    """Folded `key title` strings, prepared once for many `best` calls (immutable after)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self._sorted: list[str] = []
        self._by_word: dict[str, list[int]] = {}
        always: list[int] = []  # scored whatever the text (their bound is unknown)
        for position, choice in enumerate(self.texts):
            words = _plain_words(choice)
            if words is None or not choice:
                always.append(position)
                words = choice.split()
            self._sorted.append(" ".join(sorted(words)))
            for word in set(words):
                self._by_word.setdefault(word, []).append(position)
        self._always = np.array(always, dtype=np.int64)
        self._lengths = np.array([len(c) for c in self.texts], dtype=np.float64)
        self._sorted_lengths = np.array([len(c) for c in self._sorted], dtype=np.float64)

    def best(self, text: str, *, limit: int, cutoff: float) -> list[tuple[float, int]]:
        """(score, position) of the `limit` best choices scoring at least `cutoff`."""
        if not self.texts or not text or limit <= 0:
            return []
        words = _plain_words(text)
        if words is None:  # unusual text: score every title
            return self._all(text, limit=limit, cutoff=cutoff)
        bounds = self._bounds(text, words)
        bound = bounds.bound
        # The limit-th best score is at least the limit-th best lower bound: nothing bound
        # below that can make the list.
        lowest = cutoff
        if limit <= len(self.texts):
            lowest = max(cutoff, float(np.partition(bounds.lower, -limit)[-limit]))
        candidates = np.flatnonzero(bound >= lowest)
        order = candidates[np.argsort(-bound[candidates], kind="stable")]
        found: list[tuple[float, int]] = []  # a min-heap of (score, -position): the worst on top
        start, size = 0, _BATCH
        while start < len(order):
            batch = order[start : start + size]
            start, size = start + size, size * 2  # few calls when most titles must be scored
            floor = found[0][0] if len(found) >= limit else cutoff
            if len(found) >= limit and bound[batch[0]] < floor:
                break  # nothing left can beat the limit-th best (or tie it, earlier in the list)
            batch = bounds.refine(text, self.texts, batch, floor)
            if not len(batch):
                continue
            scores = process.cdist(
                [text],
                [self.texts[p] for p in batch],
                scorer=fuzz.WRatio,
                processor=None,
                score_cutoff=cutoff,
                dtype=np.float64,
            )[0]
            for position, score in zip(batch.tolist(), scores.tolist(), strict=True):
                if score < cutoff:
                    continue
                entry = (score, -position)
                if len(found) < limit:
                    heapq.heappush(found, entry)
                elif entry > found[0]:
                    heapq.heapreplace(found, entry)
        return [(score, -neg) for score, neg in sorted(found, reverse=True)]

    def _all(self, text: str, *, limit: int, cutoff: float) -> list[tuple[float, int]]:
        """What `best` returns, by scoring every choice."""
        ranked = process.extract(
            text, self.texts, scorer=fuzz.WRatio, processor=None, limit=limit, score_cutoff=cutoff
        )
        return [(score, position) for _, score, position in ranked]

    def _bounds(self, text: str, words: list[str]) -> _Bounds:
        """An upper bound on `WRatio(text, choice)` for every choice (see the module)."""
        ordered = " ".join(sorted(words))
        ratio = process.cdist(
            [text], self.texts, scorer=fuzz.ratio, processor=None, dtype=np.float64
        )[0]
        sorted_ratio = process.cdist(
            [ordered], self._sorted, scorer=fuzz.ratio, processor=None, dtype=np.float64
        )[0]
        length, lengths = float(len(text)), self._lengths
        sorted_length, sorted_lengths = float(len(ordered)), self._sorted_lengths
        shorter = np.minimum(lengths, length)
        len_ratio = np.maximum(lengths, length) / np.maximum(shorter, 1.0)
        scale = np.where(len_ratio <= 8.0, 0.9, 0.6)  # rapidfuzz's C++ counts 8.0 as near
        common = ratio * (lengths + length) / 200  # longest common subsequences
        sorted_common = sorted_ratio * (sorted_lengths + sorted_length) / 200
        sorted_shorter = np.minimum(sorted_lengths, sorted_length)
        partial = 200 * common / np.maximum(shorter + common, 1.0)
        sorted_partial = 200 * sorted_common / np.maximum(sorted_shorter + sorted_common, 1.0)
        sharing = np.zeros(len(self.texts), dtype=bool)
        for word in set(words):
            shared = self._by_word.get(word)
            if shared:
                sharing[shared] = True
        # Far apart, a shared word makes the partial token ratio 100; without one it is the
        # partial ratio of the sorted words, bound here and computed by `refine` when needed.
        token = _UNBASE_SCALE * scale * np.where(sharing, 100.0, sorted_partial)
        far = np.maximum(ratio, np.maximum(scale * partial, token))
        near = np.maximum(ratio, _UNBASE_SCALE * sorted_ratio)
        chosen = np.where(len_ratio < 1.5, near, far)
        # Exactly 1.5 apart: either branch, whichever rapidfuzz takes.
        bound = np.where(len_ratio == 1.5, np.maximum(near, far), chosen) + _SLACK
        refinable = len_ratio > 1.5
        bound[sharing & ~refinable] = 100.0  # the token set ratio may be anything up to 100
        bound[self._always] = 100.0
        refinable[self._always] = False
        # WRatio is never below the plain ratio, nor, far apart with a shared word, below
        # the full partial token ratio's weight.
        lower = np.where(sharing & refinable, np.maximum(ratio, token), ratio) - _SLACK
        lower[self._always] = 0.0
        return _Bounds(
            bound=bound,
            lower=lower,
            refinable=refinable,
            sharing=sharing,
            ratio=ratio,
            scale=scale,
            token=token,
            sorted_text=ordered,
            sorted_choices=self._sorted,
        )


@dataclass(frozen=True)
class _Bounds:
    """Upper and lower bounds on each choice's score. For a `refinable` choice (far longer or
    shorter than the text, plainly split), `WRatio` is max(ratio, scale · partial ratio,
    token): the partial token ratio's part, exact where a word is `sharing` (100 weighted), a
    bound elsewhere, where it is the weighted partial ratio of the sorted words."""

    bound: NDArray[np.float64]
    lower: NDArray[np.float64]
    refinable: NDArray[np.bool_]
    sharing: NDArray[np.bool_]
    ratio: NDArray[np.float64]
    scale: NDArray[np.float64]
    token: NDArray[np.float64]
    sorted_text: str
    sorted_choices: list[str]

    def refine(
        self, text: str, texts: Sequence[str], batch: NDArray[np.int64], floor: float
    ) -> NDArray[np.int64]:
        """The positions of `batch` that may still score `floor` or more, once the partial
        ratios (each about half of `WRatio`'s cost) of the refinable ones are known."""
        mask = self.refinable[batch]
        if not mask.any():
            return batch
        keep = np.ones(len(batch), dtype=bool)
        at = np.flatnonzero(mask)
        far = batch[at]
        partial = self.scale[far] * _partial([text], [texts[p] for p in far])
        refined = np.maximum(self.ratio[far], partial)
        out = np.maximum(refined, self.token[far]) + _SLACK < floor
        keep[at[out]] = False
        # Still in, no shared word: the sorted words' partial ratio, for the exact score.
        unsure = ~out & ~self.sharing[far]
        if unsure.any():
            at, far, refined = at[unsure], far[unsure], refined[unsure]
            sorted_partial = _partial([self.sorted_text], [self.sorted_choices[p] for p in far])
            token = _UNBASE_SCALE * self.scale[far] * sorted_partial
            keep[at[np.maximum(refined, token) + _SLACK < floor]] = False
        return batch[keep]


def _partial(texts: list[str], choices: list[str]) -> NDArray[np.float64]:
    scores: NDArray[np.float64] = process.cdist(
        texts, choices, scorer=fuzz.partial_ratio, processor=None, dtype=np.float64
    )[0]
    return scores
