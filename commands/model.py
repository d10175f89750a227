"""Typed commands and how a `/ready` verb is declared: once, with its parser, help and handler.

Each group module in commands.verbs declares its verbs with `REGISTRY.add(VerbSpec(...))`:
the command dataclass next to the parser that builds it, the help text `/ready help`, every
error's usage line and the README's command reference come from, and the handler that runs
it. Parsing and dispatch look verbs up here; nothing else lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from commands.context import Context
    from commands.replies import Reply
    from storage.engine import Store


class Command:
    """A parsed `/ready` command: every verb's dataclasses derive from this."""

    __slots__ = ()


@dataclass(frozen=True)
class DateText:
    """A date as typed (`friday`); checked at parse time, resolved in the launch's timezone."""

    text: str


@dataclass(frozen=True)
class MessageRef:
    """A Slack message an item is made from (the shortcut, the reaction): one item per message."""

    channel_id: str
    ts: str


@dataclass(frozen=True)
class Verb:
    """A verb's help: usage line, one-line summary, examples, aliases and details."""

    name: str
    usage: str
    summary: str
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    details: str = ""
    group: str = "Items"


Handler = Callable[["Store", "Context", Any], "Reply"]


@dataclass(frozen=True)
class VerbSpec:
    """One verb: its help, the parser of the text after it, the command types the parser
    returns, and the handler that runs them. `slow` verbs (import, export) are always
    answered after the acknowledgement. `read_only` verbs never write: their answer
    depends only on the database, who asks, where, the text and the time, so an edge may
    give the same answer again while the database is unchanged (bot.answers)."""

    help: Verb
    parse: Callable[[str], Command]
    commands: tuple[type[Command], ...]
    run: Handler
    slow: bool = False
    read_only: bool = False


@dataclass
class Registry:
    specs: list[VerbSpec] = field(default_factory=list)
    by_word: dict[str, VerbSpec] = field(default_factory=dict)
    by_type: dict[type[Command], VerbSpec] = field(default_factory=dict)

    def add(self, spec: VerbSpec) -> VerbSpec:
        for word in (spec.help.name, *spec.help.aliases):
            if word in self.by_word:
                raise ValueError(f"`{word}` is declared twice")
            self.by_word[word] = spec
        for command in spec.commands:
            self.by_type[command] = spec
        self.specs.append(spec)
        return spec

    def find(self, word: str) -> VerbSpec | None:
        """The verb a word names (its name or an alias, any case)."""
        return self.by_word.get(word.lower())

    def spec_of(self, command: Command) -> VerbSpec:
        return self.by_type[type(command)]

    def usage_of(self, verb: str) -> str | None:
        found = self.find(verb)
        return f"/ready {found.help.usage}" if found else None

    @property
    def verbs(self) -> tuple[Verb, ...]:
        return tuple(spec.help for spec in self.specs)


REGISTRY = Registry()
