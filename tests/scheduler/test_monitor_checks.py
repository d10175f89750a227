"""run_check dispatch and run_many's bounded, independent concurrency."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commands.monitors.spec import (
    BackupSpec,
    CertSpec,
    CheckResult,
    HeartbeatSpec,
    HttpSpec,
    Spec,
)
from scheduler.monitors.checks.run import run_check, run_many
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.paths import BackupRoots
from tests.fakes.monitor_target import FakeTarget, Reply

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LOOPBACK = AddressPolicy(["127.0.0.1/32"])


def test_run_check_dispatches_an_http_spec() -> None:
    with FakeTarget({"/": Reply()}) as target:
        result = asyncio.run(run_check(HttpSpec(target.url("/")), policy=LOOPBACK, now=NOW))

    assert result.ok
    assert result.detail.startswith("GET ")


def test_run_check_dispatches_a_cert_spec_through_the_policy() -> None:
    spec = CertSpec("10.0.0.9", port=443)
    result = asyncio.run(run_check(spec, policy=AddressPolicy([]), now=NOW))

    assert not result.ok
    assert result.detail.startswith("TLS check of 10.0.0.9:443 refused: 10.0.0.9 is a private")


def test_run_check_compares_a_backup_with_the_previous_result(tmp_path: Path) -> None:
    path = tmp_path / "db-1.sql.gz"
    path.write_bytes(b"x" * 100)
    mtime = (NOW - timedelta(hours=1)).timestamp()
    os.utime(path, (mtime, mtime))
    previous = CheckResult(ok=True, detail="", checked_at=NOW - timedelta(days=1), size=1000)

    result = asyncio.run(
        run_check(
            BackupSpec(str(tmp_path / "db-*.sql.gz")),
            policy=LOOPBACK,
            now=NOW,
            previous=previous,
            backup_roots=BackupRoots([str(tmp_path)]),
        )
    )

    assert result.ok
    assert result.warning == "the newest backup is 10% of the previous backup's size"


def test_run_check_refuses_a_heartbeat() -> None:
    with pytest.raises(ValueError, match="passive"):
        asyncio.run(run_check(HeartbeatSpec("nightly"), policy=LOOPBACK, now=NOW))


def test_run_many_refuses_a_batch_with_a_heartbeat_before_running_anything() -> None:
    with FakeTarget({"/": Reply()}) as target:
        checks: list[tuple[str, Spec, CheckResult | None]] = [
            ("web", HttpSpec(target.url("/")), None),
            ("job", HeartbeatSpec("nightly"), None),
        ]
        with pytest.raises(ValueError, match="'job'"):
            asyncio.run(run_many(checks, policy=LOOPBACK, now=NOW))

    assert target.connections == []


def test_fifty_checks_with_five_hanging_take_about_one_timeout() -> None:
    routes = {f"/fast/{i}": Reply(200, b"ok") for i in range(45)}
    routes |= {f"/hang/{i}": Reply(delay=10) for i in range(5)}
    with FakeTarget(routes) as target:
        checks: list[tuple[str, Spec, CheckResult | None]] = [
            (path, HttpSpec(target.url(path)), None) for path in routes
        ]
        results = asyncio.run(run_many(checks, policy=LOOPBACK, now=NOW, timeout=1))

    assert set(results) == set(routes)
    fast = [r for key, r in results.items() if key.startswith("/fast")]
    hung = [r for key, r in results.items() if key.startswith("/hang")]
    assert all(r.ok for r in fast), [r.detail for r in fast if not r.ok]
    assert all(r.detail.endswith("timed out after 1.0 s") for r in hung)
    assert all(r.duration_ms < 1500 for r in fast)


def test_run_many_never_runs_more_than_the_concurrency_at_once() -> None:
    routes = {f"/slow/{i}": Reply(200, b"ok", delay=0.3) for i in range(6)}
    with FakeTarget(routes) as target:
        checks: list[tuple[int, Spec, CheckResult | None]] = [
            (i, HttpSpec(target.url(path)), None) for i, path in enumerate(routes)
        ]
        results = asyncio.run(run_many(checks, policy=LOOPBACK, now=NOW, concurrency=3))
        peak = target.peak_in_flight

    assert all(r.ok for r in results.values())
    assert peak == 3


def test_a_crashing_check_becomes_a_failed_result_and_the_others_still_run(
    tmp_path: Path,
) -> None:
    # A path the file system itself refuses (the OS raises, nothing here is patched).
    unreadable = str(tmp_path / "back\x00ups" / "*.gz")
    with FakeTarget({"/": Reply()}) as target:
        checks: list[tuple[str, Spec, CheckResult | None]] = [
            ("web", HttpSpec(target.url("/")), None),
            ("db", BackupSpec(unreadable), None),
        ]
        results = asyncio.run(
            run_many(checks, policy=LOOPBACK, now=NOW, backup_roots=BackupRoots([str(tmp_path)]))
        )

    assert results["web"].ok
    assert not results["db"].ok
    assert results["db"].detail == "check crashed: ValueError: embedded null byte"
