"""The console reads lines like Slack's /ready and prints replies."""

import io
from datetime import UTC, datetime

from bot.console import run_console
from commands.context import Context
from storage.vocabulary import Via


def test_a_console_session(store) -> None:
    ctx = Context(
        team_id="local",
        user_id="me",
        channel_id="console",
        via=Via.CONSOLE,
        now=datetime.now(UTC),
        local_operator=True,
    )
    script = (
        "\n".join(
            [
                "/ready launch new Checkout",
                "import",
                "## Security",
                "- [ ] 🔴 Configure SSL certificates",
                "- [x] MFA for admins",
                ".",
                ":as bob",
                "block ssl waiting on the CA",
                "status",
                ":quit",
            ]
        )
        + "\n"
    )
    out = io.StringIO()
    assert run_console(store, ctx, offer_sample=True, stdin=io.StringIO(script), stdout=out) == 0
    text = out.getvalue()
    assert "Imported 2 items into Checkout" in text
    assert "@bob blocked SEC-1 “Configure SSL certificates” — waiting on the CA" in text
    assert "Checkout: NO-GO" in text
    assert "Import a sample" not in text  # not a terminal: never asks


def test_digests_print_in_the_console(store) -> None:
    from bot.console_schedule import ConsoleSchedule
    from bot.render.digest.templates import load_templates

    ctx = Context(
        team_id="local",
        user_id="me",
        channel_id="console",
        via=Via.CONSOLE,
        now=datetime.now(UTC),
        local_operator=True,
    )
    script = "launch new Checkout\nadd Configure SSL !critical\ndigest now\n:quit\n"
    out = io.StringIO()
    templates = load_templates(None)
    run_console(
        store,
        ctx,
        offer_sample=False,
        stdin=io.StringIO(script),
        stdout=out,
        schedule=lambda stdout: ConsoleSchedule(store, stdout, templates),
    )
    text = out.getvalue()
    assert "A digest for Checkout is on its way" in text
    assert "Checkout — daily digest" in text and "NO-GO" in text
