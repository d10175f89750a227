"""A loop that does a pass of work every few seconds, or at once when woken."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from storage.engine import DatabaseUnavailable

log = logging.getLogger(__name__)


class WakeLoop:
    """Run `work` until stopped: again after `poll` seconds, or as soon as `wake()` is called.
    With `sooner`, after whatever it says instead when that is less (the time until the
    next piece of work falls due).

    `wake()` may be called from any thread. A wake during a pass is not lost: the event is
    cleared before each pass, so it starts the next one."""

    def __init__(
        self,
        work: Callable[[], Awaitable[object]],
        *,
        poll: float,
        what: str,
        sooner: Callable[[], float | None] | None = None,
    ) -> None:
        self.work = work
        self.poll = poll
        self.what = what
        self.sooner = sooner
        self._event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        loop, event = self._loop, self._event
        if loop is None or event is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
        else:
            loop.call_soon_threadsafe(event.set)

    async def run(self, stop: asyncio.Event) -> None:
        self._loop, self._event = asyncio.get_running_loop(), asyncio.Event()
        while not stop.is_set():
            self._event.clear()
            try:
                await self.work()
            except DatabaseUnavailable as exc:  # an outage, not a bug: one line, no traceback
                log.warning("%s pass: the database is not answering (%s)", self.what, exc)
            except Exception:
                log.exception("%s pass failed; retrying on the next tick", self.what)
            waiters = [
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(self._event.wait()),
            ]
            due_in = self.sooner() if self.sooner is not None else None
            timeout = self.poll if due_in is None else max(0.01, min(self.poll, due_in))
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
