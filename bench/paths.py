"""The critical path and the shortest path to GO on a 5,000-item launch with 10,000
dependency edges (a DAG), in memory: the pure functions of commands.paths, no database.

    python -m bench.paths [--items 5000] [--edges 10000] [--repeats 30]

Items are varied as bench.common's big launch is (statuses, priorities, owners, due dates,
efforts). Two shapes of graph: edges between any two items ("random": long chains, an
item's open dependencies reach far), and edges to one of the 50 items before it ("local":
many short chains). Every edge goes from a later item to an earlier one, so there is no
cycle. Prints the median and p99 of each function over the repeats; target: under 50 ms.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from bench.common import CATEGORIES, NOW, PRIORITIES, STATUSES, WORDS, summary, table
from commands.paths import Graph, Node, critical_path, path_to_go
from commands.scoring import PRIORITY_WEIGHTS
from storage.vocabulary import Priority, Status

TODAY = NOW.date()
TARGET = date(2026, 12, 15)
EFFORTS = [0.0625, 0.5, 1.0, 2.0, 5.0]


def nodes(items: int, rng: random.Random) -> list[Node]:
    found = []
    for n in range(items):
        status = Status(STATUSES[rng.randrange(len(STATUSES))])
        found.append(
            Node(
                id=n + 1,
                key=f"{CATEGORIES[n % len(CATEGORIES)][:3].upper()}-{n}",
                title=" ".join(rng.sample(WORDS, 4)) + f" {n}",
                priority=Priority(PRIORITIES[rng.randrange(4)]),
                status=status,
                owner=f"U{rng.randrange(40)}" if rng.random() < 0.6 else None,
                due=TODAY + timedelta(days=rng.randrange(-20, 40)) if rng.random() < 0.5 else None,
                days=rng.choice(EFFORTS),
                required=rng.random() < 0.95,
                ready=status in (Status.DONE, Status.WAIVED),
                blocked_reason="waiting on vendor" if status == Status.BLOCKED else None,
            )
        )
    return found


def edges(items: int, count: int, rng: random.Random, *, shape: str) -> list[tuple[int, int]]:
    """`count` distinct edges (item, the earlier item it needs)."""
    found: set[tuple[int, int]] = set()
    while len(found) < count:
        item = rng.randrange(2, items + 1)
        if shape == "random":
            needed = rng.randrange(1, item)
        else:
            needed = rng.randrange(max(1, item - 50), item)
        found.add((item, needed))
    return sorted(found)


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    action()  # warm up
    result = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        result.append((time.perf_counter() - started) * 1000)
    return result


def measure(shape: str, *, items: int, edge_count: int, repeats: int) -> list[list[str]]:
    rng = random.Random(7)
    all_nodes = nodes(items, rng)
    all_edges = edges(items, edge_count, rng, shape=shape)
    graph = Graph.of(all_nodes, all_edges)
    required = [n for n in all_nodes if n.required]
    total = sum(PRIORITY_WEIGHTS[n.priority] for n in required)
    ready = sum(PRIORITY_WEIGHTS[n.priority] for n in required if n.ready)
    cases: dict[str, Callable[[], object]] = {
        "Graph.of (building the graph)": lambda: Graph.of(all_nodes, all_edges),
        "critical_path": lambda: critical_path(graph, today=TODAY, target=TARGET),
        "path_to_go": lambda: path_to_go(graph, ready_weight=ready, total_weight=total, bar=80),
    }
    rows = []
    for name, action in cases.items():
        median, p99 = summary(timed(action, repeats))
        rows.append([shape, name, f"{median:.1f}", f"{p99:.1f}"])
        print(" | ".join(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    rows = []
    for shape in ("random", "local"):
        rows += measure(shape, items=args.items, edge_count=args.edges, repeats=args.repeats)
    print(
        f"\n{args.items:,} items, {args.edges:,} edges, {args.repeats} repeats "
        "(target: under 50 ms each)"
    )
    print(table(["graph", "function", "median ms", "p99 ms"], rows))


if __name__ == "__main__":
    main()
