"""Network fakes for monitor tests: a scripted resolver and a guard on outgoing connections.

`ScriptedResolver` answers host names from a table (one answer list per call, the last one
repeating) and records each lookup, so a test can script DNS rebinding. `ConnectionGuard`
patches the event loop's `create_connection` (which httpx/anyio and asyncio streams use):
it records every destination and refuses any that is not loopback, so a test can prove a
connection was never attempted and nothing ever reaches the internet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from ipaddress import ip_address
from typing import Any

import pytest

from scheduler.monitors.net import IPAddress


class ScriptedResolver:
    def __init__(self, answers: dict[str, Sequence[str] | Sequence[Sequence[str]]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        script = self.answers.get(host)
        if script is None:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        if script and not isinstance(script[0], str):
            calls = [list(a) for a in script]
            answer = calls[min(self.lookups.count(host), len(calls)) - 1]
        else:
            answer = list(script)  # type: ignore[arg-type]
        return [ip_address(a) for a in answer]


class ConnectionGuard:
    """Records (host, port) of every outgoing connection; refuses non-loopback ones."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> ConnectionGuard:
        original = asyncio.BaseEventLoop.create_connection
        guard = self

        async def create_connection(
            loop: asyncio.AbstractEventLoop,
            factory: Any,
            host: Any = None,
            port: Any = None,
            **kw: Any,
        ) -> Any:
            guard.attempts.append((str(host), int(port)))
            if not _is_loopback(str(host)):
                raise ConnectionRefusedError(111, f"test guard: no connection to {host}")
            return await original(loop, factory, host, port, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(asyncio.BaseEventLoop, "create_connection", create_connection)
        return self

    def hosts(self) -> list[str]:
        return [host for host, _ in self.attempts]


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False  # a name: the checks must never hand one to the socket layer
