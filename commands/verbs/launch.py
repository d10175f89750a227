"""Launch verbs: `launch` (show, new, use, date, scenario, tz, owner), `launches`,
`import` and `export`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands import launching
from commands.context import Context
from commands.decision import gate
from commands.errors import UsageError
from commands.launching import LaunchField
from commands.model import REGISTRY, Command, DateText, Verb, VerbSpec
from commands.parse.words import (
    check_quotes,
    date_text,
    parse_scenario,
    parse_timezone,
    parse_user,
    require,
    unquote,
)
from commands.replies import Reply
from storage.engine import Store


@dataclass(frozen=True)
class LaunchNew(Command):
    name: str
    target_date: DateText | None = None
    scenario: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class LaunchUse(Command):
    name: str


@dataclass(frozen=True)
class LaunchShow(Command):
    pass


@dataclass(frozen=True)
class LaunchToken(Command):
    """`launch token [rotate|revoke]`: the deploy gate's bearer token."""

    action: str = "show"  # show (creating one if none), rotate, revoke


@dataclass(frozen=True)
class LaunchSet(Command):
    """`launch date|scenario|tz|owner <value>` on the channel's launch."""

    field: LaunchField
    date: DateText | None = None
    text: str | None = None


_LAUNCH_OPTION = re.compile(r"\s+(date|scenario|tz|timezone)\s+", re.IGNORECASE)


def _parse_launch(rest: str) -> Command:
    if not rest:
        return LaunchShow()
    sub, _, arg = rest.partition(" ")
    sub, arg = sub.lower(), arg.strip()
    if sub in ("new", "create"):
        return _parse_new(arg)
    if sub in ("use", "bind", "switch"):
        return LaunchUse(require(unquote(arg), "launch", "the name of the launch to use"))
    if sub in ("date", "target"):
        when = date_text(require(arg, "launch", "a date"), "launch")
        return LaunchSet(LaunchField.TARGET_DATE, date=when)
    if sub == "scenario":
        scenario = parse_scenario(require(arg, "launch", "a scenario"), "launch")
        return LaunchSet(LaunchField.SCENARIO, text=scenario)
    if sub in ("tz", "timezone"):
        zone = parse_timezone(require(arg, "launch", "a timezone"), "launch")
        return LaunchSet(LaunchField.TIMEZONE, text=zone)
    if sub == "bar":
        number = require(arg, "launch", "the score needed for GO, 0 to 100")
        if not number.isdigit() or not 0 <= int(number) <= 100:
            raise UsageError(
                f"“{number[:20]}” is not a score: give a whole number from 0 to 100, "
                "e.g. `launch bar 80`.",
                usage_verb="launch",
            )
        return LaunchSet(LaunchField.BAR, text=str(int(number)))
    if sub == "require":
        wanted = " ".join(arg.lower().split())
        if wanted in ("verified critical", "verified"):
            return LaunchSet(LaunchField.REQUIRE_VERIFIED, text="yes")
        if wanted in ("claimed", "claimed critical", "none", "off"):
            return LaunchSet(LaunchField.REQUIRE_VERIFIED, text="no")
        raise UsageError(
            "Say `launch require verified critical` (critical items must be verified for GO) "
            "or `launch require claimed` (back to counting claims).",
            usage_verb="launch",
        )
    if sub == "token":
        action = arg.lower() or "show"
        if action in ("new", "create", "regenerate"):
            action = "rotate"
        if action not in ("show", "rotate", "revoke"):
            raise UsageError(
                f"`launch token {arg[:20]}`: use `launch token` (create or show), "
                "`launch token rotate` or `launch token revoke`.",
                usage_verb="launch",
            )
        return LaunchToken(action)
    if sub == "owner":
        person = parse_user(require(arg, "launch", "an owner (@name)"))
        if person is None and arg.lower() != "me":
            raise UsageError(f"“{arg}” is not a person: use @name.", usage_verb="launch")
        return LaunchSet(LaunchField.OWNER, text=person or "me")
    raise UsageError(
        f"`launch {sub[:20]}` is not something I know: use new, use, date, scenario, tz, bar, "
        "owner, require or token.",
        usage_verb="launch",
    )


def _parse_new(arg: str) -> LaunchNew:
    require(arg, "launch", "a name for the new launch")
    check_quotes(arg, "launch")
    parts = _LAUNCH_OPTION.split(" " + arg)
    name = unquote(parts[0])
    options: dict[str, str] = {}
    for option, value in zip(parts[1::2], parts[2::2], strict=True):
        option = {"timezone": "tz"}.get(option.lower(), option.lower())
        if option in options:
            raise UsageError(f"Give `{option}` once.", usage_verb="launch")
        options[option] = value.strip()
    if not name:
        raise UsageError("`launch new` needs a name before the options.", usage_verb="launch")
    if len(name) > 200:
        raise UsageError("Launch names are at most 200 characters.", usage_verb="launch")
    return LaunchNew(
        name=name,
        target_date=date_text(options["date"], "launch") if "date" in options else None,
        scenario=parse_scenario(options["scenario"], "launch") if "scenario" in options else None,
        timezone=parse_timezone(options["tz"], "launch") if "tz" in options else None,
    )


def _run_launch(store: Store, ctx: Context, cmd: Command) -> Reply:
    match cmd:
        case LaunchNew(name, target_date, scenario, timezone):
            return launching.launch_new(
                store, ctx, name=name, target_date=target_date, scenario=scenario, timezone=timezone
            )
        case LaunchUse(name):
            return launching.launch_use(store, ctx, name=name)
        case LaunchSet(field, date, text):
            return launching.launch_set(store, ctx, field=field, date=date, text=text)
        case LaunchToken(action):
            return gate.token_command(store, ctx, action=action)
    return launching.launch_show(store, ctx)


REGISTRY.add(
    VerbSpec(
        Verb(
            "launch",
            "launch [new <name> [date <date>] [scenario <scenario>] [tz <timezone>] | use <name> | "
            "date <date> | scenario <scenario> | tz <timezone> | bar <score> | owner @user | "
            "require verified critical|claimed | token [rotate|revoke]]",
            "Show, create or change the channel's launch.",
            (
                "launch",
                "launch new Checkout v2 date dec 1 scenario internet-facing tz Europe/London",
                "launch use Checkout v2",
                "launch date 2026-12-15",
                "launch scenario regulated",
                "launch bar 85",
            ),
            details="`launch new` creates a launch you own and binds this channel if it has none; "
            "`launch use` binds this channel to an existing launch. Scenarios: internal, "
            "internet-facing, regulated. `bar` is the score the launch needs for GO (80 unless "
            "set). `token` creates the deploy gate's bearer token for pipelines (shown once; "
            "owners and admins only).",
            group="Launch",
        ),
        _parse_launch,
        (LaunchNew, LaunchUse, LaunchShow, LaunchSet, LaunchToken),
        _run_launch,
    )
)


@dataclass(frozen=True)
class Launches(Command):
    pass


REGISTRY.add(
    VerbSpec(
        Verb(
            "launches", "launches", "List the workspace's launches.", ("launches",), group="Launch"
        ),
        lambda _rest: Launches(),
        (Launches,),
        lambda store, ctx, _cmd: launching.launches(store, ctx),
        read_only=True,
    )
)


@dataclass(frozen=True)
class Import(Command):
    text: str
    dry_run: bool = False


# The importer (markdown-it, ftfy, openpyxl) loads when a document is imported or exported,
# not with the registry: every one-shot command line would pay for it (bench.startup).
def _run_import(store: Store, ctx: Context, cmd: Import) -> Reply:
    from commands import importing

    return importing.import_text(store, ctx, cmd.text, dry_run=cmd.dry_run)


def _parse_import(rest: str) -> Import:
    dry_run = False
    for flag in ("--dry-run", "dry-run", "preview", "--preview"):
        if rest.lower().startswith(flag):
            dry_run, rest = True, rest[len(flag) :].strip()
            break
    require(rest, "import", "the markdown text of an assessment")
    return Import(rest, dry_run)


REGISTRY.add(
    VerbSpec(
        Verb(
            "import",
            "import [--dry-run] <markdown>",
            "Import a readiness assessment written in markdown. Owners and admins only.",
            (
                "import --dry-run ## Security\n- [ ] 🔴 Configure SSL",
                "import ## Security\n- [x] MFA enabled",
            ),
            details="Sections become categories; checkboxes, ✅/❌/⚠️, priority words and 🔴🟠🟡🟢 "
            "are understood. Importing the same document again updates items instead of "
            "duplicating them.",
            group="Launch",
        ),
        _parse_import,
        (Import,),
        _run_import,
        slow=True,
    )
)


@dataclass(frozen=True)
class Export(Command):
    pass


def _run_export(store: Store, ctx: Context, _cmd: Export) -> Reply:
    from commands import importing

    return importing.export(store, ctx)


REGISTRY.add(
    VerbSpec(
        Verb(
            "export",
            "export",
            "Export the checklist as markdown that imports back.",
            ("export",),
            group="Launch",
        ),
        lambda _rest: Export(),
        (Export,),
        _run_export,
        slow=True,
    )
)
