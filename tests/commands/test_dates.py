import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.dates import DateError, parse_date

FRIDAY = date(2026, 11, 20)
MONDAY = date(2026, 11, 16)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SHORT = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


@pytest.mark.parametrize("text", ["", "soon", "13/13", "next blursday", "dec 1 20", "friday week"])
def test_it_rejects_what_is_not_a_date_with_examples_of_dates(text: str) -> None:
    with pytest.raises(DateError) as err:
        parse_date(text, today=FRIDAY)
    assert "2026-12-01" in str(err.value)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31 feb", "February has at most 29 days"),  # whatever the year
        ("feb 29", "February has 28 days in 2027"),  # February 2026 has passed: 2027's
        ("feb 30 2028", "February has 29 days in 2028"),
        ("2026-02-30", "February has 28 days in 2026"),
        ("apr 31", "April has 30 days"),
        ("31st of june", "June has 30 days"),
        ("2026-13-01", "there is no month 13"),
        ("0 dec", "days of the month start at 1"),
        ("in 99999 months", "too far away"),
        ("in 999999999 days", "too far away"),
    ],
)
def test_a_day_that_does_not_exist_says_why(text: str, why: str) -> None:
    with pytest.raises(DateError) as err:
        parse_date(text, today=FRIDAY)
    assert why in str(err.value) and text in str(err.value)


def test_feb_29_is_a_date_when_it_lands_in_a_leap_year() -> None:
    assert parse_date("feb 29", today=date(2027, 6, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday", date(2026, 11, 20)),  # this week's
        ("this friday", date(2026, 11, 20)),
        ("next friday", date(2026, 11, 27)),  # next week's
        ("monday", date(2026, 11, 23)),  # today is Monday: the coming one is a week on
        ("next monday", date(2026, 11, 23)),
        ("sunday", date(2026, 11, 22)),
        ("next sunday", date(2026, 11, 29)),
        ("next tue", date(2026, 11, 24)),
    ],
)
def test_next_weekday_is_in_next_week(text: str, expected: date) -> None:
    assert parse_date(text, today=MONDAY) == expected


_DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31))


@given(today=_DAYS, weekday=st.integers(0, 6), short=st.booleans())
def test_a_weekday_name_is_the_coming_one(today: date, weekday: int, short: bool) -> None:
    name = (SHORT if short else WEEKDAYS)[weekday]
    found = parse_date(name, today=today)
    assert found.weekday() == weekday
    assert today < found <= today + timedelta(days=7)
    assert parse_date(f"this {name}", today=today) == found


@given(today=_DAYS, weekday=st.integers(0, 6))
def test_next_weekday_falls_in_the_week_after_this_one(today: date, weekday: int) -> None:
    found = parse_date(f"next {WEEKDAYS[weekday]}", today=today)
    assert found.weekday() == weekday
    this_monday = today - timedelta(days=today.weekday())
    assert this_monday + timedelta(days=7) <= found < this_monday + timedelta(days=14)
    coming = parse_date(WEEKDAYS[weekday], today=today)
    # The coming day is this week's while it has not come yet, otherwise next week's.
    assert found == (coming + timedelta(days=7) if coming.weekday() > today.weekday() else coming)


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@given(today=_DAYS, month=st.integers(1, 12), day=st.integers(1, 31))
def test_a_month_day_is_the_next_one_or_says_why_not(today: date, month: int, day: int) -> None:
    try:
        found = parse_date(f"{day} {MONTHS[month - 1]}", today=today)
    except DateError as err:
        assert day >= 29 and " has " in str(err) and " days" in str(err)
        assert bool(re.search(r" in \d{4}\.", str(err))) == (
            month == 2 and day == 29
        )  # the year only if it decides
        return
    assert (found.month, found.day) == (month, day)
    assert timedelta(0) <= found - today < timedelta(days=366)


def test_checking_before_the_launchs_today_accepts_any_month_day_some_year_has() -> None:
    from commands.dates import NoSuchDay, check_date

    check_date("feb 29")  # a leap year has it; the launch's today decides later
    check_date("next friday")
    with pytest.raises(NoSuchDay, match="February has at most 29 days"):
        check_date("30 feb")
    with pytest.raises(DateError, match="2026-12-01"):
        check_date("whenever")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("due SSL 31 feb", "“31 feb” is not a date: February has at most 29 days."),
        ("due configure ssl 31st of june", "June has 30 days"),
        ("launch new Checkout date apr 31", "April has 30 days"),
        ("waive SSL accepted until 2026-02-29", "February has 28 days in 2026"),
    ],
)
def test_a_command_with_a_day_that_does_not_exist_says_why(text: str, why: str) -> None:
    from commands.errors import UsageError
    from commands.parse.text import parse

    with pytest.raises(UsageError) as err:
        parse(text)
    assert why in err.value.message


def test_feb_29_is_judged_in_the_year_it_lands_in_when_the_command_runs(store) -> None:
    from tests.commands.helpers import fails, ok
    from tests.conftest import make_ctx

    ctx = make_ctx("alice")  # on Friday 2026-11-20
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL key SSL")
    error = fails(store, ctx, "due SSL feb 29")
    assert "“feb 29” is not a date: February has 28 days in 2027." in error.message
    assert error.usage == "/ready due <item> <date> | T-<n>d | none"
