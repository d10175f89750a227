"""One way to write durations and dates, everywhere."""

from datetime import date, timedelta

import pytest

from commands.wording import day, due, duration, latency


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(seconds=-5), "less than 1 s"),
        (timedelta(seconds=0.4), "less than 1 s"),
        (timedelta(seconds=59), "59 s"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(hours=2, minutes=13, seconds=59), "2 h 13 min"),
        (timedelta(days=3), "3 d"),
        (timedelta(days=3, hours=4, minutes=59), "3 d 4 h"),
        (90, "1 min"),
    ],
)
def test_durations_read_as_people_write_them(span: timedelta | int, expected: str) -> None:
    assert duration(span) == expected


def test_request_times_are_milliseconds_or_tenths_of_seconds() -> None:
    assert latency(0.0342) == "34 ms"
    assert latency(timedelta(seconds=2.14)) == "2.1 s"


TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (date(2026, 12, 4), "Fri Dec 4 (in 3 d)"),
        (date(2026, 12, 1), "Tue Dec 1 (today)"),
        (date(2026, 12, 2), "Wed Dec 2 (tomorrow)"),
        (date(2026, 11, 30), "Mon Nov 30 (1 d ago)"),
        (date(2027, 1, 15), "Fri Jan 15, 2027 (in 45 d)"),
    ],
)
def test_a_day_says_how_far_it_is_from_today(when: date, expected: str) -> None:
    assert day(when, TODAY) == expected


def test_due_dates_say_overdue_today_or_when() -> None:
    assert due(date(2026, 11, 28), TODAY) == "overdue 3 d (due Sat Nov 28)"
    assert due(TODAY, TODAY) == "due today"
    assert due(date(2026, 12, 4), TODAY) == "due Fri Dec 4 (in 3 d)"
    assert due(None, TODAY) == ""
    assert due(date(2026, 12, 4), None) == "due Fri Dec 4"
    assert due(date(2025, 12, 4), TODAY) == "overdue 362 d (due Thu Dec 4, 2025)"
