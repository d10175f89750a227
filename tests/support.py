"""Helpers several test modules share (one copy each)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.render.digest.templates import load_templates
from bot.slack_client import web_client
from bot.transport import SlackTransport
from scheduler.delivery import Deliverer, Pacer
from storage.engine import Store
from tests.fakes.slack_api import FakeSlack

T = TypeVar("T")
BOT_TOKEN = "xoxb-test-token"


class Clock:
    """A clock the test moves by hand (a deliverer's `clock`)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def wait_until(probe: Callable[[], T], *, what: str, timeout: float = 5.0) -> T:
    """Poll `probe` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def slack_deliverer(
    store: Store,
    fake: FakeSlack,
    clock: Callable[[], datetime],
    *,
    worker: str = "w1",
    timeout: int = 10,
    **options: Any,
) -> Deliverer:
    """An outbox deliverer posting to the fake Slack, without pacing unless `pacer` is given
    (other `options` go to the Deliverer: lease, concurrency, give_up_after, admins …)."""
    client = web_client(
        token=BOT_TOKEN, base_url=fake.base_url, metrics=None, retries=False, timeout=timeout
    )

    async def client_for(team: str):  # type: ignore[no-untyped-def]
        return client

    options.setdefault("pacer", Pacer(interval=0, rate=1000, burst=1000))
    return Deliverer(
        store=store,
        transport=SlackTransport(client_for, templates=load_templates(None)),
        worker_id=worker,
        clock=clock,
        **options,
    )
