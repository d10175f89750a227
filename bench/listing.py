"""`list`'s two queries (a page of open items in order, and how many there are) on a
5,000-item launch, with and without the indexes migration 0013 adds, in the same run.

    python -m bench.listing [--items 5000] [--runs 50] [--engines sqlite,postgresql]

"without" drops ix_item_launch_open and ix_item_launch_order and puts back
ix_item_launch_status (the schema before 0013); "with" is the schema as migrated. Each
query runs in its own read transaction, as `list` runs them; medians in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import text

from bench.common import NOW, big_launch, database, postgres_available, table
from storage import items
from storage.engine import Store
from storage.vocabulary import ItemFilter

WITHOUT = [
    "DROP INDEX ix_item_launch_open",
    "DROP INDEX ix_item_launch_order",
    "CREATE INDEX ix_item_launch_status ON item (launch_id, status)",
]
WITH = [
    "DROP INDEX ix_item_launch_status",
    "CREATE INDEX ix_item_launch_open ON item (launch_id, status, waiver_until)",
    "CREATE INDEX ix_item_launch_order ON item (launch_id, category, seq)",
]


def median_ms(action: Callable[[], object], runs: int) -> float:
    for _ in range(3):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def schema(store: Store, statements: list[str]) -> None:
    with store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    analyze = "ANALYZE item" if store.engine.dialect.name == "postgresql" else "ANALYZE"
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(analyze))


def measure(store: Store, launch_id: int, runs: int) -> dict[str, float]:
    today: date = NOW.date()

    def both() -> None:
        with store.read() as session:
            items.list_items(
                session, launch_id=launch_id, kind=ItemFilter.OPEN, today=today, limit=25
            )

    def count() -> None:
        with store.read() as session:
            items.list_items(
                session, launch_id=launch_id, kind=ItemFilter.OPEN, today=today, limit=0
            )

    return {"page + count": median_ms(both, runs), "count (limit 0)": median_ms(count, runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = []
    for engine in args.engines.split(","):
        if engine == "postgresql" and not postgres_available():
            print("postgresql: no server, skipped")
            continue
        with database(engine) as store:
            launch_id = big_launch(store, args.items)
            results = {}
            for _ in range(2):  # without, with, without, with: the medians of both rounds
                for name, statements in (("without", WITHOUT), ("with", WITH)):
                    schema(store, statements)
                    for query, ms in measure(store, launch_id, args.runs).items():
                        results.setdefault((query, name), []).append(ms)
            for query in ("page + count", "count (limit 0)"):
                before = statistics.median(results[(query, "without")])
                after = statistics.median(results[(query, "with")])
                rows.append(
                    [engine, query, f"{before:.2f}", f"{after:.2f}", f"{before / after:.1f}×"]
                )
    print(f"`list` (open items) on {args.items:,} items, median ms of {args.runs} runs")
    print(table(["engine", "queries", "without 0013", "with 0013", "speed-up"], rows))


if __name__ == "__main__":
    main()
