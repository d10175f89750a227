"""`status`: score, verdict and why, blockers, due items, forecast, what-if."""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.context import Context
from commands.errors import UsageError
from commands.model import REGISTRY, Command, Verb, VerbSpec
from commands.replies import Reply
from commands.status import status
from storage.engine import Store


@dataclass(frozen=True)
class Status(Command):
    launch: str | None = None
    here: bool = False  # post for everyone, not just the asker
    what_if: tuple[str, ...] = ()  # item references assumed done


def parse_status(rest: str) -> Status:
    here = False
    what_if: tuple[str, ...] = ()
    match = re.search(r"(?:^|\s)if\s+(.*)$", rest, re.IGNORECASE | re.DOTALL)
    if match:
        parts = re.split(r"\s*(?:,|\+|\band\b)\s*", match[1].strip())
        what_if = tuple(part for part in parts if part)
        if not what_if:
            raise UsageError("`status if` needs at least one item.", usage_verb="status")
        rest = rest[: match.start()].strip()
    words = rest.split()
    if words and words[-1].lower() == "here":
        here = True
        words = words[:-1]
    if words and words[0].lower() == "here":
        here = True
        words = words[1:]
    return Status(launch=" ".join(words) or None, here=here, what_if=what_if)


def _run(store: Store, ctx: Context, cmd: Status) -> Reply:
    return status(store, ctx, launch_name=cmd.launch, here=cmd.here, what_if=cmd.what_if)


REGISTRY.add(
    VerbSpec(
        Verb(
            "status",
            "status [launch] [here] [if <item>, <item>…]",
            "Score, GO / NO-GO verdict and why, blockers, overdue and next-due items, forecast.",
            ("status", "status here", "status if SSL", "status if SSL, BAA"),
            aliases=("st",),
            details="`here` posts the status for the whole channel. `if` shows what the score "
            "and verdict would be if those items were done.",
            group="Launch",
        ),
        parse_status,
        (Status,),
        _run,
        read_only=True,
    )
)
