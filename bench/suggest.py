"""Suggestions for an unknown reference on a 5,000-item launch: `Choices.best` (what
readybot runs) against `process.extract` with WRatio over every title (what it returns, by
definition), interleaved in the same run; the answers are checked to be equal.

    python -m bench.suggest [--items 5000] [--runs 25]

The texts are what people type after a verb: a mistyped key with the rest of the command
(the bench.ack typo), single mistyped words, words that many titles share.
"""

from __future__ import annotations

import argparse
import statistics
import time

from rapidfuzz import fuzz, process

from bench.common import big_launch, database, table
from commands.refs import ItemIndex, fold
from storage import items

TEXTS = [
    "SECC-12 waiting on the vendor",
    "sertificate",
    "rotate secret",
    "SEC-41",
    "configure gateway backup 33",
    "the",
    "dashbord runbok",
    "waiting on the vendor for the cert",
    "sertificate waiting on DNS",
    "INF-9999 done",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    with database("sqlite") as store:
        launch_id = big_launch(store, args.items)
        with store.read() as session:
            index = ItemIndex(items.item_refs(session, launch_id=launch_id))
    choices, _ = index._suggestion_choices()
    folded = [fold(t) for t in TEXTS]

    def everything(text: str) -> list[tuple[float, int]]:
        ranked = process.extract(
            text, choices.texts, scorer=fuzz.WRatio, processor=None, limit=3, score_cutoff=50
        )
        return [(score, position) for _, score, position in ranked]

    def bounded(text: str) -> list[tuple[float, int]]:
        return choices.best(text, limit=3, cutoff=50)

    times: dict[tuple[str, str], list[float]] = {}
    for text in folded:
        assert bounded(text) == everything(text), text
    for _ in range(args.runs):
        for text in folded:
            for name, rank in (("all", everything), ("bounded", bounded)):
                started = time.perf_counter()
                rank(text)
                times.setdefault((text, name), []).append((time.perf_counter() - started) * 1000)
    rows = []
    total_all = total_bounded = 0.0
    for text in folded:
        before = statistics.median(times[(text, "all")])
        after = statistics.median(times[(text, "bounded")])
        total_all, total_bounded = total_all + before, total_bounded + after
        rows.append([text, f"{before:.2f}", f"{after:.2f}", f"{before / after:.1f}×"])
    rows.append(
        [
            "all ten",
            f"{total_all:.1f}",
            f"{total_bounded:.1f}",
            f"{total_all / total_bounded:.1f}×",
        ]
    )
    print(f"top 3 suggestions on {args.items:,} items, median ms of {args.runs} runs")
    print(table(["text (folded)", "WRatio over all", "Choices.best", "speed-up"], rows))


if __name__ == "__main__":
    main()
