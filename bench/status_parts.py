"""Where `status` right after a change spends its time, part by part (SQLite, in-process).

    python -m bench.status_parts [--items 5000] [--runs 60]

Blocks and unblocks one item in turn, then asks for status (as bench.commands does), with
each part of the report timed by a wrapper: the kept launch state brought up to date, the
plan (critical path, path to GO), sign-offs, the recent pace, the counts' summary, the
rendering. Parts nest (the plan holds the critical path and the path to GO), so they do
not add up to the total.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import bench.commands as bench_commands
import commands.readiness as readiness
import commands.status as status_module
from bench.commands import command
from bench.common import big_launch, database

PARTS: list[tuple[Any, str]] = [
    (status_module, "build_report"),
    (status_module, "launch_state"),
    (status_module, "plan"),
    (status_module, "category_states"),
    (status_module, "summarise"),
    (readiness, "critical_path"),
    (readiness, "path_to_go"),
    (readiness, "verified_only"),
    (bench_commands, "render"),
]


def timed(spent: dict[str, float]) -> None:
    for module, name in PARTS:
        original: Callable[..., Any] = getattr(module, name)

        @functools.wraps(original)
        def wrapper(
            *args: Any, _f: Callable[..., Any] = original, _n: str = name, **kw: Any
        ) -> Any:
            started = time.perf_counter()
            try:
                return _f(*args, **kw)
            finally:
                spent[_n] += time.perf_counter() - started

        setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    spent: dict[str, float] = defaultdict(float)
    timed(spent)
    with database("sqlite") as store:
        big_launch(store, args.items)
        status = command(store, "status")
        block, unblock = (
            command(store, "block SSL waiting on the CA"),
            command(store, "unblock SSL"),
        )
        for _ in range(5):  # warm up: the launch read whole, statements compiled
            block()
            status()
            unblock()
            status()
        spent.clear()
        total = 0.0
        for n in range(args.runs):
            (block if n % 2 == 0 else unblock)()
            started = time.perf_counter()
            status()
            total += time.perf_counter() - started
    print(
        f"status right after a block or unblock, {args.items:,} items: {total / args.runs * 1000:.2f} ms"
    )
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:16s} {seconds / args.runs * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
