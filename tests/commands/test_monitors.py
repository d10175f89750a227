"""`/ready monitor …` against a real database."""

import pytest

from commands.errors import UsageError
from commands.monitors.draft import draft_from_mapping, draft_from_words
from storage.models import Monitor
from tests.commands.helpers import events, fails, fingerprint, ok
from tests.conftest import NOW, make_ctx


def monitors(store) -> list[Monitor]:
    from sqlalchemy import select

    with store.read() as session:
        return list(session.exec(select(Monitor).order_by(Monitor.id)).scalars())


def seeded(store):
    ctx = make_ctx("alice", channel="C0LAUNCH")
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add Configure SSL/TLS certificates key SSL")
    return ctx


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ftp://example.com", "not a URL"),
        ("http://user:pw@example.com/health", "credentials"),
        ("https://example.com every 1s", "every 10 seconds"),
        ("https://example.com within soon", "not a time limit"),
        ("https://example.com expect abc", "whole number"),
        ("https://example.com colour red", "not a monitor option"),
        ("https://example.com item", "needs a value"),
        ("cert bad_host!", "not a host name"),
        ("cert example.com:99999", "invalid port"),
        ("cert example.com warn soon", "list of days"),
        ("backup relative/*.gz", "absolute path"),
        ("backup /b/*.gz min-size lots", "not a size"),
        ("heartbeat 'no spaces'", "heartbeat name"),
    ],
)
def test_malformed_monitors_are_refused_with_what_to_type(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as err:
        draft_from_words(text)
    assert fragment in err.value.message


def test_yaml_and_words_validate_the_same_way() -> None:
    from_words = draft_from_words(
        'https://api.example.com/health item SSL every 1m within 500ms contains "ok"'
    )
    from_yaml = draft_from_mapping(
        {
            "http": "https://api.example.com/health",
            "item": "SSL",
            "every": "1m",
            "within": "500ms",
            "contains": "ok",
        }
    )
    assert from_words == from_yaml


def test_owners_add_monitors_linked_to_items_and_others_are_refused(store) -> None:
    ctx = seeded(store)
    before = fingerprint(store)
    assert (
        "launch owner"
        in fails(
            store, make_ctx("bob", channel="C0LAUNCH"), "monitor add https://api.example.com/health"
        ).message
    )
    assert fingerprint(store) == before
    reply = ok(
        store, ctx, "monitor add https://api.example.com/health item SSL every 1m within 500ms"
    )
    assert "Monitor 1" in reply.text and "linked to SSL" in reply.text
    [mon] = monitors(store)
    assert (mon.kind, mon.channel_id, mon.interval_seconds, mon.params["within"]) == (
        "http",
        "C0LAUNCH",
        60,
        0.5,
    )
    assert [e.action for e in events(store) if e.action.startswith("monitor.")] == ["monitor.added"]
    assert (
        "already has a monitor"
        in fails(store, ctx, "monitor add https://api.example.com/health").message
    )


def test_a_heartbeat_gets_a_secret_url(store) -> None:
    ctx = seeded(store)
    reply = ok(store, ctx, "monitor add heartbeat nightly-backup period 24h grace 1h")
    [mon] = monitors(store)
    assert mon.token and f"/hooks/heartbeat/{mon.token}" in reply.text
    assert (mon.fail_after, mon.recover_after) == (1, 1)


def test_list_show_pause_resume_remove(store) -> None:
    ctx = seeded(store)
    ok(store, ctx, "monitor add cert api.example.com item SSL")
    assert "api.example.com" in ok(store, ctx, "monitor list").text
    assert "Linked to SSL" in ok(store, ctx, "monitor show 1").text
    ok(store, ctx, "monitor pause 1")
    assert monitors(store)[0].paused
    assert "already paused" in fails(store, ctx, "monitor pause 1").message
    ok(store, ctx, "monitor resume 1")
    assert not monitors(store)[0].paused
    assert "no monitor 7" in fails(store, ctx, "monitor show 7").message
    ok(store, ctx, "monitor remove 1")
    assert monitors(store) == []


def test_anyone_may_snooze_but_acknowledging_needs_an_outage(store) -> None:
    ctx = seeded(store)
    ok(store, ctx, "monitor add https://api.example.com/health")
    bob = make_ctx("bob", channel="C0LAUNCH")
    reply = ok(store, bob, "monitor snooze 1 4h deploying the CDN")
    assert "snoozed until" in reply.text
    assert (
        monitors(store)[0]
        .state["snoozed_until"]
        .startswith((NOW.replace(hour=19)).date().isoformat())
    )
    assert "not down" in fails(store, bob, "monitor ack 1 looking").message


def test_test_needs_the_server(store) -> None:
    ctx = seeded(store)
    ok(store, ctx, "monitor add https://api.example.com/health")
    assert "readybot serve" in fails(store, ctx, "monitor test 1").message


def test_owners_put_monitors_in_maintenance(store) -> None:
    ctx = seeded(store)
    ok(store, ctx, "monitor add https://api.example.com/health")
    assert (
        "launch owner"
        in fails(store, make_ctx("bob", channel="C0LAUNCH"), "monitor maintenance 1 2h").message
    )
    assert "in maintenance until" in ok(store, ctx, "monitor maintenance 1 2h").text
    assert monitors(store)[0].status == "maintenance"
    assert "needs a duration" in fails(store, ctx, "monitor maintenance 1").message
