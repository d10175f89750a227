"""Stay inside Slack's posting limits instead of relying on 429s.

`Pacer` books, for each message, the earliest moment it may go: at least `interval` seconds
after the previous message to the same channel (Slack allows about one a second), and at
most `rate` messages a second per workspace with bursts of `burst` (a generic cell rate
algorithm: the token bucket's arithmetic, kept as one "theoretical arrival time" per
workspace). A message books the workspace's budget only once its channel is ready, so a
channel waiting out its second never holds other channels back. Booking is synchronous, so
lanes running side by side on one event loop never book the same moment twice.

When Slack answers 429 anyway, its Retry-After is honoured for the whole channel, not just
the message it refused: `hold` keeps the channel's lane from sending anything else until
then (`held`), so the next message neither runs into the same limit nor overtakes the one
waiting. Holds are in the deliverer's clock (datetimes), bookings in monotonic seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Pacer:
    interval: float = 1.0
    rate: float = 4.0
    burst: float = 4.0
    _channel_ready: dict[tuple[str, str], float] = field(default_factory=dict)
    _team_tat: dict[str, float] = field(default_factory=dict)
    _holds: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def hold(self, team: str, channel: str, *, until: datetime) -> None:
        """Slack asked (429, Retry-After) that nothing more go to `channel` before `until`."""
        key = (team, channel)
        self._holds[key] = max(until, self._holds.get(key, until))

    def held(self, team: str, channel: str, now: datetime) -> bool:
        """Whether `channel` is still waiting out a Retry-After at `now`."""
        until = self._holds.get((team, channel))
        if until is not None and until <= now:
            del self._holds[(team, channel)]
            return False
        return until is not None

    def reserve(self, team: str, channel: str, now: float) -> tuple[float, bool]:
        """(seconds to wait from `now`, whether the message is booked). A channel that is
        not ready yet is waited for first, unbooked: ask again then. A ready one books the
        workspace's next slot, which may still be a little way off. Pure arithmetic."""
        ready = self._channel_ready.get((team, channel), now)
        if ready > now:
            return ready - now, False
        period = 1.0 / self.rate
        tolerance = max(0.0, self.burst - 1) * period
        tat = self._team_tat.get(team, now)
        slot = max(now, tat - tolerance)
        self._team_tat[team] = max(tat, slot) + period
        self._channel_ready[(team, channel)] = slot + self.interval
        return slot - now, True

    def started(self, team: str, channel: str, at: float) -> None:
        """A message went out at `at`, later than booked (it waited for a free slot): the
        channel's next one keeps its distance from when it really went."""
        key = (team, channel)
        self._channel_ready[key] = max(self._channel_ready.get(key, at), at + self.interval)

    async def wait(self, team: str, channel: str) -> None:
        """Until the next message to `channel` in `team` may go (and book it)."""
        while True:
            delay, booked = self.reserve(team, channel, time.monotonic())
            if delay > 0:
                await asyncio.sleep(delay)
            if booked:
                return
