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


def test_test_without_a_checker_says_where_checks_run(store) -> None:
    ctx = seeded(store)  # a context without check_monitor
    ok(store, ctx, "monitor add https://api.example.com/health")
    message = fails(store, ctx, "monitor test 1").message
    assert "cannot run from here" in message and "readybot console" in message


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


# -- wording ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "rules"),
    [
        (
            'https://api.example.com/health item SSL every 1m within 500ms contains "ok"',
            "https://api.example.com/health (HTTP), expects 200 within 500 ms, body contains “ok”",
            "Checked every 1 min; down after 3 failed checks in a row, up after 2 good ones; "
            "linked to SSL, which it blocks while down.",
        ),
        (
            "https://api.example.com/health expect 204 every 30s fails 1 recovers 1",
            "https://api.example.com/health (HTTP), expects 204 within 5 s",
            "Checked every 30 s; down after 1 failed check, up after 1 good one.",
        ),
        (
            "cert api.example.com:8443 warn 30,7",
            "the TLS certificate of api.example.com:8443, warns 30 and 7 days before it expires",
            "Checked every 6 h; down after 3 failed checks in a row, up after 2 good ones.",
        ),
        (
            "cert api.example.com warn 1",
            "the TLS certificate of api.example.com, warns 1 day before it expires",
            "Checked every 6 h;",
        ),
        (
            "backup /var/backups/db-*.sql.gz max-age 26h min-size 1.5MB",
            "backups /var/backups/db-*.sql.gz, the newest at most 1 d 2 h old and at least 1.5 MB",
            "Checked every 15 min;",
        ),
        (
            "backup /var/backups/*.tar",
            "backups /var/backups/*.tar, the newest at most 1 d 2 h old and not empty",
            "Checked every 15 min;",
        ),
        (
            "heartbeat nightly-backup period 24h grace 1h",
            "heartbeat nightly-backup, a ping every 1 d with 1 h of grace",
            "Down when a ping is late or reports a failure, up at the next good one.",
        ),
    ],
)
def test_adding_a_monitor_says_what_it_checks_in_words(
    store, text: str, first: str, rules: str
) -> None:
    ctx = seeded(store)
    reply = ok(store, ctx, f"monitor add {text}").text
    assert reply.startswith(f"✓ Monitor 1: {first}.\n")
    assert rules in reply
    for machine_talk in ("check(s)", "one(s)", "http http", "cert api", "=", "None"):
        assert machine_talk not in reply


def test_a_launch_without_a_slack_channel_says_where_alerts_would_go(store) -> None:
    ctx = make_ctx("alice", channel="console")
    ok(store, ctx, "launch new Checkout")
    reply = ok(store, ctx, "monitor add https://api.example.com/health").text
    assert "alerts go to the launch's Slack channel, and none is bound yet" in reply
    assert "`/ready monitor list` shows what the checks find" in reply


def test_show_describes_settings_and_thresholds_in_words(store) -> None:
    ctx = seeded(store)
    ok(store, ctx, "monitor add https://api.example.com/health item SSL within 2s fails 5")
    shown = ok(store, ctx, "monitor show 1").text
    assert shown.startswith(
        "Monitor 1: https://api.example.com/health (HTTP), expects 200 within 2 s\n"
    )
    assert (
        "Checked every 1 min; down after 5 failed checks in a row, up after 2 good ones; next check at"
        in shown
    )
    assert "Settings:" not in shown and "expect_status" not in shown


def test_the_monitor_usage_line_is_a_short_synopsis_and_help_has_the_forms(store) -> None:
    from commands.verbs import REGISTRY

    spec = REGISTRY.find("monitor")
    assert spec is not None
    usage = REGISTRY.usage_of("monitor") or ""
    assert len(usage) <= 110 and "\n" not in usage
    for form in ("monitor add cert <host[:port]>", "snooze <id> <duration> <reason>", "ack <id>"):
        assert form in spec.help.details
    assert fails(store, make_ctx(), "monitor frob 3").usage == usage
