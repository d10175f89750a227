"""Errors and help as text, written for where they are read: Slack, the console, the CLI."""

import pytest

from bot.render.text import CONSOLE, SLACK, Cli, render, shell_word
from commands.errors import LaunchHint, Missing
from commands.replies import ErrorReply, HelpReply, Message
from commands.verbs import REGISTRY

UNBOUND = ErrorReply(
    "This channel has no launch. Bind one: `/ready launch use <name>` (launches: Checkout v2, Mobile).",
    launch_hint=LaunchHint(Missing.UNBOUND, ("Checkout v2", "Mobile")),
)
BLOCK_ERROR = ErrorReply("No item matches “x”.", "/ready block <item> [reason]", verb="block")


def test_slack_text_is_unchanged_by_the_structure() -> None:
    assert render(UNBOUND) == f"✗ {UNBOUND.message}\n"
    assert "Usage: /ready block <item> [reason]" in render(BLOCK_ERROR, SLACK)


def test_the_cli_says_how_to_choose_a_launch_with_the_command_that_was_run() -> None:
    text = render(UNBOUND, Cli(text="status"))
    assert "/ready" not in text
    assert "Choose one with --launch NAME" in text
    assert 'readybot ready --launch "Checkout v2" "status"' in text


def test_the_cli_fix_repeats_the_options_given() -> None:
    text = render(UNBOUND, Cli(options=("--user", "bob", "--channel", "C9"), text="list mine"))
    assert 'readybot ready --launch "Checkout v2" --user bob --channel C9 "list mine"' in text


def test_export_without_a_launch_suggests_exports_own_option() -> None:
    text = render(UNBOUND, Cli("export", ("-o", "out.md")))
    assert 'readybot export --launch "Checkout v2" -o out.md' in text


def test_the_console_keeps_the_message_without_the_slash_command() -> None:
    assert "Bind one: `launch use <name>`" in render(UNBOUND, CONSOLE)


@pytest.mark.parametrize(
    ("surface", "usage"),
    [
        (SLACK, "Usage: /ready block <item> [reason]"),
        (CONSOLE, "Usage: block <item> [reason]"),
        (
            Cli(options=("--user", "bob"), text="block x"),
            'Usage: readybot ready "block <item> [reason]"',
        ),
    ],
)
def test_each_surface_writes_the_verbs_usage_its_way(surface, usage: str) -> None:
    assert render(BLOCK_ERROR, surface).rstrip().endswith(usage)


def test_commands_inside_messages_are_rewritten() -> None:
    error = ErrorReply("SSL is already done. To undo: `/ready reopen SSL`.")
    assert "To undo: `reopen SSL`." in render(error, CONSOLE)
    assert 'To undo: readybot ready --user bob "reopen SSL".' in render(
        error, Cli(options=("--user", "bob"), text="done SSL")
    )
    assert "`/ready reopen SSL`" in render(error, SLACK)


def test_importing_is_suggested_as_the_import_command_on_the_cli() -> None:
    error = ErrorReply(
        "There is no launch yet. Create one: `/ready launch new <name> [date <date>]`, "
        "or import an assessment: `/ready import <markdown>`.",
        launch_hint=LaunchHint(Missing.NO_LAUNCHES),
    )
    text = render(error, Cli(text="status"))
    assert 'readybot ready "launch new <name> [date <date>]"' in text
    assert "readybot import FILE" in text


def test_a_refusal_on_the_cli_offers_admin_rights() -> None:
    error = ErrorReply("Only the launch owner (@root) or an admin can waive items.", refused=True)
    text = render(error, Cli(options=("--user", "bob"), text="waive SSL no"))
    assert 'add --admin, readybot ready --admin --user bob "waive SSL no"' in text
    assert "--admin" in render(error, CONSOLE)
    assert "--admin" not in render(error, SLACK)
    assert "add --admin" not in render(error, Cli(options=("--admin",), text="waive SSL no"))


def test_messages_name_commands_for_the_console() -> None:
    message = Message("Checkout has no monitors. Add one: `/ready monitor add https://…/health`.")
    assert "`monitor add https://…/health`" in render(message, CONSOLE)


def test_help_for_one_verb_is_written_for_the_surface() -> None:
    verb = REGISTRY.find("block")
    assert verb is not None
    reply = HelpReply(REGISTRY.verbs, verb.help)
    assert render(reply, CONSOLE).startswith("block <item> [reason]\n")
    cli = render(reply, Cli(text="help block"))
    assert cli.startswith('readybot ready "block <item> [reason]"\n')
    assert '  readybot ready "block SSL waiting on the CA"' in cli
    assert render(reply, SLACK).startswith("/ready block <item> [reason]\n")


def test_the_command_list_ends_with_how_to_get_details() -> None:
    reply = HelpReply(REGISTRY.verbs)
    assert render(reply, CONSOLE).rstrip().endswith("`help <command>` shows details and examples.")
    assert 'readybot ready "help <command>" shows' in render(reply, Cli(text="help"))


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("bob", "bob"),
        ("Checkout v2", '"Checkout v2"'),
        ("add x !critical", "'add x !critical'"),
        ("it's $HOME", "'it'\\''s $HOME'"),
    ],
)
def test_shell_words_are_quoted_only_as_needed(word: str, quoted: str) -> None:
    assert shell_word(word) == quoted


def test_status_names_the_scenario_with_the_right_article(store) -> None:
    from commands.run import execute
    from tests.commands.helpers import ok
    from tests.conftest import make_ctx

    ctx = make_ctx("alice")
    ok(store, ctx, "launch new Checkout")  # internet-facing by default
    ok(store, ctx, "add HIPAA controls key HIPAA")
    ok(store, ctx, "scope HIPAA regulated")
    assert "1 item not required for an internet-facing launch" in render(
        execute(store, ctx, "status"), CONSOLE
    )
    ok(store, ctx, "launch scenario internal")
    assert "not required for an internal launch" in render(execute(store, ctx, "status"))
    ok(store, ctx, "launch scenario regulated")
    ok(store, ctx, "scope HIPAA internet-facing")
    assert "not required for a regulated launch" in render(execute(store, ctx, "status"))


def test_an_ambiguous_reference_shows_the_command_again_with_a_key(store) -> None:
    from commands.run import execute
    from tests.commands.helpers import ok
    from tests.conftest import make_ctx

    ctx = make_ctx("alice")
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, "add TLS for the API key API-1")
    ok(store, ctx, "add TLS for the database key DB-1")
    reply = execute(store, ctx, "block tls waiting on the CA")
    assert "Again with its key, e.g. `block API-1 waiting on the CA`" in render(reply, CONSOLE)
    cli = render(reply, Cli(options=("--user", "alice"), text="block tls waiting on the CA"))
    assert 'e.g. readybot ready --user alice "block API-1 waiting on the CA"' in cli
    assert "Again with its key" not in render(reply)
