"""Buttons, modals and the App Home over real HTTP."""

import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.render import ids
from storage.models import Event, Item
from tests.bot.harness import CHANNEL, eventually, serve
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import Fault


@pytest.fixture
def served(store, fake):
    with serve(store, fake) as running:
        yield running


def seed(store) -> int:
    ctx = make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC))
    ok(store, ctx, "launch new Checkout v2")
    ok(store, ctx, "add Configure SSL/TLS certificates #Security !critical key SSL")
    return item(store, "SSL").id


def item(store, key: str) -> Item:
    with store.read() as session:
        return session.exec(select(Item).where(Item.key == key)).scalars().one()


def status_is(store, key: str, status: str):
    def check():
        found = item(store, key)
        assert found.status == status, (found.status, status)
        return found

    return check


def events(store, action: str) -> list[Event]:
    with store.read() as session:
        return list(session.exec(select(Event).where(Event.action == action)).scalars())


def test_done_button_applies_as_the_clicker_and_refreshes_the_ephemeral_status(
    served, store, fake
) -> None:
    item_id = seed(store)
    status = served.command("status").json()
    message = {"ts": "1.0", "blocks": status["blocks"]}
    response = served.menu(
        ids.MENU_DONE,
        str(item_id),
        user="U2BOB",
        message=message,
        response_url=fake.response_url("status1"),
    )
    assert response.status_code == 200
    done = eventually(status_is(store, "SSL", "done"))
    assert done.done_by == "U2BOB"
    assert events(store, "done")[0].via == "button"
    refreshed = fake.wait_for_response("status1")[0]
    assert refreshed["replace_original"] is True
    assert "GO" in refreshed["text"]
    # The refreshed message starts with what the click did, and offers Undo.
    first = refreshed["blocks"][0]
    assert first["text"]["text"].startswith("✅ You marked done `SSL`")
    assert first["accessory"]["action_id"] == ids.ACTION_UNDO
    assert refreshed["blocks"][1]["type"] == "header"


def test_a_click_on_a_channel_message_updates_it_in_place(served, store, fake) -> None:
    item_id = seed(store)
    status = served.command("status here").json()
    message = {"ts": "1700000000.000100", "blocks": status["blocks"]}
    served.click(ids.ACTION_ITEM_DONE, str(item_id), message=message, ephemeral=False)
    update = fake.wait_for("chat.update")[0].body
    assert (update["channel"], update["ts"]) == (CHANNEL, "1700000000.000100")


def test_a_repeated_delivery_of_one_click_applies_once(served, store, fake) -> None:
    item_id = seed(store)
    for _ in range(2):
        served.click(ids.ACTION_ITEM_DONE, str(item_id), action_ts="1700000000.123456")
        eventually(status_is(store, "SSL", "done"))
    served.menu(ids.MENU_REOPEN, str(item_id), action_ts="1700000001.123456")
    eventually(status_is(store, "SSL", "todo"))
    served.menu(ids.MENU_REOPEN, str(item_id), action_ts="1700000001.123456")
    time.sleep(0.3)
    assert len(events(store, "done")) == 1
    assert len(events(store, "reopened")) == 1
    assert item(store, "SSL").status == "todo"


def test_block_button_opens_a_modal_and_its_submission_validates_then_applies(
    served, store, fake
) -> None:
    item_id = seed(store)
    served.menu(ids.MENU_BLOCK, str(item_id))
    opened = fake.wait_for("views.open")[0].body
    view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
    assert view["callback_id"] == ids.CALLBACK_BLOCK
    metadata = view["private_metadata"]
    empty = served.submit(
        ids.CALLBACK_BLOCK,
        {ids.BLOCK_REASON: {ids.ACTION_REASON: {"value": " "}}},
        metadata=metadata,
    )
    assert (
        empty.json()["response_action"] == "errors" and ids.BLOCK_REASON in empty.json()["errors"]
    )
    assert item(store, "SSL").status == "todo"
    done = served.submit(
        ids.CALLBACK_BLOCK,
        {ids.BLOCK_REASON: {ids.ACTION_REASON: {"value": "CA is slow"}}},
        metadata=metadata,
        view_id="V2",
    )
    assert done.status_code == 200 and not done.content
    assert (
        item(store, "SSL").blocked_reason == "CA is slow"
    )  # a submission is applied before its ack
    assert events(store, "blocked")[0].via == "modal"


def test_waive_from_the_menu_is_refused_to_non_owners_next_to_the_field(
    served, store, fake
) -> None:
    item_id = seed(store)
    served.menu(ids.MENU_MORE, str(item_id), user="U2BOB")
    opened = fake.wait_for("views.open")[0].body
    item_view = opened["view"]
    assert item_view["title"]["text"] == "SSL"
    waive = item_view["blocks"][0]["elements"][1]
    assert (waive["action_id"], waive["value"]) == (ids.ACTION_ITEM_WAIVE, str(item_id))
    # Waive… inside the item modal pushes the waive modal on top of it.
    served.click_in_modal(
        ids.ACTION_ITEM_WAIVE, str(item_id), user="U2BOB", metadata=item_view["private_metadata"]
    )
    pushed = fake.wait_for("views.push")[0].body
    metadata = pushed["view"]["private_metadata"]
    reply = served.submit(
        ids.CALLBACK_WAIVE,
        {ids.BLOCK_REASON: {ids.ACTION_REASON: {"value": "not needed"}}},
        metadata=metadata,
        user="U2BOB",
    )
    assert reply.json()["response_action"] == "errors"
    assert "launch owner" in reply.json()["errors"][ids.BLOCK_REASON]
    assert item(store, "SSL").status == "todo"


def test_add_item_modal_adds_with_all_fields(served, store, fake) -> None:
    seed(store)
    launch_id = item(store, "SSL").launch_id
    served.click(ids.ACTION_OPEN_ADD_ITEM, str(launch_id))
    opened = fake.wait_for("views.open")[0].body
    metadata = opened["view"]["private_metadata"]
    values = {
        ids.BLOCK_TITLE: {ids.ACTION_TITLE: {"value": "Pen test booked"}},
        ids.BLOCK_NEW_CATEGORY: {ids.ACTION_NEW_CATEGORY: {"value": "Testing"}},
        ids.BLOCK_PRIORITY: {ids.ACTION_PRIORITY: {"selected_option": {"value": "high"}}},
        ids.BLOCK_OWNER: {ids.ACTION_OWNER: {"selected_user": "U2BOB"}},
        ids.BLOCK_DUE: {ids.ACTION_DUE: {"selected_date": "2026-12-24"}},
        ids.BLOCK_KEY: {ids.ACTION_KEY: {"value": "pen"}},
    }
    bad = served.submit(
        ids.CALLBACK_ADD_ITEM,
        {**values, ids.BLOCK_KEY: {ids.ACTION_KEY: {"value": "SSL"}}},
        metadata=metadata,
    )
    assert "taken" in bad.json()["errors"][ids.BLOCK_KEY]
    served.submit(ids.CALLBACK_ADD_ITEM, values, metadata=metadata, view_id="V9")
    pen = item(store, "PEN")
    assert (pen.title, pen.category, pen.priority, pen.owner, str(pen.due_date)) == (
        "Pen test booked",
        "Testing",
        "high",
        "U2BOB",
        "2026-12-24",
    )


def test_the_app_home_shows_the_users_items_and_refreshes_after_a_click(
    served, store, fake
) -> None:
    item_id = seed(store)
    ok(store, make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)), "assign SSL me")
    served.event({"type": "app_home_opened", "user": "U1ALICE", "channel": "D1", "tab": "home"})
    published = fake.wait_for("views.publish")[0].body
    assert published["user_id"] == "U1ALICE"
    view = (
        published["view"] if isinstance(published["view"], dict) else json.loads(published["view"])
    )
    assert view["type"] == "home" and "Configure SSL/TLS certificates" in json.dumps(view)
    served.menu(ids.MENU_DONE, str(item_id), home=True)
    fake.wait_for("views.publish", count=2)
    eventually(status_is(store, "SSL", "done"))


def test_import_modal_previews_then_imports(served, store, fake) -> None:
    seed(store)
    served.command("import")
    opened = fake.wait_for("views.open")[0].body
    metadata = opened["view"]["private_metadata"]
    doc = "## Ops\n- [ ] 🔴 Pager rota\n- [x] Dashboards"
    preview = served.submit(
        ids.CALLBACK_IMPORT,
        {
            ids.BLOCK_MARKDOWN: {ids.ACTION_MARKDOWN: {"value": doc}},
            ids.BLOCK_DRY_RUN: {
                ids.ACTION_DRY_RUN: {"selected_options": [{"value": ids.DRY_RUN_VALUE}]}
            },
        },
        metadata=metadata,
    ).json()
    assert preview["response_action"] == "update"
    assert preview["view"]["callback_id"] == ids.CALLBACK_IMPORT_CONFIRM
    with store.read() as session:
        assert len(list(session.exec(select(Item)).scalars())) == 1
    served.submit(
        ids.CALLBACK_IMPORT_CONFIRM, {}, metadata=preview["view"]["private_metadata"], view_id="V3"
    )
    told = fake.wait_for("chat.postEphemeral")[0].body
    assert "Imported 2 items" in told["text"]
    with store.read() as session:
        assert len(list(session.exec(select(Item)).scalars())) == 3


def test_reminder_buttons_mark_done_or_snooze_and_refresh_the_dm(served, store, fake) -> None:
    from bot.render.digest import ids as reminder_ids

    item_id = seed(store)
    ok(
        store,
        make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)),
        "add Pen test key PEN @U1ALICE due 2020-01-01",
    )
    ok(store, make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)), "due SSL 2020-01-01")
    ok(store, make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)), "assign SSL me")
    served.click(
        reminder_ids.ACTION_REMINDER_DONE, str(item_id), response_url=fake.response_url("dm1")
    )
    eventually(status_is(store, "SSL", "done"))
    refreshed = fake.wait_for_response("dm1")[0]
    assert "Pen test" in refreshed["text"] and "Configure SSL" not in refreshed["text"]
    pen = item(store, "PEN").id
    served.click(
        reminder_ids.ACTION_REMINDER_SNOOZE,
        "",
        selected=reminder_ids.snooze_value(pen, 3),
        response_url=fake.response_url("dm2"),
    )
    assert "Nothing of yours is overdue" in fake.wait_for_response("dm2")[0]["text"]


def test_undo_after_a_click_puts_the_item_back_and_says_so(served, store, fake) -> None:
    item_id = seed(store)
    status = served.command("status").json()
    served.menu(
        ids.MENU_DONE,
        str(item_id),
        message={"ts": "1.0", "blocks": status["blocks"]},
        response_url=fake.response_url("s1"),
    )
    eventually(status_is(store, "SSL", "done"))
    undo = fake.wait_for_response("s1")[0]["blocks"][0]["accessory"]
    served.click(
        ids.ACTION_UNDO,
        undo["value"],
        message={"ts": "1.0", "blocks": status["blocks"]},
        response_url=fake.response_url("s2"),
    )
    eventually(status_is(store, "SSL", "todo"))
    again = fake.wait_for_response("s2")[0]["blocks"][0]
    assert again["text"]["text"].startswith("⬜ You undid done on `SSL`")
    assert "accessory" not in again  # an undo is not undone from here
    assert [e.action for e in events(store, "undone")] == ["undone"]


def test_assign_from_the_menu_opens_a_person_picker(served, store, fake) -> None:
    item_id = seed(store)
    served.menu(ids.MENU_ASSIGN, str(item_id))
    opened = fake.wait_for("views.open")[0].body["view"]
    assert opened["callback_id"] == ids.CALLBACK_ASSIGN
    served.submit(
        ids.CALLBACK_ASSIGN,
        {ids.BLOCK_OWNER: {ids.ACTION_OWNER: {"selected_user": "U2BOB"}}},
        metadata=opened["private_metadata"],
    )
    assert item(store, "SSL").owner == "U2BOB"


def test_a_candidate_button_runs_the_command_as_typed_with_that_item(served, store, fake) -> None:
    seed(store)
    ok(
        store,
        make_ctx("U1ALICE", channel=CHANNEL, now=datetime.now(UTC)),
        "add TLS for the CDN #Infra",
    )
    body = served.command("block tls waiting on the CA").json()
    buttons = next(b for b in body["blocks"] if b["type"] == "actions")["elements"]
    chosen = next(b for b in buttons if b["text"]["text"] == "SSL")
    served.click(chosen["action_id"], chosen["value"], response_url=fake.response_url("pick"))
    eventually(status_is(store, "SSL", "blocked"))
    assert item(store, "SSL").blocked_reason == "waiting on the CA"
    assert fake.wait_for_response("pick")[0]["replace_original"] is True


def test_a_channel_message_refresh_that_fails_is_retried_until_it_lands(
    served, store, fake
) -> None:
    item_id = seed(store)
    status = served.command("status here").json()
    message = {"ts": "1700000000.000200", "blocks": status["blocks"]}
    fake.fail("chat.update", Fault(status=500))  # the first refresh's answer
    served.click(ids.ACTION_ITEM_DONE, str(item_id), message=message, ephemeral=False)
    updates = fake.wait_for("chat.update", count=2, timeout=10)
    assert {u.body["ts"] for u in updates} == {"1700000000.000200"}


def test_a_home_tab_publish_that_fails_is_retried_until_it_lands(served, store, fake) -> None:
    seed(store)
    fake.fail("views.publish", Fault(status=503))
    served.event({"type": "app_home_opened", "user": "U1ALICE", "channel": "D1", "tab": "home"})
    published = fake.wait_for("views.publish", count=2, timeout=10)
    assert [p.body["user_id"] for p in published] == ["U1ALICE", "U1ALICE"]
