"""The database probe behind /healthz and /metrics: an answer within a second, always.

A probe runs the outbox backlog query in a worker thread. Whoever asks waits at most
`budget` seconds for it; a database that does not answer by then is reported as such
(/healthz says 503) while the probe goes on in the background, bounded by the database
timeouts (storage.engine). Only one probe runs at a time: asking again while one is stuck
waits on that one instead of piling threads onto a dead database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from storage.engine import DatabaseUnavailable

log = logging.getLogger(__name__)
Probe = Callable[[], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class Health:
    ok: bool
    database: str  # "ok", "not answering", "unreachable"
    backlog: dict[str, int] = field(default_factory=dict)


class HealthProbe:
    """`await check()` gives the database's health within `budget` seconds."""

    def __init__(self, probe: Probe, *, budget: float = 0.8) -> None:
        self.probe = probe
        self.budget = budget
        self._running: asyncio.Task[dict[str, int]] | None = None

    async def check(self) -> Health:
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(self.probe())
        try:
            backlog = await asyncio.wait_for(asyncio.shield(self._running), self.budget)
        except TimeoutError:
            log.warning("health check: the database did not answer within %.1f s", self.budget)
            return Health(ok=False, database="not answering")
        except DatabaseUnavailable as exc:
            log.warning("health check: the database is not answering (%s)", exc)
            return Health(ok=False, database="not answering")
        except Exception as exc:
            log.warning("health check: database unreachable: %s", type(exc).__name__)
            return Health(ok=False, database="unreachable")
        return Health(ok=True, database="ok", backlog=backlog)
