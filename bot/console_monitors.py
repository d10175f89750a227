"""Monitor checks in the local console: while it is open, due checks run in the background
as `serve` runs them (the same MonitorRunner: due checks claimed in the database, results
applied by commands.monitors.apply), on an event loop in a thread of their own."""

from __future__ import annotations

import asyncio
import logging
import threading

from scheduler.monitors.runner import MonitorRunner

log = logging.getLogger(__name__)
TICK_SECONDS = 60  # as `serve`: let time pass for monitors that are down or silenced
STOP_SECONDS = 10  # how long quitting waits for a check in flight


class ConsoleChecks:
    def __init__(self, runner: MonitorRunner, *, tick_seconds: float = TICK_SECONDS) -> None:
        self.runner = runner
        self.tick_seconds = tick_seconds
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._main, name="console-monitors", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=STOP_SECONDS)

    def stop(self) -> None:
        """Stop checking; waits for a check in flight, up to STOP_SECONDS."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=STOP_SECONDS)

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        self._ready.set()
        await asyncio.gather(self.runner.run(self._stop), self._ticks(self._stop))

    async def _ticks(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.tick_seconds)
            except TimeoutError:
                try:
                    await asyncio.to_thread(self.runner.tick_all)
                except Exception:
                    log.exception("monitor tick failed; trying again in a minute")
