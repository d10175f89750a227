"""Where a server's CPU goes: py-spy samples (`pip install py-spy`) sorted into buckets.

    python -m bench.spy PROFILE.txt        # a py-spy raw profile → the breakdown

bench.ack records one profile per verb with `--profile DIR`. A sample goes to the first
bucket, in the order below, that any frame of its stack belongs to: logging that encodes
JSON is logging, a query the Bolt middleware makes is the database, and so on.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

# (bucket, pattern over a frame "function (path:line)"), in order of precedence.
BUCKETS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("delivery pass (outbox)", r"\(.*scheduler/(delivery|wake)\.py"),
        ("logging", r"\(.*(\blogging/|bot/logs\.py)"),
        ("json", r"\(.*(\bjson/|orjson)"),
        ("database", r"\(.*(sqlalchemy/|sqlmodel/|sqlite3/|storage/|psycopg/)"),
        ("references and suggestions", r"\(.*(commands/refs\.py|rapidfuzz|commands/items/find)"),
        ("Block Kit and text rendering", r"\(.*(bot/render/|jinja2/)"),
        ("scoring and status", r"\(.*(commands/(scoring|status|readiness|paths)\.py)"),
        ("our parse", r"\(.*commands/parse/"),
        ("our command code", r"\(.*(commands/|scheduler/)"),
        ("metrics", r"\(.*(prometheus_client|bot/metrics\.py)"),
        ("our edge and middleware", r"\(.*(bot/(edge|middleware|server)\.py|bot/listeners/)"),
        ("Bolt and slack_sdk", r"\(.*(slack_bolt/|slack_sdk/)"),
        ("HTTP server (uvicorn, h11, Starlette)", r"\(.*(uvicorn/|h11/|httptools|starlette/)"),
        ("event loop and thread hops", r"\(.*(asyncio/|concurrent/|threading\.py|queue\.py)"),
    ]
]
OTHER = "other"
# Leaves where a thread waits rather than runs (py-spy --nonblocking cannot always tell).
IDLE = re.compile(
    r"^(_worker \(.*concurrent/futures/thread\.py:81\)|EpollSelector\.select \(selectors\.py)"
)
# Frames below the event loop's callback runner are the serving scaffolding (uvicorn.run
# called from bot.server, asyncio's loop): a sample belongs to what the loop was running.
LOOP = "Handle._run (asyncio/events.py"


def record(pid: int, *, seconds: float, out: Path, rate: int = 250) -> subprocess.Popen[bytes]:
    """Start sampling `pid` for `seconds` (without pausing it) into `out`; wait on the result."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            *("record", "--pid", str(pid), "--duration", str(max(1, round(seconds)))),
            *("--rate", str(rate), "--format", "raw", "--nonblocking", "--output", str(out)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bucket_of(stack: str) -> str:
    frames = stack.split(";")
    runs = [n for n, frame in enumerate(frames) if frame.startswith(LOOP)]
    if runs:
        frames = frames[runs[-1] :]
    for name, pattern in BUCKETS:
        if any(pattern.search(frame) for frame in frames):
            return name
    return OTHER


def breakdown(path: Path) -> dict[str, float]:
    """Share of the on-CPU samples per bucket, largest first."""
    counts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit() and not IDLE.match(stack.split(";")[-1]):
            counts[bucket_of(stack)] += int(count)
    total = sum(counts.values()) or 1
    return {name: n / total for name, n in counts.most_common()}


def hottest(path: Path, *, top: int = 15) -> list[tuple[str, float]]:
    """The leaf functions with the most samples (self time), as shares."""
    counts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit() and not IDLE.match(stack.split(";")[-1]):
            counts[stack.split(";")[-1]] += int(count)
    total = sum(counts.values()) or 1
    return [(frame, n / total) for frame, n in counts.most_common(top)]


def main() -> None:
    for name in sys.argv[1:]:
        print(name)
        for bucket, share in breakdown(Path(name)).items():
            print(f"  {share:6.1%}  {bucket}")
        print("  hottest leaves:")
        for frame, share in hottest(Path(name)):
            print(f"  {share:6.1%}  {frame}")


if __name__ == "__main__":
    main()
