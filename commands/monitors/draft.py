"""Monitor definitions as people write them (`/ready monitor add …`) or declare them in YAML
(READYBOT_MONITORS): both become a MonitorDraft through the same validation. Pure."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from commands.errors import UsageError

KINDS = ("http", "cert", "backup", "heartbeat")
DEFAULT_INTERVAL = {"http": 60, "cert": 6 * 3600, "backup": 15 * 60, "heartbeat": 60}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w)", re.I)
_UNITS = {
    "ms": 0.001,
    "s": 1,
    "sec": 1,
    "secs": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
}
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$", re.I)
_SIZE_UNITS = {
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
}
_HOST = re.compile(r"^[A-Za-z0-9.-]+$")


@dataclass(frozen=True)
class MonitorDraft:
    kind: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)  # JSON-ready: durations in seconds
    item: str | None = None  # an item reference, resolved against the launch later
    interval: int = 60  # seconds between checks
    fail_after: int = 3
    recover_after: int = 2


def parse_duration(text: str, what: str = "duration") -> float:
    """`30s`, `1m`, `26h`, `2h30m`, `500ms`, `1d` → seconds."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = _DURATION.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise UsageError(
            f"“{text}” is not a {what}: use e.g. 30s, 5m, 26h, 1d or 500ms.", usage_verb="monitor"
        )
    return sum(float(n) * _UNITS[u] for n, u in parts)


def parse_size(text: str) -> int:
    match = _SIZE.match(text.strip())
    if not match:
        raise UsageError(
            f"“{text}” is not a size: use e.g. 1MB, 500KB or 2GB.", usage_verb="monitor"
        )
    return int(float(match[1]) * _SIZE_UNITS[(match[2] or "b").lower()])


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UsageError("Monitors check http:// or https:// URLs only.", usage_verb="monitor")
    if parts.username or parts.password or "@" in parts.netloc:
        raise UsageError(
            "Leave credentials out of monitor URLs; health endpoints should not need them.",
            usage_verb="monitor",
        )
    if not parts.hostname or not _HOST.match(parts.hostname.strip("[]").replace(":", "")):
        raise UsageError(f"“{url}” has no usable host name.", usage_verb="monitor")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"“{url}” has an invalid port.", usage_verb="monitor") from None
    if port is not None and not 1 <= port <= 65535:
        raise UsageError(f"“{url}” has an invalid port.", usage_verb="monitor")
    return url


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.strip().rpartition(":") if text.count(":") == 1 else (text.strip(), "", "")
    host = host or text.strip()
    if not _HOST.match(host):
        raise UsageError(
            f"“{text}” is not a host name (e.g. api.example.com or api.example.com:8443).",
            usage_verb="monitor",
        )
    if port and (not port.isdigit() or not 1 <= int(port) <= 65535):
        raise UsageError(f"“{text}” has an invalid port.", usage_verb="monitor")
    return host.lower(), int(port) if port else 443


OPTIONS = {  # what may follow the target, in a command or a YAML entry
    "item",
    "every",
    "expect",
    "within",
    "contains",
    "warn",
    "max-age",
    "min-size",
    "period",
    "grace",
    "fails",
    "recovers",
}


def _int(data: dict[str, Any], key: str, default: int) -> int:
    try:
        return int(data.get(key, default))
    except (TypeError, ValueError):
        raise UsageError(
            f"`{key}` must be a whole number, not “{data.get(key)}”.", usage_verb="monitor"
        ) from None


def draft_from_mapping(data: dict[str, Any]) -> MonitorDraft:
    """Validate one monitor given as a mapping (from YAML, or from parsed command words)."""
    kinds = [k for k in KINDS if k in data]
    if len(kinds) != 1:
        raise UsageError(
            "Give exactly one of http, cert, backup or heartbeat.", usage_verb="monitor"
        )
    kind = kinds[0]
    target = str(data[kind]).strip()
    params: dict[str, Any] = {}
    if kind == "http":
        name = check_url(target)
        params = {
            "url": name,
            "expect_status": _int(data, "expect", 200),
            "within": parse_duration(str(data.get("within", "5s")), "time limit"),
            "contains": str(data["contains"]) if data.get("contains") is not None else None,
        }
        if not 100 <= params["expect_status"] <= 599:
            raise UsageError("`expect` is an HTTP status such as 200 or 204.", usage_verb="monitor")
    elif kind == "cert":
        host, port = _host_port(target)
        name = f"{host}:{port}" if port != 443 else host
        warn = data.get("warn", (21, 14, 7))
        if isinstance(warn, str):
            warn = [w for w in re.split(r"[,\s]+", warn) if w]
        try:
            days = sorted({int(w) for w in warn}, reverse=True)
        except (TypeError, ValueError):
            raise UsageError(
                "`warn` is a list of days such as 21,14,7.", usage_verb="monitor"
            ) from None
        if not days or days[-1] < 0:
            raise UsageError("`warn` is a list of days such as 21,14,7.", usage_verb="monitor")
        params = {"host": host, "port": port, "warn_days": days}
    elif kind == "backup":
        if not target.startswith("/") or any(ord(c) < 32 for c in target):
            raise UsageError(
                "A backup pattern is an absolute path with wildcards, e.g. /var/backups/db-*.sql.gz.",
                usage_verb="monitor",
            )
        name = target
        params = {
            "pattern": target,
            "max_age": parse_duration(str(data.get("max-age", "26h")), "maximum age"),
            "min_size": parse_size(str(data.get("min-size", "1"))),
        }
    else:
        if not re.fullmatch(r"[A-Za-z0-9][\w.-]{0,99}", target):
            raise UsageError(
                "A heartbeat name is letters, digits, dots, dashes, e.g. nightly-backup.",
                usage_verb="monitor",
            )
        name = target
        params = {
            "name": target,
            "period": parse_duration(str(data.get("period", "24h")), "period"),
            "grace": parse_duration(str(data.get("grace", "1h")), "grace"),
        }
    interval = (
        parse_duration(str(data["every"]), "interval")
        if "every" in data
        else DEFAULT_INTERVAL[kind]
    )
    if interval < 10:
        raise UsageError("Check at most every 10 seconds.", usage_verb="monitor")
    # A heartbeat is a report, not a sample: one missing or failed beat is the outage.
    default_fails, default_recovers = (1, 1) if kind == "heartbeat" else (3, 2)
    fail_after, recover_after = (
        _int(data, "fails", default_fails),
        _int(data, "recovers", default_recovers),
    )
    if not (1 <= fail_after <= 20 and 1 <= recover_after <= 20):
        raise UsageError("`fails` and `recovers` are counts from 1 to 20.", usage_verb="monitor")
    unknown = set(data) - {kind, "launch", "channel"} - OPTIONS
    if unknown:
        raise UsageError(
            f"Unknown monitor option{'s' if len(unknown) > 1 else ''}: {', '.join(sorted(unknown))}.",
            usage_verb="monitor",
        )
    return MonitorDraft(
        kind,
        name,
        params,
        str(data["item"]) if data.get("item") else None,
        int(interval),
        fail_after,
        recover_after,
    )


def draft_from_words(text: str) -> MonitorDraft:
    """`https://api/health item SSL every 1m expect 200 within 500ms contains "ok"`,
    `cert api.example.com:443 warn 21,14,7`, `backup /var/backups/db-*.sql.gz max-age 26h`,
    `heartbeat nightly-backup period 24h grace 1h`."""
    try:
        words = shlex.split(text.replace("“", '"').replace("”", '"'))
    except ValueError:
        raise UsageError("There is an unclosed quote.", usage_verb="monitor") from None
    if not words:
        raise UsageError(
            "`monitor add` needs a URL, or cert, backup or heartbeat and a target.",
            usage_verb="monitor",
        )
    data: dict[str, Any]
    if words[0].lower() in ("cert", "backup", "heartbeat", "http"):
        if len(words) < 2:
            raise UsageError(f"`monitor add {words[0]}` needs a target.", usage_verb="monitor")
        data, rest = {words[0].lower(): words[1]}, words[2:]
    elif re.match(r"^https?://", words[0], re.I):
        data, rest = {"http": words[0]}, words[1:]
    else:
        raise UsageError(
            f"“{words[0][:60]}” is not a URL, cert, backup or heartbeat.", usage_verb="monitor"
        )
    if len(rest) % 2:
        raise UsageError(f"Option “{rest[-1]}” needs a value.", usage_verb="monitor")
    for flag, value in zip(rest[::2], rest[1::2], strict=True):
        if flag.lower() not in OPTIONS:
            raise UsageError(f"“{flag}” is not a monitor option.", usage_verb="monitor")
        data[flag.lower()] = value
    return draft_from_mapping(data)
