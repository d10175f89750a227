"""A TCP proxy that can drop traffic: in front of PostgreSQL, the fault no timeout in the
server can catch.

`blackhole()` makes it behave like a network that drops packets: connections are still
accepted (the kernel answers the handshake) and whatever either side sends is read and
thrown away, so the client waits for an answer that never comes and the server never sees
the query. `restore()` forwards again, for new connections; a connection that lost bytes
while blackholed is broken for good and is closed (its client has given up by then).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class _Pair:
    client: socket.socket
    upstream: socket.socket | None
    damaged: bool = False
    closed: threading.Event = field(default_factory=threading.Event)

    def close(self) -> None:
        self.closed.set()
        for sock in (self.client, self.upstream):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


class BlackholeProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._dropping = threading.Event()
        self._pairs: list[_Pair] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.dropped_bytes = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def start(self) -> BlackholeProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            pair.close()

    def __enter__(self) -> BlackholeProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def blackhole(self) -> None:
        """From now on, drop everything, in both directions, on every connection."""
        self._dropping.set()

    def restore(self) -> None:
        """Forward again; connections that lost bytes are closed."""
        self._dropping.clear()
        with self._lock:
            damaged = [pair for pair in self._pairs if pair.damaged]
        for pair in damaged:
            pair.close()

    # -- forwarding ---------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = None
            if not self._dropping.is_set():
                try:
                    upstream = socket.create_connection(self.upstream, timeout=5)
                    upstream.settimeout(None)
                except OSError:
                    client.close()
                    continue
            pair = _Pair(client, upstream, damaged=upstream is None)
            with self._lock:
                self._pairs.append(pair)
            threading.Thread(target=self._pump, args=(pair, client, True), daemon=True).start()
            if upstream is not None:
                threading.Thread(
                    target=self._pump, args=(pair, upstream, False), daemon=True
                ).start()

    def _pump(self, pair: _Pair, source: socket.socket, from_client: bool) -> None:
        while not pair.closed.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                break
            if not data:
                break
            target = pair.upstream if from_client else pair.client
            if self._dropping.is_set() or target is None or pair.damaged:
                pair.damaged = True
                self.dropped_bytes += len(data)
                continue
            try:
                target.sendall(data)
            except OSError:
                break
        pair.close()
        with self._lock, contextlib.suppress(ValueError):
            self._pairs.remove(pair)
