"""Digests: building one for a 5,000-item launch, and fanning out 500 channel digests to the
fake Slack with pacing on.

    python -m bench.digests [--items 5000] [--channels 500] [--rate 20] [--runs 30]

Target: building (gather from the database + render Block Kit) under 50 ms. Fan-out: wall
time against the pacing floor, the least time the limits allow: with a workspace budget of
`rate` messages a second holding `rate` in its bucket, (channels - rate) / rate seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta

from bench.common import big_launch, database, summary, table, timings
from bot.compose import compose_digest
from bot.render.digest.templates import load_templates
from bot.slack_client import web_client
from bot.transport import SlackSender
from scheduler.delivery import Deliverer, Pacer
from storage import digests as rows
from storage import queries
from storage.models import Event
from tests.fakes.slack_api import FakeSlack


def now() -> datetime:
    return datetime.now(UTC)


def build(items: int, runs: int) -> list[str]:
    templates = load_templates(None)
    with database("sqlite") as store:
        launch_id = big_launch(store, items, channel="C0BENCH")
        with store.write() as session:
            for n in range(200):  # a busy day: 200 changes since the last digest
                session.add(
                    Event(
                        team_id="TBENCH",
                        launch_id=launch_id,
                        item_key=f"SEC-{n}",
                        at=now() - timedelta(hours=2),
                        actor=f"U{n % 7}",
                        via="command",
                        action="done" if n % 3 else "blocked",
                        note="vendor" if n % 3 == 0 else None,
                    )
                )
            run = rows.claim_digest(
                session,
                team_id="TBENCH",
                channel_id="C0BENCH",
                launch_id=launch_id,
                local_date=now().date(),
                scheduled_for=now(),
                worker="bench",
                now=now(),
                manual=True,
            )
            assert run is not None
            run_id = run.id
        median, p99 = summary(
            timings(lambda: compose_digest(store, run_id or 0, now(), templates), runs)
        )
    return [
        "build one digest (gather + render)",
        f"{items:,} items, 200 changes",
        f"{median:.1f} ms",
        f"{p99:.1f} ms",
    ]


def fan_out(channels: int, rate: float) -> list[str]:
    with database("sqlite") as store, FakeSlack(token="xoxb-bench") as fake:
        launch_id = big_launch(store, 200, channel="C0BENCH0")
        with store.write() as session:
            for n in range(1, channels):
                queries.bind_channel(
                    session,
                    team_id="TBENCH",
                    channel_id=f"C0BENCH{n}",
                    launch_id=launch_id,
                    actor="bench",
                    now=now() - timedelta(days=2),
                )
        with store.write() as session:
            for schedule, _ in rows.schedules(session):
                rows.claim_digest(
                    session,
                    team_id="TBENCH",
                    channel_id=schedule.channel_id,
                    launch_id=launch_id,
                    local_date=now().date(),
                    scheduled_for=now(),
                    worker="bench",
                    now=now(),
                )
        client = web_client(token="xoxb-bench", base_url=fake.base_url, metrics=None, retries=False)

        async def client_for(team: str):  # type: ignore[no-untyped-def]
            return client

        deliverer = Deliverer(
            store=store,
            sender=SlackSender(store, client_for, templates=load_templates(None), clock=now),
            worker_id="bench",
            clock=now,
            batch=channels,
            pacer=Pacer(rate=rate, burst=rate),
        )
        started = time.perf_counter()

        async def drain() -> None:
            while await deliverer.deliver_due():
                pass

        asyncio.run(drain())
        wall = time.perf_counter() - started
        posted = sum(len(fake.posted(f"C0BENCH{n}")) for n in range(channels))
    floor = max(0.0, (channels - rate) / rate)
    return [
        f"fan-out: {channels} channel digests at {rate:g}/s",
        f"{posted} posted",
        f"{wall:.1f} s",
        f"floor {floor:.1f} s ({wall / floor:.2f}×)" if floor else "floor 0 s",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    rows_out = [build(args.items, args.runs)]
    print(" | ".join(rows_out[-1]), file=sys.stderr)
    rows_out.append(fan_out(args.channels, args.rate))
    print(table(["what", "size", "median / wall", "p99 / floor"], rows_out))


if __name__ == "__main__":
    main()
