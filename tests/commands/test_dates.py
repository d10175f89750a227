from datetime import date

import pytest

from commands.dates import DateError, parse_date

FRIDAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("dec 1", date(2026, 12, 1)),
        ("December 1st", date(2026, 12, 1)),
        ("1 dec", date(2026, 12, 1)),
        ("1st of December 2027", date(2027, 12, 1)),
        ("today", FRIDAY),
        ("tomorrow", date(2026, 11, 21)),
        ("in 2 weeks", date(2026, 12, 4)),
        ("in 3 days", date(2026, 11, 23)),
        ("in a week", date(2026, 11, 27)),
        ("+5d", date(2026, 11, 25)),
        ("monday", date(2026, 11, 23)),
        ("friday", date(2026, 11, 27)),
        ("next friday", date(2026, 11, 27)),
        ("in 1 month", date(2026, 12, 20)),
        ("  Dec  1 ", date(2026, 12, 1)),
    ],
)
def test_it_understands_common_date_forms(text: str, expected: date) -> None:
    assert parse_date(text, today=FRIDAY) == expected


def test_a_month_day_already_past_this_year_means_next_year() -> None:
    assert parse_date("jan 5", today=FRIDAY) == date(2027, 1, 5)


def test_adding_a_month_to_the_31st_lands_on_the_last_day() -> None:
    assert parse_date("in 1 month", today=date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    "text", ["", "soon", "2026-02-30", "feb 30", "13/13", "next blursday", "dec 1 20"]
)
def test_it_rejects_what_is_not_a_date_with_a_hint(text: str) -> None:
    with pytest.raises(DateError) as err:
        parse_date(text, today=FRIDAY)
    assert "2026-12-01" in str(err.value) or "not a valid date" in str(err.value)
