"""Monitor sweeps and the memory of a loaded server.

    python -m bench.monitors [--http 1000] [--rounds 3] [--engines sqlite,postgresql]
                             [--certs 200] [--concurrency 50] [--memory]

1. A sweep of HTTP monitors against a local server that answers in 200 ms (aiohttp, in
   another process, so its work does not share this process's CPU time), at the default
   concurrency, measured in the same run and interleaved round by round for: aiohttp alone
   and httpx alone doing the same GETs (one shared session or client with keep-alive, the
   same concurrency: the Python floor), readybot's checks alone (`run_many`, no database)
   and readybot's full runner (claim, checks, apply) on each database, every monitor due at
   each sweep. Each gets its wall time (range over the rounds, and median), its ratio to the
   ideal (targets ÷ concurrency × 200 ms; target 1.1×) and to aiohttp in the same round
   (target 1.2×), and this process's CPU time per check; the runner's phases (claim, checks,
   apply) go to stderr.
2. Certificate checks against a local TLS server (trustme certificate) that waits 200 ms
   before its handshake: wall time against the ideal.
3. With `--memory`: peak RSS of `readybot serve` holding 10 launches × 5,000 items and 1,000
   monitors (checked against the local servers) after serving status requests and a full
   monitor pass; target under 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import trustme

from bench.common import big_launch, database, postgres_available, table
from commands.monitors.spec import CertSpec, HttpSpec
from scheduler.monitors.checks.run import run_many
from scheduler.monitors.net import AddressPolicy
from scheduler.monitors.runner import MonitorRunner
from storage.engine import Store

DELAY = 0.2
LOOPBACK = AddressPolicy(["127.0.0.1/32"])


def _serve_http(port: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    from aiohttp import web

    async def health(request: web.Request) -> web.Response:
        await asyncio.sleep(DELAY)
        return web.Response(text="ok")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", health)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=2048).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def _serve_tls(
    port: int, cert_file: str, key_file: str, ready: multiprocessing.synchronize.Event
) -> None:  # type: ignore[name-defined]
    import socketserver

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            time.sleep(DELAY)  # the latency before the handshake
            try:
                with context.wrap_socket(self.request, server_side=True) as tls:
                    tls.recv(1)  # until the client hangs up
            except (OSError, ssl.SSLError):
                pass

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 2048

    with Server(("127.0.0.1", port), Handler) as server:
        ready.set()
        server.serve_forever()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(target, *args) -> tuple[multiprocessing.Process, int]:  # type: ignore[no-untyped-def]
    port = free_port()
    ready = multiprocessing.Event()
    process = multiprocessing.Process(target=target, args=(port, *args, ready), daemon=True)
    process.start()
    ready.wait(15)
    return process, port


@dataclass
class Figures:
    """One contender's sweeps: wall and process CPU seconds per round, runner phases."""

    what: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    phases: list[dict[str, float]] = field(default_factory=list)


def _urls(count: int, port: int) -> list[str]:
    return [f"http://127.0.0.1:{port}/health/{n}" for n in range(count)]


async def _httpx_alone(urls: list[str], concurrency: int) -> None:
    """The Python floor with httpx: one shared client, keep-alive, the same GETs."""
    import httpx

    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10, trust_env=False) as client:

        async def one(url: str) -> None:
            async with gate:
                response = await client.get(url)
                if response.status_code != 200 or "ok" not in response.text:
                    raise RuntimeError(f"httpx alone: {url} answered {response.status_code}")

        await asyncio.gather(*(one(url) for url in urls))


async def _aiohttp_alone(urls: list[str], concurrency: int) -> None:
    """The same GETs with aiohttp: one session, a connector limited to the concurrency."""
    import aiohttp

    gate = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(url: str) -> None:
            async with gate, session.get(url) as response:
                text = await response.text()
                if response.status != 200 or "ok" not in text:
                    raise RuntimeError(f"aiohttp alone: {url} answered {response.status}")

        await asyncio.gather(*(one(url) for url in urls))


async def _checks_alone(urls: list[str], concurrency: int) -> None:
    """readybot's checks (run_many) without the database."""
    checks = [(n, HttpSpec(url, contains="ok"), None) for n, url in enumerate(urls)]
    now = datetime.now(UTC)
    results = await run_many(checks, policy=LOOPBACK, now=now, concurrency=concurrency)
    failed = [r.detail for r in results.values() if not r.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} checks failed, e.g. {failed[0]}")


class _RunnerSweeps:
    """readybot's full runner (claim, checks, apply) on a database holding `count` HTTP
    monitors, all due at every sweep (the runner's clock moves past their interval)."""

    def __init__(self, store: Store, count: int, concurrency: int, port: int) -> None:
        from sqlalchemy import insert

        from storage.models import Monitor

        launch_id = big_launch(store, 10, name="Monitors")
        now = datetime.now(UTC)
        rows = [
            {
                "team_id": "TBENCH",
                "launch_id": launch_id,
                "channel_id": "C-BENCH",
                "kind": "http",
                "name": url,
                "params": {"url": url, "expect_status": 200, "within": 5, "contains": "ok"},
                "state": {},
                "interval_seconds": 60,
                "next_check_at": now - timedelta(seconds=1),
                "created_by": "bench",
                "created_at": now,
                "updated_at": now,
            }
            for url in _urls(count, port)
        ]
        with store.write() as session:
            session.execute(insert(Monitor), rows)
        self.count = count
        self.offset = timedelta(0)
        self.runner = MonitorRunner(
            store=store,
            worker="bench",
            clock=lambda: datetime.now(UTC) + self.offset,
            network=LOOPBACK,
            concurrency=concurrency,
            batch=max(2000, count),
        )

    def sweep(self) -> None:
        self.offset += timedelta(seconds=61)
        checked = asyncio.run(self.runner.run_due())
        if checked != self.count:
            raise RuntimeError(f"the runner checked {checked} of {self.count} monitors")


def _timed(figures: Figures, action: Callable[[], object]) -> None:
    cpu, started = time.process_time(), time.perf_counter()
    action()
    figures.walls.append(time.perf_counter() - started)
    figures.cpus.append(time.process_time() - cpu)


def sweep_http(
    count: int, concurrency: int, port: int, *, rounds: int, engines: list[str]
) -> list[list[str]]:
    """Every contender once per round, interleaved, after a warm-up sweep of each."""
    urls = _urls(count, port)
    contenders: list[tuple[Figures, Callable[[], object]]] = [
        (Figures("aiohttp alone"), lambda: asyncio.run(_aiohttp_alone(urls, concurrency))),
        (Figures("httpx alone"), lambda: asyncio.run(_httpx_alone(urls, concurrency))),
        (Figures("readybot checks"), lambda: asyncio.run(_checks_alone(urls, concurrency))),
    ]
    with contextlib.ExitStack() as stack:
        for engine in engines:
            store = stack.enter_context(database(engine))
            sweeps = _RunnerSweeps(store, count, concurrency, port)
            figures = Figures(f"readybot runner, {engine}")
            # Where the runner reports its phases (older runners ignore the attribute).
            sweeps.runner.on_sweep = figures.phases.append
            contenders.append((figures, sweeps.sweep))
        for figures, action in contenders:
            action()  # warm-up; the runner's first sweep takes every monitor from pending to up
            figures.phases.clear()
        for _ in range(rounds):
            for figures, action in contenders:
                _timed(figures, action)
                print(f"  {figures.what}: {figures.walls[-1]:.2f} s", file=sys.stderr)
    ideal = count / concurrency * DELAY
    aiohttp = contenders[0][0]
    rows = [["ideal", f"{ideal:.2f} s", f"{ideal:.2f} s", "1.00×", "-", "-"]]
    for figures, _ in contenders:
        versus = [w / a for w, a in zip(figures.walls, aiohttp.walls, strict=True)]
        rows.append(
            [
                figures.what,
                _span(figures.walls, " s"),
                f"{statistics.median(figures.walls):.2f} s",
                _span([w / ideal for w in figures.walls], "×"),
                _span(versus, "×"),
                _span([c / count * 1000 for c in figures.cpus], " ms"),
            ]
        )
        if figures.phases:
            keys = list(figures.phases[0])
            medians = ", ".join(
                f"{k} {statistics.median(p[k] for p in figures.phases):.2f} s" for k in keys
            )
            print(f"{figures.what}, median phases: {medians}", file=sys.stderr)
    return rows


def _span(values: list[float], unit: str) -> str:
    low, high = f"{min(values):.2f}", f"{max(values):.2f}"
    return f"{low}{unit}" if low == high else f"{low}–{high}{unit}"


def sweep_certs(count: int, concurrency: int, ca: trustme.CA, port: int) -> list[str]:
    context = ssl.create_default_context()
    ca.configure_trust(context)

    async def resolver(host: str, port_: int):  # type: ignore[no-untyped-def]
        from ipaddress import ip_address

        return [ip_address("127.0.0.1")]

    checks = [(n, CertSpec("api.bench.test", port, (21, 14, 7)), None) for n in range(count)]
    started = time.perf_counter()
    results = asyncio.run(
        run_many(
            checks,
            policy=LOOPBACK,
            now=datetime.now(UTC),
            concurrency=concurrency,
            ssl_context=context,
            resolver=resolver,
        )
    )
    wall = time.perf_counter() - started
    failed = [r.detail for r in results.values() if not r.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} checks failed, e.g. {failed[0]}")
    ideal = count / concurrency * DELAY
    return [
        f"{count} certificate checks",
        f"{concurrency}",
        f"{wall:.2f} s",
        f"{ideal:.2f} s",
        f"{wall / ideal:.2f}×",
    ]


def memory(http_port: int, monitors: int) -> list[str]:
    from storage.engine import open_store
    from storage.migrate import upgrade
    from storage.models import Monitor
    from tests.fakes.slack_api import FakeSlack

    with tempfile.TemporaryDirectory() as folder, FakeSlack(token="xoxb-bench") as fake:
        url = f"sqlite:///{Path(folder) / 'mem.db'}"
        store = open_store(url)
        upgrade(store)
        launch_ids = [
            big_launch(store, 5000, name=f"Launch {n}", channel=f"C0BENCH{n}") for n in range(10)
        ]
        now = datetime.now(UTC)
        with store.write() as session:
            for n in range(monitors):
                session.add(
                    Monitor(
                        team_id="TBENCH",
                        launch_id=launch_ids[n % 10],
                        channel_id=f"C0BENCH{n % 10}",
                        kind="http",
                        name=f"http://127.0.0.1:{http_port}/m/{n}",
                        params={
                            "url": f"http://127.0.0.1:{http_port}/m/{n}",
                            "expect_status": 200,
                            "within": 5,
                            "contains": "ok",
                        },
                        interval_seconds=3600,
                        next_check_at=now - timedelta(seconds=1),
                        created_by="bench",
                        created_at=now,
                        updated_at=now,
                    )
                )
        store.dispose()
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99a0b1c2d3e4",
            "SLACK_API_URL": fake.base_url,
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "READYBOT_MONITOR_ALLOW": "127.0.0.1/32",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_port(port)
            store = open_store(url)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # until every monitor has been checked once
                with store.read() as session:
                    from sqlalchemy import func, select

                    pending = session.execute(
                        select(func.count()).select_from(Monitor).where(Monitor.status == "pending")
                    ).scalar_one()
                if pending == 0:
                    break
                time.sleep(1)
            else:
                raise RuntimeError(f"{pending} monitors were still pending after 120 s")
            store.dispose()
            _status_requests(port, launches=10)
            peak = _peak_rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(15)
    return [
        f"readybot serve: 10 × 5,000 items, {monitors} monitors",
        "-",
        f"{peak:.0f} MB peak RSS",
        "200 MB",
        f"{peak / 200:.2f}×",
    ]


def _wait_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("readybot serve did not start")


def _status_requests(port: int, launches: int) -> None:
    from urllib.parse import urlencode

    import httpx
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier("8f742231b10e8888abcd99a0b1c2d3e4")
    with httpx.Client(timeout=30) as client:
        for n in range(launches):
            for text in ("status", "list all", "list blocked"):
                body = urlencode(
                    {
                        "team_id": "TBENCH",
                        "channel_id": f"C0BENCH{n}",
                        "user_id": "bench",
                        "command": "/ready",
                        "text": text,
                        "response_url": "http://127.0.0.1:9/x",
                        "trigger_id": f"t{n}{text}",
                    }
                )
                ts = str(int(time.time()))
                response = client.post(
                    f"http://127.0.0.1:{port}/slack/events",
                    content=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Slack-Request-Timestamp": ts,
                        "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
                    },
                )
                if response.status_code != 200:
                    raise RuntimeError(f"/ready {text} in C0BENCH{n}: HTTP {response.status_code}")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--http", type=int, default=1000, help="HTTP monitors per sweep")
    parser.add_argument("--rounds", type=int, default=3, help="sweeps per contender")
    parser.add_argument(
        "--engines",
        default="sqlite,postgresql",
        help="databases for the full runner (PostgreSQL is left out when it does not answer)",
    )
    parser.add_argument("--certs", type=int, default=200, help="certificate checks (0: none)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    if "postgresql" in engines and not postgres_available():
        print("PostgreSQL does not answer: the runner is measured on SQLite only", file=sys.stderr)
        engines.remove("postgresql")
    http_server, http_port = start(_serve_http)
    ca = trustme.CA()
    cert = ca.issue_cert("api.bench.test")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
        cert.private_key_pem.write_to_path(str(key_file))
        tls_server, tls_port = start(_serve_tls, str(cert_file), str(key_file))
        try:
            sweeps = sweep_http(
                args.http, args.concurrency, http_port, rounds=args.rounds, engines=engines
            )
            print(
                f"{args.http} HTTP monitors, concurrency {args.concurrency}, {args.rounds} rounds"
            )
            header = ["what", "wall (range)", "median", "÷ ideal", "÷ aiohttp", "CPU per check"]
            print(table(header, sweeps))
            if args.certs:
                rows.append(sweep_certs(args.certs, args.concurrency, ca, tls_port))
            if args.memory:
                rows.append(memory(http_port, 1000))
        finally:
            http_server.terminate()
            tls_server.terminate()
    if rows:
        print()
        print(table(["what", "concurrency", "wall", "ideal / target", "ratio"], rows))


if __name__ == "__main__":
    main()
