"""HTTP monitor check: GET a URL and judge status, speed and body.

Every hop is parsed (`check_url.parse_url`), resolved once and judged (`net.resolve_allowed`)
before any connection, and the client connects to the judged address itself: the URL's host
is replaced by the IP, the `Host` header carries the real host, and for https the
`sni_hostname` request extension makes TLS send and verify the real name. Redirects are
followed by hand (at most MAX_REDIRECTS), each `Location` judged like the first URL. A fresh
client per hop keeps a TLS connection made for one name from being reused for another.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

import httpx

from commands.monitors.spec import CheckResult, HttpSpec
from scheduler.monitors.checks.tls import describe_tls_failure, system_ssl_context, tls_failure
from scheduler.monitors.checks.url import Target, parse_url
from scheduler.monitors.checks.wording import duration, size
from scheduler.monitors.net import (
    AddressPolicy,
    IPAddress,
    Refused,
    Resolver,
    Unresolvable,
    ip_literal,
    resolve_allowed,
)

MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "readybot-monitor/1"


@dataclass(frozen=True)
class _Fetched:
    status: int
    body: bytes
    truncated: bool
    url: str  # the final URL, after redirects
    address: IPAddress
    redirects: int


class _Failed(Exception):
    """A failure whose words are the detail's tail ("refused: …", "failed: …")."""


class _Broken(Exception):
    """A connection, TLS or protocol failure at one hop, in words."""


# A client shared by the checks of one batch (see `shared_client`). Building an httpx client
# costs more than a check against a fast target (it probes for optional packages each time).
_SHARED: contextvars.ContextVar[httpx.AsyncClient | None] = contextvars.ContextVar(
    "shared_client", default=None
)


def _client(ssl_context: ssl.SSLContext, timeout: float) -> httpx.AsyncClient:
    # No keep-alive: every request opens its own connection, so a connection made for one
    # name (its SNI, its checked address) is never reused for another on the same IP.
    return httpx.AsyncClient(
        verify=ssl_context,
        trust_env=False,
        follow_redirects=False,
        timeout=timeout,
        limits=httpx.Limits(max_keepalive_connections=0, max_connections=None),
    )


@contextlib.asynccontextmanager
async def shared_client(ssl_context: ssl.SSLContext | None, timeout: float) -> AsyncIterator[None]:
    """Within this block, HTTP checks use one client (and never keep connections alive)."""
    async with _client(ssl_context or system_ssl_context(), timeout) as client:
        token = _SHARED.set(client)
        try:
            yield
        finally:
            _SHARED.reset(token)


async def check_http(
    spec: HttpSpec,
    *,
    policy: AddressPolicy,
    now: datetime,
    timeout: float = 10,
    max_body: int = 1_048_576,
    ssl_context: ssl.SSLContext | None = None,
    resolver: Resolver | None = None,
) -> CheckResult:
    """GET `spec.url` and judge it. Never raises for the target's faults: a refused address,
    a DNS failure, a timeout (whole check, `timeout` seconds), a TLS or connection error are
    failed results whose detail says so. At most `max_body` bytes of the body are read."""
    started = time.perf_counter()
    head = f"GET {spec.url}"
    try:
        async with asyncio.timeout(timeout):
            fetched = await _fetch(
                spec, policy=policy, timeout=timeout, max_body=max_body,
                ssl_context=ssl_context or system_ssl_context(), resolver=resolver,
            )  # fmt: skip
    except (TimeoutError, httpx.TimeoutException):
        return _result(False, f"{head} timed out after {timeout:.1f} s", now, started)
    except _Failed as exc:
        return _result(False, f"{head} {exc}", now, started)
    elapsed = time.perf_counter() - started
    return _judge(spec, fetched, head=head, elapsed=elapsed, now=now)


def _judge(
    spec: HttpSpec, fetched: _Fetched, *, head: str, elapsed: float, now: datetime
) -> CheckResult:
    took = duration(timedelta(seconds=elapsed))
    via = ""
    if fetched.redirects:
        plural = "s" if fetched.redirects > 1 else ""
        via = f" after {fetched.redirects} redirect{plural} to {fetched.url}"
    facts = {
        "status": str(fetched.status),
        "address": str(fetched.address),
        "url": fetched.url,
        "body_bytes": str(len(fetched.body)),
    }
    ok = False
    if fetched.status != spec.expect_status:
        detail = f"{head} returned {fetched.status} in {took}{via}"
        if spec.expect_status != 200:
            detail += f", expected {spec.expect_status}"
    elif spec.contains is not None and spec.contains not in _text(fetched.body):
        first = f" in its first {size(len(fetched.body))}" if fetched.truncated else ""
        detail = f'{head} did not contain "{spec.contains}"{first}{via}'
    elif elapsed > spec.within.total_seconds():
        detail = f"{head} answered in {took}, slower than {duration(spec.within)}{via}"
    else:
        ok, detail = True, f"{head} returned {fetched.status} in {took}{via}"
    return CheckResult(
        ok=ok, detail=detail, checked_at=now, duration_ms=elapsed * 1000, facts=facts
    )


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def _result(ok: bool, detail: str, now: datetime, started: float) -> CheckResult:
    elapsed_ms = (time.perf_counter() - started) * 1000
    return CheckResult(ok=ok, detail=detail, checked_at=now, duration_ms=elapsed_ms)


async def _fetch(
    spec: HttpSpec,
    *,
    policy: AddressPolicy,
    timeout: float,
    max_body: int,
    ssl_context: ssl.SSLContext,
    resolver: Resolver | None,
) -> _Fetched:
    url = spec.url
    for hop in range(MAX_REDIRECTS + 1):
        via = f"redirect to {url}: " if hop else ""
        try:
            target = parse_url(url)
            addresses = await resolve_allowed(target.host, target.port, policy, resolver=resolver)
        except Refused as exc:
            raise _Failed(f"refused: {via}{exc.reason}") from exc
        except Unresolvable as exc:
            raise _Failed(f"failed: {via}{exc}") from exc
        shared = _SHARED.get()
        async with contextlib.AsyncExitStack() as stack:
            client = (
                shared
                if shared is not None
                else await stack.enter_async_context(_client(ssl_context, timeout))
            )
            try:
                response, address = await _open(client, target, addresses)
            except _Broken as exc:
                raise _Failed(f"failed: {via}{exc}") from exc
            try:
                location = response.headers.get("location")
                status = response.status_code
                if status in REDIRECTS and location and status != spec.expect_status:
                    if hop == MAX_REDIRECTS:
                        raise _Failed(f"failed: redirected more than {MAX_REDIRECTS} times")
                    url = urljoin(url, location)
                    continue
                body, truncated = await _read(response, max_body)
            except _Broken as exc:
                raise _Failed(f"failed: {via}{exc}") from exc
            finally:
                await response.aclose()
        return _Fetched(response.status_code, body, truncated, url, address, hop)
    raise AssertionError("unreachable: the loop returns or raises")


async def _open(
    client: httpx.AsyncClient, target: Target, addresses: list[IPAddress]
) -> tuple[httpx.Response, IPAddress]:
    """Send the GET to the first address that accepts a connection. A TLS failure is final
    (every address serves the same name)."""
    headers = {
        "Host": target.host_header(),
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "identity",
    }
    extensions: dict[str, str] = {}
    if target.scheme == "https" and ip_literal(target.host) is None:
        extensions["sni_hostname"] = target.host
    error: str = "no address"
    for address in addresses:
        request = client.build_request(
            "GET", target.url_for(address), headers=headers, extensions=extensions
        )
        try:
            return await client.send(request, stream=True), address
        except httpx.ConnectError as exc:
            tls = tls_failure(exc)
            if tls is not None:
                raise _Broken(_tls_words(target.host, tls)) from exc
            why = str(exc) or type(exc).__name__
            error = f"could not connect to {address} port {target.port} ({why})"
        except httpx.TimeoutException:
            raise
        except httpx.HTTPError as exc:
            raise _Broken(f"{type(exc).__name__}: {exc}") from exc
    raise _Broken(error)


def _tls_words(host: str, error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate of {host} not accepted ({describe_tls_failure(error)})"
    return f"TLS handshake with {host} failed ({describe_tls_failure(error)})"


async def _read(response: httpx.Response, max_body: int) -> tuple[bytes, bool]:
    """At most `max_body` bytes of the (decoded) body, and whether more was left unread."""
    body = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= max_body:
                return bytes(body[:max_body]), True
    except httpx.TimeoutException:
        raise
    except httpx.HTTPError as exc:
        raise _Broken(f"reading the body: {type(exc).__name__}: {exc}") from exc
    return bytes(body), False
