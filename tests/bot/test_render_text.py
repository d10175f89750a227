"""Every reply renders for the terminal, with user markers turned into @names."""

from bot.render.text import render
from commands.run import execute
from tests.commands.helpers import seed
from tests.conftest import make_ctx

COMMANDS = [
    "help",
    "help block",
    "status",
    "status if SSL",
    "list",
    "list all",
    "list blocked",
    "list @U9",
    "launch",
    "launches",
    "history SSL",
    "block SSL waiting on the CA",
    "assign SSL <@U9>",
    "due SSL friday",
    "unblock SSL",
    "start SSL",
    "note SSL hi",
    "priority SSL high",
    "scope SSL regulated",
    "waive SEC-1 accepted until dec 30",
    "done SSL",
    "reopen SSL",
    "export",
    "import --dry-run ## Ops\n- [ ] Pager",
    "remove SEC-1",
    "frobnicate",
    "done nothing-like-this",
    "block tls",
    "launch date dec 24",
]


def test_every_reply_renders_without_markers_or_errors(store) -> None:
    ctx = make_ctx()
    seed(store, ctx)
    for text in COMMANDS:
        output = render(execute(store, ctx, text))
        assert output.strip(), text
        assert "\x00" not in output, text
        assert "went wrong" not in output, (text, output)


def test_status_text_shows_verdict_reasons_and_categories(store) -> None:
    ctx = make_ctx()
    seed(store, ctx)
    execute(store, ctx, "block INF-1 storage team is out")
    output = render(execute(store, ctx, "status"))
    assert output.startswith("Checkout v2: NO-GO")
    assert "Why NO-GO: 2 critical open · 1 blocked · score 0 is under the bar of 80" in output
    assert "INF-1" in output and "storage team is out" in output
    assert "Security" in output and "Target: Fri Dec 4 (in 14 d)" in output


def test_a_permission_refusal_names_people_as_at_names(store) -> None:
    seed(store, make_ctx())
    output = render(execute(store, make_ctx("bob"), "waive SSL nope"))
    assert "the launch owner (@alice)" in output
