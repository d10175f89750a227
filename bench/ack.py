"""Every `/ready` verb at 1, 5 and 50 concurrent against `readybot serve` (5,000-item launch,
SQLite, default log settings) and a bare Bolt AsyncApp that only acknowledges, served the
same way, interleaved in the same run: CPU per request of the server process, p50 and p99,
and readybot's ratio to the bare app for each.

    python -m bench.ack [--quick] [--items 5000] [--seconds 6] [--verbs status,list]
                        [--baseline DIR]

`--baseline DIR` serves a second readybot from another checkout as well ("before": e.g.
`git worktree add /tmp/readybot-before HEAD~3`), measured in the same cells, so a change is
judged against its own baseline on the same machine at the same time.

Both servers stay up for the whole run; each cell (verb x concurrency) is measured on the
bare app and then on readybot, one after the other, so both see the same machine. Load
comes from wrk over loopback (`sudo apt-get install wrk`; `brew install wrk`), which cycles through bodies signed
just before the cell (a write goes to a different item each time). CPU is the server
process's user + system time over the measured seconds (all its threads), divided by the
requests wrk completed. A reply that says "working on it" (the slow path) or "busy" is
counted and shown.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
from slack_sdk.signature import SignatureVerifier

from bench.common import CATEGORIES, table
from bench.serve import SECRET, TOKEN, bench_setup, free_port, start
from bench.spy import breakdown
from bench.spy import record as spy_record
from tests.fakes.slack_api import FakeSlack

CONCURRENCY = (1, 5, 50)


def _note_texts(items: int, count: int) -> list[str]:
    keys = [f"{CATEGORIES[n % len(CATEGORIES)][:3].upper()}-{n}" for n in range(1, items)]
    return [f"note {keys[n % len(keys)]} checked with the vendor, run {n}" for n in range(count)]


def verbs(items: int) -> dict[str, list[str]]:
    """Verb name -> the texts its requests cycle through."""
    return {
        "status": ["status"],
        "list": ["list"],
        "help": ["help"],
        "history": ["history SSL"],
        "typo": ["block SECC-12 waiting on the vendor"],
        "note": _note_texts(items, 4000),
    }


def signed(texts: list[str]) -> list[tuple[str, str, str]]:
    verifier = SignatureVerifier(SECRET)
    ts = str(int(time.time()))
    out = []
    for n, text in enumerate(texts):
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
        out.append((body, ts, verifier.generate_signature(timestamp=ts, body=body)))
    return out


# Each wrk thread walks the signed bodies from its own offset; response() counts replies that
# took the slow path ("Working on it") or were turned away ("busy").
WRK_SCRIPT = """
local bodies = {bodies}
local n = 0
local threads = {{}}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
  table.insert(threads, thread)
end
function init(args)
  n = offset or 0
  slow = 0
  busy = 0
end
function request()
  n = n + 1
  local b = bodies[(n % #bodies) + 1]
  return wrk.format("POST", nil, {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Slack-Request-Timestamp"] = b[2],
    ["X-Slack-Signature"] = b[3],
  }}, b[1])
end
function response(status, headers, body)
  if string.find(body, "Working on it", 1, true) then slow = slow + 1 end
  if string.find(body, "busy", 1, true) then busy = busy + 1 end
end
function done(summary, latency, requests)
  local s, b = 0, 0
  for _, t in ipairs(threads) do s = s + t:get("slow"); b = b + t:get("busy") end
  io.write(string.format("SLOW %d\\nBUSY %d\\n", s, b))
end
"""


def _lua(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for our bodies


@dataclass(frozen=True)
class Cell:
    p50: float
    p99: float
    cpu_ms: float
    rate: float
    slow: int
    busy: int
    requests: int


def run_wrk(
    url: str,
    pid: int,
    *,
    texts: list[str],
    concurrency: int,
    seconds: float,
    profile: Path | None = None,
) -> Cell:
    bodies = signed(texts)
    lua = WRK_SCRIPT.format(
        bodies="{" + ",".join("{" + ",".join(map(_lua, b)) + "}" for b in bodies) + "}"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    threads = "1" if concurrency == 1 else "2"
    base = ["wrk", f"-t{threads}", f"-c{concurrency}", "-s", script.name, url]
    try:
        subprocess.run([*base, "-d1s"], check=True, capture_output=True)  # warm up
        process = psutil.Process(pid)
        before = process.cpu_times()
        spy = spy_record(pid, seconds=seconds, out=profile) if profile else None
        out = subprocess.run(
            [*base, f"-d{seconds:g}s", "--latency", "--timeout", "10s"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        after = process.cpu_times()
        if spy is not None:
            spy.wait(timeout=60)
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"some requests failed:\n{out}")

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            raise RuntimeError(f"no {label}% in wrk output:\n{out}")
        return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]

    def number(pattern: str) -> float:
        match = re.search(pattern, out)
        if not match:
            raise RuntimeError(f"no {pattern!r} in wrk output:\n{out}")
        return float(match[1])

    requests = int(number(r"(\d+) requests in"))
    cpu = (after.user - before.user) + (after.system - before.system)
    return Cell(
        p50=latency("50"),
        p99=latency("99"),
        cpu_ms=cpu * 1000 / max(1, requests),
        rate=number(r"Requests/sec:\s+([\d.]+)"),
        slow=int(number(r"SLOW (\d+)")),
        busy=int(number(r"BUSY (\d+)")),
        requests=requests,
    )


def _acks(cell: Cell) -> str:
    return f"{cell.slow}/{cell.busy}" if cell.slow or cell.busy else "-"


def sample(url: str, text: str) -> str:
    """The start of readybot's reply to `text`, to show what is being measured."""
    body, ts, signature = signed([text])[0]
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    reply = httpx.post(url, content=body, headers=headers, timeout=10)
    reply.raise_for_status()
    return f"{len(reply.content):,} bytes: {reply.json().get('text', '')[:90]!r}"


def baseline_database(folder: Path, baseline: Path) -> str:
    """A copy of the bench database for the baseline's code, taken back (by this code's
    migrations) to the newest one the baseline has: a newer schema it would refuse."""
    import sqlite3

    from alembic import command
    from sqlalchemy import create_engine

    from storage.migrate import alembic_config

    copy = folder / "before.db"
    with sqlite3.connect(folder / "bench.db") as source, sqlite3.connect(copy) as target:
        source.backup(target)
    theirs = [
        found[1]
        for path in (baseline / "storage" / "migrations" / "versions").glob("*.py")
        if (found := re.search(r'^revision\s*(?::[^=]*)?=\s*"([^"]+)"', path.read_text(), re.M))
    ]
    engine = create_engine(f"sqlite:///{copy}")
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), max(theirs))  # a no-op when there
    engine.dispose()
    return f"sqlite:///{copy}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=6, help="measured seconds per cell")
    parser.add_argument("--quick", action="store_true", help="2 s per cell (about 2 minutes)")
    parser.add_argument("--verbs", default="", help="comma-separated subset of the verbs")
    parser.add_argument("--concurrency", default=",".join(map(str, CONCURRENCY)))
    parser.add_argument(
        "--profile",
        type=Path,
        help="a folder: py-spy samples readybot in every cell (perturbs the timings a little)",
    )
    parser.add_argument(
        "--readybot-env",
        default="",
        help="extra KEY=VALUE,… for readybot only (to compare settings in one run)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another readybot checkout to serve and measure too, as 'before'",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(
            "bench.ack drives the servers with wrk, which is not installed: "
            "`sudo apt-get install wrk` (Debian, Ubuntu) or `brew install wrk` (macOS)."
        )
    if args.baseline and not (args.baseline / "bot" / "cli.py").exists():
        sys.exit(f"--baseline {args.baseline}: not a readybot checkout (no bot/cli.py)")
    seconds = 2.0 if args.quick else args.seconds
    chosen = verbs(args.items)
    if args.verbs:
        chosen = {k: v for k, v in chosen.items() if k in args.verbs.split(",")}
    levels = [int(c) for c in args.concurrency.split(",")]
    rows: list[list[str]] = []
    profiles: dict[tuple[str, int], tuple[Path, float]] = {}
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, FakeSlack(token=TOKEN) as fake:
        env = bench_setup(Path(folder), fake, args.items)
        extra = dict(kv.split("=", 1) for kv in args.readybot_env.split(",") if kv)
        servers = {}
        log = open(Path(folder) / "readybot.log", "wb")  # noqa: SIM115 - closed below
        try:
            names = ("bare", "before", "readybot") if args.baseline else ("bare", "readybot")
            for name in names:
                port = free_port()
                if name == "bare":
                    command = [
                        sys.executable,
                        *("-m", "uvicorn", "bench.bare_app:create", "--factory"),
                        *("--no-access-log", "--port", str(port)),
                    ]
                    server_env = env
                else:
                    command = [sys.executable, "-m", "bot.cli", "serve"]
                    server_env = {**env, **extra, "PORT": str(port), "HOST": "127.0.0.1"}
                cwd = args.baseline if name == "before" else None
                if name == "before":  # its own copy, at the schema its code knows
                    server_env = {
                        **server_env,
                        "DATABASE_URL": baseline_database(Path(folder), args.baseline),
                    }
                process = start(command, server_env, port, cwd=cwd)
                if process.stderr is not None:  # readybot logs at INFO: drain it to a file
                    drain = subprocess.Popen(["cat"], stdin=process.stderr, stdout=log)
                    process.stderr.close()
                servers[name] = (process, f"http://127.0.0.1:{port}/slack/events", drain)
            for verb, texts in chosen.items():
                print(f"{verb}: {sample(servers['readybot'][1], texts[0])}", file=sys.stderr)
            for concurrency in levels:
                for verb, texts in chosen.items():
                    cells = {}
                    for name, (process, url, _) in servers.items():
                        profile = None
                        if args.profile:
                            profile = args.profile / f"{name}-{verb}-{concurrency}.txt"
                        cells[name] = run_wrk(
                            url,
                            process.pid,
                            texts=texts,
                            concurrency=concurrency,
                            seconds=seconds,
                            profile=profile,
                        )
                        if profile:
                            profiles[(f"{name} {verb}", concurrency)] = (
                                profile,
                                cells[name].cpu_ms,
                            )
                    bare, ours = cells["bare"], cells["readybot"]
                    row = [
                        verb,
                        str(concurrency),
                        f"{ours.cpu_ms:.2f} vs {bare.cpu_ms:.2f} ({ours.cpu_ms / bare.cpu_ms:.1f}×)",
                        f"{ours.p50:.1f} vs {bare.p50:.1f} ({ours.p50 / bare.p50:.1f}×)",
                        f"{ours.p99:.1f} vs {bare.p99:.1f} ({ours.p99 / bare.p99:.1f}×)",
                        f"{ours.rate:.0f} vs {bare.rate:.0f}",
                        _acks(ours),
                    ]
                    if "before" in cells:
                        was = cells["before"]
                        row[3:3] = [
                            f"{was.cpu_ms:.2f} ({was.cpu_ms / bare.cpu_ms:.1f}×)",
                            f"{was.p99:.1f} ({was.p99 / bare.p99:.1f}×)",
                            _acks(was),
                        ]
                    rows.append(row)
                    print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
        finally:
            for process, _, drain in servers.values():
                process.terminate()
                process.wait(timeout=15)
                drain.wait(timeout=15)
            log.close()
    before = f", before = {args.baseline}" if args.baseline else ""
    print(
        f"{args.items:,} items, SQLite, {seconds:g} s per cell, readybot vs bare Bolt AsyncApp"
        + before
    )
    header = ["verb", "concurrent", "CPU ms/request", "p50 ms", "p99 ms", "requests/s"]
    header.append("slow/busy acks")
    if args.baseline:
        header[3:3] = ["before: CPU ms (× bare)", "before: p99 ms (× bare)", "before: slow/busy"]
    print(table(header, rows))
    for (what, concurrency), (path, cpu_ms) in profiles.items():
        if not path.exists():
            continue
        parts = ", ".join(
            f"{name} {share * cpu_ms:.2f}"
            for name, share in breakdown(path).items()
            if share >= 0.01
        )
        print(f"\n{what} at {concurrency}: {cpu_ms:.2f} ms CPU/request = {parts}")


if __name__ == "__main__":
    main()
