"""Typed errors a command can end with. Each one becomes a user-facing reply in one place
(`commands.run`), and none of them changes anything: the transaction is rolled back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CommandError(Exception):
    """A request readybot understood but cannot carry out; `message` tells the user why."""

    def __init__(self, message: str, *, usage_verb: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage_verb = usage_verb


class UsageError(CommandError):
    """Malformed input: the reply carries the verb's usage line."""


@dataclass(frozen=True)
class Candidate:
    key: str
    title: str


class UnknownItem(CommandError):
    def __init__(
        self, ref: str, suggestions: Sequence[Candidate], *, usage_verb: str | None = None
    ) -> None:
        message = f"No item matches “{ref}”."
        super().__init__(message, usage_verb=usage_verb)
        self.ref = ref
        self.suggestions = tuple(suggestions)


class AmbiguousItem(CommandError):
    def __init__(
        self, ref: str, candidates: Sequence[Candidate], *, usage_verb: str | None = None
    ) -> None:
        message = f"“{ref}” matches {len(candidates)} items; use one of their keys."
        super().__init__(message, usage_verb=usage_verb)
        self.ref = ref
        self.candidates = tuple(candidates)


class NoLaunch(CommandError):
    """The channel has no launch and none could be chosen for it."""


class NotAllowed(CommandError):
    """The user may not do this; the message says who may."""


class Conflict(CommandError):
    """The change does not fit the item's current state (e.g. `done` on a done item)."""
