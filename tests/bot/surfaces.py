"""A realistic 60-item launch and every Slack surface readybot renders for it: status, list,
Home, digest, monitor alert. The budget test holds them to a glance; `python -m
tests.bot.surfaces OUT_DIR` writes them as JSON for the Block Kit previewer."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.render.alerts import alert_message
from bot.render.digest.digest import render_digest
from bot.render.digest.templating import load_templates
from bot.render.home import home_view
from bot.render.messages import SlackMessage, render_message
from commands.context import Context
from commands.digests.gather import gather
from commands.home import home
from commands.monitors.alerts import AlertFacts
from commands.run import execute
from storage import digests
from storage.engine import Store
from storage.vocabulary import Via

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CHANNEL = "C0LAUNCH"
PEOPLE = {"U0ALICE": "alice", "U0BOB": "bob", "U0CAROL": "carol", "U0DAVE": "dave"}
CATEGORIES = ("Security", "Infrastructure", "Compliance", "Testing", "Observability", "Docs")
PRIORITIES = ("critical", "high", "medium", "low", "medium", "high")


def ctx(user: str = "U0ALICE", *, now: datetime = NOW) -> Context:
    return Context(
        team_id="T1",
        user_id=user,
        channel_id=CHANNEL,
        via=Via.COMMAND,
        now=now,
        user_name=PEOPLE.get(user),
    )


def run(store: Store, context: Context, text: str) -> Any:
    reply = execute(store, context, text)
    assert type(reply).__name__ != "ErrorReply", (text, reply)
    return reply


def sixty_item_launch(store: Store) -> None:
    """Six categories, every priority, owners, due dates; some done, blocked, waived."""
    owner = ctx("U0ALICE", now=NOW - timedelta(days=10))
    run(store, owner, "launch new Checkout v2 date 2026-12-04")
    people = list(PEOPLE)
    for n in range(60):
        category = CATEGORIES[n % len(CATEGORIES)]
        priority = PRIORITIES[n % len(PRIORITIES)]
        who = f" <@{people[n % 4]}|{PEOPLE[people[n % 4]]}>" if n % 3 else ""
        due = f" due 2026-11-{10 + n % 20:02d}" if n % 2 else ""
        run(
            store,
            owner,
            f"add Readiness check number {n} for {category} #{category} !{priority}{who}{due}",
        )
    for day in range(1, 9):
        when = NOW - timedelta(days=10 - day)
        for n in range(day * 3, day * 3 + 3):
            key = _key(n)
            run(store, ctx(people[n % 4], now=when) if n % 3 else ctx(now=when), f"done {key}")
    late = ctx(now=NOW - timedelta(hours=3))
    run(store, late, "block SEC-6 waiting on the pen test vendor")
    run(store, late, "block INF-6 needs <@U0BOB|bob> to approve the firewall change")
    run(store, late, "waive DOC-8 docs after launch until 2026-12-20")
    # A chain behind the pen test, and the firewall change holding up two more.
    for later, first in (
        ("SEC-7", "SEC-6"),
        ("SEC-9", "SEC-7"),
        ("INF-7", "INF-6"),
        ("INF-9", "INF-6"),
    ):
        run(store, late, f"needs {later} {first}")


def _key(n: int) -> str:
    prefix = {"Security": "SEC", "Infrastructure": "INF", "Compliance": "COM"}
    category = CATEGORIES[n % len(CATEGORIES)]
    number = n // len(CATEGORIES) + 1
    return f"{prefix.get(category, category[:3].upper())}-{number}"


def status(store: Store) -> SlackMessage:
    return render_message(run(store, ctx(), "status"))


def listing(store: Store) -> SlackMessage:
    from bot.render import ids

    reply = run(store, ctx(), "list")
    return render_message(reply, more_value=ids.list_more_value("open", None, 2, 1))


def home_tab(store: Store, user: str = "U0ALICE") -> dict[str, Any]:
    return home_view(home(store, ctx(user)))


def digest(store: Store) -> SlackMessage:
    with store.write() as session:
        run_row = digests.claim_digest(
            session,
            team_id="T1",
            channel_id=CHANNEL,
            launch_id=1,
            local_date=NOW.date(),
            scheduled_for=NOW,
            worker="test",
            now=NOW,
            manual=True,
        )
        assert run_row is not None
        facts = gather(session, run_row, NOW)
    return render_digest(facts, load_templates())


def alert() -> SlackMessage:
    facts = AlertFacts(
        monitor_id=3,
        monitor_name="https://api.example.com/health",
        kind="down",
        detail="GET https://api.example.com/health returned 500 in 1.2 s",
        at=NOW,
        launch_name="Checkout v2",
        item_id=7,
        item_key="INF-2",
        item_owner="U0BOB",
        item_blocked=True,
        down_since=NOW - timedelta(minutes=3),
        failures=3,
        timezone="Europe/London",
        verdict_was="GO with conditions",
        verdict_now="NO-GO",
    )
    return alert_message(facts)


def recovery() -> SlackMessage:
    down = alert()
    del down
    facts = AlertFacts(
        monitor_id=3,
        monitor_name="https://api.example.com/health",
        kind="up",
        detail="GET https://api.example.com/health returned 200 in 90 ms",
        at=NOW + timedelta(minutes=20),
        launch_name="Checkout v2",
        item_id=7,
        item_key="INF-2",
        item_blocked=True,
        down_since=NOW - timedelta(minutes=3),
        timezone="Europe/London",
    )
    return alert_message(replace(facts))


def dump(store: Store, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    surfaces: dict[str, Any] = {
        "status": status(store),
        "list": listing(store),
        "digest": digest(store),
        "alert": alert(),
        "recovery": recovery(),
    }
    for name, message in surfaces.items():
        (out / f"{name}.json").write_text(
            json.dumps({"text": message.text, "blocks": message.blocks}, ensure_ascii=False)
        )
    (out / "home.json").write_text(json.dumps(home_tab(store), ensure_ascii=False))
    (out / "home-bob.json").write_text(json.dumps(home_tab(store, "U0BOB"), ensure_ascii=False))


if __name__ == "__main__":
    import tempfile

    from storage.engine import open_store
    from storage.migrate import upgrade

    folder = Path(tempfile.mkdtemp())
    db = open_store(f"sqlite:///{folder / 'surfaces.db'}")
    upgrade(db)
    sixty_item_launch(db)
    dump(db, Path(sys.argv[1] if len(sys.argv) > 1 else "surfaces"))
    print(f"wrote {sys.argv[1] if len(sys.argv) > 1 else 'surfaces'}/*.json")
