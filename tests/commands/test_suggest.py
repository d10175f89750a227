"""commands.suggest ranks exactly as rapidfuzz's process.extract with WRatio over every title."""

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from commands.refs import fold
from commands.suggest import Choices

WORDS = ["ssl", "cert", "certificate", "rotate", "the", "on", "dns", "backup", "db", "sec-1"]
# Words from a small vocabulary (so titles share words and tie), odd characters and spacing.
word = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet="abcdeéß-1 \u00a0\t", min_size=1, max_size=12),
    st.text(min_size=1, max_size=6),
)
title = st.lists(word, min_size=1, max_size=8).map(" ".join)


def everything(text: str, choices: list[str], limit: int) -> list[tuple[float, int]]:
    ranked = process.extract(
        text, choices, scorer=fuzz.WRatio, processor=None, limit=limit, score_cutoff=50
    )
    return [(score, position) for _, score, position in ranked]


@settings(max_examples=300, deadline=None)
@given(
    titles=st.lists(title, min_size=1, max_size=60),
    text=title,
    limit=st.integers(min_value=1, max_value=5),
)
def test_the_suggestions_are_those_of_scoring_every_title(titles, text, limit) -> None:
    folded = [fold(f"KEY-{n} {t}") for n, t in enumerate(titles)]
    assert Choices(folded).best(fold(text), limit=limit, cutoff=50) == everything(
        fold(text), folded, limit
    )


def test_the_suggestions_on_a_big_launch_are_those_of_scoring_every_title() -> None:
    import random

    rng = random.Random(3)
    vocab = [*WORDS, "gateway", "firewall", "token", "policy", "runbook", "alert", "replica"]
    titles = [fold(f"SEC-{n} " + " ".join(rng.sample(vocab, 4)) + f" {n}") for n in range(2000)]
    choices = Choices(titles)
    for text in ["secc-12 waiting on the vendor", "sertificate", "rotate the", "sec-41", "x"]:
        assert choices.best(text, limit=3, cutoff=50) == everything(text, titles, 3), text


def test_nothing_is_suggested_for_an_empty_reference_or_launch() -> None:
    assert Choices(["ssl cert"]).best("", limit=3, cutoff=50) == []
    assert Choices([]).best("ssl", limit=3, cutoff=50) == []


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="SECab-12é", min_size=1, max_size=6), max_size=30),
    token=st.text(alphabet="SECab-12é", max_size=4),
)
def test_key_prefixes_match_as_a_scan_of_every_key_would(keys, token) -> None:
    from commands.refs import ItemIndex

    index = ItemIndex([(n, key, f"title {n}") for n, key in enumerate(keys)])
    upper = token.upper()
    expected = (
        [index.by_key[upper]]
        if upper in index.by_key
        else [item for key, item in index.by_key.items() if key.startswith(upper)]
    )
    assert index.key_matches(token) == expected
