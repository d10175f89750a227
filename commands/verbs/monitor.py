"""`monitor`: add, list, show, pause, resume, remove, test, snooze, maintenance, ack."""

from __future__ import annotations

from dataclasses import dataclass

from commands.context import Context
from commands.errors import UsageError
from commands.model import REGISTRY, Command, Verb, VerbSpec
from commands.monitors import commands as monitors
from commands.monitors.draft import MonitorDraft, draft_from_words, parse_duration
from commands.replies import Reply
from storage.engine import Store


@dataclass(frozen=True)
class MonitorList(Command):
    pass


@dataclass(frozen=True)
class MonitorAdd(Command):
    draft: MonitorDraft  # parsed and validated once, when the command was parsed


@dataclass(frozen=True)
class MonitorAction(Command):
    """A subcommand on one monitor, by its number."""

    monitor: int


@dataclass(frozen=True)
class MonitorShow(MonitorAction):
    pass


@dataclass(frozen=True)
class MonitorPause(MonitorAction):
    pass


@dataclass(frozen=True)
class MonitorResume(MonitorAction):
    pass


@dataclass(frozen=True)
class MonitorRemove(MonitorAction):
    pass


@dataclass(frozen=True)
class MonitorTest(MonitorAction):
    pass


@dataclass(frozen=True)
class MonitorSnooze(MonitorAction):
    seconds: float
    reason: str


@dataclass(frozen=True)
class MonitorMaintenance(MonitorAction):
    seconds: float


@dataclass(frozen=True)
class MonitorAck(MonitorAction):
    reason: str


_PLAIN_ACTIONS: dict[str, type[MonitorAction]] = {
    "show": MonitorShow,
    "pause": MonitorPause,
    "resume": MonitorResume,
    "remove": MonitorRemove,
    "rm": MonitorRemove,
    "delete": MonitorRemove,
    "test": MonitorTest,
}
_KNOWN = "add, list, show, pause, resume, remove, test, snooze, maintenance or ack"


def parse_monitor(rest: str) -> Command:
    words = rest.split(None, 1)
    if not words or words[0].lower() in ("list", "ls"):
        return MonitorList()
    action, tail = words[0].lower(), (words[1] if len(words) > 1 else "").strip()
    if action == "add":
        return MonitorAdd(draft_from_words(tail))
    if action not in (*_PLAIN_ACTIONS, "snooze", "maintenance", "ack"):
        raise UsageError(
            f"`monitor {action[:20]}` is not something I know: use {_KNOWN}.",
            usage_verb="monitor",
        )
    parts = tail.split(None, 1)
    if not parts or not parts[0].lstrip("#").isdigit():
        raise UsageError(
            f"`monitor {action}` needs a monitor number (see `/ready monitor list`).",
            usage_verb="monitor",
        )
    number, after = int(parts[0].lstrip("#")), (parts[1] if len(parts) > 1 else "").strip()
    if action == "snooze":
        length, _, reason = after.partition(" ")
        if not length or not reason.strip():
            raise UsageError(
                "`monitor snooze` needs a duration and a reason, e.g. "
                "`monitor snooze 3 4h deploying`.",
                usage_verb="monitor",
            )
        return MonitorSnooze(number, parse_duration(length), reason.strip())
    if action == "maintenance":
        if not after or len(after.split()) != 1:
            raise UsageError(
                "`monitor maintenance` needs a duration, e.g. `monitor maintenance 3 2h`.",
                usage_verb="monitor",
            )
        return MonitorMaintenance(number, parse_duration(after))
    if action == "ack":
        if not after:
            raise UsageError(
                "`monitor ack` needs a reason, e.g. `monitor ack 3 known CDN incident`.",
                usage_verb="monitor",
            )
        return MonitorAck(number, after)
    if after:
        raise UsageError(f"`monitor {action}` takes only a monitor number.", usage_verb="monitor")
    return _PLAIN_ACTIONS[action](number)


def _run(store: Store, ctx: Context, cmd: Command) -> Reply:
    match cmd:
        case MonitorList():
            return monitors.list_monitors(store, ctx)
        case MonitorAdd(draft):
            return monitors.add(store, ctx, draft=draft)
        case MonitorShow(number):
            return monitors.show(store, ctx, number=number)
        case MonitorTest(number):
            return monitors.test(store, ctx, number=number)
        case MonitorPause(number):
            return monitors.pause_monitor(store, ctx, number=number)
        case MonitorResume(number):
            return monitors.resume_monitor(store, ctx, number=number)
        case MonitorRemove(number):
            return monitors.remove(store, ctx, number=number)
        case MonitorMaintenance(number, seconds):
            return monitors.maintain(store, ctx, number=number, seconds=seconds)
        case MonitorSnooze(number, seconds, reason):
            return monitors.snooze_alerts(store, ctx, number=number, seconds=seconds, reason=reason)
        case MonitorAck(number, reason):
            return monitors.acknowledge_outage(store, ctx, number=number, reason=reason)
    raise AssertionError(f"not a monitor command: {cmd!r}")


REGISTRY.add(
    VerbSpec(
        Verb(
            "monitor",
            "monitor [list | add <target> [options] | "
            "show|test|pause|resume|remove|snooze|maintenance|ack <id> …]",
            "Check what the checklist claims: HTTP health, TLS certificates, backups, heartbeats.",
            (
                "monitor add https://api.example.com/health item SSL every 1m within 500ms "
                "contains ok",
                "monitor add cert api.example.com item SSL warn 21,14,7",
                "monitor add backup /var/backups/db-*.sql.gz max-age 26h min-size 1MB item BACKUP",
                "monitor add heartbeat nightly-backup period 24h grace 1h",
                "monitor list",
                "monitor snooze 3 4h deploying the new CDN",
                "monitor maintenance 3 2h",
            ),
            details="The target and its options: `monitor add <url> [expect 200] [within 500ms] "
            '[contains "ok"]`, `monitor add cert <host[:port]> [warn 21,14,7]`, `monitor add '
            "backup <pattern> [max-age 26h] [min-size 1MB]` or `monitor add heartbeat <name> "
            "[period 24h] [grace 1h]`; each also takes `item <item>`, `every <interval>`, "
            "`fails <n>` and `recovers <n>`. On one monitor (its number in `monitor list`): "
            "`show`, `test`, `pause`, `resume` or `remove <id>`, `snooze <id> <duration> "
            "<reason>`, `maintenance <id> <duration>`, `ack <id> <reason>`. "
            "A monitor goes down after 3 failed checks in a row and up after 2 good ones; "
            "it alerts the launch's channel, and blocks its linked item while down. Only launch "
            "owners and admins add or change monitors; anyone may acknowledge or snooze an "
            "alert. A heartbeat gives a secret URL for a job to call: POST it on success, /start "
            "at the start, /fail or /<exit code> on failure.",
            group="Launch",
        ),
        parse_monitor,
        (
            MonitorList,
            MonitorAdd,
            MonitorShow,
            MonitorPause,
            MonitorResume,
            MonitorRemove,
            MonitorTest,
            MonitorSnooze,
            MonitorMaintenance,
            MonitorAck,
        ),
        _run,
    )
)
