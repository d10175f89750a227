"""Shared pieces for the benchmarks: databases, a big launch, timing and tables."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from commands.context import Context
from storage.engine import Store, open_store
from storage.migrate import upgrade
from storage.models import Item, Launch, Workspace
from storage.vocabulary import Via

POSTGRES_URL = os.environ.get(
    "READYBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CATEGORIES = [
    "Security",
    "Infrastructure",
    "Compliance",
    "Testing",
    "Monitoring",
    "Data",
    "Networking",
    "Docs",
]
PRIORITIES = ["critical", "high", "medium", "low"]
STATUSES = ["todo", "todo", "in_progress", "done", "done", "done", "waived", "blocked"]
WORDS = [
    "configure",
    "rotate",
    "enable",
    "verify",
    "restore",
    "audit",
    "document",
    "encrypt",
    "monitor",
    "alert",
    "review",
    "test",
    "deploy",
    "backup",
    "certificate",
    "firewall",
    "gateway",
    "cluster",
    "replica",
    "secret",
    "token",
    "policy",
    "dashboard",
    "runbook",
]


def ctx(user: str = "bench", channel: str = "C-BENCH") -> Context:
    return Context(
        team_id="TBENCH",
        user_id=user,
        channel_id=channel,
        via=Via.COMMAND,
        now=NOW,
        admins=frozenset({user}),
    )


@contextmanager
def database(engine: str) -> Iterator[Store]:
    """A fresh, migrated database of the given engine, removed afterwards."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
            upgrade(store)
            yield store
            store.dispose()
        return
    name = f"readybot_bench_{os.getpid()}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_store(
        make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    )
    try:
        upgrade(store)
        yield store
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_available() -> bool:
    try:
        with create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3}).connect():
            return True
    except Exception:
        return False


def big_launch(
    store: Store, items: int, *, name: str = "Bench launch", channel: str = "C-BENCH", seed: int = 7
) -> int:
    """Insert a launch with `items` varied items in bulk (setup, not what is measured). Returns its id."""
    import random

    rng = random.Random(seed)
    with store.write() as session:
        if session.get(Workspace, "TBENCH") is None:
            session.add(Workspace(team_id="TBENCH", created_at=NOW))
            session.flush()
        launch = Launch(
            team_id="TBENCH",
            name=name,
            name_key=name.casefold(),
            target_date=date(2026, 12, 15),
            owner="bench",
            created_by="bench",
            created_at=NOW - timedelta(days=30),
            updated_at=NOW,
        )
        session.add(launch)
        session.flush()
        from storage.launches import bind_channel

        bind_channel(
            session,
            team_id="TBENCH",
            channel_id=channel,
            launch_id=launch.id,
            actor="bench",
            now=NOW,
        )
        rows = []
        for n in range(items):
            category = CATEGORIES[n % len(CATEGORIES)]
            status = STATUSES[rng.randrange(len(STATUSES))]
            rows.append(
                {
                    "team_id": "TBENCH",
                    "launch_id": launch.id,
                    "key": "SSL" if n == 0 else f"{category[:3].upper()}-{n}",
                    "seq": n + 1,
                    "title": " ".join(rng.sample(WORDS, 4)) + f" {n}",
                    "category": category,
                    "priority": PRIORITIES[rng.randrange(4)],
                    "status": status,
                    "owner": f"U{rng.randrange(40)}" if rng.random() < 0.6 else None,
                    "due_date": date(2026, 11, 1) + timedelta(days=rng.randrange(60))
                    if rng.random() < 0.5
                    else None,
                    "blocked_reason": "waiting on vendor" if status == "blocked" else None,
                    "waiver_until": date(2026, 12, 1) if status == "waived" else None,
                    "source": "bench",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
            )
        rows[0]["status"] = "todo"
        for start in range(0, len(rows), 5000):
            session.execute(insert(Item), rows[start : start + 5000])
        launch_id = launch.id
    # What autovacuum (PostgreSQL) or a periodic ANALYZE would have done after a bulk load.
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            text("VACUUM ANALYZE item" if conn.dialect.name == "postgresql" else "ANALYZE")
        )
    return launch_id


def timings(action: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        action()
    result = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        result.append((time.perf_counter() - started) * 1000)
    return result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 99)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
