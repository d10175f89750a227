"""Writes under load: where SQLite's one write lock goes. Worker threads (as `serve` runs
commands) each send `note <key> …` to a different item of a 5,000-item launch, or a typo
(`block SECC-12 …`: an unknown item, with suggestions, inside the write transaction), for a
few seconds; every mode is measured in the same run.

    python -m bench.writes [--items 5000] [--seconds 3] [--threads 1,2,6] [--engines sqlite]

Each cell runs `--repeat` times, the modes interleaved; the table shows the medians. For each
cell: commands per second, latency p50/p99, and the time each write transaction
held the lock (from BEGIN IMMEDIATE's return to the end of COMMIT or ROLLBACK), p50/p99.
Modes: `serialized` (the default: the process's writers queue on a lock before BEGIN
IMMEDIATE) and `busy-wait` (the lock off: writers wait in SQLite's busy handler, which
sleeps and retries), and `synchronous=FULL` against the default NORMAL under WAL.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import event

from bench.common import (
    CATEGORIES,
    big_launch,
    ctx,
    database,
    percentile,
    postgres_available,
    table,
)
from commands.run import execute
from storage.engine import Store

TYPO = "block SECC-12 waiting on the vendor"


@contextmanager
def held_times(store: Store) -> Iterator[list[float]]:
    """Collects how long each transaction on `store` ran after its BEGIN returned, in ms."""
    held: list[float] = []

    def began(conn: Any) -> None:
        if not store.is_sqlite or conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
            conn.info["bench_began"] = time.perf_counter()  # writes only, on SQLite

    def ended(conn: Any) -> None:
        started = conn.info.pop("bench_began", None)
        if started is not None:
            held.append((time.perf_counter() - started) * 1000)

    engine = store.engine
    event.listen(engine, "begin", began)  # after storage.engine's own BEGIN IMMEDIATE
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    try:
        yield held
    finally:
        event.remove(engine, "begin", began)
        event.remove(engine, "commit", ended)
        event.remove(engine, "rollback", ended)


def run_cell(
    store: Store, texts: list[str], *, threads: int, seconds: float
) -> tuple[float, list[float], list[float]]:
    """Commands per second, each command's latency (ms) and each transaction's hold (ms)."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def worker(n: int) -> None:
        context = replace(ctx(), user_id=f"bench{n}")
        context = replace(context, admins=frozenset({context.user_id}))
        mine: list[float] = []
        while time.perf_counter() < stop:
            text = texts[next(counter) % len(texts)]
            started = time.perf_counter()
            execute(store, context, text)
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    with held_times(store) as held:
        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        began = time.perf_counter()
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies, list(held)


def variants(store: Store, names: list[str]) -> Iterator[tuple[str, Store]]:
    for name in names:
        if name in ("serialized", "as served"):
            yield name, store
        elif name == "busy-wait":
            yield name, replace(store, writers=None)
        elif name == "synchronous=FULL":
            yield name, _with_pragma(store, "PRAGMA synchronous=FULL")


def _with_pragma(store: Store, pragma: str) -> Store:
    from storage.engine import open_store

    other = open_store(store.engine.url.render_as_string(hide_password=False))

    @event.listens_for(other.engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(pragma)

    return other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", default="1,2,6")
    parser.add_argument("--engines", default="sqlite")
    parser.add_argument("--modes", default="serialized,busy-wait,synchronous=FULL")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (medians shown)")
    args = parser.parse_args()
    rows: list[list[str]] = []
    keys = [f"{CATEGORIES[n % len(CATEGORIES)][:3].upper()}-{n}" for n in range(1, args.items)]
    mixes = {
        "note": [f"note {keys[n % len(keys)]} checked, run {n}" for n in range(20000)],
        "note + typo (1 in 4)": [
            TYPO if n % 4 == 3 else f"note {keys[n % len(keys)]} checked, run {n}"
            for n in range(20000)
        ],
    }
    for engine in args.engines.split(","):
        if engine == "postgresql" and not postgres_available():
            print("postgresql: no server, skipped")
            continue
        with database(engine) as store:
            big_launch(store, args.items)
            modes = args.modes.split(",") if engine == "sqlite" else ["as served"]
            stores = list(variants(store, modes))
            for threads in [int(t) for t in args.threads.split(",")]:
                for mix, texts in mixes.items():
                    cells: dict[str, list[list[float]]] = {mode: [] for mode, _ in stores}
                    for _ in range(args.repeat):  # modes interleaved, so noise hits them alike
                        for mode, variant in stores:
                            rate, latencies, held = run_cell(
                                variant, texts, threads=threads, seconds=args.seconds
                            )
                            cells[mode].append(
                                [
                                    rate,
                                    percentile(latencies, 50),
                                    percentile(latencies, 99),
                                    percentile(held, 50) if held else 0.0,
                                    percentile(held, 99) if held else 0.0,
                                ]
                            )
                    for mode, runs in cells.items():
                        rate, p50, p99, held50, held99 = (
                            statistics.median(run[n] for run in runs) for n in range(5)
                        )
                        rows.append(
                            [
                                engine,
                                str(threads),
                                mix,
                                mode,
                                f"{rate:.0f}",
                                f"{p50:.1f}",
                                f"{p99:.1f}",
                                f"{held50:.2f}",
                                f"{held99:.2f}",
                            ]
                        )
                        print(" | ".join(rows[-1]), flush=True)
    print(
        table(
            [
                "engine",
                "threads",
                "commands",
                "mode",
                "per s",
                "p50 ms",
                "p99 ms",
                "lock held p50 ms",
                "p99 ms",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
