"""check_http over TLS: it connects to the checked IP yet sends and verifies the real name."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import trustme

from commands.monitors.spec import CheckResult, HttpSpec
from scheduler.monitors.checks.http import check_http
from scheduler.monitors.net import AddressPolicy
from tests.fakes.monitor_net import ScriptedResolver
from tests.fakes.monitor_target import FakeTarget, Reply
from tests.fakes.monitor_tls import client_context, server_context

HOST = "api.example.test"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def serve(ca: trustme.CA, cert_for: str = HOST) -> FakeTarget:
    cert = ca.issue_cert(cert_for, not_after=datetime.now(UTC) + timedelta(days=60))
    return FakeTarget({"/health": Reply(200, b"ok")}, tls=server_context(cert))


def check(target: FakeTarget, **kw: object) -> CheckResult:
    resolver = ScriptedResolver({HOST: ["127.0.0.1"]})
    spec = HttpSpec(target.url("/health", host=HOST), contains="ok")
    policy = AddressPolicy(["127.0.0.1/32"])
    return asyncio.run(check_http(spec, policy=policy, now=NOW, resolver=resolver, **kw))  # type: ignore[arg-type]


def test_https_reaches_the_checked_ip_with_the_real_name_in_sni_and_host(ca: trustme.CA) -> None:
    with serve(ca) as target:
        result = check(target, ssl_context=client_context(ca))

    assert result.ok, result.detail
    assert target.sni == [HOST]
    assert target.requests[0].headers["Host"] == f"{HOST}:{target.port}"
    assert result.facts["address"] == "127.0.0.1"


def test_a_certificate_for_another_name_fails_the_http_check(ca: trustme.CA) -> None:
    with serve(ca, cert_for="other.example") as target:
        result = check(target, ssl_context=client_context(ca))

    assert not result.ok
    assert result.detail == (
        f"GET {target.url('/health', host=HOST)} failed: TLS certificate of {HOST} not accepted "
        f"(Hostname mismatch, certificate is not valid for '{HOST}'.)"
    )
    assert target.requests == []


def test_by_default_a_certificate_outside_the_system_trust_store_is_refused(
    ca: trustme.CA,
) -> None:
    with serve(ca) as target:
        result = check(target)

    assert not result.ok
    assert f"TLS certificate of {HOST} not accepted" in result.detail
    assert target.requests == []
