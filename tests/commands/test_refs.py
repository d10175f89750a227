import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


MANY = ItemIndex(
    [
        (id_, f"{prefix}-{n}", f"{word} item {n}")
        for id_, (prefix, word, n) in enumerate(
            (
                (prefix, word, n)
                for n in range(1, 121)
                for prefix, word in (("SEC", "Harden"), ("INF", "Provision"), ("COM", "Review"))
            ),
            start=1,
        )
    ]
)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("SECC-13 waiting on the vendor", "SEC-13"),  # a doubled letter
        ("sec13", "SEC-13"),  # no dash
        ("SE-13 now", "SEC-13"),  # a letter short
        ("INF-1000", "INF-100"),  # a digit too many
        ("ＩＮＦ－14", "INF-14"),  # full-width, as some keyboards type
    ],
)
def test_a_mistyped_key_suggests_the_nearest_keys_first(typed: str, meant: str) -> None:
    with pytest.raises(UnknownItem) as err:
        split_reference(MANY, typed)
    keys = [c.key for c in err.value.suggestions]
    assert keys[0] == meant and len(keys) <= 3


def test_a_key_shaped_word_near_no_key_suggests_by_title_as_before() -> None:
    with pytest.raises(UnknownItem) as err:
        split_reference(MANY, "XYZQW-99999 harden item 7")
    assert "SEC-7" in [c.key for c in err.value.suggestions]


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


# -- any script --------------------------------------------------------------------------

WORLD = ItemIndex(
    [
        (1, "BAK-1", "Проверка бэкапов"),
        (2, "BAK-2", "Настройка репликации базы данных"),
        (3, "GR-1", "Έλεγχος ασφαλείας"),
        (4, "FR-1", "Café du matin: vérifier la sécurité"),
        (5, "ZH-1", "数据库备份恢复演练"),
        (6, "ZH-2", "配置SSL证书"),
        (7, "JA-1", "データベースのバックアップ"),
        (8, "KO-1", "백업을 확인"),
        (9, "EMO-1", "🚀 Launch the rocket ✅"),
        (10, "HI-1", "हिंदी अनुवाद की जाँच"),
        (11, "TH-1", "ตรวจสอบการสำรองข้อมูล"),
        (12, "DE-1", "Straße sperren"),
    ]
)


@pytest.mark.parametrize(
    ("ref", "item_id"),
    [
        ("проверка", 1),  # the reported case: lower case finds the capitalised title
        ("ПРОВЕРКА", 1),
        ("бэкап", 1),  # a prefix
        ("провекра", 1),  # a typo
        ("проверку", 1),  # another grammatical case is a one-letter typo
        ("репликации", 2),
        ("ελεγχος", 3),  # accents and final sigma fold away
        ("ΈΛΕΓΧΟΣ", 3),
        ("cafe", 4),  # accent folding both ways
        ("café", 4),
        ("securite", 4),
        ("备份", 5),  # a substring of a run of Han characters
        ("恢复演练", 5),
        ("数据库的备份", 5),  # one character off in six
        ("证书", 6),
        ("配置ssl", 6),  # scripts mixed without a space
        ("バックアップ", 7),
        ("ﾊﾞｯｸｱｯﾌﾟ", 7),  # half-width katakana is NFKC-folded
        ("백업", 8),  # a Hangul prefix of two syllables
        ("rocket", 9),  # emoji in the title do not get in the way
        ("🚀 rocket", 9),
        ("अनुवाद", 10),  # Devanagari vowel signs stay part of the word
        ("สำรอง", 11),  # Thai has no spaces either
        ("strasse", 12),  # ß casefolds to ss
        ("ｓｔｒａｓｓｅ", 12),  # full-width letters
    ],
)
def test_references_work_in_any_script(ref: str, item_id: int) -> None:
    assert resolve(WORLD, ref).id == item_id


def test_split_finds_a_cyrillic_reference_before_the_reason() -> None:
    item, rest = split_reference(WORLD, "проверка бэкапов ждём доступа к S3")
    assert (item.id, rest) == (1, "ждём доступа к S3")


def test_split_finds_a_han_reference_before_the_reason() -> None:
    item, rest = split_reference(WORLD, "备份 等待供应商")
    assert (item.id, rest) == (5, "等待供应商")


def test_a_short_run_does_not_match_inside_a_longer_query() -> None:
    # “备份” is in item 5, but a query longer than every title run cannot be inside one.
    with pytest.raises(UnknownItem):
        resolve(WORLD, "备份恢复演练数据库测试")


def test_marks_distinguish_devanagari_words() -> None:
    index = ItemIndex([(1, "A", "कि"), (2, "B", "का")])
    assert resolve(index, "कि").id == 1
    assert resolve(index, "का").id == 2


def test_an_emoji_alone_names_nothing_and_suggests() -> None:
    with pytest.raises(UnknownItem) as err:
        resolve(WORLD, "🚀")
    assert err.value.ref == "🚀"


def test_unknown_accented_words_suggest_by_their_folded_form() -> None:
    with pytest.raises(UnknownItem) as err:
        resolve(WORLD, "cafe du soir matin")
    assert "FR-1" in [c.key for c in err.value.suggestions]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Configure SSL/TLS", ["configure", "ssl", "tls"]),
        ("Проверка бэкапов", ["проверка", "бэкапов"]),
        ("Crème brûlée", ["creme", "brulee"]),
        ("SSL证书配置", ["ssl", "证书配置"]),
        ("❤️ 1️⃣ rocket_ship", ["1", "rocket", "ship"]),
        ("ﬁle Ⅳ", ["file", "iv"]),
    ],
)
def test_words_of_folds_and_splits(text: str, words: list[str]) -> None:
    from commands.refs import words_of

    assert words_of(text) == words


_TITLE = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "Zs", "P", "So")), min_size=1, max_size=30
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TITLE, min_size=1, max_size=8))
def test_every_title_finds_its_item_or_names_it_among_the_candidates(titles: list[str]) -> None:
    from commands.refs import words_of

    index = ItemIndex([(n, f"Q9X-{n}", title) for n, title in enumerate(titles)])
    for n, title in enumerate(titles):
        if not words_of(title):
            continue  # only punctuation or emoji: reachable by its key
        try:
            assert resolve(index, title).id == n or fold_equal(titles, n)
        except AmbiguousItem as err:
            assert f"Q9X-{n}" in [c.key for c in err.candidates]


def fold_equal(titles: list[str], n: int) -> bool:
    """Another title reads the same once folded, so either may win."""
    from commands.refs import words_of

    return any(words_of(t) == words_of(titles[n]) for i, t in enumerate(titles) if i != n)
