"""Import of a generated 200-item assessment and of each seed: parse alone, and parse +
write into a fresh launch.

    python -m bench.imports [--runs 30] [--engines sqlite,postgresql]

Targets: parsing the 200-item document under 20 ms (median), importing it into SQLite
under 100 ms; the seeds under 100 ms each for the whole import. The "vs target" column
is median / target (below 1.0 meets it).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import ctx, database, postgres_available, summary, table, timings
from commands import importing
from commands.assessment.parse_md import parse_assessment
from commands.assessment.repair import decode_document
from storage.engine import Store

SEEDS = sorted((Path(__file__).parents[1] / "tests" / "commands" / "data" / "seeds").glob("*-*.md"))
SEEDS = [p for p in SEEDS if "mojibake" not in p.name]
PARSE_TARGET_MS = 20.0
IMPORT_TARGET_MS = 100.0


def generated_document(items: int = 200) -> str:
    """A readiness report of `items` items in the shapes real ones mix: checkbox lists
    (some nested, some wrapped), status-emoji bullets with bold titles and detail lines,
    a status table, and heading items with field lines."""
    lines = ["# Production Readiness Assessment - Bench", "", "**Overall Readiness: 72%**", ""]
    count, section = 0, 0
    while count < items:
        section += 1
        lines += [f"## {section}. Area {section} ⚠️ Needs Attention", ""]
        for index in range(8):
            box = "x" if index % 3 == 0 else " "
            lines.append(f"- [{box}] Check {section}.{index} for the area's service and its")
            lines.append("  dependencies (1-2 days)")
            if index % 4 == 0:
                lines.append(f"  - [ ] Sub-check {section}.{index} 【F:src/app.ts†L1-L9】")
        lines += ["", "| Item | Status | Owner |", "|---|---|---|"]
        lines += [f"| Table row {section}.{index} | ✅ Done | @ana |" for index in range(4)]
        lines += ["", f"### {section}. Findings"]
        for index in range(3):
            lines.append(f"1. ❌ **Finding {section}.{index}**: not configured yet")
            lines.append("   - **Effort**: 2 hours")
        lines += [
            "",
            f"#### AR-{section} Sign-off for area {section} 🔴",
            "Status: Pending approval",
            "Owner: @bo",
            "",
        ]
        count += 8 + 2 + 4 + 3 + 1
    return "\n".join(lines) + "\n"


def full_import(store: Store, text: str) -> Callable[[], None]:
    """Import `text` into a new launch each time, so every run writes every item."""
    names = itertools.count()
    context = ctx()

    def run() -> None:
        importing.import_text(store, context, text, dry_run=False, launch_name=f"run {next(names)}")

    return run


def _plain_markdown_it() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    global _PLAIN
    if _PLAIN is None:
        md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
        _PLAIN = md.use(tasklists_plugin).use(front_matter_plugin)
    return _PLAIN


_PLAIN: Any = None


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
    bench_text = generated_document()
    items = len(parse_assessment(bench_text).items)
    median, p99 = summary(timings(lambda: parse_assessment(bench_text), args.runs))
    rows.append(
        [
            "generated",
            f"{items}",
            "parse only",
            f"{median:.1f}",
            f"{p99:.1f}",
            f"{median / PARSE_TARGET_MS:.2f}",
        ]
    )
    # The floor: markdown-it's own tokenizer, configured as the importer's, on the same text
    # in the same run (the importer's shortcuts off); "vs target" is the parse's multiple.
    floor, floor_p99 = summary(timings(lambda: _plain_markdown_it().parse(bench_text), args.runs))
    rows.append(
        [
            "generated",
            f"{items}",
            "markdown-it tokens alone (floor)",
            f"{floor:.1f}",
            f"{floor_p99:.1f}",
            f"parse = {median / floor:.2f}× this",
        ]
    )
    for engine in engines:
        with database(engine) as store:
            median, p99 = summary(timings(full_import(store, bench_text), args.runs, warmup=2))
            ratio = f"{median / IMPORT_TARGET_MS:.2f}"
            rows.append(
                [
                    "generated",
                    f"{items}",
                    f"import into {engine}",
                    f"{median:.1f}",
                    f"{p99:.1f}",
                    ratio,
                ]
            )
    for seed in SEEDS:
        text = decode_document(seed.read_bytes())
        items = len(parse_assessment(text, source_name=seed.name).items)
        median, p99 = summary(
            timings(
                lambda text=text, seed=seed: parse_assessment(text, source_name=seed.name),
                args.runs,
            )
        )
        rows.append([seed.name, f"{items}", "parse only", f"{median:.1f}", f"{p99:.1f}", ""])
        for engine in engines:
            with database(engine) as store:
                median, p99 = summary(timings(full_import(store, text), args.runs, warmup=2))
                ratio = f"{median / IMPORT_TARGET_MS:.2f}"
                rows.append(
                    [
                        seed.name,
                        f"{items}",
                        f"import into {engine}",
                        f"{median:.1f}",
                        f"{p99:.1f}",
                        ratio,
                    ]
                )
        for row in rows[-1 - len(engines) :]:
            print(" | ".join(row), file=sys.stderr)
    print(table(["document", "items", "what", "median ms", "p99 ms", "vs target"], rows))


if __name__ == "__main__":
    main()
