"""Keep-alive for the HTTP checks of one batch: idle connections kept per destination.

A connection is only ever reused for the same (scheme, host name, port, pinned address):
the name it was opened for (its Host header, its TLS SNI and the certificate checked against
it) and the address that was judged for it. The caller looks a connection up with an
address it has just judged (or whose cached verdict still holds), so a reused connection
never reaches anything the policy would refuse now. Connections come from httpcore
directly: httpx's pool scans every connection for every request (about 1.5 ms of CPU per
request at 50 in flight), which was most of a check's cost.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import httpcore

from scheduler.monitors.net import IPAddress

KEEPALIVE_SECONDS = 5.0  # as httpx's default: servers commonly close idle connections at 5-60 s
MAX_IDLE = 100  # idle connections kept per batch, all destinations together


@dataclass(frozen=True)
class Destination:
    """What a connection was opened for; only a request for the same one may reuse it."""

    scheme: str
    host: str  # the name: Host header, SNI and certificate name
    port: int
    address: IPAddress  # the judged address it is connected to


class Connections:
    """Idle HTTP/1.1 connections by Destination, for the checks of one batch (one event loop).

    `send` sends a request on an idle connection to the same destination, or on a new one,
    and returns the response with its connection; `release` takes the connection back once
    the response is closed, keeping it only when it is idle again (the whole response was
    read and the server did not ask to close). `aclose` closes every idle connection."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        *,
        keepalive: bool = True,
        expiry: float = KEEPALIVE_SECONDS,
        max_idle: int = MAX_IDLE,
    ) -> None:
        self.ssl_context = ssl_context
        self.keepalive = keepalive
        self.expiry = expiry
        self.max_idle = max_idle
        self._idle: dict[Destination, list[httpcore.AsyncHTTPConnection]] = {}
        self._count = 0
        self.opened = 0  # connections opened (for tests and figures)
        self.reused = 0  # requests sent on a kept connection

    async def send(
        self, destination: Destination, request: httpcore.Request
    ) -> tuple[httpcore.Response, httpcore.AsyncHTTPConnection]:
        """Raises httpcore's exceptions. A kept connection that fails before an answer (the
        server closed it meanwhile) is dropped and the request sent again on a new one."""
        kept = await self._take(destination)
        if kept is not None:
            try:
                response = await kept.handle_async_request(request)
            except (httpcore.NetworkError, httpcore.RemoteProtocolError):
                await kept.aclose()  # a GET: sending it again on a new connection is safe
            else:
                self.reused += 1
                return response, kept
        connection = httpcore.AsyncHTTPConnection(
            origin=httpcore.Origin(
                destination.scheme.encode("ascii"),
                _host_of(destination.address).encode("ascii"),
                destination.port,
            ),
            ssl_context=self.ssl_context,
            keepalive_expiry=self.expiry,
        )
        self.opened += 1
        try:
            return await connection.handle_async_request(request), connection
        except BaseException:
            await connection.aclose()
            raise

    async def release(
        self, destination: Destination, connection: httpcore.AsyncHTTPConnection
    ) -> None:
        """Keep `connection` for `destination` if it is idle again; close it otherwise."""
        if self.keepalive and connection.is_idle() and self._count < self.max_idle:
            self._idle.setdefault(destination, []).append(connection)
            self._count += 1
        else:
            await connection.aclose()

    async def aclose(self) -> None:
        idle, self._idle, self._count = self._idle, {}, 0
        for connections in idle.values():
            for connection in connections:
                await connection.aclose()

    async def _take(self, destination: Destination) -> httpcore.AsyncHTTPConnection | None:
        kept = self._idle.get(destination)
        while kept:
            connection = kept.pop()
            self._count -= 1
            if connection.is_idle() and not connection.has_expired():
                return connection
            await connection.aclose()  # expired, or the server hung up
        return None


def _host_of(address: IPAddress) -> str:
    return str(address)
