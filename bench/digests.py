"""Digests: building one for a 5,000-item launch, and fanning out 500 channel digests to the
fake Slack with pacing on.

    python -m bench.digests [--items 5000] [--channels 500] [--rate 20] [--runs 30]

Target: building (gather from the database + render Block Kit) under 50 ms. Since the outbox
takes facts at queue time, building is what the scheduler does on claiming a digest (gather
and queue its facts, one write transaction) plus what delivery does (compose the facts).
Fan-out: the claims and their gathering are timed on their own row (one transaction, as the
scheduler makes them), then delivery's wall time against the pacing floor, the least time the
limits allow: with a workspace budget of `rate` messages a second holding `rate` in its
bucket, (channels - rate) / rate seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select

from bench.common import big_launch, database, summary, table
from bot.render.composers import Post, compose
from bot.render.digest.templates import load_templates
from bot.render.digest.templating import Templates
from bot.slack_client import web_client
from bot.transport import SlackTransport
from commands.digests.queue import queue_digest
from commands.facts import decode
from scheduler.delivery import Deliverer, Pacer
from storage import digests as rows
from storage.engine import Store
from storage.launches import bind_channel
from storage.models import DigestRun, Event, Outbox
from storage.vocabulary import OutboxKind
from tests.fakes.slack_api import FakeSlack


def now() -> datetime:
    return datetime.now(UTC)


def build_times(store: Store, run_id: int, templates: Templates, runs: int) -> list[float]:
    """Milliseconds to build the claimed run's digest, `runs` times: gathering it from the
    database and queueing its facts (one write transaction, as the scheduler does on
    claiming it), then composing the queued facts into Block Kit (as delivery does). Reading
    the queued row back and removing it, so the next run queues it afresh, are not timed."""
    key = f"digest:{run_id}"
    result = []
    for n in range(runs + 5):  # the first 5 warm up
        started = time.perf_counter()
        with store.write() as session:
            run = session.get(DigestRun, run_id)
            assert run is not None
            assert queue_digest(session, run=run, now=now())
        queued = time.perf_counter() - started
        with store.write() as session:
            payload = session.exec(
                select(Outbox.payload).where(col(Outbox.dedupe_key) == key)
            ).one()
            session.exec(delete(Outbox).where(col(Outbox.dedupe_key) == key))
        assert payload is not None
        started = time.perf_counter()
        post = compose(OutboxKind.DIGEST, decode(OutboxKind.DIGEST, payload), templates)
        assert isinstance(post, Post) and post.message.blocks
        if n >= 5:
            result.append((queued + time.perf_counter() - started) * 1000)
    return result


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
        median, p99 = summary(build_times(store, run_id or 0, templates, runs))
    return [
        "build one digest (gather + render)",
        f"{items:,} items, 200 changes",
        f"{median:.1f} ms",
        f"{p99:.1f} ms",
    ]


def fan_out(channels: int, rate: float) -> list[list[str]]:
    with database("sqlite") as store, FakeSlack(token="xoxb-bench") as fake:
        launch_id = big_launch(store, 200, channel="C0BENCH0")
        with store.write() as session:
            for n in range(1, channels):
                bind_channel(
                    session,
                    team_id="TBENCH",
                    channel_id=f"C0BENCH{n}",
                    launch_id=launch_id,
                    actor="bench",
                    now=now() - timedelta(days=2),
                )
        # Claimed and queued with their facts in one transaction, as the scheduler does (the
        # gathering that delivery did before the outbox took facts at queue time): timed
        # apart, since the pacing floor is about the delivery.
        started = time.perf_counter()
        with store.write() as session:
            for schedule, _ in rows.schedules(session):
                run = rows.claim_digest(
                    session,
                    team_id="TBENCH",
                    channel_id=schedule.channel_id,
                    launch_id=launch_id,
                    local_date=now().date(),
                    scheduled_for=now(),
                    worker="bench",
                    now=now(),
                )
                assert run is not None and queue_digest(session, run=run, now=now())
        queueing = time.perf_counter() - started
        client = web_client(token="xoxb-bench", base_url=fake.base_url, metrics=None, retries=False)

        async def client_for(team: str):  # type: ignore[no-untyped-def]
            return client

        deliverer = Deliverer(
            store=store,
            transport=SlackTransport(client_for, templates=load_templates(None)),
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
        [
            f"queue: {channels} channel digests claimed and gathered (one transaction)",
            f"{channels} queued",
            f"{queueing:.1f} s",
            "-",
        ],
        [
            f"fan-out: {channels} channel digests at {rate:g}/s",
            f"{posted} posted",
            f"{wall:.1f} s",
            f"floor {floor:.1f} s ({wall / floor:.2f}×)" if floor else "floor 0 s",
        ],
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
    rows_out += fan_out(args.channels, args.rate)
    print(table(["what", "size", "median / wall", "p99 / floor"], rows_out))


if __name__ == "__main__":
    main()
