"""The words verbs share: people, priorities, scenarios, dates, timezones, quoting. Pure.

Each helper raises UsageError naming the verb whose usage line the reply should show.
"""

from __future__ import annotations

import re
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.dates import DATE_HELP, DateError, NoSuchDay, check_date
from commands.errors import UsageError
from commands.model import DateText
from storage.vocabulary import Priority, Scenario

MAX_TEXT = 4_000  # Slack caps slash command text well below this; imports use their own limit
MAX_IMPORT_TEXT = 200_000
MAX_TITLE = 500
KEY_PATTERN = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_PLAIN_USER = re.compile(r"^@([\w.\-]{1,64})$")
_PRIORITY_WORDS = {
    "critical": Priority.CRITICAL,
    "crit": Priority.CRITICAL,
    "c": Priority.CRITICAL,
    "p0": Priority.CRITICAL,
    "high": Priority.HIGH,
    "h": Priority.HIGH,
    "p1": Priority.HIGH,
    "medium": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "m": Priority.MEDIUM,
    "p2": Priority.MEDIUM,
    "low": Priority.LOW,
    "l": Priority.LOW,
    "p3": Priority.LOW,
}
_SCENARIOS = {s.value: s.value for s in Scenario} | {
    "public": Scenario.INTERNET_FACING.value,
    "internet": Scenario.INTERNET_FACING.value,
    "internet_facing": Scenario.INTERNET_FACING.value,
    "external": Scenario.INTERNET_FACING.value,
    "compliance": Scenario.REGULATED.value,
}
ITEM_WHAT = "an item (a key like SSL, or words from its title)"
_T = TypeVar("_T")


def require(rest: str, verb: str, what: str) -> str:
    if not rest:
        raise UsageError(f"`{verb}` needs {what}.", usage_verb=verb)
    return rest


def check_quotes(rest: str, verb: str) -> None:
    if rest.count('"') % 2 or rest.count("“") != rest.count("”"):
        raise UsageError("There is an unclosed quote.", usage_verb=verb)


def unquote(text: str) -> str:
    return text.strip().strip('"“”')


def date_text(text: str, verb: str) -> DateText:
    try:
        check_date(text)
    except DateError as exc:
        raise UsageError(str(exc), usage_verb=verb) from exc
    return DateText(text.strip())


def is_date(text: str) -> bool:
    try:
        check_date(text)
    except DateError:
        return False
    return True


def split_trailing_date(rest: str, verb: str) -> tuple[str, str]:
    """`SSL next friday` -> ("SSL", "next friday"): the longest tail that is a date. A tail
    shaped like a date that does not exist (`SSL 31 feb`) says why."""
    words = rest.split()
    impossible: NoSuchDay | None = None
    for size in range(min(4, len(words) - 1), 0, -1):
        tail = " ".join(words[-size:])
        try:
            check_date(tail)
        except NoSuchDay as exc:
            impossible = impossible or exc
            continue
        except DateError:
            continue
        return " ".join(words[:-size]), tail
    if impossible is not None:
        raise UsageError(str(impossible), usage_verb=verb)
    raise UsageError(f"I could not find a date at the end: give {DATE_HELP}.", usage_verb=verb)


def longest_date(words: list[str], start: int) -> tuple[int, str] | None:
    """The most words from `start` on (at most 4) that read as a date, and that text."""
    for size in range(min(4, len(words) - start), 0, -1):
        text = " ".join(words[start : start + size])
        if is_date(text):
            return size, text
    return None


def parse_user(token: str) -> str | None:
    """A Slack mention (`<@U123|bob>`) or `@name`; the stored form is the id or the name."""
    if m := _MENTION.match(token):
        return m[1]
    if m := _PLAIN_USER.match(token):
        return m[1]
    return None


def parse_priority(word: str, verb: str) -> Priority:
    found = _PRIORITY_WORDS.get(word.lower().lstrip("!"))
    if found is None:
        raise UsageError(
            f"“{word}” is not a priority: use critical, high, medium or low.", usage_verb=verb
        )
    return found


def parse_scenario(word: str, verb: str) -> str:
    found = _SCENARIOS.get(word.lower().strip())
    if found is None:
        raise UsageError(
            f"“{word}” is not a scenario: use internal, internet-facing or regulated.",
            usage_verb=verb,
        )
    return found


def parse_timezone(text: str, verb: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"“{name[:60]}” is not a timezone: use an IANA name such as Europe/London or "
            "America/New_York.",
            usage_verb=verb,
        ) from None
    return name


def set_once(current: _T | None, value: _T, what: str, verb: str) -> _T:
    if current is not None and current != value:
        raise UsageError(
            f"Give the {what} once (I saw “{current}” and “{value}”).", usage_verb=verb
        )
    return value
