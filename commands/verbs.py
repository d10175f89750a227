"""The `/ready` command language: one typed command per verb, and each verb's help.

The registry at the bottom is the single source for `/ready help`, the usage line
shown with every error, and the README's command reference (checked by a test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from storage.models import Priority


@dataclass(frozen=True)
class DateText:
    """A date as typed (`friday`); checked at parse time, resolved in the launch's timezone."""

    text: str


# -- commands -----------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    verb: str | None = None


@dataclass(frozen=True)
class Status:
    launch: str | None = None
    here: bool = False  # post for everyone, not just the asker
    what_if: tuple[str, ...] = ()  # item references assumed done


class ListKind(StrEnum):
    OPEN = "open"
    ALL = "all"
    DONE = "done"
    WAIVED = "waived"
    BLOCKED = "blocked"
    TODO = "todo"
    STARTED = "started"
    OVERDUE = "overdue"
    PRIORITY = "priority"
    OWNER = "owner"
    MINE = "mine"
    UNASSIGNED = "unassigned"
    CATEGORY = "category"


@dataclass(frozen=True)
class ListItems:
    kind: ListKind = ListKind.OPEN
    value: str | None = None  # the priority, owner or category
    page: int = 1


@dataclass(frozen=True)
class Add:
    title: str
    category: str | None = None
    priority: Priority | None = None
    owner: str | None = None
    due: DateText | None = None
    key: str | None = None


@dataclass(frozen=True)
class Done:
    target: str  # item reference, then optional evidence


@dataclass(frozen=True)
class Start:
    ref: str


@dataclass(frozen=True)
class Block:
    target: str  # item reference, then optional reason


@dataclass(frozen=True)
class Unblock:
    ref: str


@dataclass(frozen=True)
class Reopen:
    ref: str


@dataclass(frozen=True)
class Assign:
    ref: str
    owner: str | None  # None: unassign


@dataclass(frozen=True)
class Due:
    ref: str
    due: DateText | None  # None: clear the due date


@dataclass(frozen=True)
class Waive:
    target: str  # item reference, then the reason
    until: DateText | None = None


@dataclass(frozen=True)
class Note:
    target: str  # item reference, then the note


@dataclass(frozen=True)
class SetPriority:
    ref: str
    priority: Priority


@dataclass(frozen=True)
class Scope:
    ref: str
    scenarios: tuple[str, ...] | None  # None: required in every scenario


@dataclass(frozen=True)
class History:
    ref: str


@dataclass(frozen=True)
class Remove:
    ref: str


@dataclass(frozen=True)
class LaunchNew:
    name: str
    target_date: DateText | None = None
    scenario: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class LaunchUse:
    name: str


@dataclass(frozen=True)
class LaunchShow:
    pass


@dataclass(frozen=True)
class LaunchSet:
    """`launch date|scenario|tz|owner <value>` on the channel's launch."""

    field: str  # "target_date", "scenario", "timezone" or "owner"
    date: DateText | None = None
    text: str | None = None


@dataclass(frozen=True)
class Launches:
    pass


@dataclass(frozen=True)
class Import:
    text: str
    dry_run: bool = False


@dataclass(frozen=True)
class Export:
    pass


@dataclass(frozen=True)
class Digest:
    """`digest` (show), `digest at …`, `digest off|on|now`, `digest unchanged line|none`."""

    action: str  # show, set, off, on, now, unchanged
    at: str | None = None  # "09:00"
    timezone: str | None = None
    days: str | None = None  # canonical "mon,tue,…"
    unchanged: str | None = None  # "line" or "none"


@dataclass(frozen=True)
class Monitor:
    """`monitor [list] | add … | show|pause|resume|remove|test <id> | snooze <id> <for> <reason> |
    ack <id> <reason>`."""

    action: str
    monitor: int | None = None
    spec: str | None = None  # the words after `add`
    duration: float | None = None  # seconds (snooze)
    reason: str | None = None


@dataclass(frozen=True)
class Remind:
    enabled: bool | None  # None: show


Command = (
    Help
    | Status
    | ListItems
    | Add
    | Done
    | Start
    | Block
    | Unblock
    | Reopen
    | Assign
    | Due
    | Waive
    | Note
    | SetPriority
    | Scope
    | History
    | Remove
    | LaunchNew
    | LaunchUse
    | LaunchShow
    | LaunchSet
    | Launches
    | Import
    | Export
    | Digest
    | Remind
    | Monitor
)


# -- help -----------------------------------------------------------------------


@dataclass(frozen=True)
class Verb:
    name: str
    usage: str
    summary: str
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    details: str = ""
    group: str = "Items"
    extra_usages: tuple[str, ...] = field(default=())


VERBS: tuple[Verb, ...] = (
    Verb(
        "status",
        "status [launch] [here] [if <item>, <item>…]",
        "Score, GO / NO-GO verdict and why, blockers, overdue and next-due items, forecast.",
        ("status", "status here", "status if SSL", "status if SSL, BAA"),
        aliases=("st",),
        details="`here` posts the status for the whole channel. `if` shows what the score and "
        "verdict would be if those items were done.",
        group="Launch",
    ),
    Verb(
        "list",
        "list [open | all | done | waived | blocked | todo | started | overdue | critical | high | "
        "medium | low | mine | unassigned | @user | <category>] [page <n>]",
        "List checklist items (open ones by default).",
        ("list", "list blocked", "list security", "list @alice", "list mine", "list all page 2"),
        aliases=("ls",),
    ),
    Verb(
        "add",
        "add <title> [#category] [!priority] [@owner] [due <date>] [key <KEY>]",
        "Add an item. Priority is critical, high, medium (default) or low.",
        (
            "add Configure SSL/TLS certificates #security !critical @alice due dec 1 key SSL",
            'add "Rotate key material" #security !high',
        ),
        details="Quote the title if it contains words that look like options. "
        "A key is upper case letters, digits and dashes; without one readybot makes one from the category.",
    ),
    Verb(
        "done",
        "done <item> [evidence]",
        "Mark an item done, with optional evidence.",
        (
            "done SSL",
            "done SSL cert installed, expires 2027-03-01",
            'done "deletion protection" ticket OPS-12',
        ),
        aliases=("close", "complete"),
        details="An item is a key (`SSL`), the start of a key (`SEC`), or words from its title "
        "(`configure ssl`). Quote multi-word references when the free text could be mistaken for them.",
    ),
    Verb("start", "start <item>", "Mark an item in progress.", ("start SSL",), aliases=("begin",)),
    Verb(
        "block",
        "block <item> [reason]",
        "Mark an item blocked; blocked items make the verdict NO-GO.",
        ("block SSL waiting on the CA", "block BAA legal review pending"),
    ),
    Verb("unblock", "unblock <item>", "Clear an item's block.", ("unblock SSL",)),
    Verb("reopen", "reopen <item>", "Reopen a done, waived or blocked item.", ("reopen SSL",)),
    Verb(
        "assign",
        "assign <item> @user | me | nobody",
        "Give an item an owner (or take it away).",
        ("assign SSL @alice", "assign SSL me", "assign SSL nobody"),
    ),
    Verb(
        "due",
        "due <item> <date> | none",
        "Set or clear an item's due date.",
        ("due SSL friday", "due SSL 2026-12-01", "due SSL in 2 weeks", "due SSL none"),
    ),
    Verb(
        "waive",
        "waive <item> <reason> [until <date>]",
        "Accept the risk of not doing an item; waived items count as done. Owners and admins only.",
        ("waive PEN-TEST accepted by CISO until jan 15", "waive MOBILE out of scope for beta"),
        details="A waiver with an `until` date expires: the item counts as open again after it.",
    ),
    Verb("note", "note <item> <text>", "Add a note to an item.", ("note SSL vendor says Tuesday",)),
    Verb(
        "priority",
        "priority <item> critical | high | medium | low",
        "Change an item's priority. Owners and admins only.",
        ("priority SSL critical",),
        aliases=("prio",),
    ),
    Verb(
        "scope",
        "scope <item> all | <scenario>[,<scenario>…]",
        "Say which launch scenarios (internal, internet-facing, regulated) require an item.",
        ("scope HIPAA regulated", "scope WAF internet-facing,regulated", "scope HIPAA all"),
        details="Items not required for the launch's scenario do not count toward the score or verdict.",
    ),
    Verb(
        "history",
        "history <item>",
        "Show an item's audit trail.",
        ("history SSL",),
        aliases=("log",),
    ),
    Verb(
        "remove",
        "remove <item>",
        "Delete an item (the audit log keeps its history). Owners and admins only.",
        ("remove DUP-3",),
        aliases=("delete", "rm"),
    ),
    Verb(
        "launch",
        "launch [new <name> [date <date>] [scenario <scenario>] [tz <timezone>] | use <name> | "
        "date <date> | scenario <scenario> | tz <timezone> | owner @user]",
        "Show, create or change the channel's launch.",
        (
            "launch",
            "launch new Checkout v2 date dec 1 scenario internet-facing tz Europe/London",
            "launch use Checkout v2",
            "launch date 2026-12-15",
            "launch scenario regulated",
        ),
        details="`launch new` creates a launch you own and binds this channel if it has none; "
        "`launch use` binds this channel to an existing launch. Scenarios: internal, "
        "internet-facing, regulated.",
        group="Launch",
    ),
    Verb("launches", "launches", "List the workspace's launches.", ("launches",), group="Launch"),
    Verb(
        "import",
        "import [--dry-run] <markdown>",
        "Import a readiness assessment written in markdown. Owners and admins only.",
        (
            "import --dry-run ## Security\n- [ ] 🔴 Configure SSL",
            "import ## Security\n- [x] MFA enabled",
        ),
        details="Sections become categories; checkboxes, ✅/❌/⚠️, priority words and 🔴🟠🟡🟢 are "
        "understood. Importing the same document again updates items instead of duplicating them.",
        group="Launch",
    ),
    Verb(
        "export",
        "export",
        "Export the checklist as markdown that imports back.",
        ("export",),
        group="Launch",
    ),
    Verb(
        "digest",
        "digest [at <HH:MM> [timezone] [weekdays | daily | mon,wed,fri] | off | on | now | "
        "unchanged line | none]",
        "Show or set this channel's daily digest; `now` posts one at once.",
        (
            "digest",
            "digest at 09:30 Europe/London weekdays",
            "digest at 8:00 mon,wed,fri",
            "digest now",
            "digest off",
            "digest unchanged none",
        ),
        details="The digest tells what changed since the last one and by whom, blockers, overdue and "
        "soon-due items, expiring waivers, the score trend and the forecast. Default for a bound "
        "channel: 09:00 in the launch's timezone, Monday to Friday. `unchanged none` posts nothing "
        "on days without news (`line`, the default, posts one line).",
        group="Launch",
    ),
    Verb(
        "monitor",
        "monitor [list] | add <url> [item <item>] [every 1m] [expect 200] [within 500ms] "
        '[contains "ok"] | add cert <host[:port]> [warn 21,14,7] | add backup <pattern> [max-age 26h] '
        "[min-size 1MB] | add heartbeat <name> [period 24h] [grace 1h] | show|pause|resume|remove|test <id> "
        "| snooze <id> <duration> <reason> | maintenance <id> <duration> | ack <id> <reason>",
        "Check what the checklist claims: HTTP health, TLS certificates, backups, heartbeats.",
        (
            "monitor add https://api.example.com/health item SSL every 1m within 500ms contains ok",
            "monitor add cert api.example.com item SSL warn 21,14,7",
            "monitor add backup /var/backups/db-*.sql.gz max-age 26h min-size 1MB item BACKUP",
            "monitor add heartbeat nightly-backup period 24h grace 1h",
            "monitor list",
            "monitor snooze 3 4h deploying the new CDN",
            "monitor maintenance 3 2h",
        ),
        details="A monitor goes down after 3 failed checks in a row and up after 2 good ones; it alerts "
        "the launch's channel, and blocks its linked item while down. Only launch owners and admins "
        "add or change monitors; anyone may acknowledge or snooze an alert. A heartbeat gives a secret "
        "URL for a job to call: POST it on success, /start at the start, /fail or /<exit code> on failure.",
        group="Launch",
    ),
    Verb(
        "remind",
        "remind [on | off]",
        "Turn your daily direct message about your overdue items on or off.",
        ("remind", "remind off", "remind on"),
        group="Launch",
    ),
    Verb(
        "help",
        "help [command]",
        "Show the commands, or one command in detail.",
        ("help", "help block"),
        group="Help",
    ),
)

VERBS_BY_NAME: dict[str, Verb] = {}
for _verb in VERBS:
    VERBS_BY_NAME[_verb.name] = _verb
    for _alias in _verb.aliases:
        VERBS_BY_NAME[_alias] = _verb


def usage_of(verb: str) -> str | None:
    found = VERBS_BY_NAME.get(verb)
    return f"/ready {found.usage}" if found else None
