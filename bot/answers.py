"""Answers to read-only commands, given again while the database is unchanged.

`/ready status` on a busy launch is asked again and again by people who see the same
thing. Its answer depends only on the database, who asks, where, the text and the time; so
while nothing has been committed (storage.changes) and for at most `fresh_for` after it was
made, the encoded acknowledgement is sent again from the event loop: no worker thread, no
transaction, no rendering, no encoding.

`fresh_for` bounds what time alone changes (an item falling overdue, evidence expiring, a
deadline passing): an answer is never more than that much older than the clock. Anything
committed, by this process or any other on the same file, ends every answer made before it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from commands.context import Context
from commands.lru import LRU

T = TypeVar("T")
log = logging.getLogger(__name__)


class Watch(Protocol):
    """What tells whether the database changed (storage.changes.ChangeWatch)."""

    def mark(self) -> int | None: ...

    def close(self) -> None: ...


class Blind:
    """A watch that can never tell: nothing is kept (the command line, tests of edges)."""

    def mark(self) -> int | None:
        return None

    def close(self) -> None:
        return None


Key = tuple[str, str | None, str, str | None, str]


def key_of(ctx: Context, text: str) -> Key:
    """Everything besides the database and the time that a read-only answer depends on."""
    return (ctx.team_id, ctx.channel_id, ctx.user_id, ctx.user_name, text)


@dataclass(frozen=True)
class _Entry(Generic[T]):
    mark: int  # the database's change mark taken before the answer was made
    made_at: datetime
    answer: T


class Answers(Generic[T]):
    """The newest answer per key, with the mark and time it was made under."""

    def __init__(
        self,
        watch: Watch,
        clock: Callable[[], datetime],
        *,
        fresh_for: timedelta = timedelta(seconds=1),
        size: int = 1024,
    ) -> None:
        self._watch = watch
        self._clock = clock
        self.fresh_for = fresh_for
        self._entries: LRU[Key, _Entry[T]] = LRU(size)
        # Answers being made, touched on the event loop only: the same question asked
        # meanwhile waits for that answer instead of making another (when an answer expires
        # under load, fifty people asking do not make fifty).
        self._making: dict[Key, tuple[int, asyncio.Future[T]]] = {}

    def get(self, key: Key) -> T | None:
        """The answer kept for `key`, if nothing was committed since its mark and it is
        fresh; None otherwise."""
        entry = self._fresh(key)
        return entry.answer if entry is not None and self._watch.mark() == entry.mark else None

    def answer(
        self,
        key: Key,
        make: Callable[[], Awaitable[T]],
        *,
        made_at: datetime,
        keep: Callable[[T], bool],
    ) -> asyncio.Future[T]:
        """The answer to `key`: the one being made, if nothing was committed since it began;
        otherwise `make()`'s, kept once made if `keep` says so. On the event loop."""
        mark = self._watch.mark()
        making = self._making.get(key)
        if mark is not None and making is not None and making[0] == mark:
            return making[1]
        future = asyncio.ensure_future(make())
        if mark is None:
            return future
        self._making[key] = (mark, future)

        def made(done: asyncio.Future[T]) -> None:
            if self._making.get(key, (None, None))[1] is done:
                del self._making[key]
            if done.cancelled():
                return
            if (error := done.exception()) is not None:
                log.warning("answering %s failed: %s", key[-1][:40], error, exc_info=error)
            elif keep(answer := done.result()):
                self._entries.put(key, _Entry(mark, made_at, answer))

        future.add_done_callback(made)
        return future

    def due_for_renewal(self, key: Key) -> bool:
        """Whether the answer kept for `key` is past half its freshness with no newer one
        being made: made again now, in the background, while it is still given, so the
        people asking never wait for the one after it."""
        entry = self._fresh(key)
        return (
            entry is not None
            and key not in self._making
            and self._clock() - entry.made_at >= self.fresh_for / 2
        )

    def _fresh(self, key: Key) -> _Entry[T] | None:
        entry = self._entries.get(key)
        if entry is None or not timedelta(0) <= self._clock() - entry.made_at < self.fresh_for:
            return None
        return entry

    def close(self) -> None:
        self._watch.close()
