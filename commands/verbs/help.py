"""`help`: the commands, or one in detail. Declared last, so it lists every other verb.

What it parses with is in commands.verb_help, which the command line also answers
`readybot ready help` from without importing the verbs.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands import verb_help
from commands.context import Context
from commands.model import REGISTRY, Command, Verb, VerbSpec
from commands.replies import HelpReply, Reply
from storage.engine import Store


@dataclass(frozen=True)
class Help(Command):
    verb: str | None = None


def unknown_verb_message(word: str) -> str:
    return verb_help.unknown_verb_message(word, _names())


def _names() -> list[str]:
    return [verb.name for verb in REGISTRY.verbs]


def _find(word: str) -> Verb | None:
    spec = REGISTRY.find(word)
    return spec.help if spec else None


def _parse(rest: str) -> Help:
    return Help(verb_help.topic(rest, _find, _names()))


def _run(_store: Store, _ctx: Context, cmd: Help) -> Reply:
    spec = REGISTRY.find(cmd.verb) if cmd.verb else None
    return HelpReply(REGISTRY.verbs, spec.help if spec else None)


REGISTRY.add(
    VerbSpec(
        Verb(
            "help",
            "help [command]",
            "Show the commands, or one command in detail.",
            ("help", "help block"),
            group="Help",
        ),
        _parse,
        (Help,),
        _run,
        read_only=True,
    )
)
