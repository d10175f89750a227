"""`status` and `block` on big launches, on SQLite and PostgreSQL: median and p99 per command.

    python -m bench.commands [--items 5000,50000] [--runs 300] [--engines sqlite,postgresql]

Measures the whole command path without Slack: parse, the transaction, scoring and
the reply model, plus rendering to text (what the console shows). `status` is
measured three ways: on an unchanged launch (the report is reused while the launch's
plan revision stands), right after a note (the report is kept: a note changes nothing
status shows) and right after a block or unblock (the report is computed afresh, on the
launch's items brought up to date from the one that changed: commands.launch_state).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from sqlalchemy import text

from bench.common import big_launch, ctx, database, postgres_available, summary, table, timings
from bot.render.text import render
from commands.replies import ErrorReply
from commands.run import execute
from storage.engine import Store


def command(store: Store, text: str) -> Callable[[], None]:
    context = ctx()

    def run() -> None:
        reply = execute(store, context, text)
        assert not isinstance(reply, ErrorReply), reply
        render(reply)

    return run


def status_after_change(store: Store, runs: int, *changes: str) -> list[float]:
    """`status` right after each change, taking `changes` in turn."""
    made = [command(store, text) for text in changes]
    status = command(store, "status")
    result = []
    for n in range(runs):
        made[n % len(made)]()  # bumps the launch's revision: the next status is made afresh
        started = time.perf_counter()
        status()
        result.append((time.perf_counter() - started) * 1000)
    return result


def measure(engine: str, size: int, runs: int) -> list[list[str]]:
    rows = []
    with database(engine) as store:
        big_launch(store, size)
        status = command(store, "status")
        block, unblock = (
            command(store, "block SSL waiting on the CA"),
            command(store, "unblock SSL"),
        )
        blocks: list[float] = []

        def block_then_unblock() -> None:
            started = time.perf_counter()
            block()
            blocks.append((time.perf_counter() - started) * 1000)
            unblock()

        timings(block_then_unblock, runs)
        # By title words: every title is read and indexed (commands.refs), as `block
        # configure ssl …` does. The first item's title is random words and its number.
        with store.read() as session:
            title = session.execute(text("SELECT title FROM item WHERE key = 'SSL'")).scalar_one()
        by_words = " ".join(title.split()[:3]) + " 0"
        titled: list[float] = []
        block_titled = command(store, f"block {by_words} waiting on the CA")

        def block_by_title_then_unblock() -> None:
            started = time.perf_counter()
            block_titled()
            titled.append((time.perf_counter() - started) * 1000)
            unblock()

        timings(block_by_title_then_unblock, max(20, runs // 5))
        cases = {
            "status, unchanged launch (cached by revision)": timings(status, runs),
            "status right after a note (report kept)": status_after_change(
                store, runs, "note SSL bench"
            ),
            "status right after a block or unblock (report made afresh)": status_after_change(
                store, runs, "block SSL waiting on the CA", "unblock SSL"
            ),
            "block (item found by key)": blocks[5:],
            "block (item found by title words)": titled[5:],
        }
        for name, values in cases.items():
            median, p99 = summary(values)
            rows.append([engine, f"{size:,}", name, f"{median:.1f}", f"{p99:.1f}"])
            print(" | ".join(rows[-1]), file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", default="5000,50000")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "postgresql" in engines and not postgres_available():
        print("PostgreSQL is not reachable; measuring SQLite only", file=sys.stderr)
        engines.remove("postgresql")
    rows = [
        row
        for engine in engines
        for size in map(int, args.items.split(","))
        for row in measure(engine, size, args.runs)
    ]
    print(table(["engine", "items", "command", "median ms", "p99 ms"], rows))


if __name__ == "__main__":
    main()
