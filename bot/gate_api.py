"""`GET /api/v1/launches/<launch>/gate`: the deploy gate over HTTP.

`Authorization: Bearer <token>` with the launch's gate token (`/ready launch token`).
200 `{"verdict": "GO", "decision": …}` when the launch may ship; 409 with the reasons when
it may not; 401 for no token or a wrong one and 403 for another launch's token, with
nothing about the launch revealed; 429 past the rate limit (per token); 400 for a bad
policy. `?require_decision=<hours>` also asks for a GO decision recorded in that time.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.runtime import Runtime
from commands.decision import gate

log = logging.getLogger(__name__)

RATE_PER_MINUTE = 30
BURST = 10
MAX_HOURS = 24 * 90


@dataclass
class RateLimiter:
    """A token bucket per key (the presented token's hash), in this process."""

    per_minute: float = RATE_PER_MINUTE
    burst: float = BURST
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str, now: float | None = None) -> float:
        """0 if allowed; else the seconds to wait."""
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                if len(self._buckets) > 10_000:  # forget the idlest keys
                    for old in sorted(self._buckets, key=lambda k: self._buckets[k][1])[:1000]:
                        del self._buckets[old]
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / rate


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _hours(text: str | None) -> float | None:
    if text is None:
        return None
    number = text.strip().lower().removesuffix("h")
    try:
        hours = float(number)
    except ValueError as exc:
        raise ValueError("require_decision is a number of hours, e.g. require_decision=24") from exc
    if not math.isfinite(hours) or not 0 < hours <= MAX_HOURS:
        raise ValueError(f"require_decision is between 0 and {MAX_HOURS} hours")
    return hours


def gate_endpoint(
    runtime: Runtime, limiter: RateLimiter | None = None
) -> Callable[[Request], Awaitable[Response]]:
    limiter = limiter or RateLimiter()

    async def endpoint(request: Request) -> Response:
        token = _bearer(request)
        key = hashlib.sha256((token or "").encode()).hexdigest()[:32]
        wait = limiter.take(key)
        if wait:
            return JSONResponse(
                {"error": "rate limited"},
                status_code=429,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        try:
            within = _hours(request.query_params.get("require_decision"))
        except ValueError as exc:
            if token is None:
                return JSONResponse(gate.UNAUTHORIZED.body, status_code=401)
            return JSONResponse({"error": str(exc)}, status_code=400)
        answer, found = await runtime.run(
            gate.answer_for_token,
            runtime.store,
            token=token,
            launch_ref=request.path_params["launch"],
            now=runtime.clock(),
            within_hours=within,
        )
        if answer.status in (401, 403):
            log.info(
                "gate refused with %s (token %s)", answer.status, found.hint if found else "unknown"
            )
        headers = {"WWW-Authenticate": "Bearer"} if answer.status == 401 else None
        return JSONResponse(answer.body, status_code=answer.status, headers=headers)

    return endpoint
