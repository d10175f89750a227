"""Numbers in words for check details: times ("812 ms", "2.1 s"), ages ("1 d 7 h"), sizes
("480 bytes", "12.3 MiB"), dates ("Mar 3"). Durations come from commands.wording. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from commands import wording


def duration(span: timedelta) -> str:
    """A request-scale time: "34 ms" under a second, else "2.1 s" (commands.wording.latency)."""
    return wording.latency(span)


def age(span: timedelta) -> str:
    """A file's age, as every other span is written: "40 min", "1 d 7 h"."""
    return wording.duration(span)


def size(n: int) -> str:
    """Bytes in binary units: "1 byte", "480 bytes", "12.3 MiB"."""
    if n < 1024:
        return "1 byte" if n == 1 else f"{n} bytes"
    value, unit = n / 1024, "KiB"
    for bigger in ("MiB", "GiB", "TiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"


def days(n: int) -> str:
    """ "1 day", "12 days": a count of days, as a certificate's life is told."""
    return "1 day" if n == 1 else f"{n} days"


def short_date(moment: datetime) -> str:
    """ "Mar 3" (month abbreviation and day, no leading zero)."""
    return f"{moment:%b} {moment.day}"
