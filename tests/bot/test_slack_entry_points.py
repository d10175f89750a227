"""Items from anywhere in Slack, over real HTTP with signed requests and the fake Slack: the
"Add to launch checklist" message shortcut, the add-item reaction, and unfurls of
readybot's own links."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.render import ids
from bot.settings import Settings
from storage.models import Event, Item, Launch, MessageItem
from tests.bot.harness import CHANNEL, TEAM, Served, eventually, serve
from tests.commands.helpers import ok
from tests.conftest import make_ctx
from tests.fakes.slack_api import FakeSlack, Fault

PUBLIC = "https://ready.example.com"
BOB, CAROL, DAN = "U2BOB", "U3CAROL", "U4DAN"


@pytest.fixture
def fake():
    with FakeSlack(token="xoxb-test-token") as slack:
        slack.members.add(CHANNEL)
        slack.users[CAROL] = {"name": "carol"}
        yield slack


@pytest.fixture
def served(store, fake):
    with serve(store, fake, READYBOT_PUBLIC_URL=PUBLIC) as running:
        yield running


def ctx_for(user: str = "U1ALICE", channel: str | None = CHANNEL):
    return make_ctx(user, channel=channel, now=datetime.now(UTC))


def launch(store, name: str = "Checkout v2", channel: str | None = CHANNEL) -> None:
    ok(store, ctx_for(channel=channel), f"launch new {name}")


def items_of(store) -> list[Item]:
    with store.read() as session:
        return list(session.exec(select(Item).order_by(Item.id)).scalars())


def settle(seconds: float = 0.4) -> None:
    """Give follow-up work that should do nothing the time to do something."""
    time.sleep(seconds)


def as_dict(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def shortcut(served: Served, ts: str, *, user: str = "U1ALICE", channel: str = CHANNEL):
    message = next(m for m in served.fake.messages[channel] if m["ts"] == ts)
    payload = {
        "type": "message_action",
        "callback_id": ids.SHORTCUT_ADD_MESSAGE,
        "trigger_id": f"trigger.{ts}",
        "response_url": served.fake.response_url(f"shortcut{ts}"),
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "team_id": TEAM, "name": user.lower()},
        "channel": {"id": channel, "name": "launch"},
        "message_ts": ts,
        "message": message,
        "action_ts": f"{time.time():.6f}",
    }
    return served.interaction(payload)


def opened_view(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    return as_dict(fake.wait_for("views.open", count=count)[count - 1].body["view"])


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def submit_add(served: Served, view: dict[str, Any], *, title: str, **values: Any):
    state = {
        ids.BLOCK_TITLE: {ids.ACTION_TITLE: {"type": "plain_text_input", "value": title}},
        ids.BLOCK_PRIORITY: {ids.ACTION_PRIORITY: {"selected_option": {"value": "medium"}}},
    }
    if "owner" in values:
        state[ids.BLOCK_OWNER] = {ids.ACTION_OWNER: {"selected_user": values["owner"]}}
    if "launch" in values:
        state[ids.BLOCK_LAUNCH] = {
            ids.ACTION_LAUNCH: {"selected_option": {"value": str(values["launch"])}}
        }
    return served.submit(
        ids.CALLBACK_ADD_ITEM,
        state,
        metadata=view["private_metadata"],
        view_id=values.get("view_id", "VSHORT"),
    )


def ephemerals(fake: FakeSlack, user: str | None = None) -> list[dict[str, Any]]:
    calls = [c.body for c in fake.calls_to("chat.postEphemeral")]
    return [c for c in calls if user is None or c.get("user") == user]


def reaction(
    served: Served,
    ts: str,
    *,
    user: str = "U1ALICE",
    emoji: str = "clipboard",
    event_id: str | None = None,
    channel: str = CHANNEL,
):
    event = {
        "type": "reaction_added",
        "user": user,
        "reaction": emoji,
        "item_user": BOB,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }
    return served.event(event, event_id=event_id or f"Ev{user}{ts}")


# -- the message shortcut -----------------------------------------------------------------


def test_the_shortcut_opens_the_add_item_modal_prefilled_from_the_message(
    served, store, fake
) -> None:
    launch(store)
    ts = fake.add_message(
        CHANNEL,
        "Rotate the API keys before launch, ask <@U3CAROL> &amp; see <https://wiki.example.com/k|the runbook>\n"
        "&lt;!channel&gt; is not a ping here",
        user=BOB,
    )
    assert shortcut(served, ts).status_code == 200
    view = opened_view(fake)
    title = block(view, ids.BLOCK_TITLE)["element"]
    assert title["initial_value"] == (
        "Rotate the API keys before launch, ask @carol & see the runbook "
        "<!channel> is not a ping here"
    )
    assert block(view, ids.BLOCK_OWNER)["element"]["initial_user"] == BOB
    shown = json.dumps(view["blocks"])
    permalink = f"https://acme.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}"
    assert f"<{permalink}|the message> in <#{CHANNEL}>" in shown
    assert "Checkout v2" in shown
    meta = json.loads(view["private_metadata"])
    assert meta["message"] == {"channel": CHANNEL, "ts": ts}
    assert meta["evidence"] == permalink
    asked = fake.calls_to("chat.getPermalink")[0].body
    assert (asked["channel"], asked["message_ts"]) == (CHANNEL, ts)


def test_a_long_message_is_cut_to_the_title_input_and_a_bots_message_has_no_owner(
    served, store, fake
) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "word " * 400, user=None, bot_id="BALERTS")
    shortcut(served, ts)
    view = opened_view(fake)
    element = block(view, ids.BLOCK_TITLE)["element"]
    assert len(element["initial_value"]) <= element["max_length"] == 500
    assert element["initial_value"].endswith("…")
    assert "initial_user" not in block(view, ids.BLOCK_OWNER)["element"]


def test_submitting_the_shortcut_modal_adds_an_open_item_with_the_permalink_as_evidence(
    served, store, fake
) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Load test the checkout at 2x peak", user=BOB)
    shortcut(served, ts)
    view = opened_view(fake)
    response = submit_add(served, view, title="Load test the checkout at 2x peak", owner=BOB)
    assert response.status_code == 200 and response.content in (b"", b"{}")
    (item,) = items_of(store)
    permalink = f"https://acme.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}"
    assert (item.title, item.owner, item.evidence) == (
        "Load test the checkout at 2x peak",
        BOB,
        permalink,
    )
    # Evidence on an open item verifies nothing: it is still to do, and not verified.
    assert item.status == "todo" and item.verified_at is None and item.done_at is None
    assert item.source == "modal"
    with store.read() as session:
        (created,) = session.exec(select(Event).where(Event.action == "created")).scalars()
        link = session.exec(select(MessageItem)).scalars().one()
    assert created.actor == "U1ALICE" and created.after["evidence"] == permalink
    assert (link.channel_id, link.message_ts, link.item_id) == (CHANNEL, ts, item.id)
    told = eventually(lambda: ephemerals(fake, "U1ALICE")[0])
    assert told["channel"] == CHANNEL and item.key in told["text"]
    status = served.command("status").json()
    assert "0/100" in json.dumps(status["blocks"])  # counted open


def _missing():
    raise AssertionError("nothing yet")


def test_the_shortcut_on_a_message_that_is_already_an_item_says_which(served, store, fake) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Page the on-call rota", user=BOB)
    reaction(served, ts)
    eventually(lambda: len(items_of(store)) == 1)
    key = items_of(store)[0].key
    shortcut(served, ts)
    view = opened_view(fake)
    assert "submit" not in view
    assert f"already on the checklist as {key}" in json.dumps(view)


def test_submitting_the_same_message_twice_adds_it_once(served, store, fake) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Enable WAF rules", user=BOB)
    shortcut(served, ts)
    first = opened_view(fake)
    shortcut(served, ts, user=DAN)
    second = opened_view(fake, count=2)
    assert submit_add(served, first, title="Enable WAF rules", view_id="V1").content in (
        b"",
        b"{}",
    )
    refused = submit_add(served, second, title="Enable the WAF", view_id="V2").json()
    assert refused["response_action"] == "errors"
    assert "already on the checklist" in refused["errors"][ids.BLOCK_TITLE]
    assert [i.title for i in items_of(store)] == ["Enable WAF rules"]


def test_the_shortcut_in_a_channel_without_a_launch_asks_which_launch(served, store, fake) -> None:
    launch(store, "Checkout v2", channel="C0OTHER")
    launch(store, "Search revamp", channel="C0THIRD")
    ts = fake.add_message(CHANNEL, "Write the rollback plan", user=BOB)
    shortcut(served, ts)
    view = opened_view(fake)
    picker = block(view, ids.BLOCK_LAUNCH)
    names = [o["text"]["text"] for o in picker["element"]["options"]]
    assert names == ["Checkout v2", "Search revamp"]
    assert "/ready launch use" in picker["hint"]["text"]
    search = picker["element"]["options"][1]["value"]
    submit_add(served, view, title="Write the rollback plan", launch=search)
    (item,) = items_of(store)
    assert item.launch_id == int(search) and item.evidence.startswith("https://acme.slack.com/")


def test_the_shortcut_without_any_launch_says_which_command_makes_one(served, store, fake) -> None:
    ts = fake.add_message(CHANNEL, "Write the rollback plan", user=BOB)
    shortcut(served, ts)
    view = opened_view(fake)
    assert "submit" not in view and "/ready launch new" in json.dumps(view)


def test_when_slack_gives_no_permalink_the_modal_says_so_and_nothing_is_made_up(
    served, store, fake
) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Check the DNS TTLs", user=BOB)
    fake.fail("chat.getPermalink", Fault(body={"ok": False, "error": "message_not_found"}))
    shortcut(served, ts)
    view = opened_view(fake)
    assert "no evidence link" in json.dumps(view) and "acme.slack.com" not in json.dumps(view)
    submit_add(served, view, title="Check the DNS TTLs")
    (item,) = items_of(store)
    assert item.evidence is None


# -- the reaction --------------------------------------------------------------------------


def test_three_people_reacting_add_the_message_once(served, store, fake) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Backups: run a restore test", user=BOB)
    for user in ("U1ALICE", CAROL, DAN):
        assert reaction(served, ts, user=user).status_code == 200
    eventually(lambda: len(ephemerals(fake)) == 3)
    (item,) = items_of(store)
    assert item.title == "Backups: run a restore test" and item.owner == BOB
    assert item.source == "reaction" and item.status == "todo" and item.verified_at is None
    assert item.evidence == f"https://acme.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}"
    texts = sorted(e["text"] for e in ephemerals(fake))
    assert sum("Added" in t for t in texts) == 1
    assert sum(f"already on the checklist as {item.key}" in t for t in texts) == 2
    with store.read() as session:
        created = list(session.exec(select(Event).where(Event.action == "created")).scalars())
    assert len(created) == 1 and created[0].via == "reaction"
    history = fake.calls_to("conversations.history")[0].body
    assert history["latest"] == ts and history["limit"] in (1, "1")
    assert str(history["inclusive"]).lower() in ("true", "1")


def test_the_same_reaction_delivered_twice_adds_once_and_answers_once(served, store, fake) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Alerting on 5xx rate", user=BOB)
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    reaction(served, ts, event_id="EvSAME")
    eventually(lambda: len(items_of(store)) == 1)
    reaction_again = served.event(
        {
            "type": "reaction_added",
            "user": "U1ALICE",
            "reaction": "clipboard",
            "item": {"type": "message", "channel": CHANNEL, "ts": ts},
        },
        event_id="EvSAME",
        headers=retry,
    )
    assert reaction_again.status_code == 200
    settle()
    assert len(items_of(store)) == 1
    assert len(ephemerals(fake)) == 1


def test_reactions_reaching_two_replicas_at_once_add_one_item(store, fake) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Capacity plan signed off", user=BOB)
    other = fake.add_message(CHANNEL, "Status page ready", user=BOB)
    with serve(store, fake) as one, serve(store, fake) as two:
        calls = [
            lambda: reaction(one, ts, user="U1ALICE", event_id="EvA"),
            lambda: reaction(two, ts, user="U1ALICE", event_id="EvA"),  # one event, two copies
            lambda: reaction(one, other, user=CAROL, event_id="EvB"),
            lambda: reaction(two, other, user=DAN, event_id="EvC"),  # two people
        ]
        threads = [threading.Thread(target=call) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        eventually(lambda: len(items_of(store)) == 2)
        settle(0.6)
    assert sorted(i.title for i in items_of(store)) == [
        "Capacity plan signed off",
        "Status page ready",
    ]
    with store.read() as session:
        assert len(list(session.exec(select(MessageItem)).scalars())) == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"user": None, "bot_id": "BDEPLOY", "subtype": "bot_message"},
        {"bot_id": "BAPP"},  # an app posting as a user still has a bot_id
        {"subtype": "channel_join"},
    ],
    ids=["bot_message", "app_message", "channel_join"],
)
def test_reactions_on_messages_from_bots_and_joins_are_ignored(served, store, fake, fields) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Deploy 1234 finished", **fields)
    reaction(served, ts)
    eventually(lambda: fake.calls_to("conversations.history") or _missing())
    settle()
    assert items_of(store) == [] and ephemerals(fake) == []


@pytest.mark.parametrize("emoji", ["white_check_mark", "eyes", "clipboard-not"])
def test_other_emoji_are_ignored_without_reading_the_message(served, store, fake, emoji) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Rate limits tuned", user=BOB)
    reaction(served, ts, emoji=emoji)
    settle()
    assert items_of(store) == []
    assert fake.calls_to("conversations.history") == [] and ephemerals(fake) == []


def test_a_skin_tone_still_counts_and_the_emoji_is_configurable(store, fake) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "Feature flags documented", user=BOB)
    with serve(store, fake, READYBOT_ADD_REACTION=":heavy_plus_sign:") as served:
        reaction(served, ts, emoji="clipboard")
        settle()
        assert items_of(store) == []
        reaction(served, ts, emoji="heavy_plus_sign::skin-tone-3", event_id="EvTone")
        eventually(lambda: len(items_of(store)) == 1)


def test_a_reply_in_a_thread_is_read_from_the_thread_and_answered_there(
    served, store, fake
) -> None:
    launch(store)
    parent = fake.add_message(CHANNEL, "Launch checklist review", user=BOB)
    reply = fake.add_message(CHANNEL, "We still need a DPIA", user=CAROL, thread_ts=parent)
    reaction(served, reply)
    (told,) = eventually(lambda: ephemerals(fake) or _missing())
    (item,) = items_of(store)
    assert item.title == "We still need a DPIA" and item.owner == CAROL
    assert fake.calls_to("conversations.replies")[0].body["ts"] == reply
    assert told["thread_ts"] == parent and item.key in told["text"]
    assert "thread_ts=" in item.evidence


def test_a_message_readybot_cannot_read_adds_nothing_and_says_what_to_do(
    served, store, fake, caplog
) -> None:
    launch(store)
    fake.members.discard(CHANNEL)
    ts = fake.add_message(CHANNEL, "Secrets rotated", user=BOB)
    with caplog.at_level("WARNING"):
        reaction(served, ts)
        (told,) = eventually(lambda: ephemerals(fake) or _missing())
    assert items_of(store) == []
    assert "invite it to this channel" in told["text"]
    assert "Traceback" not in json.dumps(told)
    assert any(
        "could not read message" in r.getMessage() and "not_in_channel" in r.getMessage()
        for r in caplog.records
    )


def test_a_reaction_where_there_is_no_launch_says_how_to_link_one(served, store, fake) -> None:
    launch(store, "Checkout v2", channel="C0OTHER")
    launch(store, "Search revamp", channel="C0THIRD")
    ts = fake.add_message(CHANNEL, "Runbook for rollbacks", user=BOB)
    reaction(served, ts)
    (told,) = eventually(lambda: ephemerals(fake) or _missing())
    assert "/ready launch use" in told["text"] and items_of(store) == []


def test_a_message_with_hostile_markup_becomes_a_title_that_pings_nobody(
    served, store, fake
) -> None:
    launch(store)
    ts = fake.add_message(CHANNEL, "&lt;!channel&gt; fix <http://evil.example|ok> now", user=BOB)
    reaction(served, ts)
    (told,) = eventually(lambda: ephemerals(fake) or _missing())
    (item,) = items_of(store)
    assert item.title == "<!channel> fix ok now"
    shown = json.dumps(told.get("blocks", ""))
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown


def test_the_reaction_setting_refuses_what_is_not_an_emoji_name() -> None:
    with pytest.raises(ValueError, match="READYBOT_ADD_REACTION"):
        Settings(READYBOT_ADD_REACTION="not an emoji!")  # type: ignore[call-arg]
    assert Settings(READYBOT_ADD_REACTION=":Clipboard:").add_reaction == "clipboard"  # type: ignore[call-arg]


# -- unfurls -------------------------------------------------------------------------------


def link_shared(served: Served, *urls: str, event_id: str = "EvLink", **extra: Any):
    event = {
        "type": "link_shared",
        "channel": CHANNEL,
        "user": BOB,
        "message_ts": "1700000000.000100",
        "links": [{"domain": "ready.example.com", "url": url} for url in urls],
        **extra,
    }
    return served.event(event, event_id=event_id)


def seeded_launch(store) -> int:
    launch(store)
    ctx = ctx_for()
    ok(store, ctx, "add Configure SSL/TLS certificates #Security !critical key SSL")
    ok(store, ctx, "add Restore test #Ops key BAK")
    ok(store, ctx, f"assign SSL <@{CAROL}>")
    ok(store, ctx, "due SSL 2030-01-15")
    ok(store, ctx, "done BAK")
    return items_of(store)[0].launch_id


def unfurled(fake: FakeSlack) -> dict[str, Any]:
    call = fake.wait_for("chat.unfurl")[0].body
    return as_dict(call["unfurls"])


def test_a_launch_link_unfurls_with_its_verdict_and_score(served, store, fake) -> None:
    launch_id = seeded_launch(store)
    url = f"{PUBLIC}/launches/{launch_id}"
    link_shared(served, url)
    unfurls = unfurled(fake)
    assert list(unfurls) == [url]
    shown = json.dumps(unfurls[url]["blocks"], ensure_ascii=False)
    assert "Checkout v2" in shown and "NO-GO" in shown and "/100" in shown
    assert "1 of 2 items done or waived" in shown
    body = fake.calls_to("chat.unfurl")[0].body
    assert body["channel"] == CHANNEL and body["ts"] == "1700000000.000100"


def test_a_launch_link_by_its_slug_and_an_item_link_unfurl_together(served, store, fake) -> None:
    launch_id = seeded_launch(store)
    by_slug = f"{PUBLIC}/launches/checkout-v2"
    item_url = f"{PUBLIC}/launches/{launch_id}/items/ssl"
    link_shared(served, by_slug, item_url, "https://elsewhere.example.com/launches/1")
    unfurls = unfurled(fake)
    assert set(unfurls) == {by_slug, item_url}
    item = json.dumps(unfurls[item_url]["blocks"], ensure_ascii=False)
    assert "`SSL`" in item and "Configure SSL/TLS certificates" in item
    assert "to do" in item or "todo" in item
    assert f"<@{CAROL}>" in item and "Jan 15" in item and "Checkout v2" in item


@pytest.mark.parametrize(
    "path",
    [
        "/launches/999",
        "/launches/no-such-launch",
        "/launches/{id}/items/NOPE",
        "/launches/{id}/monitors",
        "/api/v1/launches/{id}/gate",
    ],
)
def test_links_to_nothing_readybot_knows_are_left_alone(served, store, fake, path) -> None:
    launch_id = seeded_launch(store)
    assert link_shared(served, PUBLIC + path.format(id=launch_id)).status_code == 200
    settle()
    assert fake.calls_to("chat.unfurl") == []


def test_a_link_to_another_workspaces_launch_is_left_alone(served, store, fake) -> None:
    ok(store, make_ctx("U9", channel="C9", team="T9", now=datetime.now(UTC)), "launch new Secret")
    with store.read() as session:
        (secret,) = session.exec(select(Launch)).scalars()
    link_shared(served, f"{PUBLIC}/launches/{secret.id}")
    settle()
    assert fake.calls_to("chat.unfurl") == []


def test_without_a_public_url_no_link_is_readybots(store, fake) -> None:
    launch_id = seeded_launch(store)
    with serve(store, fake) as served:
        link_shared(served, f"{PUBLIC}/launches/{launch_id}")
        settle()
    assert fake.calls_to("chat.unfurl") == []


def test_a_link_in_the_composer_unfurls_by_its_unfurl_id(served, store, fake) -> None:
    launch_id = seeded_launch(store)
    link_shared(
        served,
        f"{PUBLIC}/launches/{launch_id}",
        channel="COMPOSER",
        message_ts="Uxxxx-composer",
        unfurl_id="C123456.7890.ABCD",
        source="composer",
    )
    body = fake.wait_for("chat.unfurl")[0].body
    assert body["unfurl_id"] == "C123456.7890.ABCD" and body["source"] == "composer"


def test_a_failing_unfurl_is_logged_not_raised(served, store, fake, caplog) -> None:
    launch_id = seeded_launch(store)
    fake.fail("chat.unfurl", Fault(body={"ok": False, "error": "cannot_unfurl_url"}))
    with caplog.at_level("WARNING"):
        link_shared(served, f"{PUBLIC}/launches/{launch_id}")
        fake.wait_for("chat.unfurl")
        eventually(lambda: any("cannot_unfurl_url" in r.getMessage() for r in caplog.records))
    assert served.http.get("/healthz").status_code == 200
