"""Numbers in words for check details: durations ("812 ms", "2.1 s", "31 h"), sizes
("480 bytes", "12.3 MiB"), dates ("Mar 3"). Pure."""

from __future__ import annotations

from datetime import datetime, timedelta


def duration(span: timedelta) -> str:
    """A request-scale duration: "34 ms" under a second, else "2.1 s"."""
    seconds = span.total_seconds()
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    return f"{seconds:.1f} s"


def age(span: timedelta) -> str:
    """A file-scale age: "40 min" under an hour, "31 h" under three days, else "4.5 days"."""
    hours = span.total_seconds() / 3600
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 72:
        return f"{round(hours, 1):g} h"
    return f"{round(hours / 24, 1):g} days"


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
    """ "1 day", "12 days"."""
    return "1 day" if n == 1 else f"{n} days"


def short_date(moment: datetime) -> str:
    """ "Mar 3" (month abbreviation and day, no leading zero)."""
    return f"{moment:%b} {moment.day}"
