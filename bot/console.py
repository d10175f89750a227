"""The local console: type the same `/ready …` lines as in Slack, read the reply as text.

Extra console lines: `:as <user>` and `:in <channel>` switch who and where you are,
`:quit` leaves. A line that is just `import` (or `import --dry-run`) reads the
markdown that follows, up to a line with a single `.`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.console_schedule import ConsoleSchedule
from bot.render.text import render
from commands import importing
from commands.context import Context
from commands.errors import CommandError
from commands.run import error_reply, execute
from storage import launches
from storage.engine import Store

SAMPLE = Path(__file__).parent / "samples" / "checkout-launch.md"
BANNER = """readybot console: type /ready commands as you would in Slack (`help` lists them).
You are @{user} in #{channel}. `:as <user>`, `:in <channel>`, `:quit`."""


def run_console(
    store: Store,
    ctx: Context,
    *,
    offer_sample: bool,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    schedule: Callable[[TextIO], ConsoleSchedule] | None = None,
) -> int:
    """Read and run lines until `:quit` or end of input. `schedule`, given the output, makes
    the digest and reminder printer that runs while the console is open."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    printer = schedule(stdout) if schedule else None
    if printer is not None:
        printer.start()
    try:
        return _loop(
            store, ctx, offer_sample=offer_sample, stdin=stdin, stdout=stdout, printer=printer
        )
    finally:
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
    stdout.write(BANNER.format(user=ctx.user_id, channel=ctx.channel_id) + "\n")
    if (
        offer_sample
        and _is_empty(store, ctx)
        and _ask(
            stdin, stdout, interactive, "The database is empty. Import a sample assessment? [Y/n] "
        )
    ):
        ctx = _now(ctx)
        reply = importing.import_text(
            store, ctx, SAMPLE.read_text(encoding="utf-8"), dry_run=False, source_name=SAMPLE.name
        )
        stdout.write(
            render(reply) + "Try: status · list · block SSL waiting on the CA · status if SSL\n"
        )
    while True:
        line = _read(stdin, stdout, interactive, "ready> ")
        if line is None:
            stdout.write("\n")
            return 0
        line = line.strip()
        if not line:
            continue
        if line in (":quit", ":q", "quit", "exit"):
            return 0
        if line.startswith(":as "):
            ctx = replace(ctx, user_id=line[4:].strip().lstrip("@"))
            stdout.write(f"You are now @{ctx.user_id}.\n")
            continue
        if line.startswith(":in "):
            ctx = replace(ctx, channel_id=line[4:].strip().lstrip("#"))
            stdout.write(f"You are now in #{ctx.channel_id}.\n")
            continue
        bare = line.removeprefix("/ready").strip()
        if bare in ("import", "import --dry-run"):
            body = _read_block(stdin, stdout, interactive)
            line = f"{bare}\n{body}"
        try:
            stdout.write(render(execute(store, _now(ctx), line)))
        except CommandError as exc:  # defensive: execute() already turns these into replies
            stdout.write(render(error_reply(exc)))
        stdout.flush()
        if printer is not None and bare.startswith("digest"):
            printer.sync()  # a changed schedule takes effect now
            printer.print_due()  # `digest now`


def _now(ctx: Context) -> Context:
    return replace(ctx, now=datetime.now(UTC))


def _is_empty(store: Store, ctx: Context) -> bool:
    with store.read() as session:
        return not launches.launches(session, team_id=ctx.team_id)


def _read(stdin: TextIO, stdout: TextIO, interactive: bool, prompt: str) -> str | None:
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
    answer = _read(stdin, stdout, interactive, question)
    return answer is not None and answer.strip().lower() in ("", "y", "yes")


def _read_block(stdin: TextIO, stdout: TextIO, interactive: bool) -> str:
    stdout.write("Paste the markdown; end with a line holding a single `.`\n")
    lines: list[str] = []
    while (line := _read(stdin, stdout, interactive, "")) is not None and line.strip() != ".":
        lines.append(line)
    return "\n".join(lines)
