"""check_cert against local TLS servers with trustme certificates, and its pure judgement."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from commands.monitors.spec import CertSpec, CheckResult
from scheduler.monitors.checks.cert import (
    Certificate,
    VerifyError,
    check_cert,
    judge_certificate,
    warn_threshold,
)
from scheduler.monitors.checks.wording import short_date
from scheduler.monitors.net import AddressPolicy
from tests.fakes.monitor_net import ConnectionGuard, ScriptedResolver
from tests.fakes.monitor_target import FakeTarget, free_port
from tests.fakes.monitor_tls import client_context, self_signed_context, server_context

HOST = "api.example.test"
LOOPBACK = AddressPolicy(["127.0.0.1/32"])


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def now() -> datetime:
    # OpenSSL checks validity against the real clock, so these tests use it too.
    return datetime.now(UTC)


def serve(tls: ssl.SSLContext) -> FakeTarget:
    return FakeTarget({}, tls=tls)


def check(
    target: FakeTarget, ca: trustme.CA, now: datetime, policy: AddressPolicy = LOOPBACK
) -> CheckResult:
    resolver = ScriptedResolver({HOST: ["127.0.0.1"]})
    spec = CertSpec(HOST, port=target.port)
    return asyncio.run(
        check_cert(
            spec,
            policy=policy,
            now=now,
            ssl_context=client_context(ca),
            resolver=resolver,
            timeout=5,
        )
    )


def leaf(ca: trustme.CA, now: datetime, *, days: float, host: str = HOST) -> trustme.LeafCert:
    return ca.issue_cert(
        host,
        not_before=now - timedelta(days=30),
        not_after=now + timedelta(days=days),
    )


def test_a_valid_certificate_is_ok_with_its_days_left_and_fingerprint(
    ca: trustme.CA, now: datetime
) -> None:
    cert = leaf(ca, now, days=90.1)
    with serve(server_context(cert)) as target:
        result = check(target, ca, now)

    expires = now + timedelta(days=90.1)
    assert result.ok, result.detail
    assert result.detail == f"certificate for {HOST} expires in 90 days ({short_date(expires)})"
    assert result.warning is None
    assert result.warn_threshold is None
    pem = cert.cert_chain_pems[0].bytes()
    der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    assert result.fingerprint == hashlib.sha256(der).hexdigest()
    assert target.sni == [HOST]
    assert result.facts["address"] == "127.0.0.1"


def test_a_certificate_expiring_in_five_days_warns_at_the_seven_day_threshold(
    ca: trustme.CA, now: datetime
) -> None:
    with serve(server_context(leaf(ca, now, days=5.2))) as target:
        result = check(target, ca, now)

    assert result.ok, result.detail
    assert result.warn_threshold == 7
    assert result.warning is not None
    assert result.warning.startswith(f"certificate for {HOST} expires in 5 days (")


def test_an_expired_certificate_is_a_failure_saying_when_it_expired(
    ca: trustme.CA, now: datetime
) -> None:
    with serve(server_context(leaf(ca, now, days=-2.2))) as target:
        result = check(target, ca, now)

    assert not result.ok
    assert result.detail == f"certificate for {HOST} expired 2 days ago"
    assert result.fingerprint is not None  # read anyway, over an unverified connection


def test_a_certificate_for_another_host_is_a_failure_naming_that_host(
    ca: trustme.CA, now: datetime
) -> None:
    with serve(server_context(leaf(ca, now, days=60, host="other.example"))) as target:
        result = check(target, ca, now)

    assert not result.ok
    assert result.detail == f"certificate for {HOST} is for other.example"


def test_a_self_signed_certificate_is_a_failure(
    ca: trustme.CA, now: datetime, tmp_path: Path
) -> None:
    with serve(self_signed_context(HOST, tmp_path)) as target:
        result = check(target, ca, now)

    assert not result.ok
    assert result.detail == f"certificate for {HOST} is self-signed (not trusted)"


def test_a_certificate_from_an_unknown_ca_is_a_failure_naming_the_issuer(
    ca: trustme.CA, now: datetime
) -> None:
    stranger = trustme.CA(organization_name="Stranger CA")
    with serve(server_context(leaf(stranger, now, days=60))) as target:
        result = check(target, ca, now)

    assert not result.ok
    assert result.detail.startswith(f"certificate for {HOST} is issued by ")
    assert result.detail.endswith(", which is not trusted")


def test_without_an_allow_entry_the_loopback_server_is_never_contacted(
    ca: trustme.CA, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard = ConnectionGuard().install(monkeypatch)
    with serve(server_context(leaf(ca, now, days=60))) as target:
        result = check(target, ca, now, AddressPolicy([]))

    assert not result.ok
    assert result.detail.startswith(
        f"TLS check of {HOST}:{target.port} refused: {HOST} resolves to 127.0.0.1, a loopback"
    )
    assert target.connections == []
    assert guard.attempts == []


def test_a_closed_port_is_a_failure_saying_the_connection_failed(
    ca: trustme.CA, now: datetime
) -> None:
    spec = CertSpec("127.0.0.1", port=free_port())
    result = asyncio.run(check_cert(spec, policy=LOOPBACK, now=now))

    assert not result.ok
    assert result.detail.startswith(f"TLS check of 127.0.0.1:{spec.port} failed: could not connect")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections (kernel backlog) but never speaks TLS."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_a_server_that_never_completes_the_handshake_times_out(
    now: datetime, silent_port: int
) -> None:
    spec = CertSpec("127.0.0.1", port=silent_port)
    result = asyncio.run(check_cert(spec, policy=LOOPBACK, now=now, timeout=0.5))

    assert not result.ok
    assert result.detail == f"TLS connection to 127.0.0.1:{silent_port} timed out after 0.5 s"


@pytest.mark.parametrize(
    ("days_left", "threshold"), [(30, None), (21, 21), (15, 21), (12, 14), (5, 7), (0, 7)]
)
def test_the_threshold_is_the_smallest_one_at_or_above_the_days_left(
    days_left: int, threshold: int | None
) -> None:
    assert warn_threshold(days_left, (21, 14, 7)) == threshold


def certificate(not_after: datetime, *, names: tuple[str, ...] = (HOST,)) -> Certificate:
    return Certificate(
        names=names,
        issuer="Example CA",
        self_signed=False,
        not_before=not_after - timedelta(days=90),
        not_after=not_after,
        fingerprint="ab" * 32,
    )


def test_twelve_days_left_warns_at_fourteen_with_the_date() -> None:
    now = datetime(2025, 2, 19, 9, 0, tzinfo=UTC)
    cert = certificate(datetime(2025, 3, 3, 12, 0, tzinfo=UTC))

    ok, detail, warning, threshold = judge_certificate(
        "api.example.com", cert, now=now, warn_days=(21, 14, 7)
    )

    assert ok
    assert warning == detail == "certificate for api.example.com expires in 12 days (Mar 3)"
    assert threshold == 14


def test_expired_by_the_given_now_is_a_failure_even_if_verification_passed() -> None:
    now = datetime(2025, 3, 5, 13, 0, tzinfo=UTC)
    cert = certificate(datetime(2025, 3, 3, 12, 0, tzinfo=UTC))

    ok, detail, warning, _ = judge_certificate("api.example.com", cert, now=now, warn_days=(7,))

    assert not ok
    assert detail == "certificate for api.example.com expired 2 days ago"
    assert warning is None


def test_a_wrong_host_lists_every_name_the_certificate_is_for() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    cert = certificate(
        datetime(2025, 3, 3, tzinfo=UTC), names=("other.example", "www.other.example")
    )
    error = VerifyError(62, "Hostname mismatch")

    ok, detail, _, _ = judge_certificate(
        "api.example.com", cert, now=now, warn_days=(7,), verify_error=error
    )

    assert not ok
    assert detail == "certificate for api.example.com is for other.example, www.other.example"
