"""Verification and dependency verbs: `evidence`, `verify` (now, `every <n>d`, `by monitor
<id> for <duration>`) and `needs`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands import transitions as t
from commands.context import Context
from commands.errors import UsageError
from commands.items.change import ItemChange, change_item
from commands.items.depend import needs
from commands.items.verify import stability_window
from commands.model import REGISTRY, Command, Verb, VerbSpec
from commands.parse.words import require, unquote
from commands.replies import Reply
from storage.engine import Store


@dataclass(frozen=True)
class Evidence(Command):
    text: str  # the reference, then the evidence


@dataclass(frozen=True)
class Verify(Command):
    ref: str


@dataclass(frozen=True)
class VerifyEvery(Command):
    ref: str
    days: int | None  # None: no maximum age


@dataclass(frozen=True)
class VerifyByMonitor(Command):
    ref: str
    monitor_id: int
    hours: float


@dataclass(frozen=True)
class Needs(Command):
    ref: str
    others: tuple[str, ...]
    remove: bool = False


def _parse_evidence(rest: str) -> Evidence:
    require(rest, "evidence", "an item and the evidence (a link or a note)")
    if len(rest.split()) < 2:
        raise UsageError(
            "Give the item and then the evidence: `/ready evidence BAK-1 https://…/restore-test`.",
            usage_verb="evidence",
        )
    return Evidence(rest)


_EVERY = re.compile(r"^(.*?)\s+every\s+(.+?)$", re.IGNORECASE | re.DOTALL)
_BY_MONITOR = re.compile(
    r"^(.*?)\s+by\s+monitor\s+#?(\S+)\s+for\s+(.+?)$", re.IGNORECASE | re.DOTALL
)
_AGE = re.compile(r"(\d{1,4})?\s*(d|days?|w|wks?|weeks?|mo|mos|months?)?", re.IGNORECASE)
_WINDOW = re.compile(
    r"(\d+(?:\.\d+)?)\s*(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)(?![a-z])",
    re.IGNORECASE,
)
_WINDOW_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def _age_days(text: str) -> int:
    """`30d`, `30 days`, `2w`, `2 weeks`, `month`, `3 months` → days (a month is 30)."""
    found = _AGE.fullmatch(text.strip())
    if found and (found[1] or found[2]) and int(found[1] or 1) > 0:
        unit = (found[2] or "d").lower()
        per = 30 if unit.startswith("mo") else 7 if unit[0] == "w" else 1
        return int(found[1] or 1) * per
    raise UsageError(
        f"“{text[:20]}” is not an age: use e.g. `every 30d`, `every 2w`, `every month` or "
        "`every off`.",
        usage_verb="verify",
    )


def _window_hours(text: str) -> float:
    """`72h`, `72 hours`, `3 days`, `2h30m`, `1w` → hours."""
    cleaned = text.strip().lower()
    parts = _WINDOW.findall(cleaned)
    if not parts or re.sub(r"\s+", "", "".join(_WINDOW.sub("", cleaned))):
        raise UsageError(
            f"“{text[:20]}” is not a length of time: use e.g. `for 72h`, `for 3 days` or "
            "`for 90m`.",
            usage_verb="verify",
        )
    return sum(float(n) * _WINDOW_SECONDS[u[0]] for n, u in parts) / 3600


def _parse_verify(rest: str) -> Command:
    rest = require(rest, "verify", "an item").strip()
    if match := _BY_MONITOR.match(rest):
        if not match[2].isdigit():
            raise UsageError(
                f"Name the monitor by its number, not “{match[2][:30]}”: `/ready monitor list` "
                "shows them, e.g. `/ready verify API by monitor 3 for 72h`.",
                usage_verb="verify",
            )
        hours = _window_hours(match[3])
        return VerifyByMonitor(unquote(match[1].strip()), int(match[2]), hours)
    if match := _EVERY.match(rest):
        span = match[2].strip().lower()
        if span in ("off", "never", "none"):
            return VerifyEvery(unquote(match[1].strip()), None)
        return VerifyEvery(unquote(match[1].strip()), _age_days(span))
    if re.search(r"\s(by|every)\s", f" {rest} ", re.IGNORECASE):
        raise UsageError(
            "Say `verify <item>`, `verify <item> every 30d` or "
            "`verify <item> by monitor <id> for 72h`.",
            usage_verb="verify",
        )
    return Verify(rest)


def _run_verify(store: Store, ctx: Context, cmd: Command) -> Reply:
    match cmd:
        case VerifyEvery(ref, days):
            how = ItemChange("verify", lambda _c, _l, item, _r: t.verify_every(item, days=days))
            return change_item(store, ctx, ref, how)
        case VerifyByMonitor(ref, monitor_id, hours):
            return stability_window(store, ctx, ref=ref, monitor_id=monitor_id, hours=hours)
        case Verify(ref):
            how = ItemChange(
                "verify", lambda c, _l, item, _r: t.verify(item, actor=c.user_id, now=c.now)
            )
            return change_item(store, ctx, ref, how)
    raise TypeError(cmd)


def _run_evidence(store: Store, ctx: Context, cmd: Evidence) -> Reply:
    how = ItemChange(
        "add evidence to",
        lambda c, _l, item, rest: t.add_evidence(item, actor=c.user_id, evidence=rest, now=c.now),
        split=True,
    )
    return change_item(store, ctx, cmd.text, how)


_NEEDS = re.compile(r"^(.*?)\s+(?:needs|on|after|requires)\s+(.*)$", re.IGNORECASE | re.DOTALL)


def _parse_needs(rest: str) -> Needs:
    rest = require(rest, "needs", "an item and what it needs").strip()
    remove = False
    if match := re.match(r"^(.*?)\s+not\s+(.*)$", rest, re.IGNORECASE | re.DOTALL):
        head, tail, remove = match[1], match[2], True
    elif match := _NEEDS.match(rest):
        head, tail = match[1], match[2]
    else:
        quoted = re.match(r'^("[^"]+"|\S+)\s+(.*)$', rest, re.DOTALL)
        if not quoted:
            raise UsageError(
                "Say which item needs which: `/ready needs SSL DNS` or "
                '`/ready needs "go-live smoke test" SSL, CDN`.',
                usage_verb="needs",
            )
        head, tail = quoted[1], quoted[2]
    others = tuple(unquote(part.strip()) for part in re.split(r",|\band\b", tail) if part.strip())
    if not others:
        raise UsageError("Name what it needs after the item.", usage_verb="needs")
    return Needs(unquote(head.strip()), others, remove)


REGISTRY.add(
    VerbSpec(
        Verb(
            "evidence",
            "evidence <item> <link or text>",
            "Attach evidence to an item; on a done item it verifies the claim.",
            (
                "evidence BAK-1 https://wiki.example.com/restore-test-2026-11",
                "evidence SSL ticket OPS-12",
            ),
            details="Done can carry evidence too: `/ready done SSL https://…`.",
            group="Verification",
        ),
        _parse_evidence,
        (Evidence,),
        _run_evidence,
    )
)
REGISTRY.add(
    VerbSpec(
        Verb(
            "verify",
            "verify <item> [every <n>d | every off | by monitor <id> for <duration>]",
            "Confirm a done item, give its evidence a maximum age, or complete it by a monitor "
            "that stays up.",
            ("verify BAK-1", "verify BAK-1 every 30d", "verify HEALTH by monitor 3 for 72h"),
            details="An item marked done only by an import is *claimed* until a person confirms "
            "it, evidence is attached, or a linked monitor is up. With `every 30d` the item goes "
            "back to needing verification when its evidence is 30 days old, and its owner is "
            "reminded. With `by monitor` it is done once the monitor has been up that long "
            "without a break, and reopened if the monitor fails before the launch.",
            group="Verification",
        ),
        _parse_verify,
        (Verify, VerifyEvery, VerifyByMonitor),
        _run_verify,
    )
)
REGISTRY.add(
    VerbSpec(
        Verb(
            "needs",
            "needs <item> <other>[, <other>…] | needs <item> not <other>",
            "Say that an item cannot finish before others (or no longer needs one).",
            ("needs SSL DNS", 'needs "go-live smoke test" SSL, CDN', "needs SSL not DNS"),
            details="A dependency that would make a cycle is refused. Status and the digest "
            "show the critical path to the target date and what a late or blocked item holds up.",
            group="Verification",
        ),
        _parse_needs,
        (Needs,),
        lambda store, ctx, cmd: needs(
            store, ctx, ref=cmd.ref, others=cmd.others, remove=cmd.remove
        ),
    )
)
