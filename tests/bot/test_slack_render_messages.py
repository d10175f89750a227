"""Every reply from the real command layer renders as valid Block Kit with the right content."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.render import SlackMessage, announcement, ids, item_row, render_message
from bot.render.check import check_message
from commands import replies as r
from commands.run import execute
from storage.vocabulary import Status
from tests.commands.helpers import ok, seed
from tests.conftest import make_ctx

ALICE = "U0ALICE"
BOB = "U0BOB"

COMMANDS = [
    "help",
    "help block",
    "status",
    "status here",
    "status if SSL",
    "list",
    "list all",
    "list blocked",
    "list security",
    f"list <@{BOB}>",
    "list mine",
    "launch",
    "launches",
    "history SSL",
    "block SSL waiting on the CA",
    f"assign SSL <@{BOB}>",
    "due SSL friday",
    "unblock SSL",
    "start SSL",
    "note SSL hi",
    "priority SSL high",
    "scope SSL regulated",
    "waive SEC-1 accepted until dec 30",
    "done SSL cert installed",
    "reopen SSL",
    "export",
    "import --dry-run ## Ops\n- [ ] Pager",
    "import ## Ops\n- [ ] Pager",
    "remove SEC-1",
    "frobnicate",
    "done nothing-like-this",
    "block tls",
    "launch date dec 24",
    "launch new Payments v3 date 2027-01-15",
]


def blocks_json(message: SlackMessage) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def test_every_reply_type_from_the_command_layer_renders_valid_block_kit(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    kinds = set()
    for text in COMMANDS:
        reply = execute(store, ctx, text)
        kinds.add(type(reply).__name__)
        message = render_message(reply)
        check_message(message)
        assert "went wrong" not in message.text, (text, message.text)
    expected = {
        "HelpReply", "StatusReply", "ItemListReply", "LaunchReply", "LaunchesReply",
        "HistoryReply", "ItemChanged", "ExportReply", "ImportReply", "ItemRemoved", "ErrorReply",
    }  # fmt: skip
    assert expected <= kinds


def menu_choices(row: dict) -> list[str]:
    return [o["value"].split(":", 1)[0] for o in row["accessory"]["options"]]


def test_status_leads_with_the_verdict_then_counts_then_blockers_then_what_matters(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, "block INF-1 storage team is out")
    ok(store, ctx, f"assign INF-1 <@{BOB}>")
    message = render_message(execute(store, ctx, "status"))
    check_message(message)
    header = message.blocks[0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "Checkout v2 — ⛔ NO-GO"
    summary = message.blocks[1]["text"]["text"]
    assert summary.startswith("*0/100 ready* ⬜⬜⬜⬜⬜⬜⬜⬜⬜⬜")
    assert "*⛔ NO-GO:* 2 critical open · 1 blocked · score 0 is under the bar of 80" in summary
    assert "`" not in summary.split("\n")[0]  # progress is never inline code
    assert "🎯 Target Fri Dec 4 (in 14 d)" in summary and "Forecast" in summary
    rows = [b for b in message.blocks if b.get("block_id", "").startswith("item:")]
    assert rows[0]["block_id"] == "item:key:1:INF-1"  # blocked first
    assert rows[0]["text"]["text"].startswith("*Blocked (1)*\n⛔ `INF-1`")
    assert (
        "storage team is out" in rows[0]["text"]["text"] and f"<@{BOB}>" in rows[0]["text"]["text"]
    )
    assert menu_choices(rows[0]) == ["done", "unblock", "assign", "due", "more"]
    keys = [row["block_id"] for row in rows]
    assert len(keys) == len(set(keys))  # no item twice
    assert rows[1]["text"]["text"].startswith("*Next up*\n")
    footer = message.blocks[-1]
    assert [e["action_id"] for e in footer["elements"]] == [
        ids.ACTION_STATUS_REFRESH,
        ids.ACTION_CATEGORIES,
        ids.ACTION_LIST_MORE,
        ids.ACTION_OPEN_ADD_ITEM,
    ]
    assert json.loads(footer["elements"][2]["value"]) == {
        "kind": "open",
        "value": None,
        "page": 1,
        "launch": 1,
    }
    assert len(message.blocks) <= 12
    assert message.text.startswith("Checkout v2: NO-GO: 2 critical open · 1 blocked")


def test_status_what_if_shows_the_score_and_verdict_with_the_items_done(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    message = render_message(execute(store, ctx, "status if SSL, INF-1"))
    text = blocks_json(message)
    assert "*If `SSL`, `INF-1` were done:* 62/100, ⛔ NO-GO" in text


def test_a_list_says_how_many_are_shown_and_every_row_has_the_same_menu(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    message = render_message(execute(store, ctx, "list"))
    check_message(message)
    first = message.blocks[0]["text"]["text"]
    assert first == "*Checkout v2*: open items · all 5 shown"
    rows = [b for b in message.blocks if b.get("block_id", "").startswith("item:")]
    assert len(rows) == 5
    assert rows[0]["text"]["text"].startswith(
        "*Infrastructure*\n⬜ `INF-1` Database backups restored"
    )
    assert all(menu_choices(row) == ["done", "block", "assign", "due", "more"] for row in rows)
    assert not [b for b in message.blocks if b["type"] == "actions"]


def test_paging_carries_the_filter_and_stops_at_the_last_page(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    for n in range(30):
        ok(store, ctx, f"add Extra item {n} #Extra")
    reply = execute(store, ctx, "list")
    assert isinstance(reply, r.ItemListReply) and reply.pages == 2
    more = ids.list_more_value("open", None, 2)
    with_more = render_message(reply, more_value=more)
    check_message(with_more)
    assert with_more.blocks[0]["text"]["text"].endswith("1–20 of 35 shown")
    last = with_more.blocks[-1]
    assert last["block_id"] == ids.BLOCK_LIST_MORE
    assert last["elements"][0]["text"]["text"] == "Next page (2)"
    assert "`/ready list page 2`" in blocks_json(with_more)
    rows = [b for b in with_more.blocks if b.get("block_id", "").startswith("item:")]
    assert len(rows) == 20  # every row keeps its menu
    last_page = render_message(execute(store, ctx, "list page 2"), more_value=more)
    assert all(b.get("block_id") != ids.BLOCK_LIST_MORE for b in last_page.blocks)
    assert "(the last)" in blocks_json(last_page)
    blocked = execute(store, ctx, "list Extra page 1")
    assert isinstance(blocked, r.ItemListReply)
    assert "`/ready list Extra page 2`" in blocks_json(render_message(blocked))


def test_item_menus_follow_the_status(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    changed = execute(store, ctx, "done SSL")
    assert isinstance(changed, r.ItemChanged)
    done = item_row(changed.item, "line")
    assert done["block_id"] == f"item:{changed.item.id}"
    assert menu_choices(done) == ["reopen", "assign", "due", "more"]
    open_item = execute(store, ctx, "reopen SSL").item
    row = item_row(open_item, "line")
    assert menu_choices(row) == ["done", "block", "assign", "due", "more"]
    assert ids.parse_menu(row["accessory"]["options"][1]["value"]) == (
        "block",
        ids.ItemRef(item_id=open_item.id),
    )


def test_announcements_name_the_actor_without_pinging_them(store) -> None:
    ctx = replace(make_ctx(ALICE), user_name="alice")
    seed(store, ctx)
    changed = execute(store, ctx, "done SSL cert installed, expires 2027-03-01")
    assert isinstance(changed, r.ItemChanged) and changed.announce
    message = announcement(changed)
    check_message(message)
    assert len(message.blocks) == 1
    assert message.blocks[0]["text"]["text"] == (
        "✅ alice marked done `SSL` Configure SSL/TLS certificates"
        " — cert installed, expires 2027-03-01"
    )
    assert message.text == (
        "alice marked done SSL “Configure SSL/TLS certificates” — cert installed, expires 2027-03-01"
    )
    assert "<@" not in message.text
    launch = announcement(execute(store, ctx, "launch date dec 24"))
    check_message(launch)
    assert launch.blocks[0]["text"]["text"].startswith("✏️ alice changed *Checkout v2*")


def test_a_block_pings_the_owner_when_someone_else_blocks_their_item(store) -> None:
    ctx = replace(make_ctx(ALICE), user_name="alice")
    seed(store, ctx)
    ok(store, ctx, f"assign SSL <@{BOB}>")
    blocked = execute(store, ctx, "block SSL waiting on the CA")
    line = announcement(blocked).blocks[0]["text"]["text"]
    assert line.startswith("⛔ alice blocked `SSL`") and line.endswith(f"· <@{BOB}>")


def test_a_change_reply_says_what_you_did_and_offers_undo(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, "block SSL waiting on the CA")
    message = render_message(execute(store, ctx, "done SSL"))
    check_message(message)
    first = message.blocks[0]
    assert first["text"]["text"].startswith("✅ You marked done `SSL`")
    assert "This cleared its block (waiting on the CA)." in first["text"]["text"]
    assert first["accessory"]["action_id"] == ids.ACTION_UNDO


def test_console_users_show_as_at_names_not_mentions(store) -> None:
    ctx = make_ctx("alice")
    seed(store, ctx)
    ok(store, ctx, "assign SSL @bob")
    message = render_message(execute(store, ctx, "block SSL waiting"))
    assert message.blocks[0]["text"]["text"].startswith("⛔ You blocked `SSL`")
    assert "@bob" in blocks_json(message)
    assert "<@" not in blocks_json(message)


def test_an_ambiguous_reference_offers_a_button_per_candidate(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    message = render_message(execute(store, ctx, "block tls waiting on the CA"))
    check_message(message)
    assert message.blocks[0]["text"]["text"] == "⚠️ “tls” matches 2 items; use one of their keys."
    assert "`SSL` Configure SSL/TLS certificates" in message.blocks[1]["text"]["text"]
    buttons = message.blocks[2]["elements"]
    assert [b["action_id"] for b in buttons] == ["candidate:0", "candidate:1"]
    assert {b["value"] for b in buttons} == {
        "block SSL waiting on the CA",
        "block INF-2 waiting on the CA",
    }
    assert message.blocks[-1] == {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": "Usage: `/ready block &lt;item&gt; [reason]`"},
        ],
    }


def test_help_for_one_verb_shows_usage_details_and_examples(store) -> None:
    message = render_message(execute(store, make_ctx(ALICE), "help waive"))
    check_message(message)
    text = blocks_json(message)
    assert "`/ready waive &lt;item&gt; &lt;reason&gt; [until &lt;date&gt;]`" in text
    assert "/ready waive PEN-TEST accepted by CISO until jan 15" in text


def test_a_plain_message_turns_user_markers_into_mentions() -> None:
    message = render_message(r.Message("Ask \x00@U0BOB\x00 or \x00@carol\x00 <now>"))
    check_message(message)
    assert message.blocks[0]["text"]["text"] == "Ask <@U0BOB> or @carol &lt;now&gt;"
    assert message.text == "Ask <@U0BOB> or @carol &lt;now&gt;"


def test_a_history_reads_as_words_in_the_launch_time(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, f"assign SSL <@{BOB}>")
    ok(store, ctx, "note SSL vendor says Tuesday")
    ok(store, ctx, "block SSL waiting on the CA")
    message = render_message(execute(store, ctx, "history SSL"))
    check_message(message)
    text = blocks_json(message)
    assert f"owner: — → <@{BOB}>" in text
    assert "block reason: — → waiting on the CA" in text
    assert "blocked_at" not in text and "blocked at" not in text
    assert "Fri Nov 20, 15:00" in text
    notes = next(b for b in message.blocks if b["text"]["text"].startswith("*Notes*"))
    assert notes["text"]["text"].endswith(f"\n>2026-11-20 @{ALICE}: vendor says Tuesday")
    assert "*History* (4 events)" in text


def test_a_blocked_item_in_a_list_shows_its_reason_and_an_unblock_choice(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, "block SSL waiting on the CA")
    reply = execute(store, ctx, "list blocked")
    message = render_message(reply)
    row = message.blocks[1]
    assert "— blocked: waiting on the CA" in row["text"]["text"]
    assert menu_choices(row)[:2] == ["done", "unblock"]
    assert reply.items[0].status == Status.BLOCKED
