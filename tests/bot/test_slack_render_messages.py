"""Every reply from the real command layer renders as valid Block Kit with the right content."""

from __future__ import annotations

import json

from bot.render import SlackMessage, announcement, ids, item_actions, render_message
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


def test_status_shows_verdict_score_reasons_forecast_and_item_buttons(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, "block INF-1 storage team is out")
    ok(store, ctx, f"assign INF-1 <@{BOB}>")
    message = render_message(execute(store, ctx, "status"))
    check_message(message)
    header = message.blocks[0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "Checkout v2 — ⛔ NO-GO"
    text = blocks_json(message)
    assert "*0/100 ready*" in text and "`░░░░░░░░░░`" in text
    assert "2 critical items open: SSL, INF-1; 1 item blocked: INF-1" in text
    assert "storage team is out" in text and f"<@{BOB}>" in text
    assert "Fri Dec 04, 2026 (14 days to go)" in text and "Forecast" in text
    rows = [b for b in message.blocks if b.get("block_id", "").startswith("item:")]
    assert rows[0]["block_id"] == "item:key:1:INF-1"  # blocked first, shown once
    assert [e["action_id"] for e in rows[0]["elements"]][:2] == ["item_done", "item_unblock"]
    assert len({b["block_id"] for b in rows}) == len(rows)
    footer = message.blocks[-1]
    assert [e["action_id"] for e in footer["elements"]] == [
        ids.ACTION_STATUS_REFRESH,
        ids.ACTION_OPEN_ADD_ITEM,
        ids.ACTION_LIST_MORE,
    ]
    assert json.loads(footer["elements"][2]["value"]) == {
        "kind": "open",
        "value": None,
        "page": 1,
        "launch": 1,
    }
    assert message.text.startswith("Checkout v2: NO-GO")


def test_status_what_if_shows_the_score_now_and_with_the_items_done(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    message = render_message(execute(store, ctx, "status if SSL, INF-1"))
    text = blocks_json(message)
    assert "*What if* `SSL`, `INF-1` *were done:* 0/100 now → *62/100*, ✅ GO" in text


def test_a_list_groups_items_by_category_with_buttons_for_each(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    message = render_message(execute(store, ctx, "list"))
    check_message(message)
    first = message.blocks[0]["text"]["text"]
    assert first == "*Checkout v2*: open items (5)"
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert sections[1].startswith("*Infrastructure*\n⬜ `INF-1` Database backups restored")
    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert len(actions) == 5
    assert all(b["block_id"] == f"item:{b['elements'][0]['value']}" for b in actions)


def test_show_more_appears_only_with_a_more_value_and_further_pages(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    for n in range(30):
        ok(store, ctx, f"add Extra item {n} #Extra")
    reply = execute(store, ctx, "list")
    assert isinstance(reply, r.ItemListReply) and reply.pages == 2
    more = ids.list_more_value("open", None, 2)
    with_more = render_message(reply, more_value=more)
    check_message(with_more)
    last = with_more.blocks[-1]
    assert last["block_id"] == ids.BLOCK_LIST_MORE
    assert last["elements"][0] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Show more (page 2)"},
        "action_id": ids.ACTION_LIST_MORE,
        "value": more,
    }
    without = render_message(reply)
    assert all(b.get("block_id") != ids.BLOCK_LIST_MORE for b in without.blocks)
    assert "Next: `/ready list … page 2`" in blocks_json(without)
    last_page = render_message(execute(store, ctx, "list page 2"), more_value=more)
    assert all(b.get("block_id") != ids.BLOCK_LIST_MORE for b in last_page.blocks)


def test_a_page_longer_than_fifteen_rows_shows_the_rest_without_buttons(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    for n in range(30):
        ok(store, ctx, f"add Extra item {n} #Extra")
    reply = execute(store, ctx, "list")
    message = render_message(reply)
    check_message(message)
    assert sum(b["type"] == "actions" for b in message.blocks) == 15
    text = blocks_json(message)
    assert all(f"`{item.key}`" in text for item in reply.items)  # nobody on the page is lost


def test_item_buttons_follow_the_status(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    changed = execute(store, ctx, "done SSL")
    assert isinstance(changed, r.ItemChanged)
    done = item_actions(changed.item)
    assert done["block_id"] == f"item:{changed.item.id}"
    assert [e["action_id"] for e in done["elements"]] == ["item_reopen", "item_more"]
    assert [o["value"] for o in done["elements"][1]["options"]] == [
        f"due:{changed.item.id}",
        f"history:{changed.item.id}",
    ]
    open_item = execute(store, ctx, "reopen SSL").item
    buttons = item_actions(open_item)["elements"]
    assert [e["action_id"] for e in buttons] == [
        "item_done",
        "item_block",
        "item_assign_me",
        "item_more",
    ]
    assert buttons[0]["style"] == "primary"
    assert {e["value"] for e in buttons[:3]} == {str(open_item.id)}
    assert ids.parse_overflow(buttons[3]["options"][1]["value"]) == (
        "waive",
        ids.ItemRef(item_id=open_item.id),
    )


def test_announcements_are_one_line_with_real_mentions_and_no_buttons(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    changed = execute(store, ctx, "done SSL cert installed, expires 2027-03-01")
    assert isinstance(changed, r.ItemChanged) and changed.announce
    message = announcement(changed)
    check_message(message)
    assert len(message.blocks) == 1
    assert message.blocks[0]["text"]["text"] == (
        f"✅ <@{ALICE}> marked done `SSL` Configure SSL/TLS certificates"
        " — cert installed, expires 2027-03-01"
    )
    assert message.text == (
        f"@{ALICE} marked done SSL “Configure SSL/TLS certificates”"
        " — cert installed, expires 2027-03-01"
    )
    launch = announcement(execute(store, ctx, "launch date dec 24"))
    check_message(launch)
    assert launch.blocks[0]["text"]["text"].startswith(f"✏️ <@{ALICE}> changed *Checkout v2*")
    removed = announcement(execute(store, ctx, "remove SEC-1"))
    assert removed.blocks[0]["text"]["text"].startswith(f"🗑️ <@{ALICE}> removed `SEC-1`")


def test_console_users_show_as_at_names_not_mentions(store) -> None:
    ctx = make_ctx("alice")
    seed(store, ctx)
    message = render_message(execute(store, ctx, "block SSL waiting"))
    assert message.blocks[0]["text"]["text"].startswith("⛔ @alice blocked `SSL`")
    assert "<@" not in blocks_json(message)


def test_an_error_lists_candidates_and_the_usage_line(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    message = render_message(execute(store, ctx, "block tls"))
    check_message(message)
    assert message.blocks[0]["text"]["text"] == "⚠️ “tls” matches 2 items; use one of their keys."
    assert "`SSL` Configure SSL/TLS certificates" in message.blocks[1]["text"]["text"]
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
    assert message.text == "Ask @U0BOB or @carol &lt;now&gt;"


def test_a_history_shows_events_with_people_as_mentions(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, f"assign SSL <@{BOB}>")
    ok(store, ctx, "note SSL vendor says Tuesday")
    message = render_message(execute(store, ctx, "history SSL"))
    check_message(message)
    text = blocks_json(message)
    assert f"owner: — → <@{BOB}>" in text
    notes = next(b for b in message.blocks if b["text"]["text"].startswith("*Notes*"))
    assert notes["text"]["text"].endswith(f"\n>2026-11-20 @{ALICE}: vendor says Tuesday")
    assert "*History* (3 events)" in text


def test_a_blocked_item_in_a_list_shows_its_reason_and_an_unblock_button(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, "block SSL waiting on the CA")
    reply = execute(store, ctx, "list blocked")
    message = render_message(reply)
    assert "— blocked: waiting on the CA" in message.blocks[1]["text"]["text"]
    assert message.blocks[2]["elements"][1]["action_id"] == ids.ACTION_ITEM_UNBLOCK
    assert reply.items[0].status == Status.BLOCKED
