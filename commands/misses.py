"""A change command whose item reference names no item, answered from a snapshot.

`block SECC-12 …` on a 5,000-item launch changes nothing: its reply is "No item matches"
with suggestions. Run as a command, it still takes SQLite's one write lock, records the
delivery and rolls back, so a few people mistyping at once make everyone's changes wait.
The reply depends only on the launch's items (no permission, no time, no delivery key: the
reference is resolved before any of those is looked at), so while nothing has been
committed since `references` were read (bot.misses), it is the reply `locate` gives.
"""

from __future__ import annotations

from commands.errors import CommandError, UnknownItem
from commands.items.find import References, locate
from commands.replies import ErrorReply
from commands.run import error_reply
from commands.verbs import REGISTRY, Command
from commands.verbs.items import ChangeCommand, how_to_change


def miss(refs: References, command: Command) -> ErrorReply | None:
    """The reply `command` gets because it names no item of `refs`' launch; None when it
    names one (or is not a change of one item): then it must run."""
    if not isinstance(command, ChangeCommand):
        return None
    text, how = how_to_change(command)
    try:
        locate(refs, text, split=how.split, verb=how.verb)
    except UnknownItem as exc:
        return error_reply(exc, verb=REGISTRY.spec_of(command).help.name)
    except CommandError:
        return None  # ambiguous, say: its reply retypes the command, the full path's job
    return None
