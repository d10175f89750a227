"""Signed `/ready status` requests against `readybot serve` on a 5,000-item launch, and the
same load against a bare Bolt AsyncApp that only acknowledges, served the same way
(Starlette + uvicorn, one process each), in the same run.

    python -m bench.serve [--items 5000] [--seconds 15] [--concurrency 50] [--driver wrk|httpx]

Both servers run in their own process; the load comes over loopback from wrk (C, cheap on
the CPU the servers share) when it is installed (`apt-get install wrk`), otherwise from an
httpx client in this process. Time to acknowledgement is the time until the HTTP response
(Slack's ack) arrives. Every request carries a valid signature; wrk sends the same signed
body throughout (a `status` request is read-only, and the timestamp stays within Slack's
five minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bench.common import big_launch, percentile, table
from storage.engine import open_store
from storage.migrate import upgrade
from tests.fakes.slack_api import FakeSlack

SECRET = "8f742231b10e8888abcd99a0b1c2d3e4"
TOKEN = "xoxb-bench-token"


def bench_setup(folder: Path, fake: FakeSlack, items: int) -> dict[str, str]:
    """A SQLite database in `folder` with a launch of `items` items, the fake Slack told of
    its workspace, and the environment that serves readybot on them."""
    db_url = f"sqlite:///{folder / 'bench.db'}"
    store = open_store(db_url)
    upgrade(store)
    big_launch(store, items)
    store.dispose()
    # auth.test must name the launch's workspace, or readybot's gate refuses every request.
    fake.add_workspace(token=TOKEN, team_id="TBENCH", team_name="Bench")
    return {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake.base_url,
        "DATABASE_URL": db_url,
        "READYBOT_ADMINS": "bench",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    command: list[str], env: dict[str, str], port: int, *, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=cwd,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    process.stderr.read().decode() if process.stderr else "server died"
                ) from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server on port {port} did not start")


async def load(
    url: str, *, requests: int, concurrency: int, text: str
) -> tuple[list[float], float]:
    verifier = SignatureVerifier(SECRET)
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(requests):
        queue.put_nowait(n)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            n = queue.get_nowait()
            body = urlencode(
                {
                    "team_id": "TBENCH",
                    "channel_id": "C-BENCH",
                    "user_id": "bench",
                    "user_name": "bench",
                    "command": "/ready",
                    "text": text,
                    "response_url": "http://127.0.0.1:9/none",
                    "trigger_id": f"t{n}",
                    "api_app_id": "A1",
                }
            )
            ts = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
            }
            started = time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(min(concurrency, 10))))  # warm up
        latencies.clear()
        for n in range(requests):
            queue.put_nowait(n)
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{errors} requests failed")
    return latencies, len(latencies) / elapsed


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Slack-Request-Timestamp"] = "{ts}"
wrk.headers["X-Slack-Signature"] = "{signature}"
"""


def wrk_load(url: str, *, seconds: int, concurrency: int, text: str) -> tuple[float, float, float]:
    """(p50 ms, p99 ms, requests/s) from wrk."""
    body = urlencode(
        {
            "team_id": "TBENCH",
            "channel_id": "C-BENCH",
            "user_id": "bench",
            "user_name": "bench",
            "command": "/ready",
            "text": text,
            "response_url": "http://127.0.0.1:9/none",
            "trigger_id": "t1",
            "api_app_id": "A1",
        }
    )
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(body=json.dumps(body), ts=ts, signature=signature))
    subprocess.run(
        ["wrk", "-t2", f"-c{concurrency}", "-d3s", "-s", script.name, url],
        check=True,
        capture_output=True,
    )  # warm up
    out = subprocess.run(
        ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--latency", "-s", script.name, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"some requests failed:\n{out}")

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            raise RuntimeError(f"no {label}% in wrk output:\n{out}")
        return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    return latency("50"), latency("99"), rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=2000, help="for the httpx driver")
    parser.add_argument("--seconds", type=int, default=15, help="for the wrk driver")
    parser.add_argument(
        "--driver", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx"
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--text", default="status")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder, FakeSlack(token=TOKEN) as fake:
        env = {**bench_setup(Path(folder), fake, args.items), "LOG_LEVEL": "WARNING"}
        bare = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.bare_app:create",
            "--factory",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        servers = {
            "bare Bolt AsyncApp, ack only (process_before_response=True)": bare,
            "bare Bolt AsyncApp, ack only (Bolt's default: polls for the ack)": [
                *bare,
                "--env-default",
            ],
            f"readybot serve, /ready {args.text}, {args.items:,} items": [
                sys.executable,
                "-m",
                "bot.cli",
                "serve",
            ],
        }
        for name, command in servers.items():
            port = free_port()
            extra = {"PORT": str(port), "HOST": "127.0.0.1"}
            if "--env-default" in command:
                command = [c for c in command if c != "--env-default"]
                extra["BARE_PROCESS_BEFORE_RESPONSE"] = "false"
            if command[2] == "uvicorn":
                command = [*command, "--port", str(port)]
            process = start(command, {**env, **extra}, port)
            url = f"http://127.0.0.1:{port}/slack/events"
            try:
                if args.driver == "wrk":
                    p50, p99, rate = wrk_load(
                        url, seconds=args.seconds, concurrency=args.concurrency, text=args.text
                    )
                else:
                    latencies, rate = asyncio.run(
                        load(
                            url,
                            requests=args.requests,
                            concurrency=args.concurrency,
                            text=args.text,
                        )
                    )
                    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
            finally:
                process.terminate()
                process.wait(timeout=15)
            rows.append([name, f"{args.concurrency}", f"{p50:.1f}", f"{p99:.1f}", f"{rate:.0f}"])
            print(" | ".join(rows[-1]), file=sys.stderr)
    print(f"driver: {args.driver}")
    print(table(["server", "concurrent", "p50 ms", "p99 ms", "requests/s"], rows))
    bare_p99, ours_p99 = float(rows[0][3]), float(rows[-1][3])
    print(f"\nreadybot p99 / bare p99 = {ours_p99 / bare_p99:.2f}")


if __name__ == "__main__":
    main()
