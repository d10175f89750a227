"""Status, history and change replies as people read them, at every size: the verdict at a
glance within the block and size budget from an empty launch to 5,000 items; an empty
launch says how to start; `done` on a blocked item says it cleared the block; a history
reads as words, whole, showing only what changed; fallback texts name people."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.render.check import check_message
from bot.render.home import home_view
from bot.render.messages import render_message
from bot.render.text import CONSOLE, Cli, render
from commands.home import home
from commands.replies import StatusReply
from commands.run import execute
from storage.engine import Store
from storage.models import Item, Launch
from tests.commands.helpers import events, ok
from tests.conftest import NOW, make_ctx

ALICE, BOB = "U0ALICE", "U0BOB"
STATUS_BLOCKS = 12  # the "about 12 blocks at most"
STATUS_BYTES = 12_000  # well under the ~13k characters at which Slack refuses a message
BARE_ID = re.compile(r"(?<![<A-Z0-9])@?[UW]0[A-Z0-9]{3,}\b(?!>)")  # an id outside a mention


def visible(value: object) -> list[str]:
    """Every text a person sees in blocks (not values, ids or urls)."""
    if isinstance(value, dict):
        found = [value["text"]] if isinstance(value.get("text"), str) else []
        for key, inner in value.items():
            if key not in ("value", "action_id", "block_id") and not isinstance(inner, str):
                found += visible(inner)
        return found
    if isinstance(value, list):
        return [text for inner in value for text in visible(inner)]
    return []


def payload_bytes(message) -> int:
    return len(json.dumps(message.blocks, ensure_ascii=False).encode())


def big_launch(store: Store, size: int = 5_000) -> None:
    """`size` items over 23 categories, every priority and status, owners, due dates."""
    ok(store, make_ctx(ALICE), "launch new Big date 2026-12-04")
    statuses = ["todo", "done", "done", "in_progress", "blocked", "waived", "done", "todo"]
    with store.write() as session:
        launch = session.execute(select(Launch)).scalar_one()
        session.add_all(
            Item(
                team_id=launch.team_id,
                launch_id=launch.id,
                key=f"K{n // 100}-{n % 100 + 1}",
                seq=n + 1,
                title=f"Item number {n} with a longish title & <markup> about things",
                category=f"Category {n % 23}",
                priority=["critical", "high", "medium", "low"][n % 4],
                status=statuses[n % 8],
                owner=[ALICE, BOB, None][n % 3],
                due_date=NOW.date() + timedelta(days=n % 40 - 20) if n % 2 else None,
                blocked_reason="waiting on <@U0BOB|bob> & the vendor"
                if statuses[n % 8] == "blocked"
                else None,
                created_at=NOW - timedelta(days=10),
                updated_at=NOW - timedelta(days=10),
            )
            for n in range(size)
        )
        launch.revision += 1


def assert_glance(message, label: str) -> None:
    check_message(message)
    assert len(message.blocks) <= STATUS_BLOCKS, len(message.blocks)
    assert payload_bytes(message) <= STATUS_BYTES, payload_bytes(message)
    assert message.blocks[0]["type"] == "header"
    assert message.blocks[0]["text"]["text"].endswith(label)
    assert label.split(" ", 1)[1] in message.text.splitlines()[0]  # the notification too
    assert not BARE_ID.search(message.text), message.text
    assert "&amp;amp;" not in json.dumps(message.blocks)  # escaped once, never twice


def test_a_5000_item_status_shows_the_verdict_within_a_dozen_blocks(store) -> None:
    big_launch(store)
    reply = ok(store, make_ctx(ALICE), "status")
    message = render_message(reply)
    assert_glance(message, "⛔ NO-GO")
    summary = message.blocks[1]["text"]["text"]
    assert "*⛔ NO-GO:* 1,250 critical open · 625 blocked" in summary
    assert "2,500 of 5,000 items done or waived" in summary
    # Large numbers read with separators wherever they show.
    # The blockers not shown are counted with the blockers, before the items that matter most.
    texts = [b.get("text", {}).get("text", "") for b in message.blocks]
    more = next(i for i, t in enumerate(texts) if "+622 more blocked — `/ready list blocked`" in t)
    assert more < next(i for i, t in enumerate(texts) if t.startswith("*Next up*"))
    numbers = re.sub(r"\b20\d\d\b|K\d+-\d+", "", "\n".join(visible(message.blocks)))
    assert not re.search(r"\d{4}", numbers), numbers


def test_a_small_status_shows_the_verdict_and_keeps_mentions(store) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Tiny & <b>Co</b> date 2026-12-04")
    ok(store, ctx, f"add Backups & restore <drill> #Ops !critical key BAK <@{BOB}|bob>")
    ok(store, ctx, "add Docs for <!channel> #Docs !low")
    ok(store, ctx, f"block BAK waiting on <@{BOB}|bob> & the vendor")
    message = render_message(ok(store, ctx, "status"))
    assert_glance(message, "⛔ NO-GO")
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert f"waiting on <@{BOB}> &amp; the vendor" in text
    assert message.blocks[0]["text"]["text"] == "Tiny & <b>Co</b> — ⛔ NO-GO"  # plain text
    assert "<!channel>" not in text


def test_an_empty_launch_says_how_to_start_not_to_lower_the_bar(store) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Empty date 2026-12-04")
    reply = ok(store, ctx, "status")
    assert isinstance(reply, StatusReply)
    assert reply.report.plan.path_to_go is None
    message = render_message(reply)
    assert_glance(message, "⛔ NO-GO")
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert "no items yet" in text and "no checklist yet" in text
    assert "`/ready add &lt;title&gt; #category !priority`" in text
    assert "`/ready import`" in text
    assert "Forecast none until there is a checklist" in text
    assert "lower the bar" not in text and "everything required" not in text
    for surface in (CONSOLE, Cli(options=("--user", "alice"))):
        shown = render(reply, surface)
        assert "(no items yet)" in shown and "Forecast: none until there is a checklist" in shown
        assert "lower the bar" not in shown and "everything required" not in shown


def test_done_on_a_blocked_item_says_it_cleared_the_block_everywhere(store) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Demo date 2026-12-04")
    ok(store, ctx, "add Backups restored #Ops !critical key BAK")
    ok(store, ctx, "block BAK waiting on the vendor")
    reply = ok(store, ctx, "done BAK")
    assert "This cleared its block (waiting on the vendor)." in render(reply, CONSOLE)
    message = render_message(reply)
    assert "This cleared its block (waiting on the vendor)." in message.blocks[0]["text"]["text"]
    assert "cleared its block" in message.text  # the notification says it too
    assert [e.action for e in events(store, "BAK")][-2:] == ["unblocked", "done"]
    assert events(store, "BAK")[-2].note == "waiting on the vendor"


def test_a_history_shows_readable_fields_whole_times_and_only_what_changed(store) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Demo date 2026-12-04 tz Europe/Paris")
    ok(store, ctx, "add Backups restored #Ops !critical key BAK")
    ok(store, ctx, "block BAK waiting on the vendor")
    ok(store, ctx, "done BAK")
    reply = ok(store, ctx, "history BAK")
    slack = json.dumps(render_message(reply).blocks, ensure_ascii=False)
    for shown in (slack, render(reply, CONSOLE)):
        assert "Fri Nov 20, 16:00" in shown  # 15:00 UTC, in the launch's time
        assert "_" not in re.sub(r"`[^`]*`", "", shown.split("History")[1])  # no field names
        assert "verified at" not in shown  # the event's own time says it
        assert "waiver: — → —" not in shown and "— → —" not in shown  # nothing unchanged
        assert "…" not in shown  # nothing cut in the middle
    assert f"done by: — → <@{ALICE}>" in slack and f"verified by: — → <@{ALICE}>" in slack
    assert f"verified by: — → @{ALICE}" in render(reply, CONSOLE)


@pytest.mark.parametrize("command", ["history BAK", "list", "list blocked"])
def test_fallback_texts_mention_people_instead_of_printing_their_ids(store, command) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Demo date 2026-12-04")
    ok(store, ctx, f"add Backups restored #Ops !critical key BAK <@{BOB}|bob>")
    ok(store, ctx, f"block BAK waiting on <@{BOB}|bob>")
    message = render_message(execute(store, ctx, command))
    assert f"<@{BOB}>" in message.text
    assert not BARE_ID.search(message.text), message.text
    assert "\x00" not in message.text


def test_the_home_says_when_it_was_updated_in_the_launchs_time(store) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Demo date 2026-12-04 tz Europe/Paris")
    view = home_view(home(store, ctx))
    updated = view["blocks"][0]["elements"][0]["text"]
    assert updated.startswith("Updated Fri Nov 20, 16:00 Europe/Paris"), updated


def test_go_with_conditions_lists_the_conditions_with_their_owners(store) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Cond date 2026-12-04")
    for n in range(8):
        ok(store, ctx, f"add Thing {n} #Ops !medium")
    ok(store, ctx, f"add Pen test #Sec !high <@{BOB}|bob>")
    ok(store, ctx, "add Legal review #Legal !critical <@U0CAROL|carol>")
    for n in range(1, 9):
        ok(store, ctx, f"done OPS-{n}")
    ok(store, ctx, "waive LEG-1 counsel approved until 2026-12-20")
    reply = ok(store, ctx, "status")
    message = render_message(reply)
    assert_glance(message, "🟡 GO with conditions")
    texts = [b.get("text", {}).get("text", "") for b in message.blocks]
    rows = "\n".join(t for t in texts if "`LEG-1`" in t or "`SEC-1`" in t)
    assert rows.startswith("*Conditions (2)*\n")
    assert "`LEG-1` Legal review · <@U0CAROL> — waived" in rows
    assert f"`SEC-1` Pen test · <@{BOB}> — high, open" in rows
    assert sum(t.count("`SEC-1`") for t in texts) == 1  # not again under Next up
    shown = render(reply, CONSOLE)
    assert "Conditions (2):" in shown
    assert "LEG-1" in shown.split("Conditions (2):")[1] and "@U0CAROL  — waived" in shown


def test_the_home_never_counts_an_item_shown_above_as_one_more(store) -> None:
    ctx = make_ctx(ALICE)
    ok(store, ctx, "launch new Home date 2026-12-04")
    ok(store, ctx, f"add Backups #Ops !critical key BAK <@{ALICE}|alice>")
    ok(store, ctx, "add Docs #Docs !low")
    ok(store, ctx, "block BAK waiting on the vendor")
    texts = [
        (b.get("text") or {}).get("text", "") or str(b.get("elements"))
        for b in home_view(home(store, ctx))["blocks"]
    ]
    assert sum(t.count("`BAK`") for t in texts) == 1  # under Blocked, once
    assert "*Your open items (1):* shown above" in texts
    assert not any("more" in t for t in texts), texts
