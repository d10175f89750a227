"""Decoding uploads and repairing mojibake (commands.assessment.repair)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  registers "sloppy-windows-1252"
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from commands.assessment.repair import decode_document, repair_mojibake

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_NAMES = ["ehr-aws-assessment", "mediation-platform-assessment", "school-portal-gaps"]
CP1252 = "sloppy-windows-1252"  # Windows' own reading of the five undefined bytes
RUN = re.compile(r"[^\x00-\x7f]+")


def mac_roman_mojibake(text: str) -> str:
    return text.encode("utf-8").decode("mac_roman")


def cp1252_mojibake(text: str) -> str:
    # ftfy's sloppy codec reads 0x1A as U+FFFD; Windows (and the mojibake we meet) keeps it.
    return text.encode("utf-8").decode(CP1252).replace("\ufffd", "\x1a")


def every_run_decodes(text: str, codec: str) -> bool:
    """Whether every non-ASCII run of `text` is valid mojibake under `codec`."""
    for run in RUN.findall(text):
        try:
            run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return False
    return True


def seed_text(name: str) -> str:
    return (SEEDS / f"{name}.md").read_text(encoding="utf-8")


# --- decode_document -------------------------------------------------------------------------


def test_it_decodes_utf8_and_drops_the_byte_order_mark() -> None:
    assert decode_document("\ufeff# Café ✅".encode()) == "# Café ✅"


def test_it_decodes_utf16_with_a_byte_order_mark() -> None:
    assert decode_document("# Café ✅".encode("utf-16")) == "# Café ✅"


def test_it_falls_back_to_windows_1252_for_legacy_bytes() -> None:
    assert decode_document(b"caf\xe9 \x93quoted\x94 \x97 done") == "café “quoted” — done"


def test_it_falls_back_to_mac_roman_when_windows_1252_cannot_read_the_bytes() -> None:
    # 0x8D is undefined in Windows-1252; in Mac Roman it is "ç".
    assert decode_document(b"gar\x8don") == "garçon"


# --- the real files --------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_it_repairs_the_mac_roman_seeds_completely(name: str) -> None:
    broken = seed_text(name)
    assert "‚úÖ" in broken

    fixed, how = repair_mojibake(broken)

    assert how == "mac_roman"
    assert "✅" in fixed
    assert "‚úÖ" not in fixed and "\uf8ff" not in fixed
    # Every non-ASCII character left is one a document would really contain.
    assert set(RUN.sub("", fixed)) == set(RUN.sub("", broken))
    assert all(len(run) <= 2 or run == "⚠️" for run in RUN.findall(fixed))


def test_it_repairs_the_emoji_of_the_ehr_seed() -> None:
    fixed, _ = repair_mojibake(seed_text("ehr-aws-assessment"))

    assert "### ⚠️ CRITICAL AWS ISSUES" in fixed
    assert "1. **🔴 Database Deletion Protection**: Currently DISABLED" in fixed
    assert "### Overall Readiness: 🟡 **85% READY**" in fixed
    assert "Registration → Login → MFA → Dashboard" in fixed


def test_it_repairs_windows_1252_mojibake_of_a_seed() -> None:
    clean, _ = repair_mojibake(seed_text("ehr-aws-assessment"))
    broken = seed_text("ehr-aws-assessment.cp1252-mojibake")
    assert "âœ…" in broken and "ðŸ”´" in broken

    assert repair_mojibake(broken) == (clean, "cp1252")


def test_it_repairs_a_file_with_some_lines_broken_and_some_fine() -> None:
    clean, _ = repair_mojibake(seed_text("ehr-aws-assessment"))

    fixed, how = repair_mojibake(seed_text("ehr-aws-assessment.mixed-mojibake"))

    assert how == "mac_roman"
    lines = fixed.split("\n")
    assert lines.pop(3) == (
        "Reviewed at the café by Zoë — “naïve” assumptions flagged, 日本語 docs too. ✅"
    )
    assert "\n".join(lines) == clean


def test_it_repairs_accented_mojibake_that_ftfy_recognises_next_to_clean_text() -> None:
    assert repair_mojibake("cafÃ© and “École”") == ("café and “École”", "cp1252")
    assert repair_mojibake("caf√© and naïve") == ("café and naïve", "mac_roman")


def test_it_leaves_accented_pairs_alone_when_nothing_says_they_are_mojibake() -> None:
    # "—é" would decode as Mac Roman (to "ю"), but neither a symbol nor ftfy supports it.
    assert repair_mojibake("Le plan—écrit hier") == ("Le plan—écrit hier", None)


def test_it_repairs_the_mac_roman_f0_byte_that_ftfy_leaves_behind() -> None:
    assert repair_mojibake("Status: \uf8ffüü° medium") == ("Status: 🟡 medium", "mac_roman")


def test_it_uses_ftfy_for_windows_1252_lines_whose_no_break_space_was_lost() -> None:
    # "à" is C3 A0; A0 (a no-break space) became a plain space, so the run splits in two.
    broken = "Deployed: ðŸŸ¢ yes\nVoilÃ  the plan"

    assert repair_mojibake(broken) == ("Deployed: 🟢 yes\nVoilà the plan", "cp1252")


@pytest.mark.parametrize(
    "text",
    [
        "café, naïve, Zoë and the “smart quotes” — all fine…",
        "Already repaired: ✅ done, 🔴 critical, ⚠️ careful → next",
        "日本語のドキュメント and 한국어 and Ελληνικά",
        "«École» and “École”",  # "«É" alone would be valid Mac Roman mojibake
        "plain ASCII only",
        "",
    ],
)
def test_it_leaves_legitimate_text_untouched(text: str) -> None:
    assert repair_mojibake(text) == (text, None)


# --- properties ------------------------------------------------------------------------------

# Symbols that take three or four UTF-8 bytes: ✅, →, 🔴 (letters there, such as CJK, are
# evidence of mojibake only several in a row; see repair._is_strong).
_STRONG = st.characters(min_codepoint=0x800, codec="utf-8", exclude_categories=("L",))
# Text as assessments are: anything, with at least one emoji or symbol somewhere.
texts_with_symbols = st.tuples(st.text(), _STRONG, st.text()).map("".join)


@given(texts_with_symbols)
def test_any_text_with_symbols_survives_mac_roman_mojibake(text: str) -> None:
    assert repair_mojibake(mac_roman_mojibake(text)) == (text, "mac_roman")


@given(texts_with_symbols)
def test_any_text_with_symbols_survives_windows_1252_mojibake(text: str) -> None:
    broken = cp1252_mojibake(text)
    # Genuinely ambiguous: the same characters are also complete Mac Roman mojibake of
    # something else, and the repair prefers Mac Roman. Rare with real text.
    assume(not every_run_decodes(broken, "mac_roman"))

    assert repair_mojibake(broken) == (text, "cp1252")


@pytest.mark.parametrize(
    ("mojibake", "codec"), [(mac_roman_mojibake, "mac_roman"), (cp1252_mojibake, "cp1252")]
)
@given(text=st.text())
def test_mojibake_of_any_text_is_repaired_completely_or_not_at_all(
    mojibake: Callable[[str], str], codec: str, text: str
) -> None:
    # Without symbols the evidence may be missing (a file holding only "—é" stays as it
    # is), but the repair is never partial or wrong.
    broken = mojibake(text)
    other = "mac_roman" if codec == "cp1252" else CP1252
    assume(not any(every_run_decodes(run, other) for run in RUN.findall(broken)))

    assert repair_mojibake(broken) in ((text, codec), (broken, None))


def _in_neither_codec(char: str) -> bool:
    for codec in ("mac_roman", CP1252):
        try:
            char.encode(codec)
            return False
        except UnicodeEncodeError:
            continue
    return True


_ASCII = st.text(st.characters(max_codepoint=0x7F), min_size=1)
_NON_ASCII = st.characters(min_codepoint=0x80)
# Clean text that cannot be mojibake: non-ASCII characters stand alone between ASCII (one
# byte >= 0x80 is never valid UTF-8 on its own), or a run contains a character neither
# codec has (emoji, CJK, most symbols), so it cannot be re-encoded. Runs of two or more
# accented or typographic characters in a row are left out: "Ã©" is legitimate text and
# also mojibake of "é", and no repair can tell which was meant.
_FOREIGN = st.characters(min_codepoint=0x100).filter(_in_neither_codec)
_SAFE_RUN = st.one_of(
    _NON_ASCII.map(str),
    st.tuples(st.text(_NON_ASCII, max_size=3), _FOREIGN, st.text(_NON_ASCII, max_size=3)).map(
        "".join
    ),
)
clean_texts = st.lists(st.tuples(_ASCII, _SAFE_RUN), max_size=8).map(
    lambda pairs: "".join(ascii_part + run for ascii_part, run in pairs) + " end"
)
# A broken line of an assessment: ASCII words and symbols (✅ 🔴 → ⚠️).
symbol_lines = st.text(
    st.one_of(st.characters(max_codepoint=0x7F, exclude_characters="\n"), _STRONG), min_size=1
).filter(lambda line: not line.isascii())


@given(clean_texts)
def test_clean_text_is_a_fixed_point(text: str) -> None:
    assert repair_mojibake(text) == (text, None)


@pytest.mark.parametrize(
    ("mojibake", "codec"), [(mac_roman_mojibake, "mac_roman"), (cp1252_mojibake, "cp1252")]
)
@given(line=symbol_lines, clean=clean_texts)
def test_broken_lines_are_repaired_next_to_clean_ones(
    mojibake: Callable[[str], str], codec: str, line: str, clean: str
) -> None:
    broken = mojibake(line)
    other = "mac_roman" if codec == "cp1252" else CP1252
    assume(not any(every_run_decodes(run, other) for run in RUN.findall(broken)))
    if codec == "cp1252":
        # In a Windows-1252 mojibake file "Ã " and "Â " are "à" and a no-break space whose
        # 0xA0 byte became a space; ftfy (rightly) repairs them. Legitimate, but ambiguous.
        assume("Ã " not in clean and "Â " not in clean)

    assert repair_mojibake(f"{broken}\n{clean}") == (f"{line}\n{clean}", codec)


_PROSE = st.lists(
    st.one_of(
        st.characters(max_codepoint=0x7F, exclude_characters="\n"),
        st.sampled_from("éèêëàâäçîïôöùûüÿñæœßÉÀÇ“”‘’—–…•€™"),
        st.sampled_from(["✅", "❌", "⚠️", "🔴", "🟢", "→", "日本語", "한국어"]),
    )
).map("".join)


@given(line=symbol_lines, prose=_PROSE)
def test_broken_lines_are_repaired_next_to_accented_prose(line: str, prose: str) -> None:
    # Prose next to Windows-1252 mojibake: the final ftfy pass sees the prose line (it
    # holds runs no codec repairs) and must leave it alone.
    broken = cp1252_mojibake(line)
    assume(not any(every_run_decodes(run, "mac_roman") for run in RUN.findall(broken)))
    # Random accents can spell real mojibake ("ÀéÀé" is Mac Roman for "ˎˎ"); such prose
    # is repaired on its own too, and is not what this property is about. And when every
    # run of a file decodes, the file is taken for mojibake as a whole.
    assume(repair_mojibake(prose) == (prose, None))
    assume(not every_run_decodes(prose, CP1252))

    assert repair_mojibake(f"{broken}\n{prose}") == (f"{line}\n{prose}", "cp1252")


# --- Windows-1252 readings that dropped its undefined bytes ----------------------------------

# Symbols whose UTF-8 loses at most one byte to the five bytes Windows-1252 leaves
# undefined (0x81 0x8D 0x8F 0x90 0x9D), or none: ❌ is E2 9D 8C, ⚠️ ends in EF B8 8F.
# (🏁, F0 9F 8F 81, loses two and is ambiguous: no repair can know which two.)
LOSSY_SYMBOLS = "✅❌⚠️🔴🟠🟡🟢✓✔☑☐✗✘⛔🚫🚧⏳🔄➡⭐❗❓📋🎯🚀🔒💡📊🚨✨⚡🔥👉📌⬜✳"
_LOSSY_LINE = st.lists(
    st.one_of(
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8),
        st.sampled_from(LOSSY_SYMBOLS),
    ),
    min_size=1,
    max_size=12,
).map(" ".join)


def cp1252_dropping(text: str, *, nbsp_to_space: bool) -> str:
    """UTF-8 read as Windows-1252 by a reader that drops the undefined bytes; some
    editors then also turn no-break spaces into spaces."""
    broken = text.encode("utf-8").decode("cp1252", errors="ignore")
    return broken.replace("\xa0", " ") if nbsp_to_space else broken


@pytest.mark.parametrize("nbsp_to_space", [False, True])
@given(lines=st.lists(_LOSSY_LINE, min_size=1, max_size=5))
def test_lost_bytes_are_restored(nbsp_to_space: bool, lines: list[str]) -> None:
    text = "\n".join(lines)
    broken = cp1252_dropping(text, nbsp_to_space=nbsp_to_space)
    assume(broken != text)

    repaired, how = repair_mojibake(broken)

    assert repaired == text and how == "cp1252"
    assert "⌠" not in repaired


@given(
    lines=st.lists(_LOSSY_LINE, min_size=1, max_size=4),
    prose=st.sampled_from(["Café — “naïve” résumé", "Prix : 12 € – voilà", "Straße, Größe"]),
)
def test_lost_bytes_are_restored_next_to_clean_accented_lines(lines: list[str], prose: str) -> None:
    text = "\n".join(lines)
    broken = cp1252_dropping(text, nbsp_to_space=False)
    assume(broken != text)

    assert repair_mojibake(f"{prose}\n{broken}\n{prose}") == (f"{prose}\n{text}\n{prose}", "cp1252")


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Status: âŒ not started", "Status: ❌ not started"),
        (
            "## Security & Compliance âš ï¸ Needs Attention",
            "## Security & Compliance ⚠️ Needs Attention",
        ),
        ("âŒ ", "❌ "),
    ],
)
def test_known_lossy_mojibake_is_repaired_and_never_leaves_a_half_character(
    broken: str, fixed: str
) -> None:
    assert repair_mojibake(broken) == (fixed, "cp1252")


def test_it_repairs_a_citation_bracket_whose_undefined_byte_was_lost() -> None:
    # 【 is E3 80 90: Windows-1252 has no 0x90, so "ã€" is all that arrives.
    broken = "- âœ… Intake works ã€F:app/views.pyâ€\xa0L10-L88ã€‘\n- âŒ Backups\n"

    repaired, how = repair_mojibake(broken)

    assert how == "cp1252"
    assert repaired == "- ✅ Intake works 【F:app/views.py†L10-L88】\n- ❌ Backups\n"
