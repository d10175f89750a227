"""The outbound address policy: what a monitor may reach, and the words when it may not."""

from __future__ import annotations

import asyncio
import re
import socket
from datetime import UTC, datetime
from ipaddress import ip_address

import pytest

from commands.monitors.spec import HttpSpec
from scheduler.monitors.checks.http import check_http
from scheduler.monitors.checks.url import Target, parse_url
from scheduler.monitors.net import (
    AddressPolicy,
    IPAddress,
    Refused,
    Unresolvable,
    ip_literal,
    resolve_allowed,
)
from tests.fakes.monitor_net import ConnectionGuard, ScriptedResolver
from tests.fakes.monitor_target import FakeTarget, Reply

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NOBODY = AddressPolicy([])


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> ConnectionGuard:
    return ConnectionGuard().install(monkeypatch)


def resolve(
    host: str, policy: AddressPolicy = NOBODY, resolver: ScriptedResolver | None = None
) -> list[IPAddress]:
    return asyncio.run(resolve_allowed(host, 443, policy, resolver=resolver))


LOOPBACK_HINT = "allow it with READYBOT_MONITOR_ALLOW=127.0.0.1/32"
# (what the URL names, the refusal it must get). `{port}` is the recording server's port, so
# a check that wrongly connected to loopback would show up in its connection log.
SSRF_TABLE = [
    ("127.0.0.1:{port}", f"127.0.0.1 is a loopback address; {LOOPBACK_HINT}"),
    ("localhost:{port}", "localhost resolves to (127.0.0.1|::1), a loopback address"),
    ("10.1.2.3", "10.1.2.3 is a private address; allow it with READYBOT_MONITOR_ALLOW=10.1.2.3/32"),
    ("172.16.0.1", "172.16.0.1 is a private address"),
    ("192.168.1.1", "192.168.1.1 is a private address"),
    ("169.254.169.254", r"169.254.169.254 is link-local \(cloud metadata\)$"),
    ("100.64.0.1", r"100.64.0.1 is in the shared address space 100.64.0.0/10 \(CGNAT\)"),
    ("0.0.0.0:{port}", "0.0.0.0 is the unspecified address, never a monitor target$"),
    ("[::1]:{port}", "::1 is a loopback address; allow it with READYBOT_MONITOR_ALLOW=::1/128"),
    (
        "[::ffff:127.0.0.1]:{port}",
        f"::ffff:127.0.0.1 is IPv4-mapped 127.0.0.1, a loopback address; {LOOPBACK_HINT}",
    ),
    ("[fe80::1]", "fe80::1 is a link-local address"),
    ("2130706433:{port}", f"2130706433 is 127.0.0.1, a loopback address; {LOOPBACK_HINT}"),
    ("0x7f000001:{port}", "0x7f000001 is 127.0.0.1, a loopback address"),
    ("017700000001:{port}", "017700000001 is 127.0.0.1, a loopback address"),
    ("0x7f.1:{port}", "0x7f.1 is 127.0.0.1, a loopback address"),
    ("[2002:7f00:1::]", "2002:7f00:1:: is 6to4 for 127.0.0.1, a loopback address"),
    (
        "[64:ff9b::a9fe:a9fe]",
        r"64:ff9b::a9fe:a9fe is NAT64 for 169.254.169.254, link-local \(cloud metadata\)",
    ),
    ("http://user:pw@example.com", r"URLs with credentials \(user:password@host\) are not allowed"),
    ("ftp://x", "only http and https URLs can be monitored, not ftp"),
    ("file:///etc/passwd", "only http and https URLs can be monitored, not file"),
    ("http://example.com:99999/", r"port 99999 is out of range \(1-65535\)"),
]


@pytest.mark.parametrize(("where", "reason"), SSRF_TABLE, ids=[w for w, _ in SSRF_TABLE])
def test_each_ssrf_target_is_refused_with_its_reason_and_no_connection(
    where: str, reason: str, guard: ConnectionGuard
) -> None:
    with FakeTarget({"/": Reply()}) as server:
        url = where if "://" in where else f"http://{where.format(port=server.port)}/"
        result = asyncio.run(check_http(HttpSpec(url), policy=NOBODY, now=NOW))

    assert not result.ok
    assert re.match(rf"GET {re.escape(url)} refused: {reason}", result.detail), result.detail
    assert server.connections == []
    assert guard.attempts == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "017700000001", "0x7f.1", "127.1"])
def test_numeric_ipv4_forms_are_read_as_the_c_resolver_reads_them(host: str) -> None:
    (*_, sockaddr), *_ = socket.getaddrinfo(host, 80, flags=socket.AI_NUMERICHOST)
    assert ip_literal(host) == ip_address(sockaddr[0]) == ip_address("127.0.0.1")


def test_a_numeric_form_reaches_the_allowed_address_it_denotes() -> None:
    with FakeTarget({"/": Reply()}) as server:
        url = f"http://2130706433:{server.port}/"
        result = asyncio.run(
            check_http(HttpSpec(url), policy=AddressPolicy(["127.0.0.1/32"]), now=NOW)
        )

    assert result.ok, result.detail
    assert server.requests[0].headers["Host"] == f"127.0.0.1:{server.port}"


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = ScriptedResolver({"status.internal": ["10.0.0.7"]})
    with pytest.raises(Refused) as refused:
        resolve("status.internal", resolver=resolver)

    assert refused.value.reason == (
        "status.internal resolves to 10.0.0.7, a private address; allow it with "
        "READYBOT_MONITOR_ALLOW=10.0.0.7/32 or READYBOT_MONITOR_ALLOW=status.internal"
    )


def test_the_same_name_is_allowed_once_listed() -> None:
    resolver = ScriptedResolver({"status.internal": ["10.0.0.7"]})
    policy = AddressPolicy(["status.internal"])

    assert resolve("Status.Internal.", policy, resolver) == [ip_address("10.0.0.7")]


def test_an_address_inside_an_allowed_range_is_allowed() -> None:
    policy = AddressPolicy.parse("10.0.0.0/8, fd00::/8")

    assert resolve("10.200.3.4", policy) == [ip_address("10.200.3.4")]
    assert resolve("[fd12::1]", policy) == [ip_address("fd12::1")]


def test_an_allowed_range_or_name_never_unlocks_cloud_metadata() -> None:
    resolver = ScriptedResolver({"meta.internal": ["169.254.169.254"]})
    wide = AddressPolicy(["169.254.0.0/16", "meta.internal"])

    with pytest.raises(Refused, match=r"link-local \(cloud metadata\)$"):
        resolve("169.254.169.254", wide)
    with pytest.raises(Refused, match=re.escape("meta.internal resolves to 169.254.169.254")):
        resolve("meta.internal", wide, resolver)
    assert resolve("169.254.169.254", AddressPolicy(["169.254.169.254/32"])) == [
        ip_address("169.254.169.254")
    ]


def test_public_addresses_pass_without_any_allow_entry() -> None:
    resolver = ScriptedResolver({"api.example.com": ["93.184.215.14", "2606:2800:21f:cb07::1"]})

    assert resolve("api.example.com", resolver=resolver) == [
        ip_address("93.184.215.14"),
        ip_address("2606:2800:21f:cb07::1"),
    ]
    assert resolve("[64:ff9b::808:808]") == [ip_address("64:ff9b::808:808")]


def test_an_ipv4_mapped_answer_is_judged_and_returned_as_ipv4() -> None:
    resolver = ScriptedResolver({"mapped.example": ["::ffff:93.184.215.14"]})

    assert resolve("mapped.example", resolver=resolver) == [ip_address("93.184.215.14")]
    with pytest.raises(Refused, match=re.escape("IPv4-mapped 10.0.0.1, a private address")):
        resolve("[::ffff:10.0.0.1]")


def test_a_name_without_addresses_is_unresolvable_not_refused() -> None:
    with pytest.raises(Unresolvable, match=re.escape("gone.example did not resolve")):
        resolve("gone.example", resolver=ScriptedResolver({}))


def test_localhost_resolves_through_the_system_resolver_when_allowed() -> None:
    addresses = resolve("localhost", AddressPolicy(["localhost"]))

    assert addresses
    assert all(a.is_loopback for a in addresses)


@pytest.mark.parametrize("entry", ["10.0.0.5/8", "::1/129", "not a host!", "exa mple.com"])
def test_a_bad_allow_entry_fails_loudly(entry: str) -> None:
    with pytest.raises(ValueError, match="READYBOT_MONITOR_ALLOW"):
        AddressPolicy([entry])


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (
            "https://API.example.com./health?x=1#frag",
            Target("https", "api.example.com", 443, "/health?x=1"),
        ),
        ("http://[::1]:8080", Target("http", "::1", 8080, "/")),
        ("http://bücher.example/", Target("http", "xn--bcher-kva.example", 80, "/")),
    ],
)
def test_a_monitor_url_is_parsed_into_its_parts(url: str, target: Target) -> None:
    assert parse_url(url) == target


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://a\\@127.0.0.1/", "backslashes"),
        ("http://example.com :80/", "whitespace"),
        ("http://:80/", "not a valid host name"),
        ("http://example.com:/", "empty port"),
        ("http://example.com:0/", "port 0 is out of range"),
        ("http://example.com:8o/", "is not a number"),
        ("http://[::1/", "not a valid URL"),
        ("//example.com/", "not no scheme"),
    ],
)
def test_a_malformed_url_is_refused(url: str, reason: str) -> None:
    with pytest.raises(Refused, match=re.escape(reason)):
        parse_url(url)
