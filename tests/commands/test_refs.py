import pytest

from commands.errors import AmbiguousItem, UnknownItem
from commands.refs import ItemIndex, resolve, split_reference

ITEMS = ItemIndex(
    [
        (1, "SSL", "Configure SSL/TLS certificates"),
        (2, "SEC-1", "Enable MFA for admins"),
        (3, "SEC-2", "Rotate database credentials"),
        (4, "DNS-1", "Point the apex domain at the CDN"),
        (5, "BAK-1", "Database backups restored in a drill"),
        (6, "DB-1", "SSL/TLS for database connections"),
    ]
)


def test_an_exact_key_wins() -> None:
    assert resolve(ITEMS, "ssl").id == 1


def test_a_unique_key_prefix_resolves() -> None:
    assert resolve(ITEMS, "dns").id == 4


def test_a_shared_key_prefix_lists_the_candidates() -> None:
    with pytest.raises(AmbiguousItem) as err:
        resolve(ITEMS, "SEC")
    assert [c.key for c in err.value.candidates] == ["SEC-1", "SEC-2"]


def test_words_from_the_title_resolve() -> None:
    assert resolve(ITEMS, "rotate credentials").id == 3


def test_a_typo_in_a_title_word_still_resolves() -> None:
    assert resolve(ITEMS, "rotate credentails").id == 3


def test_a_word_in_two_titles_is_ambiguous() -> None:
    with pytest.raises(AmbiguousItem) as err:
        resolve(ITEMS, "tls")
    assert {c.key for c in err.value.candidates} == {"SSL", "DB-1"}


def test_an_unknown_reference_suggests_the_closest_items() -> None:
    with pytest.raises(UnknownItem) as err:
        resolve(ITEMS, "mfa admin enable please now")
    assert "SEC-1" in [c.key for c in err.value.suggestions]


def test_split_takes_a_leading_key_and_leaves_the_reason() -> None:
    item, rest = split_reference(ITEMS, "SSL waiting on the CA")
    assert (item.id, rest) == (1, "waiting on the CA")


def test_split_takes_the_longest_run_of_title_words() -> None:
    item, rest = split_reference(ITEMS, "point apex domain waiting for registrar")
    assert (item.id, rest) == (4, "waiting for registrar")


def test_split_honours_a_quoted_reference() -> None:
    item, rest = split_reference(ITEMS, '"backups restored" ran the drill on monday')
    assert (item.id, rest) == (5, "ran the drill on monday")


def test_split_of_nothing_known_is_unknown() -> None:
    with pytest.raises(UnknownItem):
        split_reference(ITEMS, "kubernetes upgrade is late")


def test_an_exact_title_beats_a_longer_title_containing_it() -> None:
    index = ItemIndex([(1, "A-1", "Backups"), (2, "A-2", "Backups restore tested")])
    assert resolve(index, "backups").id == 1
