"""Typed errors a command can end with. Each one becomes a user-facing reply in one place
(`commands.run`), and none of them changes anything: the transaction is rolled back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum


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
    """No item matches `ref`. The suggestions may be given as a function, computed when first
    read: after the transaction that raised this has ended, so that scoring titles (several
    milliseconds on a big launch) never holds a write lock."""

    def __init__(
        self,
        ref: str,
        suggestions: Sequence[Candidate] | Callable[[], Sequence[Candidate]],
        *,
        usage_verb: str | None = None,
    ) -> None:
        message = f"No item matches “{ref}”."
        super().__init__(message, usage_verb=usage_verb)
        self.ref = ref
        self._suggestions = suggestions if callable(suggestions) else tuple(suggestions)

    @property
    def suggestions(self) -> tuple[Candidate, ...]:
        if callable(self._suggestions):
            self._suggestions = tuple(self._suggestions())
        return self._suggestions


class AmbiguousItem(CommandError):
    def __init__(
        self, ref: str, candidates: Sequence[Candidate], *, usage_verb: str | None = None
    ) -> None:
        message = f"“{ref}” matches {len(candidates)} items; use one of their keys."
        super().__init__(message, usage_verb=usage_verb)
        self.ref = ref
        self.candidates = tuple(candidates)


class Missing(StrEnum):
    """Why a command found no launch to act on."""

    NO_LAUNCHES = "no_launches"  # the workspace has none yet
    UNBOUND = "unbound"  # several launches, and the channel follows none of them
    UNKNOWN_NAME = "unknown_name"  # no launch is called what was typed
    GONE = "gone"  # the launch a button or the Home tab named was deleted


@dataclass(frozen=True)
class LaunchHint:
    """Why there is no launch, and which ones there are: each surface says how to choose one
    (Slack `/ready launch use …`, the CLI `--launch NAME`)."""

    missing: Missing
    launches: tuple[str, ...] = ()  # the workspace's launch names (the first few)
    more: int = 0  # launches not named in `launches`
    name: str | None = None  # the name that matched none (UNKNOWN_NAME)


class NoLaunch(CommandError):
    """The channel has no launch and none could be chosen for it."""

    def __init__(
        self, message: str, *, usage_verb: str | None = None, hint: LaunchHint | None = None
    ) -> None:
        super().__init__(message, usage_verb=usage_verb)
        self.hint = hint


class NotAllowed(CommandError):
    """The user may not do this; the message says who may."""


class Conflict(CommandError):
    """The change does not fit the item's current state (e.g. `done` on a done item)."""
