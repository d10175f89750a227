"""Monitor sweeps and the memory of a loaded server.

    python -m bench.monitors [--http 1000] [--certs 200] [--concurrency 50] [--memory]

1. A sweep of HTTP monitors against local servers that answer in 200 ms (in another process,
   so their work does not share this process's CPU time), at the default concurrency: wall
   time against the ideal (targets ÷ concurrency × 200 ms); target within 1.2×.
2. The same for certificate checks against a local TLS server (trustme certificate) that
   waits 200 ms before its handshake.
3. With `--memory`: peak RSS of `readybot serve` holding 10 launches × 5,000 items and 1,000
   monitors (checked against the local servers) after serving status requests and a full
   monitor pass; target under 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import trustme

from bench.common import big_launch, table
from commands.monitors.spec import CertSpec, HttpSpec
from scheduler.monitors.checks.run import run_many
from scheduler.monitors.net import AddressPolicy

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


def sweep_http(count: int, concurrency: int, port: int) -> list[str]:
    checks = [
        (n, HttpSpec(f"http://127.0.0.1:{port}/health/{n}", contains="ok"), None)
        for n in range(count)
    ]
    started = time.perf_counter()
    results = asyncio.run(
        run_many(checks, policy=LOOPBACK, now=datetime.now(UTC), concurrency=concurrency)
    )
    wall = time.perf_counter() - started
    failed = [r.detail for r in results.values() if not r.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} checks failed, e.g. {failed[0]}")
    ideal = count / concurrency * DELAY
    return [
        f"{count} HTTP monitors",
        f"{concurrency}",
        f"{wall:.2f} s",
        f"{ideal:.2f} s",
        f"{wall / ideal:.2f}×",
    ]


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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--http", type=int, default=1000)
    parser.add_argument("--certs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
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
            rows.append(sweep_http(args.http, args.concurrency, http_port))
            print(" | ".join(rows[-1]), file=sys.stderr)
            rows.append(sweep_certs(args.certs, args.concurrency, ca, tls_port))
            print(" | ".join(rows[-1]), file=sys.stderr)
            if args.memory:
                rows.append(memory(http_port, 1000))
        finally:
            http_server.terminate()
            tls_server.terminate()
    print(table(["what", "concurrency", "wall", "ideal / target", "ratio"], rows))


if __name__ == "__main__":
    main()
