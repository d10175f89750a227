"""HTTP monitor check: GET a URL and judge status, speed and body.

Every hop is parsed (`check_url.parse_url`), resolved once and judged (`net.resolve_allowed`)
before any connection, and the client connects to the judged address itself: the URL's host
is replaced by the IP, the `Host` header carries the real host, and for https the
`sni_hostname` request extension makes TLS send and verify the real name. Redirects are
followed by hand (at most MAX_REDIRECTS), each `Location` judged like the first URL.

Within a batch (`shared_connections`, which `run_many` opens) the checks share keep-alive
connections (checks.keepalive: only ever reused for the same scheme, name, port and judged
address) and remember each host's verdict for a few seconds (net.AllowedCache). A check
outside a batch opens a connection per hop and resolves every hop, as a batch's first does.
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

import httpcore
import httpx

from commands.monitors.spec import CheckResult, HttpSpec
from scheduler.monitors.checks.keepalive import Connections, Destination
from scheduler.monitors.checks.tls import describe_tls_failure, system_ssl_context, tls_failure
from scheduler.monitors.checks.url import Target, parse_url
from scheduler.monitors.checks.wording import duration, size
from scheduler.monitors.net import (
    AddressPolicy,
    AllowedCache,
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


@dataclass
class _Batch:
    connections: Connections
    verdicts: AllowedCache


# What the checks of one batch share (see `shared_connections`).
_SHARED: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar(
    "shared_connections", default=None
)


@contextlib.asynccontextmanager
async def shared_connections(ssl_context: ssl.SSLContext | None) -> AsyncIterator[None]:
    """Within this block, HTTP checks keep connections alive per destination and remember
    address verdicts for a few seconds; leaving it closes the idle connections."""
    batch = _Batch(Connections(ssl_context or system_ssl_context()), AllowedCache())
    token = _SHARED.set(batch)
    try:
        yield
    finally:
        _SHARED.reset(token)
        await batch.connections.aclose()


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
    except (TimeoutError, httpx.TimeoutException, httpcore.TimeoutException):
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
    batch = _SHARED.get()
    resolve = batch.verdicts.resolve if batch is not None else resolve_allowed
    for hop in range(MAX_REDIRECTS + 1):
        via = f"redirect to {url}: " if hop else ""
        try:
            target = parse_url(url)
            addresses = await resolve(target.host, target.port, policy, resolver=resolver)
        except Refused as exc:
            raise _Failed(f"refused: {via}{exc.reason}") from exc
        except Unresolvable as exc:
            raise _Failed(f"failed: {via}{exc}") from exc
        async with _connections(batch, ssl_context) as connections:
            try:
                answer = await _open(connections, target, addresses, timeout)
            except _Broken as exc:
                raise _Failed(f"failed: {via}{exc}") from exc
            try:
                status = answer.response.status
                location = answer.header(b"location")
                if status in REDIRECTS and location and status != spec.expect_status:
                    if hop == MAX_REDIRECTS:
                        raise _Failed(f"failed: redirected more than {MAX_REDIRECTS} times")
                    url = urljoin(url, location)
                    continue
                body, truncated = await _read(answer, max_body)
            except _Broken as exc:
                raise _Failed(f"failed: {via}{exc}") from exc
            finally:
                await answer.close(connections)
        return _Fetched(status, body, truncated, url, answer.address, hop)
    raise AssertionError("unreachable: the loop returns or raises")


@contextlib.asynccontextmanager
async def _connections(
    batch: _Batch | None, ssl_context: ssl.SSLContext
) -> AsyncIterator[Connections]:
    """The batch's connections, or (outside a batch, or for another TLS context) a set of
    this hop's own that is closed after it."""
    if batch is not None and batch.connections.ssl_context is ssl_context:
        yield batch.connections
        return
    own = Connections(ssl_context, keepalive=False)
    try:
        yield own
    finally:
        await own.aclose()


@dataclass
class _Answer:
    """A response whose body is still to be read, and the connection it came on."""

    response: httpcore.Response
    connection: httpcore.AsyncHTTPConnection
    destination: Destination
    address: IPAddress

    def header(self, name: bytes) -> str | None:
        """A response header's value as httpx gives it (decoded, repeated ones joined)."""
        found = [(key, value) for key, value in self.response.headers if key.lower() == name]
        return httpx.Headers(found).get(name.decode("ascii")) if found else None

    async def close(self, connections: Connections) -> None:
        await self.response.aclose()
        await connections.release(self.destination, self.connection)


async def _open(
    connections: Connections, target: Target, addresses: list[IPAddress], timeout: float
) -> _Answer:
    """Send the GET to the first address that accepts a connection. A TLS failure is final
    (every address serves the same name)."""
    # The headers the httpx client sent, in its order.
    headers = [
        (b"Host", target.host_header().encode("ascii")),
        (b"Accept", b"*/*"),
        (b"Connection", b"keep-alive"),
        (b"User-Agent", USER_AGENT.encode("ascii")),
        (b"Accept-Encoding", b"identity"),
    ]
    extensions: dict[str, object] = {
        "timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    }
    if target.scheme == "https" and ip_literal(target.host) is None:
        extensions["sni_hostname"] = target.host
    error: str = "no address"
    for address in addresses:
        destination = Destination(target.scheme, target.host, target.port, address)
        request = httpcore.Request(
            b"GET",
            httpcore.URL(
                scheme=target.scheme.encode("ascii"),
                host=str(address).encode("ascii"),
                port=target.port,
                target=_raw_path(target.path),
            ),
            headers=headers,
            extensions=extensions,
        )
        try:
            response, connection = await connections.send(destination, request)
        except httpcore.ConnectError as exc:
            tls = tls_failure(exc)
            if tls is not None:
                raise _Broken(_tls_words(target.host, tls)) from exc
            why = str(exc) or type(exc).__name__
            error = f"could not connect to {address} port {target.port} ({why})"
        except httpcore.TimeoutException:
            raise
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
            raise _Broken(f"{type(exc).__name__}: {exc}") from exc
        else:
            return _Answer(response, connection, destination, address)
    raise _Broken(error)


def _raw_path(path: str) -> bytes:
    """The request target as httpx sends it (percent-encoding what is not URL-safe)."""
    return httpx.URL(path).raw_path


def _tls_words(host: str, error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate of {host} not accepted ({describe_tls_failure(error)})"
    return f"TLS handshake with {host} failed ({describe_tls_failure(error)})"


async def _read(answer: _Answer, max_body: int) -> tuple[bytes, bool]:
    """At most `max_body` bytes of the (decoded) body, and whether more was left unread."""
    body = bytearray()
    stream = answer.response.aiter_stream()
    encoding = answer.header(b"content-encoding")
    if encoding is not None and encoding.strip().lower() not in ("", "identity"):
        stream = _decoded(answer.response, stream)  # decoded as httpx would
    try:
        async for chunk in stream:
            body += chunk
            if len(body) >= max_body:
                return bytes(body[:max_body]), True
    except (httpx.TimeoutException, httpcore.TimeoutException):
        raise
    except (httpx.HTTPError, httpcore.NetworkError, httpcore.ProtocolError) as exc:
        raise _Broken(f"reading the body: {type(exc).__name__}: {exc}") from exc
    return bytes(body), False


async def _decoded(response: httpcore.Response, raw: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """A compressed body (which `Accept-Encoding: identity` did not prevent), decoded by httpx."""

    class _Raw(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for chunk in raw:
                yield chunk

    decoded = httpx.Response(response.status, headers=response.headers, stream=_Raw())
    async for chunk in decoded.aiter_bytes():
        yield chunk
