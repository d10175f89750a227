"""Read-only answers given again while the database is unchanged (bot.answers), and the
watch that tells (storage.changes): anything committed, from any connection or process,
and the passing of time, end a kept answer."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.answers import Answers, Blind, key_of
from commands.run import execute
from commands.verbs import REGISTRY
from storage.changes import ChangeWatch
from storage.engine import open_store
from storage.models import Item
from tests.bot.harness import CHANNEL, serve
from tests.bot.test_slack_commands import seed_launch
from tests.commands.helpers import ok
from tests.conftest import make_ctx

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_file(tmp_path, sqlite_template):
    path = tmp_path / "watched.db"
    shutil.copy(sqlite_template, path)
    return path


class Counter:
    """A watch whose mark the test moves by hand (the real one is tested below)."""

    def __init__(self) -> None:
        self.value: int | None = 1

    def mark(self) -> int | None:
        return self.value

    def close(self) -> None:
        return None


def kept_now(answers: Answers[str], key, answer: str, *, keep: bool = True) -> asyncio.Future:
    """Make `answer` for `key` and wait until it is made (and kept, if `keep`)."""

    async def make() -> str:
        return answer

    async def made() -> str:
        future = answers.answer(key, make, made_at=answers._clock(), keep=lambda _: keep)
        return await future

    return asyncio.run(made())


def test_an_answer_is_given_again_only_while_unchanged_and_fresh() -> None:
    watch, now = Counter(), [T0]
    kept: Answers[str] = Answers(watch, lambda: now[0], fresh_for=timedelta(seconds=1))
    key = key_of(make_ctx("U1", channel="C1", now=T0), "status")
    assert kept_now(kept, key, "answer") == "answer"
    assert kept.get(key) == "answer"
    assert kept.get(key_of(make_ctx("U2", channel="C1", now=T0), "status")) is None
    assert kept.get(key_of(make_ctx("U1", channel="C2", now=T0), "status")) is None
    assert kept.get(key_of(make_ctx("U1", channel="C1", now=T0), "status here")) is None
    now[0] = T0 + timedelta(milliseconds=999)
    assert kept.get(key) == "answer"
    now[0] = T0 + timedelta(seconds=1)
    assert kept.get(key) is None  # as old as fresh_for: made again
    now[0] = T0 - timedelta(seconds=1)
    assert kept.get(key) is None  # the clock went back: made again
    now[0] = T0
    watch.value = 2
    assert kept.get(key) is None  # something was committed since
    watch.value = None
    assert kept.get(key) is None  # the watch cannot tell


def test_an_answer_refused_by_keep_or_made_when_the_watch_cannot_tell_is_not_kept() -> None:
    key = key_of(make_ctx("U1", channel="C1", now=T0), "status")
    refused: Answers[str] = Answers(Counter(), lambda: T0)
    kept_now(refused, key, "the database is not answering", keep=False)
    assert refused.get(key) is None
    blind: Answers[str] = Answers(Blind(), lambda: T0)
    kept_now(blind, key, "answer")
    assert blind.get(key) is None


def test_the_same_question_asked_while_its_answer_is_made_waits_for_that_answer() -> None:
    async def scenario() -> None:
        watch = Counter()
        kept: Answers[str] = Answers(watch, lambda: T0)
        key = key_of(make_ctx("U1", channel="C1", now=T0), "list")
        other = key_of(make_ctx("U2", channel="C1", now=T0), "list")
        release = asyncio.Event()
        made: list[str] = []

        async def make() -> str:
            made.append("made")
            await release.wait()
            return "answer"

        first = kept.answer(key, make, made_at=T0, keep=lambda _: True)
        assert kept.answer(key, make, made_at=T0, keep=lambda _: True) is first
        assert kept.answer(other, make, made_at=T0, keep=lambda _: True) is not first
        watch.value = 2  # committed since it began: it may miss that; make another
        third = kept.answer(key, make, made_at=T0, keep=lambda _: True)
        assert third is not first
        release.set()
        assert await first == await third == "answer"
        assert len(made) == 3
        await asyncio.sleep(0)  # done callbacks run on the loop's next turn
        assert kept.get(key) == "answer"  # the one made under the current mark
        blind: Answers[str] = Answers(Blind(), lambda: T0)
        assert blind.answer(key, make, made_at=T0, keep=lambda _: True) is not blind.answer(
            key, make, made_at=T0, keep=lambda _: True
        )

    asyncio.run(scenario())


def test_an_answer_past_half_its_freshness_is_renewed_once_in_the_background() -> None:
    now = [T0]
    kept: Answers[str] = Answers(Counter(), lambda: now[0], fresh_for=timedelta(seconds=1))
    key = key_of(make_ctx("U1", channel="C1", now=T0), "status")
    assert not kept.due_for_renewal(key)  # nothing kept
    kept_now(kept, key, "first")
    now[0] = T0 + timedelta(milliseconds=400)
    assert not kept.due_for_renewal(key)
    now[0] = T0 + timedelta(milliseconds=500)
    assert kept.due_for_renewal(key)

    async def renew() -> None:
        release = asyncio.Event()

        async def make() -> str:
            await release.wait()
            return "second"

        renewal = kept.answer(key, make, made_at=now[0], keep=lambda _: True)
        assert not kept.due_for_renewal(key)  # one renewal at a time
        assert kept.get(key) == "first"  # still given meanwhile
        release.set()
        await renewal

    asyncio.run(renew())
    assert kept.get(key) == "second"
    now[0] = T0 + timedelta(milliseconds=1200)
    assert kept.get(key) == "second"  # fresh from when it was renewed
    now[0] = T0 + timedelta(seconds=2)
    assert not kept.due_for_renewal(key)  # expired: made again when next asked, not renewed


def test_an_answer_that_fails_is_logged_and_not_kept(caplog) -> None:
    kept: Answers[str] = Answers(Counter(), lambda: T0)
    key = key_of(make_ctx("U1", channel="C1", now=T0), "status")

    async def make() -> str:
        raise RuntimeError("render failed")

    async def scenario() -> None:
        with pytest.raises(RuntimeError):
            await kept.answer(key, make, made_at=T0, keep=lambda _: True)

    asyncio.run(scenario())
    assert kept.get(key) is None
    assert "answering status failed" in caplog.text


def test_the_watch_sees_commits_from_this_process_and_others_and_not_reads(sqlite_file) -> None:
    path = sqlite_file
    store = open_store(f"sqlite:///{path}")
    ok(store, make_ctx("U1", channel="C1", now=T0), "launch new Checkout")
    watch = ChangeWatch(store)
    try:
        first = watch.mark()
        assert first is not None and watch.mark() == first
        with store.read() as session:
            session.exec(select(Item)).all()
        assert watch.mark() == first  # reading commits nothing
        ok(store, make_ctx("U1", channel="C1", now=T0), "add Configure TLS #Security")
        second = watch.mark()
        assert second != first
        with sqlite3.connect(path) as other:  # another connection, as the console's would be
            other.execute("UPDATE item SET title = 'Configure TLS 1.3'")
        third = watch.mark()
        assert third != second
        script = f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute(\"UPDATE item SET title = 'x'\"); c.commit()"
        subprocess.run([sys.executable, "-c", script], check=True)
        assert watch.mark() != third  # another process
    finally:
        watch.close()
        store.dispose()


def test_the_watch_cannot_tell_for_postgresql_or_memory(store) -> None:
    watch = ChangeWatch(store)
    if store.is_sqlite:
        assert watch.mark() is not None
    else:
        assert watch.mark() is None
    watch.close()
    memory = open_store("sqlite://")
    assert ChangeWatch(memory).mark() is None
    memory.dispose()


@pytest.mark.parametrize(
    "text",
    [example for spec in REGISTRY.specs if spec.read_only for example in spec.help.examples],
)
def test_read_only_verbs_commit_nothing(sqlite_file, text: str) -> None:
    # What lets an edge give their answers again: running them leaves the mark unchanged.
    store = open_store(f"sqlite:///{sqlite_file}")
    seed_launch(store)
    watch = ChangeWatch(store)
    try:
        before = watch.mark()
        execute(store, make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)), text)
        assert watch.mark() == before, f"`{text}` committed something"
    finally:
        watch.close()
        store.dispose()


def _reused(served, verb: str) -> float:
    for line in served.http.get("/metrics").text.splitlines():
        if line.startswith(f'readybot_answers_reused_total{{verb="{verb}"}}'):
            return float(line.split()[-1])
    return 0.0


def test_through_serve_status_is_given_again_until_something_changes(store, fake) -> None:
    seed_launch(store)
    with serve(store, fake) as served:
        served.deliver()  # the seed's announcements: their sending commits too
        first = served.command("status").json()
        for _ in range(20):  # a busy machine may take a second between two requests
            assert served.command("status").json() == first
            if _reused(served, "status") or not store.is_sqlite:
                break
        if not store.is_sqlite:
            assert _reused(served, "status") == 0  # nothing to watch: every status is made
            return
        reused = _reused(served, "status")
        assert reused >= 1
        # A change through readybot, then one straight into the database (another process's
        # `readybot ready` would do the same): each is in the next answer, made anew.
        assert "done" in served.command("done SSL cert is live").json()["text"]
        after_done = served.command("status").json()
        assert after_done != first
        ok(store, make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)), "add Pager rota")
        after_add = served.command("status").json()
        assert after_add != after_done
        # Someone else asking is answered for themselves.
        served.command("status", user="U2BOB")
        assert _reused(served, "status") == reused


def test_through_serve_time_passing_ends_a_kept_answer(store, fake) -> None:
    seed_launch(store)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=True) as traveller, serve(store, fake) as served:
        before = served.command("status").json()
        assert "tomorrow" in str(before).lower() or "1 day" in str(before).lower()
        traveller.shift(timedelta(days=2))  # the launch date passes: nothing committed
        after = served.command("status").json()
        assert after != before
