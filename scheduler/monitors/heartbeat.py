"""Heartbeat monitors are passive: a job reports in, and readybot judges the silence. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from commands.monitors.spec import CheckResult
from commands.wording import duration

PING_KINDS = ("success", "start", "fail")


def ping_kind(suffix: str | None) -> str:
    """The hook path's last part: none → success, `start`, `fail`, or an exit code."""
    if not suffix:
        return "success"
    if suffix in ("start", "fail"):
        return suffix
    if suffix.isdigit() and int(suffix) <= 255:
        return "success" if int(suffix) == 0 else f"exit:{int(suffix)}"
    raise ValueError(f"unknown heartbeat signal {suffix!r}: use /start, /fail or /<exit code>")


def judge(
    *,
    name: str,
    period: timedelta,
    grace: timedelta,
    last_success: datetime | None,
    last_kind: str | None,
    last_at: datetime | None,
    since: datetime,
    now: datetime,
) -> CheckResult:
    """A failure when the job said it failed, or when no success came within period + grace
    of the last one (or of when the monitor started waiting)."""
    if (
        last_kind is not None
        and (last_kind == "fail" or last_kind.startswith("exit:"))
        and last_at is not None
    ):
        how = (
            "reported failure"
            if last_kind == "fail"
            else f"exited with code {last_kind.split(':')[1]}"
        )
        return CheckResult(False, f"{name} {how} at {last_at:%b %d %H:%M} UTC", now)
    base = last_success or since
    silence = now - base
    if silence > period + grace:
        expected = f"expected every {duration(period)} + {duration(grace)} grace"
        return CheckResult(
            False, f"no heartbeat from {name} for {duration(silence)} ({expected})", now
        )
    if last_success is None:
        return CheckResult(True, f"waiting for the first heartbeat from {name}", now)
    return CheckResult(True, f"last heartbeat from {name} {duration(silence)} ago", now)
