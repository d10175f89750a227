"""Launch verbs and how a command finds its launch."""

from commands.replies import LaunchesReply, LaunchReply
from tests.commands.helpers import events, fails, fingerprint, ok
from tests.conftest import make_ctx


def test_a_fresh_workspace_is_told_how_to_start(store, ctx) -> None:
    message = fails(store, ctx, "status").message
    assert "/ready launch new" in message and "/ready import" in message


def test_launch_new_makes_the_creator_owner_and_binds_the_channel(store, ctx) -> None:
    reply = ok(
        store, ctx, "launch new Checkout v2 date 2026-12-04 scenario regulated tz Europe/London"
    )
    assert isinstance(reply, LaunchReply) and reply.announce
    launch = reply.launch
    assert (launch.owner, launch.scenario, launch.timezone, str(launch.target_date)) == (
        "alice",
        "regulated",
        "Europe/London",
        "2026-12-04",
    )
    assert launch.channels == ("C-LAUNCH",)
    assert [e.action for e in events(store)] == ["launch.created", "launch.bound"]


def test_a_second_launch_needs_its_own_channel(store, ctx) -> None:
    ok(store, ctx, "launch new Checkout")
    ok(store, make_ctx(channel="C-OTHER"), "launch new Payments")
    ok(store, make_ctx(channel="C-OTHER"), "add Payments thing")
    unbound = make_ctx(channel="C-RANDOM")
    assert "launch use" in fails(store, unbound, "status").message
    ok(store, unbound, "launch use payments")
    assert ok(store, unbound, "status").launch.name == "Payments"
    assert ok(store, unbound, "status checkout").launch.name == "Checkout"


def test_moving_a_bound_channel_needs_the_launch_owner(store, ctx) -> None:
    ok(store, ctx, "launch new Checkout")
    ok(store, make_ctx("bob", channel="C-B"), "launch new Payments")
    before = fingerprint(store)
    assert "launch owner" in fails(store, make_ctx("bob"), "launch use Payments").message
    assert fingerprint(store) == before
    ok(store, ctx, "launch use Payments")


def test_launch_changes_are_for_the_owner_and_audited(store, ctx) -> None:
    ok(store, ctx, "launch new Checkout")
    assert "launch owner" in fails(store, make_ctx("bob"), "launch date dec 24").message
    ok(store, ctx, "launch date dec 24")
    ok(store, ctx, "launch scenario internal")
    ok(store, ctx, "launch owner <@U2>")
    shown = ok(store, ctx, "launch")
    assert (str(shown.launch.target_date), shown.launch.scenario, shown.launch.owner) == (
        "2026-12-24",
        "internal",
        "U2",
    )
    changed = [e for e in events(store) if e.action == "launch.changed"]
    assert [e.after for e in changed] == [
        {"target_date": "2026-12-24"},
        {"scenario": "internal"},
        {"owner": "U2"},
    ]


def test_duplicate_launch_names_are_refused_whatever_the_case(store, ctx) -> None:
    ok(store, ctx, "launch new Checkout")
    assert "already exists" in fails(store, ctx, "launch new  CHECKOUT ").message


def test_launches_lists_each_with_its_score(store, ctx) -> None:
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add One thing")
    ok(store, ctx, "done one thing")
    reply = ok(store, ctx, "launches")
    assert isinstance(reply, LaunchesReply)
    assert [(s.launch.name, s.score, s.items) for s in reply.launches] == [("Checkout", 100, 1)]


def test_workspaces_do_not_see_each_other(store, ctx) -> None:
    ok(store, ctx, "launch new Checkout")
    other = make_ctx(team="T2")
    assert "no launch yet" in fails(store, other, "status").message
    ok(store, other, "launch new Checkout")  # same name, other workspace
