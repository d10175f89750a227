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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from commands.context import Context
from commands.lru import LRU

T = TypeVar("T")


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

    def mark(self) -> int | None:
        """Take before making an answer; give it to `keep` with the answer."""
        return self._watch.mark()

    def keep(self, key: Key, mark: int | None, made_at: datetime, answer: T) -> None:
        if mark is not None:
            self._entries.put(key, _Entry(mark, made_at, answer))

    def get(self, key: Key) -> T | None:
        """The answer kept for `key`, if nothing was committed since its mark and it is
        fresh; None otherwise."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        age = self._clock() - entry.made_at
        if not timedelta(0) <= age < self.fresh_for or self._watch.mark() != entry.mark:
            return None
        return entry.answer

    def being_made(self, key: Key, mark: int | None) -> asyncio.Future[T] | None:
        """The answer to `key` being made under `mark` (nothing committed since it began)."""
        making = self._making.get(key)
        if mark is None or making is None or making[0] != mark:
            return None
        return making[1]

    def making(self, key: Key, mark: int | None, answer: asyncio.Future[T]) -> None:
        """`answer` to `key` is being made under `mark`, until it is done."""
        if mark is None:
            return
        self._making[key] = (mark, answer)

        def done(_: asyncio.Future[T]) -> None:
            if self._making.get(key, (None, None))[1] is answer:
                del self._making[key]

        answer.add_done_callback(done)

    def close(self) -> None:
        self._watch.close()
