"""Mistyped item references answered on the event loop, without the write lock.

A change command that names no item gets "No item matches …" and changes nothing
(commands.misses). Once one such reply has come from a channel, its launch's references are
read in the background and kept with the database's change mark (storage.changes); while
nothing has been committed since, the next change command from that channel is checked
against them first: a reference that names no item is answered at once, with no worker
thread and no transaction, so typos never queue behind, or in front of, real changes. A
reference that does name an item runs as always.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.answers import Watch
from commands.context import Context
from commands.items.find import References
from commands.lru import LRU
from commands.misses import miss
from commands.replies import ErrorReply
from commands.verbs import Command

Where = tuple[str, str | None]  # (team, channel): what decides the launch a command acts on


@dataclass(frozen=True)
class _Known:
    mark: int  # the database's change mark taken before the references were read
    refs: References


class Misses:
    """Per channel, the references read after its last miss, valid while nothing changed."""

    def __init__(self, watch: Watch, *, size: int = 256) -> None:
        self._watch = watch
        self._known: LRU[Where, _Known] = LRU(size)
        self._reading: set[Where] = set()  # on the event loop only

    def reply(self, ctx: Context, command: Command) -> ErrorReply | None:
        """The miss reply `command` gets, if it is one and the channel's references still
        hold; None: run the command."""
        if ctx.launch_id is not None:  # a launch named in the command's context: run it
            return None
        known = self._known.get((ctx.team_id, ctx.channel_id))
        if known is None or self._watch.mark() != known.mark:
            return None
        return miss(known.refs, command)

    def learn(
        self, ctx: Context, read: Callable[[], Awaitable[References | None]]
    ) -> Awaitable[None] | None:
        """A miss came from `ctx`'s channel the long way: the work that reads its references
        for the misses that may follow (to run in the background), or None when they are
        known already, being read, or cannot be kept (a database that cannot tell changes)."""
        where = (ctx.team_id, ctx.channel_id)
        mark = self._watch.mark()
        if ctx.launch_id is not None or mark is None or where in self._reading:
            return None
        known = self._known.get(where)
        if known is not None and known.mark == mark:
            return None
        self._reading.add(where)
        return self._fill(where, mark, read)

    async def _fill(
        self, where: Where, mark: int, read: Callable[[], Awaitable[References | None]]
    ) -> None:
        try:
            refs = await read()
        finally:
            self._reading.discard(where)
        if refs is not None:
            self._known.put(where, _Known(mark, refs))
