"""What a monitor checks, and what one check found. Pure data shared by the checks (I/O), the
state machine (pure) and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Kind(StrEnum):
    HTTP = "http"
    CERT = "cert"
    BACKUP = "backup"
    HEARTBEAT = "heartbeat"


@dataclass(frozen=True)
class HttpSpec:
    url: str  # http(s)://host[:port]/path, no credentials
    expect_status: int = 200
    within: timedelta = timedelta(seconds=5)  # slower than this is a failure
    contains: str | None = None  # the body must contain this text


@dataclass(frozen=True)
class CertSpec:
    host: str
    port: int = 443
    warn_days: tuple[int, ...] = (21, 14, 7)  # descending


@dataclass(frozen=True)
class BackupSpec:
    pattern: str  # a glob, e.g. /var/backups/db-*.sql.gz
    max_age: timedelta = timedelta(hours=26)
    min_size: int = 1  # bytes


@dataclass(frozen=True)
class HeartbeatSpec:
    name: str
    period: timedelta = timedelta(hours=24)
    grace: timedelta = timedelta(hours=1)


Spec = HttpSpec | CertSpec | BackupSpec | HeartbeatSpec


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome. `detail` is the failing (or observed) value in words, as an alert
    shows it: "GET /health returned 503 in 2.1 s", "certificate for api.example.com expires in 3 days".
    """

    ok: bool
    detail: str
    checked_at: datetime
    duration_ms: float = 0.0
    # A warning that is not an outage (a certificate nearing expiry, a backup half the size of
    # the last one): reported separately, once.
    warning: str | None = None
    # Certificates: the expiry threshold crossed (e.g. 14) and the certificate's fingerprint,
    # so each threshold warns once per certificate and a new certificate starts over.
    warn_threshold: int | None = None
    fingerprint: str | None = None
    # Backups: the newest file's size, to compare with the next check's.
    size: int | None = None
    facts: dict[str, str] = field(default_factory=dict)
