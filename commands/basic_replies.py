"""The replies made of text alone, errors and help: apart from commands.replies (which
imports storage's models) so that the command line can answer `help` without the ORM.
commands.replies exports them with the others."""

from __future__ import annotations

from dataclasses import dataclass

from commands.errors import Candidate, LaunchHint
from commands.model import Verb


@dataclass(frozen=True)
class ErrorReply:
    """What went wrong. `message` and `usage` are written for Slack (`/ready …`); `verb` and
    `launch_hint` let other surfaces (the CLI, the console) write their own usage and fixes."""

    message: str
    usage: str | None = None
    candidates: tuple[Candidate, ...] = ()  # ambiguous reference: which items it could be
    suggestions: tuple[Candidate, ...] = ()  # unknown reference: the closest items
    unknown: str | None = None  # the reference that matched no item, as typed
    ambiguous: str | None = None  # the reference that matched several items, as typed
    # Ambiguous reference in typed text: the command again with each candidate's key.
    retries: tuple[str, ...] = ()
    verb: str | None = None  # the verb `usage` belongs to (its name), when there is a usage
    launch_hint: LaunchHint | None = None  # no launch to act on: why, and which launches exist
    refused: bool = False  # not allowed: the user lacks the rights (NotAllowed)


@dataclass(frozen=True)
class HelpReply:
    verbs: tuple[Verb, ...]
    detail: Verb | None = None
