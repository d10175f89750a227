"""check_http against local fake services: status, speed, body, redirects, caps, timeouts."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from commands.monitors.spec import CheckResult, HttpSpec
from scheduler.monitors.checks.http import check_http
from scheduler.monitors.net import AddressPolicy
from tests.fakes.monitor_net import ConnectionGuard, ScriptedResolver
from tests.fakes.monitor_target import FakeTarget, Reply, free_port

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LOOPBACK = AddressPolicy(["127.0.0.1/32"])


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> ConnectionGuard:
    return ConnectionGuard().install(monkeypatch)


def check(spec: HttpSpec, policy: AddressPolicy = LOOPBACK, **kw: object) -> CheckResult:
    return asyncio.run(check_http(spec, policy=policy, now=NOW, **kw))  # type: ignore[arg-type]


def test_a_fast_200_is_ok_and_says_how_long_it_took() -> None:
    with FakeTarget({"/health": Reply(200, b"all ok")}) as target:
        result = check(HttpSpec(target.url("/health"), contains="ok"))

    assert result.ok
    assert re.fullmatch(
        rf"GET {re.escape(target.url('/health'))} returned 200 in \d+ ms", result.detail
    )
    assert result.checked_at == NOW
    assert result.facts["status"] == "200"
    assert result.facts["address"] == "127.0.0.1"


def test_it_sends_the_real_host_in_the_host_header() -> None:
    resolver = ScriptedResolver({"status.internal": ["127.0.0.1"]})
    policy = AddressPolicy(["status.internal"])
    with FakeTarget({"/": Reply()}) as target:
        url = target.url("/", host="status.internal")
        result = check(HttpSpec(url), policy, resolver=resolver)

    assert result.ok, result.detail
    assert target.requests[0].headers["Host"] == f"status.internal:{target.port}"
    assert resolver.lookups == ["status.internal"]


def test_a_503_is_a_failure_naming_the_status() -> None:
    with FakeTarget({"/health": Reply(503, b"down")}) as target:
        result = check(HttpSpec(target.url("/health")))

    assert not result.ok
    assert re.fullmatch(r"GET \S+/health returned 503 in \d+ ms", result.detail)


def test_an_unexpected_status_names_the_expected_one() -> None:
    with FakeTarget({"/": Reply(200)}) as target:
        result = check(HttpSpec(target.url("/"), expect_status=204))

    assert not result.ok
    assert result.detail.endswith(", expected 204")


def test_a_slow_answer_is_a_failure_saying_how_slow() -> None:
    with FakeTarget({"/slow": Reply(200, delay=0.4)}) as target:
        result = check(HttpSpec(target.url("/slow"), within=timedelta(milliseconds=100)))

    assert not result.ok
    assert re.fullmatch(r"GET \S+/slow answered in \d{3} ms, slower than 100 ms", result.detail)
    assert result.duration_ms >= 400


def test_a_body_without_the_expected_text_is_a_failure() -> None:
    with FakeTarget({"/health": Reply(200, b'{"status": "degraded"}')}) as target:
        result = check(HttpSpec(target.url("/health"), contains='"status": "ok"'))

    assert not result.ok
    assert result.detail == f'GET {target.url("/health")} did not contain ""status": "ok""'


def test_a_service_that_never_answers_times_out() -> None:
    with FakeTarget({"/hang": Reply(delay=10)}) as target:
        result = check(HttpSpec(target.url("/hang")), timeout=0.5)

    assert not result.ok
    assert result.detail == f"GET {target.url('/hang')} timed out after 0.5 s"


def test_a_closed_port_is_a_failure_saying_the_connection_failed() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    result = check(HttpSpec(url))

    assert not result.ok
    assert result.detail.startswith(f"GET {url} failed: could not connect to 127.0.0.1 port")


def test_a_huge_body_is_read_only_up_to_the_cap() -> None:
    with FakeTarget({"/big": Reply(200, b"x" * 65536, endless=True)}) as target:
        result = check(HttpSpec(target.url("/big"), contains="needle"), max_body=200_000)

    assert not result.ok
    assert result.detail.endswith('did not contain "needle" in its first 195.3 KiB')
    assert result.facts["body_bytes"] == "200000"


def redirects(n: int) -> dict[str, Reply]:
    """/r{n} -> /r{n-1} -> ... -> /r1 -> /ok: a chain of n redirects."""
    routes = {
        f"/r{i}": Reply(302, b"", headers={"Location": f"/r{i - 1}"}) for i in range(2, n + 1)
    }
    routes["/r1"] = Reply(301, b"", headers={"Location": "/ok"})
    routes["/ok"] = Reply(200, b"ok")
    return routes


@pytest.mark.parametrize("hops", [1, 3])
def test_it_follows_up_to_three_redirects(hops: int) -> None:
    with FakeTarget(redirects(hops)) as target:
        result = check(HttpSpec(target.url(f"/r{hops}"), contains="ok"))

    assert result.ok, result.detail
    plural = "s" if hops > 1 else ""
    assert result.detail.endswith(f"after {hops} redirect{plural} to {target.url('/ok')}")
    assert [seen.path for seen in target.requests][-1] == "/ok"


def test_a_fourth_redirect_is_a_failure() -> None:
    with FakeTarget(redirects(4)) as target:
        result = check(HttpSpec(target.url("/r4")))

    assert not result.ok
    assert result.detail == f"GET {target.url('/r4')} failed: redirected more than 3 times"
    assert "/ok" not in [seen.path for seen in target.requests]


def test_a_redirect_expected_as_the_status_is_not_followed() -> None:
    with FakeTarget(redirects(1)) as target:
        result = check(HttpSpec(target.url("/r1"), expect_status=301))

    assert result.ok, result.detail
    assert [seen.path for seen in target.requests] == ["/r1"]


def test_a_redirect_to_cloud_metadata_is_refused_mid_chain(guard: ConnectionGuard) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/"
    with FakeTarget({"/": Reply(302, b"", headers={"Location": metadata})}) as target:
        result = check(HttpSpec(target.url("/")))

    assert not result.ok
    assert result.detail == (
        f"GET {target.url('/')} refused: redirect to {metadata}: "
        "169.254.169.254 is link-local (cloud metadata)"
    )
    assert guard.hosts() == ["127.0.0.1"]


def test_a_redirect_to_another_loopback_address_is_refused(guard: ConnectionGuard) -> None:
    with FakeTarget({"/": Reply(302, b"", headers={"Location": "http://127.0.0.2:9/"})}) as target:
        result = check(HttpSpec(target.url("/")))

    assert not result.ok
    assert (
        "refused: redirect to http://127.0.0.2:9/: 127.0.0.2 is a loopback address" in result.detail
    )
    assert guard.hosts() == ["127.0.0.1"]


def test_a_redirect_to_a_dead_port_says_which_hop_failed() -> None:
    dead = f"http://127.0.0.1:{free_port()}/"
    with FakeTarget({"/": Reply(302, b"", headers={"Location": dead})}) as target:
        result = check(HttpSpec(target.url("/")))

    assert not result.ok
    assert result.detail.startswith(
        f"GET {target.url('/')} failed: redirect to {dead}: could not connect to 127.0.0.1 port"
    )


def test_a_redirect_to_another_scheme_is_refused() -> None:
    with FakeTarget(
        {"/": Reply(302, b"", headers={"Location": "ftp://files.example/x"})}
    ) as target:
        result = check(HttpSpec(target.url("/")))

    assert not result.ok
    assert result.detail.endswith(
        "refused: redirect to ftp://files.example/x: only http and https URLs can be monitored, not ftp"
    )


def test_without_an_allow_entry_loopback_is_refused_before_any_connection(
    guard: ConnectionGuard,
) -> None:
    with FakeTarget({"/": Reply()}) as target:
        result = check(HttpSpec(target.url("/")), AddressPolicy([]))

    assert not result.ok
    assert result.detail == (
        f"GET {target.url('/')} refused: 127.0.0.1 is a loopback address; "
        "allow it with READYBOT_MONITOR_ALLOW=127.0.0.1/32"
    )
    assert target.connections == []
    assert guard.attempts == []


def test_a_name_that_does_not_resolve_is_a_failure() -> None:
    resolver = ScriptedResolver({})
    result = check(HttpSpec("https://nowhere.example/health"), resolver=resolver)

    assert not result.ok
    assert result.detail.startswith(
        "GET https://nowhere.example/health failed: nowhere.example did not resolve"
    )


def test_dns_rebinding_cannot_steer_the_connection_to_loopback(guard: ConnectionGuard) -> None:
    # First answer public, second loopback: the check must connect to the first answer only.
    resolver = ScriptedResolver({"rebind.example": [["93.184.215.14"], ["127.0.0.1"]]})
    with FakeTarget({"/": Reply()}) as target:
        url = target.url("/", host="rebind.example")
        result = check(HttpSpec(url), AddressPolicy([]), resolver=resolver)

    assert resolver.lookups == ["rebind.example"]
    assert guard.hosts() == ["93.184.215.14"]  # refused by the guard: nothing left the machine
    assert target.connections == []
    assert not result.ok
    assert "could not connect to 93.184.215.14" in result.detail


def test_dns_rebinding_between_two_loopback_servers_reaches_only_the_checked_one() -> None:
    resolver = ScriptedResolver({"svc.test": [["127.0.0.1"], ["127.0.0.2"]]})
    with FakeTarget({"/": Reply()}) as good, FakeTarget({"/": Reply()}, host="127.0.0.2") as bad:
        result = check(HttpSpec(good.url("/", host="svc.test")), resolver=resolver)

    assert result.ok, result.detail
    assert len(good.requests) == 1
    assert bad.connections == []
    assert resolver.lookups == ["svc.test"]


def test_an_answer_with_one_private_address_refuses_the_whole_name(guard: ConnectionGuard) -> None:
    resolver = ScriptedResolver({"mixed.example": ["93.184.215.14", "10.0.0.8"]})
    result = check(HttpSpec("http://mixed.example/"), AddressPolicy([]), resolver=resolver)

    assert not result.ok
    assert "mixed.example resolves to 10.0.0.8, a private address" in result.detail
    assert guard.attempts == []


def test_a_compressed_body_is_decoded_before_looking_for_the_text() -> None:
    import gzip

    reply = Reply(200, gzip.compress(b"all ok"), headers={"Content-Encoding": "gzip"})
    with FakeTarget({"/health": reply}) as target:
        result = check(HttpSpec(target.url("/health"), contains="all ok"))

    assert result.ok, result.detail
    assert result.facts["body_bytes"] == "6"
