"""The local console: type the same `/ready …` lines as in Slack, read the reply as text.

Console lines of its own start with `:` (`:help` lists them): `:as <user>` and `:in
<channel>` switch who and where you are, `:whoami` says so, `:quit` (or Ctrl-D) leaves;
Ctrl-C cancels the line being typed (or the command running). A line that is just `import`
(or `import --dry-run`) reads the markdown that follows, up to a line with a single `.`.

The console acts as its user, with the same rules as Slack: the user who creates a launch
owns it; other launches are changed as their owner or an admin allows. `admin` (the
console's `--admin`) gives the user who started the console full rights; `:as bob` acts
with bob's.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.render.text import CONSOLE, render
from commands import importing
from commands.context import Context
from commands.errors import CommandError, NoLaunch
from commands.launching import current_launch
from commands.run import error_reply, execute
from storage import launches
from storage.engine import Store

if TYPE_CHECKING:
    from bot.console_monitors import ConsoleChecks
    from bot.console_schedule import ConsoleSchedule

SAMPLE = Path(__file__).parent / "samples" / "checkout-launch.md"
BANNER = """readybot console: type /ready commands as you would in Slack (`help` lists them).
{whoami}
`:help` lists the console's own commands. Ctrl-C cancels a line, Ctrl-D quits."""
CONSOLE_HELP = """Console commands (any other line is a /ready command: `help` lists those):
  :as <user>      act as another user, with that user's rights (`:as {operator}` comes back)
  :in <channel>   move to another channel; each channel may follow its own launch
  :whoami         who and where you are, the launch here, and your rights
  :help           this list
  :quit           leave (so do Ctrl-D, `quit` and `exit`); Ctrl-C cancels the line
  import          alone on a line: paste markdown, then a line with a single `.`"""


@dataclass
class Session:
    """Who the console is acting as. `admin` (`--admin`) belongs to the `operator`, the user
    who started the console: it follows them, not whoever `:as` names."""

    ctx: Context
    operator: str
    admin: bool

    @classmethod
    def start(cls, ctx: Context) -> Session:
        return cls(ctx, ctx.user_id, ctx.local_operator)

    def act_as(self, user_id: str) -> None:
        self.ctx = replace(
            self.ctx, user_id=user_id, local_operator=self.admin and user_id == self.operator
        )

    def move_to(self, channel_id: str) -> None:
        self.ctx = replace(self.ctx, channel_id=channel_id)

    def now(self) -> Context:
        return replace(self.ctx, now=datetime.now(UTC))


def run_console(
    store: Store,
    ctx: Context,
    *,
    offer_sample: bool,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    schedule: Callable[[TextIO], ConsoleSchedule] | None = None,
    checks: ConsoleChecks | None = None,
) -> int:
    """Read and run lines until `:quit` or end of input. `schedule`, given the output, makes
    the digest and reminder printer that runs while the console is open; `checks` runs due
    monitor checks in the background meanwhile."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    printer = schedule(stdout) if schedule else None
    if printer is not None:
        printer.start()
    if checks is not None:
        checks.start()
    try:
        return _loop(
            store, ctx, offer_sample=offer_sample, stdin=stdin, stdout=stdout, printer=printer
        )
    finally:
        if checks is not None:
            checks.stop()
        if printer is not None:
            printer.stop()


def _loop(
    store: Store,
    ctx: Context,
    *,
    offer_sample: bool,
    stdin: TextIO,
    stdout: TextIO,
    printer: ConsoleSchedule | None,
) -> int:
    interactive = stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    session = Session.start(ctx)
    stdout.write(BANNER.format(whoami=_whoami(store, session.ctx, brief=True)) + "\n")
    if (
        offer_sample
        and _is_empty(store, ctx)
        and _ask(
            stdin, stdout, interactive, "The database is empty. Import a sample assessment? [Y/n] "
        )
    ):
        reply = importing.import_text(
            store,
            session.now(),
            SAMPLE.read_text(encoding="utf-8"),
            dry_run=False,
            source_name=SAMPLE.name,
        )
        stdout.write(
            render(reply, CONSOLE)
            + "Try: status · list · block SSL waiting on the CA · status if SSL\n"
        )
    while True:
        try:
            line = _read(stdin, stdout, interactive, "ready> ")
        except KeyboardInterrupt:
            stdout.write("\n")  # Ctrl-C: drop the line, fresh prompt
            continue
        if line is None:
            stdout.write("\n")
            return 0
        line = line.strip()
        if not line:
            continue
        if line in (":quit", ":q", "quit", "exit"):
            return 0
        if line.startswith(":"):
            stdout.write(_console_command(store, session, line) + "\n")
            continue
        bare = line.removeprefix("/ready").strip()
        try:
            if bare in ("import", "import --dry-run"):
                body = _read_block(stdin, stdout, interactive)
                line = f"{bare}\n{body}"
            stdout.write(render(execute(store, session.now(), line), CONSOLE))
        except KeyboardInterrupt:
            stdout.write("\nCancelled.\n")
            continue
        except CommandError as exc:  # defensive: execute() already turns these into replies
            stdout.write(render(error_reply(exc), CONSOLE))
        stdout.flush()
        if printer is not None and bare.startswith("digest"):
            printer.sync()  # a changed schedule takes effect now
            printer.print_due()  # `digest now`


def _console_command(store: Store, session: Session, line: str) -> str:
    """Run a `:` line; returns what to print."""
    word, _, arg = line.partition(" ")
    arg = arg.strip()
    if word == ":help":
        return CONSOLE_HELP.format(operator=session.operator)
    if word == ":whoami":
        return _whoami(store, session.ctx)
    if word in (":as", ":in") and not arg:
        return f"`{word}` needs a {'user' if word == ':as' else 'channel'}, e.g. `{word} {'bob' if word == ':as' else 'launch-room'}`."
    if word == ":as":
        session.act_as(arg.lstrip("@"))
        return _whoami(store, session.ctx, brief=True)
    if word == ":in":
        session.move_to(arg.lstrip("#"))
        return _whoami(store, session.ctx, brief=True)
    return f"There is no console command `{word[:30]}`; `:help` lists them."


def _whoami(store: Store, ctx: Context, *, brief: bool = False) -> str:
    """`You are @me in #console, …`: who, where, which launch, and what you may do."""
    with store.read() as session:
        try:
            launch = current_launch(session, ctx)
        except NoLaunch:
            launch = None
    me = f"You are @{ctx.user_id} in #{ctx.channel_id}"
    if launch is None:
        where = "no launch here"
    else:
        owner = "you" if launch.owner == ctx.user_id else f"@{launch.owner or 'nobody'}"
        where = f"launch {launch.name}, owned by {owner}"
    if ctx.local_operator:
        rights = "full rights (--admin)"
    elif ctx.user_id in ctx.admins:
        rights = "full rights (an admin in READYBOT_ADMINS)"
    elif launch is not None and launch.owner == ctx.user_id:
        rights = f"full rights in {launch.name} as its owner, no admin rights"
    else:
        rights = "no admin rights: you change items you own or nobody owns"
    if brief:
        return f"{me}: {where}; {rights}."
    lines = [f"{me}, workspace {ctx.team_id}.", f"  Here: {where}.", f"  Rights: {rights}."]
    if not ctx.local_operator and ctx.user_id not in ctx.admins:
        lines.append(
            "  Full rights: start the console with --admin, or list the user in READYBOT_ADMINS."
        )
    return "\n".join(lines)


def _is_empty(store: Store, ctx: Context) -> bool:
    with store.read() as session:
        return not launches.launches(session, team_id=ctx.team_id)


def _read(stdin: TextIO, stdout: TextIO, interactive: bool, prompt: str) -> str | None:
    """One line, or None at the end of input (Ctrl-D). Ctrl-C raises KeyboardInterrupt."""
    if interactive and stdin is sys.stdin:
        try:
            return input(prompt)
        except EOFError:
            return None
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline()
    return None if line == "" else line.rstrip("\n")


def _ask(stdin: TextIO, stdout: TextIO, interactive: bool, question: str) -> bool:
    if not interactive:
        return False  # never block a script or CI on a question
    try:
        answer = _read(stdin, stdout, interactive, question)
    except KeyboardInterrupt:
        stdout.write("\n")
        return False
    return answer is not None and answer.strip().lower() in ("", "y", "yes")


def _read_block(stdin: TextIO, stdout: TextIO, interactive: bool) -> str:
    """The markdown pasted after `import`, up to a line with a single `.` (or Ctrl-D)."""
    stdout.write("Paste the markdown; end with a line holding a single `.` (Ctrl-C cancels)\n")
    lines: list[str] = []
    while (line := _read(stdin, stdout, interactive, "")) is not None and line.strip() != ".":
        lines.append(line)
    return "\n".join(lines)
