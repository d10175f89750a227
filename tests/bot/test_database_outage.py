"""A database whose packets are dropped, not refused: commands answer a clear error within
seconds and change nothing, /healthz answers 503 within a second, and all recovers on its
own. The fault is real: a TCP proxy in front of PostgreSQL that stops forwarding."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from storage.engine import Store, Timeouts, open_store
from storage.models import Event, Item
from tests.bot.harness import CHANNEL, serve
from tests.commands.helpers import ok
from tests.conftest import NOW, TABLES, make_ctx
from tests.fakes.tcp_proxy import BlackholeProxy

pytestmark = pytest.mark.postgres
# Test timeouts: answers within 1 s + grace, connections within libpq's minimum of 2 s.
TIMEOUTS = Timeouts(connect=2, statement=1, pool=1)
BUDGET = 5.0  # seconds from the command to the error: a ping that times out, one reconnect


@pytest.fixture
def direct(postgres_url: str):
    store = open_store(postgres_url)
    with store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    yield store
    store.dispose()


@pytest.fixture
def proxy(postgres_url: str):
    url = make_url(postgres_url)
    with BlackholeProxy(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


@pytest.fixture
def proxied(postgres_url: str, proxy: BlackholeProxy):
    url = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port)
    store = open_store(url.render_as_string(hide_password=False), timeouts=TIMEOUTS)
    yield store
    store.dispose()


def seed(store: Store) -> None:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=NOW)
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL key SSL !critical")


def answer_text(served, response, name: str) -> str:
    """The command's answer: in the acknowledgement, or after it through the response_url."""
    ack = response.json()
    if ack.get("text", "").startswith("⏳"):
        return served.fake.wait_for_response(name, timeout=BUDGET + 5)[0]["text"]
    return ack["text"]


def test_a_command_answers_within_budget_changes_nothing_and_recovers(
    direct, proxied, proxy, fake
) -> None:
    seed(direct)
    with serve(proxied, fake) as served:
        assert "Checkout" in served.command("status").json()["text"]  # the pool is warm
        proxy.blackhole()
        started = time.monotonic()
        response = served.command(
            "block SSL waiting on the CA", response_url=fake.response_url("blocked")
        )
        answer = answer_text(served, response, "blocked")
        elapsed = time.monotonic() - started
        assert "The database is not answering; nothing was changed." in answer
        assert elapsed < BUDGET, f"answered after {elapsed:.1f} s"
        proxy.restore()
        again = served.command("block SSL waiting on the CA", response_url=fake.response_url("r2"))
        assert "blocked" in answer_text(served, again, "r2")
    with direct.read() as session:
        blocks = session.exec(select(Event).where(Event.action == "blocked")).scalars().all()
        assert len(blocks) == 1  # the second attempt's, none from the first
        assert session.exec(select(Item)).scalars().one().status == "blocked"


def test_healthz_answers_503_within_a_second_while_packets_are_dropped(
    direct, proxied, proxy, fake
) -> None:
    with serve(proxied, fake) as served:
        assert served.http.get("/healthz").status_code == 200
        proxy.blackhole()
        for _ in range(3):  # and again while the first probe is still stuck
            started = time.monotonic()
            health = served.http.get("/healthz")
            elapsed = time.monotonic() - started
            assert health.status_code == 503 and health.json()["database"] == "not answering"
            assert elapsed < 1.0, f"answered after {elapsed:.2f} s"
        metrics_started = time.monotonic()
        assert served.http.get("/metrics").status_code == 200
        assert time.monotonic() - metrics_started < 1.0
        proxy.restore()
        deadline = time.monotonic() + 10
        while served.http.get("/healthz").status_code != 200:
            assert time.monotonic() < deadline, "/healthz did not recover"
            time.sleep(0.2)
