"""Error replies: the running verb's usage, and enough structure for every surface's fix."""

import pytest

from commands.errors import LaunchHint, Missing
from tests.commands.helpers import fails, ok
from tests.conftest import make_ctx


def two_launches(store) -> None:
    ok(store, make_ctx("alice", channel="C1"), "launch new Checkout v2")
    ok(store, make_ctx("alice", channel="C2"), "launch new Mobile")


@pytest.mark.parametrize("text", ["status 🚀", "st 🚀", "status nope here"])
def test_an_unknown_launch_in_status_shows_the_usage_of_status(store, text: str) -> None:
    two_launches(store)
    error = fails(store, make_ctx(channel="C1"), text)
    assert error.message.startswith("No launch called")
    assert error.verb == "status"
    assert error.usage is not None and error.usage.startswith("/ready status ")
    assert error.launch_hint == LaunchHint(
        Missing.UNKNOWN_NAME, ("Checkout v2", "Mobile"), 0, error.launch_hint.name
    )


def test_an_unknown_launch_in_launch_use_shows_the_usage_of_launch(store) -> None:
    two_launches(store)
    error = fails(store, make_ctx(channel="C3"), "launch use Desktop")
    assert (error.verb, error.launch_hint and error.launch_hint.name) == ("launch", "Desktop")


def test_an_unbound_channel_names_the_launches_to_choose_from(store) -> None:
    two_launches(store)
    error = fails(store, make_ctx(channel="C-ELSEWHERE"), "block SSL waiting")
    assert "/ready launch use" in error.message  # Slack's advice stays in the message
    assert error.launch_hint == LaunchHint(Missing.UNBOUND, ("Checkout v2", "Mobile"))


def test_a_workspace_without_launches_says_so(store) -> None:
    error = fails(store, make_ctx(), "status")
    assert error.launch_hint == LaunchHint(Missing.NO_LAUNCHES)


def test_many_launches_are_named_up_to_ten(store) -> None:
    for n in range(12):
        ok(store, make_ctx("alice", channel=f"C{n}"), f"launch new L{n:02}")
    hint = fails(store, make_ctx(channel="C-NONE"), "list").launch_hint
    assert hint is not None and (len(hint.launches), hint.more) == (10, 2)


def test_an_item_error_keeps_the_usage_of_its_verb(store) -> None:
    ok(store, make_ctx("alice"), "launch new Checkout")
    error = fails(store, make_ctx("alice"), "close nothing-like-this")
    assert (error.verb, error.usage) == ("done", "/ready done <item> [evidence]")


def test_a_parse_error_keeps_the_verb_it_names(store) -> None:
    error = fails(store, make_ctx(), "frobnicate")
    assert error.verb == "help"
    assert fails(store, make_ctx(), "status if").verb == "status"


def test_a_refusal_has_no_usage_and_says_it_is_one(store) -> None:
    ok(store, make_ctx("alice"), "launch new Checkout")
    ok(store, make_ctx("alice"), "add Configure SSL key SSL")
    error = fails(store, make_ctx("bob"), "waive SSL out of scope")
    assert error.refused and error.usage is None and error.verb is None
    assert not fails(store, make_ctx("alice"), "done NOPE").refused
