"""`help`: the commands, or one in detail. Declared last, so it lists every other verb."""

from __future__ import annotations

from dataclasses import dataclass

from commands.context import Context
from commands.errors import UsageError
from commands.model import REGISTRY, Command, Verb, VerbSpec
from commands.replies import HelpReply, Reply
from storage.engine import Store


@dataclass(frozen=True)
class Help(Command):
    verb: str | None = None


def unknown_verb_message(word: str) -> str:
    from rapidfuzz import process

    shown = word[:30]
    names = [verb.name for verb in REGISTRY.verbs]
    best = process.extractOne(word.lower(), names, score_cutoff=75)
    hint = f" Did you mean `{best[0]}`?" if best else ""
    return f"I don't know the command “{shown}”.{hint} Type `/ready help` for the list."


def _parse(rest: str) -> Help:
    if not rest:
        return Help()
    word = rest.split()[0].lower()
    spec = REGISTRY.find(word)
    if spec is None:
        raise UsageError(unknown_verb_message(word), usage_verb="help")
    return Help(spec.help.name)


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
