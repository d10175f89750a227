"""The decision rule, deadlines, quorum and the vote commands, without Slack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.decision.calls import parse_deadline
from commands.decision.model import Choice, VoteView, closes_now, decide, needed, reminder_due
from commands.errors import UsageError
from tests.commands.helpers import fails, ok
from tests.conftest import NOW, make_ctx

VOTERS = ("alice", "bob", "carol")


def votes(**choices: Choice) -> tuple[VoteView, ...]:
    return tuple(VoteView(voter, choice, NOW) for voter, choice in choices.items())


def outcome(voted, *, quorum=None, verdict_go=True, reasons=("1 critical open: SSL",)):
    return decide(
        voted,
        VOTERS,
        quorum,
        verdict_go=verdict_go,
        verdict_label="GO" if verdict_go else "NO-GO",
        verdict_reasons=reasons,
    )


def test_go_needs_the_quorum_no_no_go_and_a_verdict_that_is_not_no_go() -> None:
    every = votes(alice=Choice.GO, bob=Choice.CONDITIONS, carol=Choice.GO)
    assert outcome(every).decision == "GO"
    assert outcome(every, verdict_go=False).decision == "NO-GO"
    assert (
        outcome(every, verdict_go=False).disagreement
        == "the team voted GO; readybot's verdict is NO-GO because 1 critical open: SSL"
    )
    one_no = votes(alice=Choice.GO, bob=Choice.NO_GO, carol=Choice.GO)
    assert outcome(one_no).decision == "NO-GO" and outcome(one_no).team == "NO-GO"
    assert "readybot's verdict is GO; the team voted NO-GO" in (outcome(one_no).disagreement or "")
    two = votes(alice=Choice.GO, bob=Choice.GO)
    assert outcome(two).decision == "NO-GO" and "no quorum" in outcome(two).why
    assert outcome(two, quorum=2).decision == "GO"


def test_votes_from_outside_the_voters_never_count() -> None:
    strangers = votes(mallory=Choice.GO, eve=Choice.GO, trent=Choice.GO)
    assert outcome(strangers, quorum=1).decision == "NO-GO"
    assert not closes_now(strangers, VOTERS, 1)


@given(
    st.dictionaries(st.sampled_from(VOTERS), st.sampled_from(list(Choice))),
    st.one_of(st.none(), st.integers(1, 5)),
    st.booleans(),
)
def test_the_decision_is_never_go_against_a_no_go_verdict_or_vote(choices, quorum, go) -> None:
    voted = votes(**choices)
    result = outcome(voted, quorum=quorum, verdict_go=go)
    if result.decision == "GO":
        assert go and Choice.NO_GO not in choices.values()
        assert sum(c.is_go for c in choices.values()) >= needed(quorum, VOTERS)


def test_deadlines_read_as_the_launch_says_them() -> None:
    friday = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 15:00 UTC, 16:00 in Berlin
    assert parse_deadline("16:30", now=friday, timezone="UTC") == friday.replace(minute=30, hour=16)
    assert parse_deadline("14:00", now=friday, timezone="UTC") == datetime(
        2026, 11, 21, 14, tzinfo=UTC
    )
    berlin = parse_deadline("17:00", now=friday, timezone="Europe/Berlin")
    assert berlin.astimezone(UTC) == datetime(2026, 11, 20, 16, tzinfo=UTC)
    assert parse_deadline("monday 9am", now=friday, timezone="UTC") == datetime(
        2026, 11, 23, 9, tzinfo=UTC
    )
    assert parse_deadline("in 90m", now=friday, timezone="UTC") == friday + timedelta(minutes=90)
    for bad in ("soon", "25:00", "in forever", "blursday 10:00"):
        with pytest.raises(UsageError):
            parse_deadline(bad, now=friday, timezone="UTC")


def test_the_reminder_is_due_halfway() -> None:
    end = NOW + timedelta(hours=2)
    assert not reminder_due(NOW, end, NOW + timedelta(minutes=59))
    assert reminder_due(NOW, end, NOW + timedelta(hours=1))
    assert not reminder_due(NOW, None, NOW + timedelta(days=9))


def test_calls_need_an_owner_a_channel_and_a_sane_quorum_and_deadline(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    assert "quorum of 3 is more than the 1 voter" in fails(store, alice, "gonogo quorum 3").message
    assert "within 14 days" in fails(store, alice, "gonogo in 20d").message
    assert "not a quorum" in fails(store, alice, "gonogo quorum some").message
    assert "is not something I know" in fails(store, alice, "gonogo tomorrow").message
    bob = make_ctx("bob")
    assert "Only" in fails(store, bob, "gonogo").message
    ok(store, alice, "gonogo")
    assert "already open" in fails(store, alice, "gonogo").message
    assert "Say why NO-GO" in fails(store, alice, "gonogo vote no-go").message
    assert "Name the conditions" in fails(store, alice, "gonogo vote conditions").message
    reply = ok(store, alice, "gonogo vote go")
    assert (
        reply.call.record is not None and reply.call.record.decision == "NO-GO"
    )  # empty: no checklist
    assert "closed" in fails(store, alice, "gonogo vote go").message
    assert (
        "already NO-GO"
        in fails(
            store, make_ctx("root", admins=frozenset({"root"})), "gonogo override no-go x"
        ).message
    )


def test_category_owners_are_set_by_owners_and_matched_loosely(store) -> None:
    alice = make_ctx("alice")
    ok(store, alice, "launch new Checkout")
    ok(store, alice, "add TLS #Security")
    ok(store, alice, "category secu owner @dana")
    assert "already owned" in fails(store, alice, "category Security owner @dana").message
    assert "not a person" in fails(store, alice, "category Security owner dana smith").message
    assert "is not a category" in fails(store, alice, "category Payments owner @dana").message
    assert "Only" in fails(store, make_ctx("bob"), "category Security owner @bob").message
    ok(store, alice, "category Security owner none")
