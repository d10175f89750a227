"""Writing assessments as markdown and reading them back exactly (export_md, native_format)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from textwrap import dedent

import ftfy.bad_codecs  # noqa: F401  registers "sloppy-windows-1252"
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.assessment.export_md import export_markdown
from commands.assessment.model import Assessment, ParsedItem
from commands.assessment.native_format import MARKER
from commands.assessment.parse_md import parse_assessment
from commands.assessment.spreadsheet import read_csv, read_xlsx, write_csv, write_xlsx
from storage.vocabulary import Priority, Scenario, Status


def fields(items: list[ParsedItem]) -> list[dict[str, object]]:
    """Every field of every item except where it was read (line number and text)."""
    return [
        {k: v for k, v in asdict(item).items() if k not in ("line", "source")} for item in items
    ]


def assert_round_trip(assessment: Assessment) -> Assessment:
    again = parse_assessment(export_markdown(assessment))
    assert fields(again.items) == fields(assessment.items)
    assert (again.name, again.target_date, again.scenario, again.timezone) == (
        assessment.name,
        assessment.target_date,
        assessment.scenario,
        assessment.timezone,
    )
    assert again.stated_readiness == assessment.stated_readiness
    assert again.repaired is None
    return again


EXAMPLE = Assessment(
    name="Checkout v2",
    target_date=date(2026, 3, 1),
    scenario="internet-facing",
    timezone="Europe/Berlin",
    stated_readiness=60,
    items=[
        ParsedItem(
            title="Rotate the JWT secret",
            category="Security",
            status=Status.BLOCKED,
            priority=Priority.CRITICAL,
            key="SEC-1",
            owner="<@U123>",
            due=date(2026, 2, 1),
            effort="1-2 days",
            notes="Found in the audit.\nSee the runbook.",
            blocked_reason="waiting for the vendor",
            scenarios=("internet-facing", "regulated"),
        ),
        ParsedItem(title="Enable MFA", category="Security", status=Status.DONE, key="SEC-2"),
        ParsedItem(
            title="Pen test",
            category="Security",
            status=Status.WAIVED,
            priority=Priority.LOW,
            waiver_reason="internal beta only",
            waiver_until=date(2026, 6, 30),
        ),
    ],
)


def test_it_writes_readable_markdown() -> None:
    markdown = export_markdown(EXAMPLE)

    assert markdown.startswith(MARKER + "\n<!--\n")
    body = markdown[markdown.index("-->\n\n# ") + 4 :]  # after the marker and editing help
    assert body == dedent(
        """
        # Checkout v2

        - Target date: 2026-03-01
        - Scenario: internet-facing
        - Timezone: Europe/Berlin
        - Stated readiness: 60%

        ## Security

        - [ ] 🔴 Critical — Rotate the JWT secret
          - Status: blocked
          - Key: SEC-1
          - Owner: \\<@U123\\>
          - Due: 2026-02-01
          - Effort: 1-2 days
          - Scenarios: internet-facing, regulated
          - Blocked because: waiting for the vendor
          - Notes:
            > Found in the audit.
            > See the runbook.
        - [x] Enable MFA
          - Key: SEC-2
        - [x] 🟢 Low — Pen test
          - Status: waived
          - Waived because: internal beta only
          - Waived until: 2026-06-30
        """
    )


def test_the_example_reads_back_exactly() -> None:
    assert_round_trip(EXAMPLE)


def test_markdown_characters_in_titles_and_notes_survive() -> None:
    tricky = [
        "**bold** and *italic* and _under_ and `code`",
        "a | b | c",
        "# not a heading",
        "[x] not a box",
        "- not a bullet",
        "🔴 Critical — not a priority",
        "🟢 starts with a dot",
        "<!channel> and <@U123> and <https://example.com|link>",
        "&amp; &#x41; &copy; \\*",
        "  padded  ",
        "tab\there\rreturn\u2028separator\x85next",
        "ends with a backslash \\",
        "Critical — looks like a priority word",
    ]
    items = [
        ParsedItem(title=text, category=text.strip() or "x", notes=f"{text}\n- {text}\n> {text}")
        for text in tricky
    ]

    assert_round_trip(Assessment(name="## <!here> *launch*", items=items))


def test_interleaved_categories_keep_their_order() -> None:
    items = [
        ParsedItem(title="one", category="A"),
        ParsedItem(title="two", category="B"),
        ParsedItem(title="three", category="A"),
        ParsedItem(title="three", category="A"),  # duplicates are kept as written
    ]

    again = assert_round_trip(Assessment(name="x", items=items))
    assert [item.line for item in again.items] == sorted(item.line for item in again.items)


def test_an_assessment_without_name_or_items_round_trips() -> None:
    assert_round_trip(Assessment())


# --- edits people make -----------------------------------------------------------------------


def test_hand_edits_to_an_export_are_read() -> None:
    edited = export_markdown(EXAMPLE).replace(
        "- [x] Enable MFA\n  - Key: SEC-2\n",
        "- [ ] 🟡 Enable MFA\n  - Key: SEC-2\n  - Owner: @dana\n  - ask Bob first\n"
        "- [x] A new item someone added\n",
    )

    items = parse_assessment(edited).items

    mfa, added = items[1], items[2]
    assert (mfa.status, mfa.priority, mfa.owner, mfa.notes) == (
        Status.TODO,
        Priority.MEDIUM,
        "@dana",
        "ask Bob first",
    )
    assert (added.title, added.status, added.category, added.key) == (
        "A new item someone added",
        Status.DONE,
        "Security",
        None,
    )


def test_ticking_the_box_of_a_blocked_item_makes_it_done() -> None:
    edited = export_markdown(EXAMPLE).replace(
        "- [ ] 🔴 Critical — Rotate", "- [x] 🔴 Critical — Rotate"
    )

    assert parse_assessment(edited).items[0].status is Status.DONE


def test_a_priority_word_wins_over_a_dot_it_disagrees_with() -> None:
    edited = export_markdown(EXAMPLE).replace("🔴 Critical —", "🔴 High —")

    assert parse_assessment(edited).items[0].priority is Priority.HIGH


def test_an_unreadable_due_date_is_kept_as_a_note() -> None:
    edited = export_markdown(EXAMPLE).replace("Due: 2026-02-01", "Due: next friday")

    parsed = parse_assessment(edited).items[0]
    assert parsed.due is None
    assert parsed.notes == "Due: next friday\nFound in the audit.\nSee the runbook."


def test_an_export_that_lost_its_first_line_still_reads_as_the_same_checklist() -> None:
    # Read as a free-form document: ordinary text comes back the same.
    markdown = export_markdown(EXAMPLE).split("\n", 1)[1]

    again = parse_assessment(markdown)

    assert fields(again.items) == fields(EXAMPLE.items)
    assert (again.name, again.target_date, again.scenario, again.timezone) == (
        "Checkout v2",
        date(2026, 3, 1),
        "internet-facing",
        "Europe/Berlin",
    )


# --- mojibake --------------------------------------------------------------------------------


def test_an_export_that_went_through_mojibake_is_repaired() -> None:
    markdown = export_markdown(EXAMPLE)

    for broken, codec in [
        (markdown.encode("utf-8").decode("mac_roman"), "mac_roman"),
        (markdown.encode("utf-8").decode("sloppy-windows-1252"), "cp1252"),
    ]:
        again = parse_assessment(broken)
        assert again.repaired == codec
        assert fields(again.items) == fields(EXAMPLE.items)


def test_text_that_looks_like_mojibake_survives_an_intact_export() -> None:
    # On its own "√©" would be read as Mac Roman mojibake of "é"; the intact ✓ in the
    # marker says this file is not mojibake.
    assessment = Assessment(name="√©", items=[ParsedItem(title="caf√©", category="Ã©")])

    assert_round_trip(assessment)


# --- properties and size ---------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8"), min_size=1)
_LINE = st.text(st.characters(codec="utf-8", exclude_characters="\n"), min_size=1)

items_strategy = st.builds(
    ParsedItem,
    title=st.text(st.characters(codec="utf-8", exclude_characters="\n"), min_size=1, max_size=500),
    category=st.text(
        st.characters(codec="utf-8", exclude_characters="\n"), min_size=1, max_size=100
    ),
    status=st.sampled_from(Status),
    priority=st.none() | st.sampled_from(Priority),
    key=st.none() | _LINE,
    owner=st.none() | _LINE,
    due=st.none() | st.dates(),
    effort=st.none() | _TEXT,
    notes=st.none() | _TEXT,
    evidence=st.none() | _TEXT,
    blocked_reason=st.none() | _TEXT,
    waiver_reason=st.none() | _TEXT,
    waiver_until=st.none() | st.dates(),
    scenarios=st.none()
    | st.lists(st.sampled_from(list(Scenario)).map(str) | _LINE, min_size=1, max_size=4).map(tuple),
    depends_on=st.lists(_LINE, max_size=3).map(tuple),
    critical_in=st.lists(st.sampled_from(list(Scenario)).map(str), max_size=2).map(tuple),
    parent=st.none() | _LINE,
)
assessments = st.builds(
    Assessment,
    name=st.none() | _LINE,
    target_date=st.none() | st.dates(),
    scenario=st.none() | _LINE,
    timezone=st.none() | _LINE,
    stated_readiness=st.none() | st.integers(0, 100),
    items=st.lists(items_strategy, max_size=8),
)


@settings(deadline=None)
@given(assessments)
def test_any_assessment_survives_export_and_import(assessment: Assessment) -> None:
    assert_round_trip(assessment)


@pytest.mark.parametrize("items", [5000])
def test_a_5000_item_export_parses_back_whole(items: int) -> None:
    assessment = Assessment(
        name="Big launch",
        items=[
            ParsedItem(
                title=f"Item {index} with `code` and *stars*",
                category=f"Category {index // 50}",
                status=list(Status)[index % 5],
                priority=list(Priority)[index % 4],
                key=f"BIG-{index}",
                owner="@someone",
                effort="1-2 days",
                notes="line one\nline two",
            )
            for index in range(items)
        ],
    )
    markdown = export_markdown(assessment)

    again = parse_assessment(markdown)

    assert len(again.items) == items


# --- spreadsheets ----------------------------------------------------------------------------

# What a spreadsheet cell holds: text without NUL, without spaces at its ends (a cell's
# edges are not data), and for list cells without the separating comma.
_CELL = (
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1)
    .map(str.strip)
    .filter(bool)
)
_LIST_CELL = _CELL.filter(lambda text: "," not in text)
spreadsheet_items = st.builds(
    ParsedItem,
    title=_CELL,
    category=_CELL,
    status=st.sampled_from(Status),
    priority=st.none() | st.sampled_from(Priority),
    key=st.none() | _CELL,
    owner=st.none() | _CELL,
    due=st.none() | st.dates(),
    effort=st.none() | _CELL,
    notes=st.none() | _CELL,
    evidence=st.none() | _CELL,
    blocked_reason=st.none() | _CELL,
    waiver_reason=st.none() | _CELL,
    waiver_until=st.none() | st.dates(),
    scenarios=st.none() | st.lists(_LIST_CELL, min_size=1, max_size=3).map(tuple),
    depends_on=st.lists(_LIST_CELL, max_size=3).map(tuple),
    critical_in=st.lists(st.sampled_from(list(Scenario)).map(str), max_size=2).map(tuple),
    parent=st.none() | _CELL,
)


@settings(deadline=None)
@given(st.lists(spreadsheet_items, max_size=8))
def test_any_checklist_survives_a_csv_round_trip(items: list[ParsedItem]) -> None:
    again = read_csv(write_csv(Assessment(name="Sheet", items=items)))

    assert fields(again.items) == fields(items)


def test_a_checklist_survives_an_xlsx_round_trip() -> None:
    items = [
        ParsedItem(
            title="Rotate keys",
            category="Security",
            status=Status.BLOCKED,
            priority=Priority.CRITICAL,
            key="SEC-1",
            owner="<@U1>",
            due=date(2026, 3, 1),
            notes="one\ntwo",
            evidence="https://ci/1\nrunbook.md, lines 1–3",
            blocked_reason="vendor",
            scenarios=("internet-facing",),
            critical_in=("regulated",),
            depends_on=("SEC-0",),
        ),
        ParsedItem(
            title="MFA", category="Security", status=Status.WAIVED, waiver_until=date(2027, 1, 1)
        ),
    ]

    again = read_xlsx(write_xlsx(Assessment(name="Sheet: one/two", items=items)))

    assert fields(again.items) == fields(items)
