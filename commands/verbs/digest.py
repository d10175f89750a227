"""`digest` (show, at …, off, on, now, unchanged line|none) and `remind` (on, off)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from commands.context import Context
from commands.digests import schedule
from commands.errors import UsageError
from commands.model import REGISTRY, Command, Verb, VerbSpec
from commands.parse.words import parse_timezone
from commands.replies import Reply
from commands.timing import ScheduleError, parse_days, parse_time
from storage.engine import Store


@dataclass(frozen=True)
class DigestShow(Command):
    pass


@dataclass(frozen=True)
class DigestSet(Command):
    at: str  # "09:00"
    timezone: str | None = None  # None: the launch's
    days: str | None = None  # canonical "mon,tue,…"; None: as before


@dataclass(frozen=True)
class DigestOff(Command):
    pass


@dataclass(frozen=True)
class DigestOn(Command):
    pass


@dataclass(frozen=True)
class DigestNow(Command):
    pass


@dataclass(frozen=True)
class DigestUnchanged(Command):
    mode: Literal["line", "none"]


def parse_digest(rest: str) -> Command:
    words = rest.split()
    if not words:
        return DigestShow()
    first = words[0].lower()
    if len(words) == 1:
        if first in ("off", "stop", "pause"):
            return DigestOff()
        if first in ("on", "start", "resume"):
            return DigestOn()
        if first in ("now", "post"):
            return DigestNow()
    if first == "unchanged":
        mode = words[1].lower() if len(words) == 2 else ""
        if mode == "line":
            return DigestUnchanged("line")
        if mode == "none":
            return DigestUnchanged("none")
        raise UsageError(
            "Say `digest unchanged line` (one line on quiet days) or `digest unchanged none`.",
            usage_verb="digest",
        )
    if first != "at" or len(words) < 2:
        raise UsageError(
            f"`digest {words[0][:20]}` is not something I know: use at, off, on, now or unchanged.",
            usage_verb="digest",
        )
    try:
        at = parse_time(words[1]).strftime("%H:%M")
        timezone = days = None
        for word in words[2:]:
            if "/" in word or word.upper() == "UTC":
                timezone = parse_timezone(word, "digest")
            elif days is None:
                days = parse_days(word)
            else:
                days = parse_days(f"{days},{word}")
    except ScheduleError as exc:
        raise UsageError(str(exc), usage_verb="digest") from None
    return DigestSet(at=at, timezone=timezone, days=days)


def _run_digest(store: Store, ctx: Context, cmd: Command) -> Reply:
    match cmd:
        case DigestShow():
            return schedule.show(store, ctx)
        case DigestNow():
            return schedule.post_now(store, ctx)
        case DigestOff():
            return schedule.change(store, ctx, enabled=False)
        case DigestOn():
            return schedule.change(store, ctx, enabled=True)
        case DigestUnchanged(mode):
            return schedule.change(store, ctx, unchanged=mode)
        case DigestSet(at, timezone, days):
            return schedule.change(store, ctx, at=at, timezone=timezone, days=days)
    raise AssertionError(f"not a digest command: {cmd!r}")


DIGEST = REGISTRY.add(
    VerbSpec(
        Verb(
            "digest",
            "digest [at <HH:MM> [timezone] [weekdays | daily | mon,wed,fri] | off | on | now | "
            "unchanged line | none]",
            "Show or set this channel's daily digest; `now` posts one at once.",
            (
                "digest",
                "digest at 09:30 Europe/London weekdays",
                "digest at 8:00 mon,wed,fri",
                "digest now",
                "digest off",
                "digest unchanged none",
            ),
            details="The digest tells what changed since the last one and by whom, blockers, "
            "overdue and soon-due items, expiring waivers, the score trend and the forecast. "
            "Default for a bound channel: 09:00 in the launch's timezone, Monday to Friday. "
            "`unchanged none` posts nothing on days without news (`line`, the default, posts one "
            "line).",
            group="Launch",
        ),
        parse_digest,
        (DigestShow, DigestSet, DigestOff, DigestOn, DigestNow, DigestUnchanged),
        _run_digest,
    )
)


def changes_schedule(command: Command) -> bool:
    """Whether the command changed a digest schedule (cron jobs are re-synced after it)."""
    return isinstance(command, DigestSet | DigestOff | DigestOn | DigestUnchanged)


@dataclass(frozen=True)
class Remind(Command):
    enabled: bool | None  # None: show


def _parse_remind(rest: str) -> Remind:
    word = rest.strip().lower()
    if not word:
        return Remind(None)
    if word in ("on", "off"):
        return Remind(word == "on")
    raise UsageError(f"`remind {word[:20]}`: say `remind on` or `remind off`.", usage_verb="remind")


REGISTRY.add(
    VerbSpec(
        Verb(
            "remind",
            "remind [on | off]",
            "Turn your daily direct message about your overdue items on or off.",
            ("remind", "remind off", "remind on"),
            group="Launch",
        ),
        _parse_remind,
        (Remind,),
        lambda store, ctx, cmd: schedule.remind(store, ctx, enabled=cmd.enabled),
    )
)
