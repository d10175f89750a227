"""A fake monitored service: a real HTTP(S) server on an ephemeral port, scripted per path.

It records every TCP connection it accepts (`connections`), every request with its headers
(`requests`) and, with TLS, the SNI name each client sent (`sni`). Script replies per path
with `Reply`: a status, a body, a delay (a slow or hanging service), extra headers (a
redirect's Location) or an endless body. Use as a context manager; leaving it stops the
server and releases replies that are still sleeping.
"""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0  # seconds before answering
    headers: dict[str, str] = field(default_factory=dict)
    endless: bool = False  # stream the body again and again until the client hangs up


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # fifty checks connect at once; a short backlog drops SYNs

    def __init__(self, target: FakeTarget, host: str) -> None:
        self.target = target
        super().__init__((host, 0), _Handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.target.lock:
            self.target.connections.append(client_address)
        return True

    def finish_request(self, request: Any, client_address: Any) -> None:
        tls = self.target.tls
        if tls is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate: the point of several tests
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        target = self.server.target
        with target.lock:
            target.requests.append(Seen(self.path, dict(self.headers.items())))
            target.in_flight += 1
            target.peak_in_flight = max(target.peak_in_flight, target.in_flight)
        try:
            self._answer(target)
        finally:
            with target.lock:
                target.in_flight -= 1

    def _answer(self, target: FakeTarget) -> None:
        reply = target.routes.get(self.path.split("?", 1)[0], Reply(404, b"not found"))
        if reply.delay and target.stopping.wait(reply.delay):
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if not reply.endless:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            while reply.endless and not target.stopping.is_set():
                self.wfile.write(reply.body)
        except OSError:
            pass  # the client hung up (a capped body, a timeout)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeTarget:
    """A scripted HTTP(S) service on `host` (127.0.0.1 by default), ephemeral port.

    `tls` is a server-side ssl.SSLContext (e.g. configured with a trustme certificate); its
    SNI callback is replaced to record the names clients send. With `keepalive` (seconds) it
    speaks HTTP/1.1 and keeps a connection open for further requests until it has been idle
    that long; without, every answer closes its connection (HTTP/1.0)."""

    def __init__(
        self,
        routes: dict[str, Reply] | None = None,
        *,
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
        keepalive: float | None = None,
    ) -> None:
        self.routes: dict[str, Reply] = dict(routes or {})
        self.connections: list[tuple[str, int]] = []
        self.requests: list[Seen] = []
        self.sni: list[str | None] = []
        self.in_flight = 0
        self.peak_in_flight = 0  # most requests being answered at once
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.tls = tls
        if tls is not None:
            tls.sni_callback = self._record_sni
        self._server = _Server(self, host)
        if keepalive is not None:  # HTTP/1.1, idle connections closed after `keepalive` s
            handler = type("_KeepAlive", (_Handler,), {"protocol_version": "HTTP/1.1"})
            handler.timeout = keepalive
            self._server.RequestHandlerClass = handler
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.daemon = True

    def _record_sni(self, sock: Any, name: str | None, context: Any) -> None:
        with self.lock:
            self.sni.append(name)

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def __enter__(self) -> FakeTarget:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
