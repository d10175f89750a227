"""Turn `/ready ...` text into a typed command, or raise UsageError. Pure.

The verb word picks a registered verb (commands.verbs), whose parser reads the rest. Item
references are kept as typed: which words name the item and which are the reason or
evidence can only be decided against the launch's items (commands.refs).
"""

from __future__ import annotations

from commands.errors import UsageError
from commands.parse.words import MAX_IMPORT_TEXT, MAX_TEXT
from commands.verb_help import normalise, split_verb
from commands.verbs import REGISTRY, Command
from commands.verbs.help import unknown_verb_message
from commands.verbs.status import Status


def parse(text: str) -> Command:
    """Parse the text after `/ready`. Empty text means `status`."""
    text = normalise(text)
    if not text:
        return Status()
    verb_word, rest = split_verb(text)
    spec = REGISTRY.find(verb_word.lstrip("/"))
    if spec is None:
        raise UsageError(unknown_verb_message(verb_word), usage_verb="help")
    limit = MAX_IMPORT_TEXT if spec.slow and spec.help.name == "import" else MAX_TEXT
    if len(rest) > limit:
        raise UsageError(
            f"That is too long ({len(rest):,} characters; the limit is {limit:,}).",
            usage_verb=spec.help.name,
        )
    return spec.parse(rest)


def verb_of(text: str) -> str | None:
    """The verb `text` starts with, for routing before parsing it fully."""
    words = normalise(text).split(None, 1)
    spec = REGISTRY.find(words[0]) if words else None
    return spec.help.name if spec else None
