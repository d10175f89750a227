"""Modals and the App Home tab, built from real replies, validate and carry the agreed ids."""

from __future__ import annotations

import json

from bot.render import (
    add_item_modal,
    block_modal,
    due_modal,
    history_modal,
    home_view,
    ids,
    import_modal,
    import_preview_modal,
    waive_modal,
)
from bot.render.check import check_view
from commands import replies as r
from commands.home import home
from commands.run import execute
from tests.commands.helpers import ok, seed
from tests.conftest import make_ctx

ALICE = "U0ALICE"
META = json.dumps({"channel": "C0LAUNCH", "response_url": "https://hooks.slack.test/x"})


def inputs(view: dict) -> dict[str, dict]:
    """block_id → element for every input block."""
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def test_the_add_item_modal_offers_categories_priorities_owner_due_and_key(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    created = execute(store, ctx, "add Rotate keys #Security")
    assert isinstance(created, r.ItemChanged)
    view = add_item_modal(created.launch, ["Infrastructure", "Security", "Testing"], META)
    check_view(view)
    assert view["callback_id"] == ids.CALLBACK_ADD_ITEM
    assert view["private_metadata"] == META
    assert view["submit"]["text"] == "Add"
    fields = inputs(view)
    assert list(fields) == [
        ids.BLOCK_TITLE,
        ids.BLOCK_CATEGORY,
        ids.BLOCK_NEW_CATEGORY,
        ids.BLOCK_PRIORITY,
        ids.BLOCK_OWNER,
        ids.BLOCK_DUE,
        ids.BLOCK_KEY,
    ]
    assert fields[ids.BLOCK_TITLE]["action_id"] == ids.ACTION_TITLE
    assert [o["value"] for o in fields[ids.BLOCK_CATEGORY]["options"]] == [
        "Infrastructure",
        "Security",
        "Testing",
    ]
    assert fields[ids.BLOCK_PRIORITY]["initial_option"]["value"] == "medium"
    assert fields[ids.BLOCK_OWNER]["type"] == "users_select"
    assert fields[ids.BLOCK_DUE]["type"] == "datepicker"


def test_a_launch_without_categories_gets_a_plain_category_input() -> None:
    launch = r.LaunchView(1, "New", None, "UTC", "internal", None)
    view = add_item_modal(launch, [], META)
    check_view(view)
    assert ids.BLOCK_CATEGORY not in inputs(view)
    assert inputs(view)[ids.BLOCK_NEW_CATEGORY]["action_id"] == ids.ACTION_NEW_CATEGORY


def test_item_modals_use_the_agreed_ids_and_current_dates(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    item = execute(store, ctx, "due SSL 2026-12-01").item
    blocked = block_modal(item, META)
    waived = waive_modal(item, META)
    due = due_modal(item, META)
    for view in (blocked, waived, due):
        check_view(view)
        assert view["private_metadata"] == META
        assert "`SSL` Configure SSL/TLS certificates" in json.dumps(view)
    assert blocked["callback_id"] == ids.CALLBACK_BLOCK
    assert inputs(blocked)[ids.BLOCK_REASON]["action_id"] == ids.ACTION_REASON
    assert inputs(blocked)[ids.BLOCK_REASON]["multiline"] is True
    assert waived["callback_id"] == ids.CALLBACK_WAIVE
    assert set(inputs(waived)) == {ids.BLOCK_REASON, ids.BLOCK_UNTIL}
    assert due["callback_id"] == ids.CALLBACK_DUE
    assert inputs(due)[ids.BLOCK_DUE] == {
        "type": "datepicker",
        "action_id": ids.ACTION_DUE,
        "initial_date": "2026-12-01",
    }


def test_the_import_modals_preview_then_confirm(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    view = import_modal("Checkout v2", META)
    check_view(view)
    assert view["callback_id"] == ids.CALLBACK_IMPORT
    dry_run = inputs(view)[ids.BLOCK_DRY_RUN]
    assert dry_run["initial_options"][0]["value"] == ids.DRY_RUN_VALUE
    assert inputs(view)[ids.BLOCK_MARKDOWN]["max_length"] == 3000
    preview = execute(store, ctx, "import --dry-run ## Ops\n- [ ] Pager\n- [x] Runbook")
    assert isinstance(preview, r.ImportReply)
    confirm = import_preview_modal(preview, META)
    check_view(confirm)
    assert confirm["callback_id"] == ids.CALLBACK_IMPORT_CONFIRM
    assert confirm["submit"]["text"] == "Import"
    text = json.dumps(confirm, ensure_ascii=False)
    assert "Would import 2 items into" in text and "Nothing was changed (dry run)" in text
    assert "readybot: " in text and "/100" in text  # its own score, as the import leaves it


def test_the_history_modal_is_read_only(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, "block SSL waiting on the CA")
    view = history_modal(execute(store, ctx, "history SSL"))
    check_view(view)
    assert "submit" not in view and view["close"]["text"] == "Close"
    assert view["title"]["text"] == "History of SSL"
    assert "waiting on the CA" in json.dumps(view)


def test_the_launch_owners_home_shows_what_needs_them_and_their_items(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, f"assign SSL <@{ALICE}>")
    ok(store, ctx, "block INF-1 storage team is out")
    ok(store, ctx, "add Pen test signed off #Security !critical")
    view = home_view(home(store, ctx))
    check_view(view)
    assert view["type"] == "home"
    assert view["blocks"][0]["elements"][0]["text"].startswith("Updated ")
    assert view["blocks"][1]["text"]["text"] == "Checkout v2 — ⛔ NO-GO"
    buttons = view["blocks"][3]["elements"]
    assert [b["action_id"] for b in buttons] == [ids.ACTION_OPEN_STATUS, ids.ACTION_OPEN_ADD_ITEM]
    text = json.dumps(view, ensure_ascii=False)
    assert "*Blocked (1)*" in text and "storage team is out" in text
    assert "*Critical, nobody owns it (2)*" in text  # INF-1 (shown as blocked) and SEC-2
    assert "*Your open items (1)*" in text
    rows = [b for b in view["blocks"] if b.get("block_id", "").startswith("item:")]
    keys = [row["text"]["text"].split("`")[1] for row in rows]
    assert len(keys) == len(set(keys))  # INF-1 is shown once
    assert all(row["accessory"]["action_id"] == ids.ACTION_ITEM_MENU for row in rows)


def test_someone_elses_home_shows_their_items_and_no_owner_sections(store) -> None:
    ctx = make_ctx(ALICE)
    seed(store, ctx)
    ok(store, ctx, "assign SEC-1 <@U0CAROL>")
    view = home_view(home(store, make_ctx("U0CAROL")))
    check_view(view)
    text = json.dumps(view, ensure_ascii=False)
    assert "*Your open items (1)*" in text and "nobody owns it" not in text


def test_a_home_without_my_items_never_celebrates_a_no_go_launch(store) -> None:
    seed(store, make_ctx(ALICE))
    view = home_view(home(store, make_ctx("U0CAROL")))
    check_view(view)
    text = json.dumps(view, ensure_ascii=False)
    assert "none in this launch, but it is NO-GO" in text and "🎉" not in text


def test_an_empty_workspace_gets_a_getting_started_home(store) -> None:
    view = home_view(home(store, make_ctx(ALICE)))
    check_view(view)
    text = json.dumps(view)
    assert "/ready launch new" in text and "/ready import" in text
