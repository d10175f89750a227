"""Run monitor checks: one (`run_check`) or a batch at bounded concurrency (`run_many`).

Heartbeats are passive (the monitored job pings readybot), so there is nothing to run here:
both functions raise ValueError for a HeartbeatSpec.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import TypeVar

from commands.monitors.spec import (
    BackupSpec,
    CertSpec,
    CheckResult,
    HeartbeatSpec,
    HttpSpec,
    Spec,
)
from scheduler.monitors.checks.backup import check_backup
from scheduler.monitors.checks.cert import check_cert
from scheduler.monitors.checks.http import check_http, shared_connections
from scheduler.monitors.net import AddressPolicy, Resolver
from scheduler.monitors.paths import BackupRoots

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
# Past its own timeout a check gets this much longer before run_many gives up on it (the
# checks enforce their timeouts themselves; this only guards against one that does not).
GRACE_SECONDS = 2.0
NO_BACKUPS = BackupRoots()  # READYBOT_BACKUP_PATHS unset: backup monitors watch nothing


async def run_check(
    spec: Spec,
    *,
    policy: AddressPolicy,
    now: datetime,
    previous: CheckResult | None = None,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 10,
    resolver: Resolver | None = None,
    backup_roots: BackupRoots = NO_BACKUPS,
) -> CheckResult:
    """Run the check `spec` describes. `previous` is the monitor's last result (a backup's
    size is compared with it); backups are looked for only under `backup_roots`. Raises
    ValueError for a HeartbeatSpec."""
    match spec:
        case HttpSpec():
            return await check_http(
                spec,
                policy=policy,
                now=now,
                timeout=timeout,
                ssl_context=ssl_context,
                resolver=resolver,
            )
        case CertSpec():
            return await check_cert(
                spec,
                policy=policy,
                now=now,
                timeout=timeout,
                ssl_context=ssl_context,
                resolver=resolver,
            )
        case BackupSpec():
            previous_size = previous.size if previous is not None else None
            return await asyncio.to_thread(
                check_backup, spec, now=now, previous_size=previous_size, roots=backup_roots
            )
        case HeartbeatSpec():
            raise ValueError("heartbeat monitors are passive: there is no check to run")
    raise TypeError(f"not a monitor spec: {spec!r}")


async def run_many(
    checks: Sequence[tuple[K, Spec, CheckResult | None]],
    *,
    policy: AddressPolicy,
    now: datetime,
    concurrency: int = 50,
    timeout: float = 10,
    ssl_context: ssl.SSLContext | None = None,
    resolver: Resolver | None = None,
    backup_roots: BackupRoots = NO_BACKUPS,
    on_result: Callable[[K, CheckResult], object] | None = None,
) -> dict[K, CheckResult]:
    """Run `(key, spec, previous)` checks, at most `concurrency` at once, and return a result
    per key (each also given to `on_result` as soon as it is known). Each check has its own `timeout`, so a slow target costs only its own slot: the
    batch takes about as long as its slowest check (more when checks outnumber
    `concurrency`). A check that crashes becomes a failed result and is logged; the others
    still run. Raises ValueError, before running anything, if a spec is a HeartbeatSpec."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    passive = [key for key, spec, _ in checks if isinstance(spec, HeartbeatSpec)]
    if passive:
        raise ValueError(f"heartbeat monitors are passive, not run: {passive!r}")
    gate = asyncio.Semaphore(concurrency)

    async def one(key: K, spec: Spec, previous: CheckResult | None) -> tuple[K, CheckResult]:
        async with gate:
            try:
                async with asyncio.timeout(timeout + GRACE_SECONDS):
                    result = await run_check(
                        spec,
                        policy=policy,
                        now=now,
                        previous=previous,
                        ssl_context=ssl_context,
                        timeout=timeout,
                        resolver=resolver,
                        backup_roots=backup_roots,
                    )
            except TimeoutError:
                result = _crashed(f"check did not finish within {timeout:.1f} s", now)
            except Exception as exc:
                log.exception("monitor check %r crashed", key)
                result = _crashed(f"check crashed: {type(exc).__name__}: {exc}", now)
            if on_result is not None:
                on_result(key, result)
            return key, result

    async with shared_connections(ssl_context):
        pairs = await asyncio.gather(*(one(key, spec, prev) for key, spec, prev in checks))
    return dict(pairs)


def _crashed(detail: str, now: datetime) -> CheckResult:
    return CheckResult(ok=False, detail=detail, checked_at=now)
