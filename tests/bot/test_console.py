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


class Keyboard(io.StringIO):
    """Typed lines; a line of `^C` is Ctrl-C pressed there (KeyboardInterrupt, as input()
    raises), and the end of the text is Ctrl-D."""

    def readline(self, *args: object) -> str:
        line = super().readline(*args)
        if line == "^C\n":
            raise KeyboardInterrupt
        return line


def console_ctx(user: str = "me", *, admin: bool = False, admins: frozenset[str] = frozenset()):
    return Context(
        team_id="local",
        user_id=user,
        channel_id="console",
        via=Via.CONSOLE,
        now=datetime.now(UTC),
        admins=admins,
        local_operator=admin,
    )


def session(store, lines: list[str], ctx: Context | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = run_console(
        store,
        ctx or console_ctx(),
        offer_sample=False,
        stdin=Keyboard("\n".join(lines) + "\n"),
        stdout=out,
    )
    return code, out.getvalue()


def test_ctrl_c_cancels_the_line_and_the_console_goes_on(store) -> None:
    code, text = session(store, ["launch new Checkout", "^C", "add After the interrupt"])
    assert code == 0
    assert "ready> \nready> " in text  # the cancelled line: a fresh prompt
    assert "added GEN-1 “After the interrupt”" in text


def test_ctrl_d_quits_cleanly(store) -> None:
    code, text = session(store, ["launch new Checkout"])  # the input ends: Ctrl-D
    assert code == 0 and text.endswith("ready> \n")


def test_ctrl_c_while_pasting_an_import_cancels_it(store) -> None:
    _, text = session(
        store, ["launch new Checkout", "import", "## Security", "- [ ] MFA", "^C", "list all"]
    )
    assert "Cancelled." in text
    assert "Imported" not in text and "Nothing here." in text


def test_help_lists_the_console_commands_and_points_to_help(store) -> None:
    _, text = session(store, [":help"])
    for command in (":as <user>", ":in <channel>", ":whoami", ":quit", "`help` lists"):
        assert command in text


def test_whoami_says_who_where_which_launch_and_what_rights(store) -> None:
    _, text = session(store, [":whoami", "launch new Checkout", ":whoami", ":as bob", ":whoami"])
    assert "You are @me in #console, workspace local.\n  Here: no launch here." in text
    assert (
        "Here: launch Checkout, owned by you.\n  Rights: full rights in Checkout as its owner"
        in text
    )
    assert "You are @bob in #console, workspace local." in text
    assert "Here: launch Checkout, owned by @me.\n  Rights: no admin rights" in text
    assert "Full rights: start the console with --admin" in text


def test_the_console_user_owns_what_they_create_and_acts_with_their_rights(store) -> None:
    _, text = session(
        store,
        [
            "launch new Checkout",
            "add Configure SSL key SSL",
            "waive SSL accepted risk",  # the owner may
            ":as bob",
            "reopen SSL",  # unowned items: anyone
            "waive SSL bob says so",  # only the owner or an admin
            ":as me",
            "priority SSL low",
        ],
    )
    assert "@me waived SSL" in text
    assert "@bob reopened SSL" in text
    assert "✗ Only the launch owner (@me) or an admin can waive items." in text
    assert "Full rights: start the console with --admin" in text
    assert "@me made low: SSL" in text


def test_admin_rights_belong_to_whoever_started_the_console(store) -> None:
    from tests.commands.helpers import ok
    from tests.conftest import make_ctx

    ok(store, make_ctx("alice", team="local", channel="console"), "launch new Checkout")
    ok(store, make_ctx("alice", team="local", channel="console"), "add Configure SSL key SSL")
    _, text = session(
        store,
        ["waive SSL as admin", "reopen SSL", ":as bob", "waive SSL as bob", ":as me", ":whoami"],
        console_ctx(admin=True),
    )
    assert "@me waived SSL" in text
    assert "✗ Only the launch owner (@alice) or an admin can waive items." in text  # bob
    assert "Rights: full rights (--admin)." in text  # back as me


def test_readybot_admins_have_full_rights_in_the_console(store) -> None:
    from tests.commands.helpers import ok
    from tests.conftest import make_ctx

    ok(store, make_ctx("alice", team="local", channel="console"), "launch new Checkout")
    _, text = session(
        store, ["launch date 2026-12-01", ":whoami"], console_ctx(admins=frozenset({"me"}))
    )
    assert "changed Checkout" in text
    assert "an admin in READYBOT_ADMINS" in text


def test_errors_in_the_console_show_console_usage(store) -> None:
    _, text = session(store, ["launch new Checkout", "block nothing-here", "/ready frobnicate"])
    assert "Usage: block <item> [reason]" in text
    assert "Type `help` for the list." in text
    assert "/ready" not in text.split("ready> ", 2)[-1]


def test_unknown_and_incomplete_console_commands_say_what_to_type(store) -> None:
    _, text = session(store, [":frob", ":as", ":in"])
    assert "There is no console command `:frob`; `:help` lists them." in text
    assert "`:as` needs a user" in text and "`:in` needs a channel" in text


def test_in_moves_to_another_channel_and_its_launch(store) -> None:
    _, text = session(
        store,
        [
            "launch new Checkout",
            "launch new Mobile",
            ":in war-room",
            "status",
            "launch use Mobile",
            ":in console",
            "status",
            ":in war-room",
            "status",
        ],
    )
    assert "You are @me in #war-room: no launch here;" in text
    assert "✗ This channel has no launch. Bind one: `launch use <name>`" in text
    assert "You are @me in #console: launch Checkout, owned by you;" in text
    replies = text.split("ready> ")
    assert replies[-4].startswith("Checkout: ") and replies[-3].startswith(
        "You are @me in #war-room: launch Mobile"
    )
    assert replies[-2].startswith("Mobile: ")


def test_in_a_real_terminal_ctrl_c_cancels_the_line_and_ctrl_d_quits(tmp_path) -> None:
    import os
    import pty
    import select
    import signal
    import sys
    import time

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'tty.db'}", "TERM": "dumb"}
    env.pop("LOG_LEVEL", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the console on the pseudo-terminal
        # As a shell starts a foreground job: Ctrl-C interrupts it, even if this test runs
        # where SIGINT is ignored (a background job, some CI runners); exec keeps SIG_IGN.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
        os.chdir(tmp_path)
        argv = [sys.executable, "-m", "bot.cli", "console", "--no-sample", "--no-checks"]
        os.execve(sys.executable, argv, env)
    seen = b""

    def until(marker: bytes, after: int) -> int:
        """Read until `marker` appears past `after`; where it ends."""
        nonlocal seen
        while (found := seen.find(marker, after)) < 0:
            ready, _, _ = select.select([fd], [], [], 30)
            assert ready, f"no {marker!r} in {seen!r}"
            seen += os.read(fd, 4096)
        return found + len(marker)

    try:
        at = until(b"ready> ", 0)
        os.write(fd, b"statu")
        at = until(b"statu", at)
        # A person's pause: CPython's readline loses a SIGINT that lands while it is still
        # handling the last key (it waits in select() for the next one).
        time.sleep(0.3)
        os.write(fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT
        at = until(b"ready> ", at)
        os.write(fd, b"help\n")
        at = until(b"Commands:", at)
        at = until(b"ready> ", at)
        os.write(fd, b"\x04")  # Ctrl-D on an empty line: end of input
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"I don't know the command" not in seen  # "statu" was dropped, not prefixed
    assert b"Traceback" not in seen


def test_monitor_test_checks_now_in_the_console(store) -> None:
    from dataclasses import replace

    from scheduler.monitors.net import AddressPolicy
    from scheduler.monitors.runner import MonitorRunner
    from tests.fakes.monitor_target import FakeTarget, Reply

    runner = MonitorRunner(
        store=store,
        worker="console",
        clock=lambda: datetime.now(UTC),
        network=AddressPolicy(["127.0.0.1/32"]),
    )
    ctx = replace(console_ctx(), check_monitor=runner.check_blocking)
    with FakeTarget({"/health": Reply(status=503)}) as service:
        _, text = session(
            store,
            [
                "launch new Checkout",
                "add Health endpoint answers key HEALTH",
                f"monitor add {service.url('/health')} item HEALTH fails 1",
                "monitor test 1",
                "list blocked",
            ],
            ctx,
        )
    assert "Checked every 1 min; down after 1 failed check, up after 2 good ones" in text
    assert "checked now: FAILED: GET" in text and "returned 503" in text
    assert "HEALTH" in text.rsplit("ready> ", 2)[-2]  # blocked by the monitor
    assert "cannot run" not in text


class Later(io.StringIO):
    """Typed lines; before a line of `...`, the user waits until `ready()` is true."""

    def __init__(self, text: str, ready) -> None:
        super().__init__(text)
        self.ready = ready

    def isatty(self) -> bool:
        return False

    def readline(self, *args: object) -> str:
        line = super().readline(*args)
        if line == "...\n":
            import time

            deadline = time.monotonic() + 60
            while not self.ready():
                assert time.monotonic() < deadline, "the console never checked the monitor"
                time.sleep(0.2)
            line = super().readline(*args)
        return line


def test_the_console_runs_due_checks_in_the_background_like_serve(
    tmp_path, monkeypatch, capsys
) -> None:
    import sys

    from bot.cli import main
    from storage.engine import open_store
    from storage.vocabulary import Status
    from tests.commands.helpers import item
    from tests.fakes.monitor_target import FakeTarget, Reply

    url = f"sqlite:///{tmp_path / 'console.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("READYBOT_MONITOR_ALLOW", "127.0.0.1/32")
    monkeypatch.chdir(tmp_path)
    with FakeTarget({"/health": Reply(status=500)}) as service:
        main(["ready", "launch new Checkout"])
        main(["ready", "add Health endpoint answers key HEALTH"])
        main(["ready", f"monitor add {service.url('/health')} item HEALTH fails 1"])
        watched = open_store(url)

        def blocked() -> bool:
            return item(watched, "HEALTH").status == Status.BLOCKED

        monkeypatch.setattr(sys, "stdin", Later("...\nlist blocked\n", blocked))
        assert main(["console", "--checks", "--no-sample"]) == 0
        watched.dispose()
    out = capsys.readouterr().out
    assert "HEALTH" in out and "blocked: monitor http://127.0.0.1:" in out
