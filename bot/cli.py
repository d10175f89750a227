"""The `readybot` command line: run, serve, console, one-shot commands, import, export, db."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from storage.vocabulary import Via

if TYPE_CHECKING:
    from bot.console_schedule import ConsoleSchedule
    from bot.render.text import Cli
    from bot.settings import Settings
    from commands.context import Context
    from commands.model import Verb
    from commands.monitors.draft import MonitorDraft
    from commands.replies import Reply
    from scheduler.monitors.runner import MonitorRunner
    from storage.engine import Store

# Start-up is most of what a one-shot command costs: this module imports only what parsing
# the arguments needs (`--help` answers from that alone), and each subcommand imports its
# own machinery (the ORM, Alembic, the Slack SDK, httpx) where it runs. `bench.startup`.
# The formats `export --format` accepts: commands.importing.EXPORT_FORMATS (a test keeps
# the two the same), named here so that parsing does not import the importer.
EXPORT_FORMATS = ("md", "csv", "xlsx")
LOCAL_TEAM = "local"
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("readybot")


class CliError(Exception):
    """A problem with how readybot was started; printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readybot", description="The launch readiness checklist, live in Slack."
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")

    def who(p: argparse.ArgumentParser, *, channel: bool = True, admin: bool = False) -> None:
        p.add_argument("--team", help="workspace (team id); default: the only one in the database")
        p.add_argument("--user", help="act as this user (default: your login name)")
        if channel:
            p.add_argument(
                "--channel", default="console", help="act in this channel (default: console)"
            )
        if admin:
            p.add_argument(
                "--admin",
                action="store_true",
                help="act with full rights, as an admin (default: the user's own rights)",
            )

    sub.add_parser("run", help="serve Slack if credentials are set, otherwise open the console")
    sub.add_parser("serve", help="serve Slack (HTTP on PORT, or Socket Mode with SLACK_APP_TOKEN)")
    console = sub.add_parser("console", help="an interactive console for /ready commands")
    who(console, admin=True)
    console.add_argument(
        "--no-sample", action="store_true", help="do not offer the sample assessment"
    )
    console.add_argument(
        "--checks",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run due monitor checks while the console is open "
        "(default: yes, unless Slack credentials are set: then `serve` runs them)",
    )

    ready = sub.add_parser("ready", help='run one command, e.g. readybot ready "status"')
    ready.add_argument("text", nargs="+", help="the command, as typed after /ready")
    ready.add_argument(
        "--launch",
        metavar="NAME",
        help="act on this launch (default: the channel's, or the only one)",
    )
    who(ready, admin=True)

    imp = sub.add_parser(
        "import",
        help="import a readiness assessment (markdown, CSV or XLSX file, or - for stdin)",
    )
    imp.add_argument("file")
    imp.add_argument(
        "--explain",
        action="store_true",
        help="list every item with the document line it came from",
    )
    imp.add_argument(
        "--launch",
        metavar="NAME",
        help="the launch to import into (default: named after the document)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="show what would be imported, change nothing"
    )
    who(imp, channel=False)

    exp = sub.add_parser(
        "export", help="write a launch's checklist as markdown, CSV or XLSX (stdout or -o FILE)"
    )
    exp.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="md (default), csv or xlsx; with -o, the file's suffix decides when not given",
    )
    exp.add_argument(
        "--launch",
        metavar="NAME",
        help="the launch (default: the only one, or the console channel's)",
    )
    exp.add_argument("-o", "--output", help="write to this file instead of stdout")
    exp.add_argument(
        "--decision",
        action="store_true",
        help="write the latest recorded Go/No-Go decision (markdown) instead of the checklist",
    )
    who(exp)

    gate_cmd = sub.add_parser(
        "gate",
        help="may the launch ship now? exit 0 for GO, 1 for NO-GO, 2 for errors (for pipelines)",
    )
    gate_cmd.add_argument("--launch", metavar="NAME", help="the launch (default: the only one)")
    gate_cmd.add_argument(
        "--require-decision",
        metavar="HOURS",
        type=float,
        nargs="?",
        const=24.0,
        default=None,
        help="also require a GO decision recorded in the last HOURS (default 24)",
    )
    gate_cmd.add_argument("--json", action="store_true", help="print the answer as JSON")
    who(gate_cmd)

    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_USAGE
    if args.command == "ready" and (answered := _help(args)) is not None:
        return answered
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            print(f"readybot: invalid setting {name.upper()}: {error['msg']}", file=sys.stderr)
        return EXIT_USAGE
    # One-shot commands and the console print replies, not progress: only warnings go to
    # stderr unless LOG_LEVEL asks for more.
    serving = args.command == "serve" or (args.command == "run" and settings.has_slack)
    quiet = not serving and "LOG_LEVEL" not in os.environ
    logging.basicConfig(
        level="WARNING" if quiet else settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every job run at INFO
    try:
        return _run(args, settings)
    except CliError as exc:
        print(f"readybot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve" or (args.command == "run" and settings.has_slack):
        return _serve(settings)
    from bot.render.text import Cli
    from commands.errors import CommandError
    from commands.replies import ErrorReply
    from commands.run import error_reply, execute

    if args.command == "run":
        store = _open(settings)
        ctx = _context(store, settings, team=None, user=None, channel="console", via=Via.CONSOLE)
        return _console(store, settings, ctx, offer_sample=True, checks=True)
    store = _open(settings)
    if args.command == "db":
        from storage.migrate import current_revision, upgrade

        if args.action == "current":
            print(current_revision(store) or "empty")
        else:
            print(f"database at revision {upgrade(store)}")
        return EXIT_OK
    if args.command == "console":
        ctx = _context(
            store,
            settings,
            team=args.team,
            user=args.user,
            channel=args.channel,
            via=Via.CONSOLE,
            admin=args.admin,
        )
        checks = not settings.has_slack if args.checks is None else args.checks
        return _console(store, settings, ctx, offer_sample=not args.no_sample, checks=checks)
    surface = Cli(
        args.command, _options(args), " ".join(args.text) if args.command == "ready" else None
    )
    if args.command == "ready":
        ctx = _context(
            store,
            settings,
            team=args.team,
            user=args.user,
            channel=args.channel,
            via=Via.CLI,
            admin=args.admin,
        )
        try:
            ctx = _on_launch(store, ctx, args.launch)
        except CommandError as exc:  # the option names no launch: no verb's usage applies
            return _print(ErrorReply(f"--launch: {exc.message}"), surface)
        return _print(execute(store, ctx, " ".join(args.text)), surface)
    # import and export are the operator's tools, like `db`: they act with full rights.
    if args.command == "import":
        from commands import importing

        ctx = _context(
            store, settings, team=args.team, user=args.user, channel=None, via=Via.CLI, admin=True
        )
        data = sys.stdin.buffer.read() if args.file == "-" else _read_file(args.file)
        source = None if args.file == "-" else Path(args.file).name
        try:
            reply = importing.import_file(
                store,
                ctx,
                data,
                name=source,
                dry_run=args.dry_run,
                launch_name=args.launch,
                explain=args.explain,
            )
        except CommandError as exc:
            return _print(error_reply(exc), surface)
        return _print(reply, surface)
    if args.command == "export":
        ctx = _context(
            store,
            settings,
            team=args.team,
            user=args.user,
            channel=args.channel,
            via=Via.CLI,
            admin=True,
        )
        if args.decision:
            return _export_decision(store, ctx, args, surface)
        from commands import importing

        fmt = args.format or _format_of(args.output)
        if fmt == "xlsx" and not args.output and sys.stdout.isatty():
            raise CliError("XLSX is a binary file: give -o FILE.xlsx (or redirect stdout)")
        try:
            exported = importing.export(store, ctx, args.launch, format=fmt)
        except CommandError as exc:
            return _print(error_reply(exc), surface)
        if args.output:
            Path(args.output).write_bytes(exported.data)
            print(
                f"wrote {exported.items} items of {exported.launch.name} to {args.output}",
                file=sys.stderr,
            )
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(exported.data)
            sys.stdout.buffer.flush()
        return EXIT_OK
    if args.command == "gate":
        return _gate(store, settings, args, surface)
    raise CliError(f"unknown command {args.command}")


def _help(args: argparse.Namespace) -> int | None:
    """`ready help [verb]` answered from the verbs' declarations (commands.verb_help), with
    the text the registry's `help` gives: no settings read, no database opened, neither the
    ORM nor Slack imported. None when the text asks for something else, or when the
    answer could differ from the usual path's, which then gives it: a `--launch` to check,
    text over the length limit, a declaration that cannot be read."""
    from commands import verb_help

    verbs = verb_help.declared()
    if verbs is None or args.launch:
        return None
    from commands.parse.words import MAX_TEXT
    from commands.text import clean

    text = " ".join(args.text)
    rest = verb_help.help_request(clean(text), verbs)
    if rest is None or len(rest) > MAX_TEXT:
        return None
    from bot.text_surfaces import Cli, error_text, help_text
    from commands.basic_replies import ErrorReply, HelpReply
    from commands.errors import UsageError

    surface = Cli(args.command, _options(args), text)

    def find(word: str) -> Verb | None:
        return verb_help.find(verbs, word)

    try:
        name = verb_help.topic(rest, find, [verb.name for verb in verbs])
    except UsageError as exc:
        help_verb = find("help")
        usage = f"/ready {help_verb.usage}" if help_verb else None
        reply = ErrorReply(exc.message, usage, verb="help")
        sys.stderr.write(error_text(reply, surface, find=find).rstrip() + "\n")
        return EXIT_ERROR
    detail = find(name) if name else None
    sys.stdout.write(help_text(HelpReply(verbs, detail), surface).rstrip() + "\n")
    return EXIT_OK


def _export_decision(store: Store, ctx: Context, args: argparse.Namespace, surface: Cli) -> int:
    from commands.errors import CommandError
    from commands.replies import DecisionReply, ErrorReply
    from commands.run import execute

    try:
        ctx = _on_launch(store, ctx, args.launch)
    except CommandError as exc:
        return _print(ErrorReply(f"--launch: {exc.message}"), surface)
    reply = execute(store, ctx, "decision")
    if not isinstance(reply, DecisionReply):
        return _print(reply, surface)
    if args.output:
        Path(args.output).write_text(reply.markdown, encoding="utf-8")
        print(f"wrote the decision on {reply.launch.name} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(reply.markdown)
    return EXIT_OK


def _gate(store: Store, settings: Settings, args: argparse.Namespace, surface: Cli) -> int:
    """GO is 0 and NO-GO is 1, so `readybot gate && deploy` reads as it should; any error
    (no such launch, no database) is 2."""
    from bot.render.text import render
    from commands.decision.gate import answer_for_operator
    from commands.errors import CommandError
    from commands.run import error_reply

    ctx = _context(
        store,
        settings,
        team=args.team,
        user=args.user,
        channel=args.channel,
        via=Via.CLI,
        admin=True,
    )
    hours = args.require_decision
    if hours is not None and not 0 < hours <= 24 * 90:
        raise CliError("--require-decision is a number of hours from 0 to 2160")
    try:
        ctx = _on_launch(store, ctx, args.launch)
        answer = answer_for_operator(store, ctx, within_hours=hours)
    except CommandError as exc:
        print(render(error_reply(exc), surface).rstrip(), file=sys.stderr)
        return EXIT_USAGE
    body = answer.body
    if args.json:
        print(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        decision = body.get("decision") or {}
        made = f" · decision {decision['decision']}" if decision else " · no decision recorded"
        print(
            f"{'GO' if answer.go else 'NO-GO'}: {body['launch']} — {body['verdict']} at {body['score']}/100{made}"
        )
        for reason in body.get("reasons") or []:
            print(f"  {reason}")
    return EXIT_OK if answer.go else EXIT_ERROR


def _format_of(output: str | None) -> str:
    """The export format a file name asks for (`plan.csv` → csv); markdown otherwise."""
    suffix = Path(output or "").suffix.casefold().lstrip(".")
    return suffix if suffix in ("csv", "xlsx") else "md"


def _options(args: argparse.Namespace) -> tuple[str, ...]:
    """The who-and-where options given, to repeat in the commands an error suggests."""
    given: list[str] = []
    for option in ("team", "user", "launch"):
        value = getattr(args, option, None)
        if value and not (option == "launch" and args.command != "ready"):
            given += [f"--{option}", value]
    channel = getattr(args, "channel", None)
    if channel and channel != "console":
        given += ["--channel", channel]
    if getattr(args, "admin", False):
        given.append("--admin")
    if args.command == "export" and args.output:
        given += ["-o", args.output]
    return tuple(given)


def _on_launch(store: Store, ctx: Context, name: str | None) -> Context:
    """`ctx` acting on the launch `--launch` names (any channel's), if it names one."""
    if not name:
        return ctx
    from commands.launching import find_launch

    with store.read() as session:
        launch = find_launch(session, ctx, name)
    return replace(ctx, launch_id=launch.id)


def _console(
    store: Store, settings: Settings, ctx: Context, *, offer_sample: bool, checks: bool
) -> int:
    from bot.console import run_console
    from bot.console_monitors import ConsoleChecks

    runner = _monitor_runner(store, settings) if checks else None
    return run_console(
        store,
        ctx,
        offer_sample=offer_sample,
        schedule=_printer(store, settings),
        checks=ConsoleChecks(runner) if runner is not None else None,
    )


def _printer(store: Store, settings: Settings) -> Callable[[TextIO], ConsoleSchedule]:
    """Digests and reminders print in the console at their scheduled time."""
    from bot.console_schedule import ConsoleSchedule
    from bot.render.digest.templates import load_templates

    templates = load_templates(settings.templates_dir)
    return lambda stdout: ConsoleSchedule(store, stdout, templates)


def _serve(settings: Settings) -> int:
    problems = settings.slack_problems()
    if problems:
        print("readybot: cannot serve Slack:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(
            'Set them (see README, "Install in Slack"), or try readybot locally: readybot console',
            file=sys.stderr,
        )
        return EXIT_USAGE
    from bot import logs, server
    from storage.urls import url_secrets

    secrets = [
        s.get_secret_value()
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_secret,
        )
        if s
    ] + url_secrets(settings.database_url)
    logs.configure(settings.log_level, fmt=settings.log_format, secrets=secrets)
    server.run(settings, _open(settings))
    return EXIT_OK


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from exc


def _open(settings: Settings) -> Store:
    """The migrated database; CliError, with the URL's secrets masked, when it cannot be."""
    from storage.engine import open_store, redact_text, redact_url
    from storage.migrate import upgrade

    try:
        store = open_store(settings.database_url, timeouts=settings.db_timeouts)
        upgrade(store)
    except Exception as exc:
        detail = redact_text(
            str(exc).splitlines()[0][:200] if str(exc) else "", settings.database_url
        )
        raise CliError(
            f"cannot open the database {redact_url(settings.database_url)}: "
            f"{exc.__class__.__name__}: {detail}"
        ) from None
    return store


def _monitor_runner(store: Store, settings: Settings) -> MonitorRunner:
    """Checks for `monitor test` and the console, with `serve`'s network policy and limits."""
    from scheduler.monitors.net import AddressPolicy
    from scheduler.monitors.paths import BackupRoots
    from scheduler.monitors.runner import MonitorRunner

    return MonitorRunner(
        store=store,
        worker=f"cli-{socket.gethostname()}-{os.getpid()}",
        clock=lambda: datetime.now(UTC),
        network=AddressPolicy(settings.monitor_allow),
        backup_roots=BackupRoots(settings.backup_paths),
        concurrency=settings.monitor_concurrency,
    )


def _context(
    store: Store,
    settings: Settings,
    *,
    team: str | None,
    user: str | None,
    channel: str | None,
    via: Via,
    admin: bool = False,
) -> Context:
    """Who and where a local command acts: the user's own rights unless `admin`. It can run
    monitor checks (`monitor test`) in-process."""
    from bot.render.digest.templates import load_templates
    from bot.runtime import Runtime

    runtime = Runtime(
        settings=settings, store=store, templates=load_templates(settings.templates_dir)
    )
    ctx = runtime.context(
        team=_team(store, team, runtime.clock()),
        user=(user or getpass.getuser()).lstrip("@"),
        channel=channel,
        via=via,
    )
    checks = _LazyChecks(store, settings)
    return replace(
        ctx, check_monitor=checks.check_blocking, vet_monitor=checks.vet, local_operator=admin
    )


class _LazyChecks:
    """`serve`'s monitor runner for `monitor test`, built (httpx and all) on first use only:
    most one-shot commands never check a monitor."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store, self._settings = store, settings
        self._runner: MonitorRunner | None = None

    def _get(self) -> MonitorRunner:
        if self._runner is None:
            self._runner = _monitor_runner(self._store, self._settings)
        return self._runner

    def check_blocking(self, monitor_id: int) -> str:
        return self._get().check_blocking(monitor_id)

    def vet(self, draft: MonitorDraft) -> str | None:
        return self._get().vet(draft)


def _team(store: Store, team: str | None, now: datetime) -> str:
    from storage import launches

    with store.write() as session:
        known = [w.team_id for w in launches.workspaces(session)]
        if team:
            launches.ensure_workspace(session, team_id=team, now=now)
            return team
        if len(known) == 1:
            return known[0]
        if not known:
            launches.ensure_workspace(session, team_id=LOCAL_TEAM, now=now, name="local console")
            return LOCAL_TEAM
    raise CliError(
        f"the database holds several workspaces ({', '.join(known)}); choose one with --team"
    )


def _print(reply: Reply, surface: Cli) -> int:
    from bot.render.text import render
    from commands.replies import ErrorReply

    text = render(reply, surface)
    stream = sys.stderr if isinstance(reply, ErrorReply) else sys.stdout
    stream.write(text)
    return EXIT_ERROR if isinstance(reply, ErrorReply) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
