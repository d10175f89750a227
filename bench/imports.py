"""Import of each seed assessment: parse alone, and parse + write into a fresh launch.

    python -m bench.imports [--runs 30] [--engines sqlite,postgresql]

Target: under 100 ms per seed file for the whole import.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from pathlib import Path

from bench.common import ctx, database, postgres_available, summary, table, timings
from commands import importing
from commands.assessment.parse_md import parse_assessment
from commands.assessment.repair import decode_document
from storage.engine import Store

SEEDS = sorted((Path(__file__).parents[1] / "tests" / "commands" / "data" / "seeds").glob("*-*.md"))
SEEDS = [p for p in SEEDS if "mojibake" not in p.name]


def full_import(store: Store, text: str) -> Callable[[], None]:
    """Import `text` into a new launch each time, so every run writes every item."""
    names = itertools.count()
    context = ctx()

    def run() -> None:
        importing.import_text(store, context, text, dry_run=False, launch_name=f"run {next(names)}")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "postgresql" in engines and not postgres_available():
        print("PostgreSQL is not reachable; measuring SQLite only", file=sys.stderr)
        engines.remove("postgresql")
    rows = []
    for seed in SEEDS:
        text = decode_document(seed.read_bytes())
        items = len(parse_assessment(text, source_name=seed.name).items)
        median, p99 = summary(
            timings(
                lambda text=text, seed=seed: parse_assessment(text, source_name=seed.name),
                args.runs,
            )
        )
        rows.append([seed.name, f"{items}", "parse only", f"{median:.1f}", f"{p99:.1f}"])
        for engine in engines:
            with database(engine) as store:
                median, p99 = summary(timings(full_import(store, text), args.runs, warmup=2))
                rows.append(
                    [seed.name, f"{items}", f"import into {engine}", f"{median:.1f}", f"{p99:.1f}"]
                )
        for row in rows[-1 - len(engines) :]:
            print(" | ".join(row), file=sys.stderr)
    print(table(["seed", "items", "what", "median ms", "p99 ms"], rows))


if __name__ == "__main__":
    main()
