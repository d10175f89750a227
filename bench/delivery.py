"""Outbox drain under faults: 50 announcements over the channels of 10 launches and 5 digests
(in five of them), one workspace, delivered by `readybot serve`'s own deliverer (production
settings: one message a second per channel, in order; READYBOT_SLACK_RATE=4 per workspace;
8 calls at once), first with no Slack call failing, then with 30% of them failing, in one run.

    python -m bench.delivery [--announcements 50] [--digests 5] [--channels 10]
                             [--fault-rate 0.3] [--seed 7] [--seeds 1]

A failing call is, with equal odds: a 429 with Retry-After: 1; a 500 (half of them after
Slack posted the message, the answer lost); a 5 s hang before Slack answers. Every Web API
method the deliverer calls is subject to them (joins, posts, history searches). The drain
time runs from the start of delivery until no row is waiting or being sent; each run also
checks that no message was posted twice. Target: the faulty drain within 2x the fault-free.
`--seeds N` repeats the faulty load with N seeds (7, 8, …) and prints each ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from bench.common import database, table
from bot.settings import Settings
from bot.wiring import build_service
from commands.context import Context
from commands.run import execute
from storage.engine import Store
from storage.models import Outbox
from storage.vocabulary import Via
from tests.fakes.slack_api import FakeSlack, Fault

TOKEN = "xoxb-bench-token"
SECRET = "8f742231b10e8888abcd99a0b1c2d3e4"
METHODS = ("chat.postMessage", "conversations.join", "conversations.history")
OPEN = ("pending", "uncertain", "sending")


@dataclass(frozen=True)
class Drain:
    label: str
    rows: int
    seconds: float
    calls: int
    faults: int
    statuses: dict[str, int]
    doubled: int


def queue_load(store: Store, *, announcements: int, digests: int, channels: int) -> None:
    """`announcements` state changes spread over `channels` launches, then a digest in the
    first `digests` channels: all queued before delivery starts."""
    now = datetime.now(UTC)

    def ctx(channel: str) -> Context:
        return Context(
            team_id="T1",
            user_id="UBENCH",
            channel_id=channel,
            via=Via.COMMAND,
            now=now,
            admins=frozenset({"UBENCH"}),
        )

    names = [f"C0BENCH{n}" for n in range(channels)]
    for channel in names:
        execute(store, ctx(channel), f"launch new Launch {channel}")  # one announcement each
    for n in range(announcements - channels):
        channel = names[n % channels]
        if n // channels % 2 == 0:
            execute(store, ctx(channel), f"add Task {n} key T{n}")
            execute(store, ctx(channel), f"block T{n} waiting on vendor {n}")
        else:
            execute(store, ctx(channel), f"unblock T{n - channels}")
    for channel in names[:digests]:
        execute(store, ctx(channel), "digest now")


def script_faults(fake: FakeSlack, rate: float, rng: random.Random, calls: int = 2000) -> int:
    """Give each method a sequence of answers in which `rate` of them are faults."""
    faults = 0
    for method in METHODS:
        answers = []
        for _ in range(calls):
            if rng.random() >= rate:
                answers.append(Fault())  # status 200, no delay: Slack's own answer
                continue
            faults += 1
            answers.append(
                rng.choice(
                    [
                        Fault(status=429, retry_after=1),
                        Fault(status=500, apply=rng.random() < 0.5),
                        Fault(delay=5.0),
                    ]
                )
            )
        fake.fail(method, *answers)
    return faults


def open_rows(store: Store) -> int:
    with store.read() as session:
        stmt = select(func.count()).select_from(Outbox).where(Outbox.status.in_(OPEN))  # type: ignore[attr-defined]
        return int(session.execute(stmt).scalar_one())


def statuses(store: Store) -> dict[str, int]:
    with store.read() as session:
        found = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status))
        return {status: int(n) for status, n in found.all()}


def doubled(fake: FakeSlack) -> int:
    tags = Counter(
        (m.get("metadata") or {}).get("event_payload", {}).get("outbox_id")
        for channel in list(fake.messages)
        for m in fake.posted(channel)
        if m.get("metadata")
    )
    return sum(n - 1 for n in tags.values() if n > 1)


def drain(label: str, *, fault_rate: float, seed: int, **load: int) -> Drain:
    with database("sqlite") as store, FakeSlack(token=TOKEN) as fake:
        queue_load(store, **load)
        rows = open_rows(store)
        faults = script_faults(fake, fault_rate, random.Random(seed)) if fault_rate else 0
        settings = Settings(  # type: ignore[call-arg]
            DATABASE_URL="sqlite:///unused.db",
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
        )
        service = build_service(settings, store)

        async def run() -> float:
            stop = asyncio.Event()
            started = time.perf_counter()
            task = asyncio.create_task(service.deliverer.run(stop))
            while await asyncio.to_thread(open_rows, store):
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            stop.set()
            await task
            return elapsed

        seconds = asyncio.run(run())
        calls = sum(len(fake.calls_to(m)) for m in METHODS)
        used = min(faults, calls)
        return Drain(label, rows, seconds, calls, used, statuses(store), doubled(fake))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--announcements", type=int, default=50)
    parser.add_argument("--digests", type=int, default=5)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the deliverer's retries are expected here
    load = {"announcements": args.announcements, "digests": args.digests, "channels": args.channels}
    runs = [
        drain("no faults", fault_rate=0.0, seed=args.seed, **load),
        drain(
            f"{args.fault_rate:.0%} of calls failing",
            fault_rate=args.fault_rate,
            seed=args.seed,
            **load,
        ),
    ]
    print(
        table(
            ["load", "rows", "drain s", "Slack calls", "outcome", "posted twice"],
            [
                [
                    run.label,
                    str(run.rows),
                    f"{run.seconds:.1f}",
                    str(run.calls),
                    ", ".join(f"{n} {status}" for status, n in sorted(run.statuses.items())),
                    str(run.doubled),
                ]
                for run in runs
            ],
        )
    )
    ratio = runs[1].seconds / runs[0].seconds
    print(f"\nfaulty / fault-free drain = {ratio:.2f}x (target: within 2x)")
    for seed in range(args.seed + 1, args.seed + args.seeds):
        again = drain("again", fault_rate=args.fault_rate, seed=seed, **load)
        print(
            f"seed {seed}: {again.seconds:.1f} s, {again.seconds / runs[0].seconds:.2f}x, "
            f"{again.doubled} posted twice"
        )


if __name__ == "__main__":
    main()
