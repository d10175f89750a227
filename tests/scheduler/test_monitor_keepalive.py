"""Keep-alive within a batch of HTTP checks, against real local servers: a connection is
reused only for the same scheme, name, port and judged address, and never once its answer
was cut short, the server closed it or it idled too long; address verdicts are remembered
only briefly and only under the same policy."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import trustme

from commands.monitors.spec import CheckResult, HttpSpec
from scheduler.monitors.checks.http import check_http, shared_connections
from scheduler.monitors.checks.run import run_many
from scheduler.monitors.net import AddressPolicy, AllowedCache, Refused
from tests.fakes.monitor_net import ScriptedResolver
from tests.fakes.monitor_target import FakeTarget, Reply
from tests.fakes.monitor_tls import client_context, server_context

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LOOPBACK = AddressPolicy(["127.0.0.1/32"])


def sweep(urls: list[str], policy: AddressPolicy = LOOPBACK, **kw: object) -> list[CheckResult]:
    checks = [(n, HttpSpec(url, contains="ok"), None) for n, url in enumerate(urls)]
    results = asyncio.run(run_many(checks, policy=policy, now=NOW, concurrency=1, **kw))  # type: ignore[arg-type]
    return [results[n] for n in range(len(urls))]


def test_the_checks_of_a_batch_reuse_one_connection_to_the_same_host() -> None:
    with FakeTarget({"/health": Reply(200, b"ok")}, keepalive=5) as target:
        results = sweep([target.url("/health")] * 10)

    assert all(r.ok for r in results), [r.detail for r in results]
    assert len(target.requests) == 10
    assert len(target.connections) == 1


def test_a_connection_is_never_reused_for_another_name_on_the_same_address() -> None:
    resolver = ScriptedResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    with FakeTarget({"/health": Reply(200, b"ok")}, keepalive=5) as target:
        urls = [target.url("/health", host=h) for h in ("a.test", "b.test") * 3]
        results = sweep(urls, resolver=resolver)

    assert all(r.ok for r in results), [r.detail for r in results]
    assert len(target.connections) == 2  # one per name
    assert [seen.headers["Host"] for seen in target.requests] == [
        f"{h}:{target.port}" for h in ("a.test", "b.test") * 3
    ]


def test_over_tls_each_name_has_its_own_connection_and_handshake() -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("a.test", "b.test", not_after=datetime.now(UTC) + timedelta(days=60))
    resolver = ScriptedResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    with FakeTarget(
        {"/health": Reply(200, b"ok")}, tls=server_context(cert), keepalive=5
    ) as target:
        urls = [target.url("/health", host=h) for h in ("a.test", "b.test", "a.test", "b.test")]
        results = sweep(urls, resolver=resolver, ssl_context=client_context(ca))

    assert all(r.ok for r in results), [r.detail for r in results]
    assert sorted(n or "" for n in target.sni) == ["a.test", "b.test"]
    assert len(target.connections) == 2


def test_a_connection_to_another_port_or_address_is_not_reused() -> None:
    with (
        FakeTarget({"/health": Reply(200, b"ok")}, keepalive=5) as one,
        FakeTarget({"/health": Reply(200, b"ok")}, keepalive=5) as two,
        FakeTarget({"/health": Reply(200, b"ok")}, host="127.0.0.2", keepalive=5) as three,
    ):
        policy = AddressPolicy(["127.0.0.0/8"])
        urls = [one.url("/health"), two.url("/health"), three.url("/health")] * 2
        results = sweep(urls, policy)

    assert all(r.ok for r in results), [r.detail for r in results]
    assert [len(t.connections) for t in (one, two, three)] == [1, 1, 1]
    assert [len(t.requests) for t in (one, two, three)] == [2, 2, 2]


def test_a_body_cut_at_the_cap_closes_its_connection() -> None:
    async def two_checks(url: str) -> list[CheckResult]:
        async with shared_connections(None):
            return [
                await check_http(HttpSpec(url), policy=LOOPBACK, now=NOW, max_body=1000)
                for _ in range(2)
            ]

    with FakeTarget({"/big": Reply(200, b"x" * 100_000)}, keepalive=5) as target:
        results = asyncio.run(two_checks(target.url("/big")))

    assert all(r.ok and r.facts["body_bytes"] == "1000" for r in results)
    assert len(target.connections) == 2


def test_a_connection_the_server_asked_to_close_is_not_reused() -> None:
    reply = Reply(200, b"ok", headers={"Connection": "close"})
    with FakeTarget({"/health": reply}, keepalive=5) as target:
        results = sweep([target.url("/health")] * 3)

    assert all(r.ok for r in results), [r.detail for r in results]
    assert len(target.connections) == 3


def test_a_connection_the_server_closed_while_idle_is_replaced_without_a_failure() -> None:
    async def checks_with_a_pause(url: str) -> list[CheckResult]:
        async with shared_connections(None):
            first = await check_http(HttpSpec(url), policy=LOOPBACK, now=NOW)
            await asyncio.sleep(0.6)  # the server closes idle connections after 0.2 s
            second = await check_http(HttpSpec(url), policy=LOOPBACK, now=NOW)
            return [first, second]

    with FakeTarget({"/health": Reply(200, b"ok")}, keepalive=0.2) as target:
        results = asyncio.run(checks_with_a_pause(target.url("/health")))

    assert all(r.ok for r in results), [r.detail for r in results]
    assert len(target.connections) == 2


def test_a_redirect_to_a_refused_address_is_refused_though_the_first_hop_was_kept() -> None:
    with FakeTarget(keepalive=5) as target:
        target.routes["/go"] = Reply(302, b"", headers={"Location": "http://169.254.169.254/"})
        target.routes["/health"] = Reply(200, b"ok")
        results = sweep([target.url("/health"), target.url("/go"), target.url("/go")])

    assert results[0].ok
    for result in results[1:]:
        assert "refused: redirect to http://169.254.169.254/" in result.detail


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_remembered_verdict_lasts_only_its_ttl() -> None:
    resolver = ScriptedResolver({"svc.test": [["127.0.0.1"], ["10.0.0.8"]]})
    clock = Clock()
    cache = AllowedCache(ttl=5.0, clock=clock)

    async def resolve() -> list[str]:
        return [str(a) for a in await cache.resolve("svc.test", 80, LOOPBACK, resolver=resolver)]

    assert asyncio.run(resolve()) == ["127.0.0.1"]
    clock.now += 4.9
    assert asyncio.run(resolve()) == ["127.0.0.1"]
    assert resolver.lookups == ["svc.test"]
    clock.now += 0.2  # past the ttl: asked again, and the new answer is judged
    with pytest.raises(Refused, match=r"svc\.test resolves to 10\.0\.0\.8, a private address"):
        asyncio.run(resolve())
    assert resolver.lookups == ["svc.test", "svc.test"]
    with pytest.raises(Refused):  # the refusal is remembered like an answer
        asyncio.run(resolve())
    assert len(resolver.lookups) == 2


def test_a_new_policy_finds_nothing_remembered() -> None:
    resolver = ScriptedResolver({"svc.test": ["127.0.0.1"]})
    cache = AllowedCache(ttl=60.0, clock=Clock())

    async def resolve(policy: AddressPolicy) -> list[str]:
        return [str(a) for a in await cache.resolve("svc.test", 80, policy, resolver=resolver)]

    assert asyncio.run(resolve(LOOPBACK)) == ["127.0.0.1"]
    with pytest.raises(Refused, match="loopback"):  # the allow-list changed: judged again
        asyncio.run(resolve(AddressPolicy([])))
    assert resolver.lookups == ["svc.test", "svc.test"]


def test_a_name_that_did_not_resolve_is_asked_again_at_the_next_check() -> None:
    resolver = ScriptedResolver({})
    with FakeTarget({"/health": Reply(200, b"ok")}, keepalive=5) as target:
        results = sweep([target.url("/health", host="late.test")] * 2, resolver=resolver)

    assert all("late.test did not resolve" in r.detail for r in results)
    assert resolver.lookups == ["late.test", "late.test"]
