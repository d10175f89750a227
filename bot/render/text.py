"""Reply models rendered as text: for a terminal (the console and the one-shot CLI), and
as the fallback text of Slack messages.

Commands are written as the reader would type them there (the `Surface`, in
bot.text_surfaces with the text of errors and help): `/ready block SSL` in Slack, `block
SSL` in the console, `readybot ready "block SSL"` on the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import singledispatch

from bot.render import decision_lines, import_report, plan_lines
from bot.render.info import PEOPLE_FIELDS, changed_fields, whole
from bot.render.plan_lines import still_needs_note
from bot.render.status import START_HINT, condition_items
from bot.text_surfaces import CONSOLE as CONSOLE
from bot.text_surfaces import SLACK, Surface, help_text, plain
from bot.text_surfaces import Cli as Cli
from bot.text_surfaces import Console as Console
from bot.text_surfaces import error_text as _error_text
from bot.text_surfaces import shell_word as shell_word
from commands import replies as r
from commands import wording
from commands.claims import note as claims_note
from commands.decision.model import CallView
from commands.model import Verb
from commands.scoring import CategoryScore, ItemBrief
from commands.text import plural, shorten, user
from commands.text import user as _user
from commands.transitions import describe_status
from commands.verbs import REGISTRY
from storage.vocabulary import Status

BAR_WIDTH = 20
STATUS_MARK = {
    "todo": "[ ]",
    "in_progress": "[~]",
    "blocked": "[!]",
    "done": "[x]",
    "waived": "[-]",
}


def bar(percent: int, width: int = BAR_WIDTH) -> str:
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled)


def render(reply: r.Reply, surface: Surface = SLACK, *, markers: bool = False) -> str:
    """`reply` as text for `surface` (by default Slack's, for message fallbacks). The
    commands readybot suggests (`/ready launch date <date>`) are written for the surface;
    an export is the user's document and stays as it is. People read `@U123` unless
    `markers`: then they stay `commands.text.user` markers, which a Slack fallback turns
    into real mentions (a notification then names them)."""
    if isinstance(reply, r.ErrorReply):
        text = error_text(reply, surface)
    elif isinstance(reply, r.HelpReply):
        text = help_text(reply, surface)
    elif isinstance(reply, r.ExportReply) or surface is SLACK:
        text = _render(reply)
    else:
        text = surface.rewrite(_render(reply))
    return (text if markers else plain(text)).rstrip() + "\n"


@singledispatch
def _render(reply: object) -> str:
    raise TypeError(f"no text rendering for {type(reply).__name__}")


@_render.register
def _(reply: r.Message) -> str:
    return plain(reply.text)


@_render.register
def _(reply: r.AlreadyApplied) -> str:
    return reply.text


def error_text(reply: r.ErrorReply, surface: Surface = SLACK) -> str:
    return _error_text(reply, surface, find=_help_of)


def _help_of(word: str) -> Verb | None:
    spec = REGISTRY.find(word)
    return spec.help if spec else None


@_render.register
def _(reply: r.ErrorReply) -> str:
    return error_text(reply)


@_render.register
def _(reply: r.HelpReply) -> str:
    return help_text(reply)


def _due(item: ItemBrief | r.ItemView, today: date) -> str:
    return wording.due(item.due_date, today)


def _brief_line(item: ItemBrief, today: date, extra: str = "") -> str:
    owner = f" {_user(item.owner)}" if item.owner else ""
    due = _due(item, today)
    return f"    {item.key:<10} {shorten(item.title, 60)}{owner}{'  ' + due if due else ''}{extra}"


def _category_line(category: CategoryScore) -> str:
    return f"  {shorten(category.category, 28):<28} {bar(category.percent, 10)} {category.percent:>3}%  ({category.ready:,}/{category.total:,})"


@_render.register
def _(reply: r.StatusReply) -> str:
    launch, report, today = reply.launch, reply.report, reply.today
    score, verdict = report.score, report.verdict
    ahead = report.plan
    lines = [
        f"{launch.name}: {verdict.label}  ·  {plan_lines.scores(score.percent, ahead)}  "
        + (
            f"({score.ready:,} of {plural(score.total, 'item')} done or waived)"
            if score.total
            else "(no items yet)"
        ),
        f"  {bar(score.percent)} {score.percent}%",
    ]
    if verdict.reasons:
        why = "Why NO-GO" if not verdict.go else "Conditions"
        lines.append(f"  {why}: " + plain(verdict.counts))
    if not score.total:
        lines.append("  " + plain(START_HINT))
    for extra in (
        plan_lines.path_to_go_line(ahead.path_to_go),
        plan_lines.critical_path_line(ahead.critical_path, today),
        plan_lines.claimed_note(ahead),
    ):
        if extra:
            lines.append("  " + plain(extra))
    if reply.what_if:
        w = reply.what_if
        keys = ", ".join(i.key for i in w.items)
        lines.append(f"  If {keys} were done: {w.score.percent}/100, {w.verdict.label}")
    if launch.claims:
        lines.append("  " + claims_note(launch.claims, score.percent, verdict.go))
    if launch.target_date:
        lines.append(f"  Target: {wording.day(launch.target_date, today)}")
    lines.append("  Forecast: " + forecast_text(report))
    concerns = report.concerns
    shown: set[str] = set()
    if concerns.blocked_count:
        lines += ["", f"  Blocked ({concerns.blocked_count}):"]
        for i in concerns.blocked:
            shown.add(i.key)
            reason = f"  — {shorten(i.blocked_reason, 80)}" if i.blocked_reason else ""
            reason += plain(plan_lines.holds_up_tail(ahead, i.key))
            lines.append(_brief_line(i, today, reason))
    conditions, conditions_count = condition_items(report)
    if conditions:
        lines += ["", f"  Conditions ({conditions_count:,}):"]
        for i in conditions:
            shown.add(i.key)
            waived = i.status == Status.WAIVED
            lines.append(_brief_line(i, today, "  — waived" if waived else "  — high, open"))
        if conditions_count > len(conditions):
            lines.append(
                f"    +{conditions_count - len(conditions):,} more: list waived, list high"
            )
    top: list[ItemBrief] = []
    for i in (*concerns.open_critical, *report.overdue, *report.next_due):
        if i.key not in shown and len(top) < 5:
            shown.add(i.key)
            top.append(i)
    if top:
        lines += ["", "  Next up:"] + [
            _brief_line(i, today, plain(plan_lines.waits_for_tail(ahead, i.key))) for i in top
        ]
    if score.categories:
        worst = sorted(score.categories, key=lambda c: (c.percent, c.category.casefold()))
        lines += ["", "  By category (weakest first):"] + [_category_line(c) for c in worst]
    notes = []
    if report.expired_waivers:
        notes.append(f"{plural(report.expired_waivers, 'waiver')} expired (counted as open)")
    if report.not_required:
        article = "an" if launch.scenario[:1] in "aeiou" else "a"
        notes.append(
            f"{plural(report.not_required, 'item')} not required for {article} {launch.scenario} "
            "launch (not counted)"
        )
    if signed := decision_lines.signoff_summary(report.signoffs):
        lines += ["", "  " + plain(signed)]
    if notes:
        lines += [""] + [f"  Note: {n}" for n in notes]
    return "\n".join(lines)


def forecast_text(report: r.StatusReport) -> str:
    """The forecast in words: a range once there is enough history."""
    f = report.forecast
    if f.nothing_required:
        return "none until there is a checklist"
    if f.open_items == 0:
        return "everything required is done or waived"
    if not f.enough_data or f.earliest is None or f.latest is None:
        return "not enough history yet (needs 3 days and 3 items closed)"
    span = wording.day(f.earliest)
    if f.latest != f.earliest:
        span += f" – {wording.day(f.latest)}"
    text = f"{span}, at {f.per_day:.1f} items/day over {plural(f.window_days, 'day')}"
    late = f.days_late
    if late is not None and late > 0:
        text += f" — likely {wording.days_between(late)} after the target ⚠"
    elif f.at_risk:
        text += " — at risk: the range reaches past the target ⚠"
    elif late is not None:
        text += " — on time for the target"
    return text


def _item_line(item: r.ItemView, today: date) -> str:
    mark = STATUS_MARK[item.status.value]
    owner = f" {_user(item.owner)}" if item.owner else ""
    due = _due(item, today)
    tail = ""
    if item.status.value == "blocked" and item.blocked_reason:
        tail = f"  — blocked: {shorten(item.blocked_reason, 60)}"
    elif item.status.value == "waived" and item.waiver_reason:
        tail = f"  — waived: {shorten(item.waiver_reason, 60)}"
    return f"  {mark} {item.key:<10} {item.priority.value:<8} {shorten(item.title, 60)}{owner}{'  ' + due if due else ''}{tail}"


@_render.register
def _(reply: r.ItemListReply) -> str:
    head = f"{reply.launch.name}: {plain(reply.description)} ({reply.total:,})"
    if not reply.items:
        return head + "\n  Nothing here."
    lines = [head]
    category = None
    for item in reply.items:
        if item.category != category:
            category = item.category
            lines.append(f" {category}")
        lines.append(_item_line(item, reply.today))
    if reply.pages > 1:
        lines.append(
            f"  Page {reply.page} of {reply.pages}. Next: `/ready list … page {reply.page + 1}`"
        )
    return "\n".join(lines)


_ACTION_WORDS: dict[str, Callable[[r.ItemChanged], str]] = {
    "created": lambda c: "added",
    "done": lambda c: "marked done",
    "started": lambda c: "started",
    "blocked": lambda c: "blocked",
    "reblocked": lambda c: "changed the block on",
    "unblocked": lambda c: "unblocked",
    "reopened": lambda c: "reopened",
    "assigned": lambda c: f"assigned {_user(c.item.owner or '')} to",
    "unassigned": lambda c: "unassigned",
    "due": lambda c: (
        f"set the due date ({wording.day(c.item.due_date)}) of"
        if c.item.due_date
        else "cleared the due date of"
    ),
    "waived": lambda c: "waived",
    "noted": lambda c: "added a note to",
    "priority": lambda c: f"made {c.item.priority.value}:",
    "scoped": lambda c: "changed the scope of",
    "imported": lambda c: "updated from an import",
    "evidence": lambda c: "added evidence to",
    "verify_every": lambda c: "set a maximum evidence age for",
    "stability": lambda c: "set a stability window for",
    "evidence_expired": lambda c: "reopened (evidence too old)",
}


def describe_change(change: r.ItemChanged) -> str:
    """`@alice marked done SSL Configure SSL/TLS certificates — evidence`, one line."""
    verb = _ACTION_WORDS.get(change.action, lambda c: c.action)(change)
    item = change.item
    line = f"{_user(change.actor)} {verb} {item.key} “{shorten(item.title, 80)}”"
    if change.detail:
        line += f" — {shorten(change.detail, 200)}"
    return line


@_render.register
def _(reply: r.ItemChanged) -> str:
    item = reply.item
    details = [f"  {item.category} · {item.priority.value} · {describe_status(item.status)}"]
    if item.owner:
        details[0] += f" · owner {_user(item.owner)}"
    if item.due_date:
        details[0] += f" · due {wording.day(item.due_date)}"
    if item.scenarios:
        details.append(f"  required for: {', '.join(item.scenarios)}")
    if reply.cleared is not None:
        reason = f" ({shorten(reply.cleared, 200)})" if reply.cleared else ""
        details.insert(0, f"  This cleared its block{reason}.")
    if reply.still_needs:
        details.append("  ⚠ " + still_needs_note(reply.still_needs))
    return "✓ " + describe_change(reply) + "\n" + "\n".join(details)


@_render.register
def _(reply: r.ItemRemoved) -> str:
    return f"✓ {_user(reply.actor)} removed {reply.item.key} “{reply.item.title}” (its history stays in the audit log)"


@_render.register
def _(reply: r.HistoryReply) -> str:
    item = reply.item
    lines = [
        f"{item.key} “{item.title}”: {describe_status(item.status)}, {item.priority.value}, {item.category}"
    ]
    if item.notes:
        lines.append("  Notes:")
        lines += [f"    {line}" for line in item.notes.splitlines()]
    if item.evidence:
        lines.append(f"  Evidence: {item.evidence}")
    page = f", page {reply.page} of {reply.pages}" if reply.pages > 1 else ""
    lines.append(f"  History ({plural(reply.total, 'event')}{page}):")
    tz = reply.launch.timezone
    for event in reply.events:
        change = whole(
            [
                f"{wording.field_name(k)}: {_value(k, before, tz)} → {_value(k, after, tz)}"
                for k, before, after in changed_fields(event)
            ],
            160,
        )
        note = f" “{shorten(event.note, 80)}”" if event.note else ""
        who = event.actor_name or _user(event.actor)
        lines.append(
            f"    {wording.moment(event.at, tz)} · {who} via {event.via} · {event.action}{note}"
            + (f" ({change})" if change else "")
        )
    if reply.page < reply.pages:
        lines.append(f"  Older: history {item.key} page {reply.page + 1}")
    return "\n".join(lines)


def _value(field: str, value: object, timezone: str) -> str:
    if value not in (None, "") and field in PEOPLE_FIELDS:
        return _user(str(value))
    return shorten(wording.field_value(field, value, timezone), 40)


@_render.register
def _(reply: r.LaunchReply) -> str:
    launch = reply.launch
    head = {
        "created": f"✓ {_user(reply.actor)} created the launch {launch.name}",
        "bound": f"✓ This channel now follows {launch.name}",
        "changed": f"✓ {_user(reply.actor)} changed {launch.name}: {plain(reply.detail or '')}",
        "shown": f"{launch.name}",
    }[reply.action]
    if reply.detail and reply.action == "created":
        head += f" ({reply.detail})"
    target = (
        wording.day(launch.target_date)
        if launch.target_date
        else "not set (`/ready launch date <date>`)"
    )
    lines = [
        head,
        f"  Target date: {target}",
        f"  Scenario: {launch.scenario} · Timezone: {launch.timezone} · Owner: {_user(launch.owner) if launch.owner else 'nobody'}",
    ]
    if reply.action in ("shown", "bound"):
        lines.append(f"  Items: {reply.item_count:,}")
    if launch.channels:
        lines.append(f"  Channels: {', '.join(launch.channels)}")
    return "\n".join(lines)


@_render.register
def _(reply: r.LaunchesReply) -> str:
    if not reply.launches:
        return "No launches yet. Create one: `/ready launch new <name> [date <date>]`"
    lines = ["Launches:"]
    for s in reply.launches:
        marker = "→" if s.launch.id == reply.current_id else " "
        target = wording.day(s.launch.target_date) if s.launch.target_date else "no date"
        lines.append(
            f" {marker} {s.launch.name:<30} {s.score:>3}%  {s.open_items:>5} open / {s.items:<5} {target}"
        )
    return "\n".join(lines)


@_render.register
def _(reply: r.ImportReply) -> str:
    rep = import_report.report(reply)
    lines = [f"{rep.head} {rep.launch}"]
    if rep.verdict:
        lines.append(f"  {rep.verdict}")
    if rep.said:
        lines.append(f"  {rep.said}")
    lines += [f"  Warning: {w}" for w in rep.warnings]
    if rep.repaired:
        lines.append(f"  Repaired text that had been mis-decoded as {rep.repaired}.")
    width = min(max((len(c.name) for c in rep.categories), default=10), 40)
    for c in rep.categories:
        owner = f" (owner: {c.owner})" if c.owner else ""
        lines.append(f"  {shorten(c.name, 40):<{width}}  {c.counts}{owner}")
    lines.append(f"  {rep.outcome}")
    if rep.merges:
        lines.append(f"  Merged {plural(len(rep.merges) + rep.more_merges, 'repeated statement')}:")
        lines += [f"    {m}" for m in rep.merges]
        if rep.more_merges:
            lines.append(f"    … and {rep.more_merges} more")
    if rep.skipped:
        lines.append(f"  {rep.skipped}")
    lines += [f"  Note: {w}" for w in rep.notes]
    if reply.explain:
        lines.append("")
        lines.append("Every item, with the line it came from:")
        lines += [f"  {line}" for line in reply.explain]
    if reply.dry_run:
        lines.append("  Nothing was changed (dry run).")
    return "\n".join(lines)


def describe_status_word(status: str) -> str:
    return status.replace("_", " ")


@_render.register
def _(reply: r.ExportReply) -> str:
    return reply.markdown


# -- the launch decision -------------------------------------------------------------------


@_render.register
def _(reply: r.CategoryOwnerReply) -> str:
    if reply.owner is None:
        return plain(f"✓ {reply.category} has no owner now (was {user(reply.previous or '')}).")
    was = f" (was {user(reply.previous)})" if reply.previous else ""
    return plain(f"✓ {reply.category} is owned by {user(reply.owner)}{was}.")


@_render.register
def _(reply: r.SignoffReply) -> str:
    state = reply.state
    ready = f" at {state.percent}% ({state.ready}/{state.total} ready)" if state else ""
    text = f"✓ You signed off {reply.category}{ready}."
    if reply.open_items:
        text += f" Still open when signed: {', '.join(reply.open_items[:10])}."
    return text + "\n  It revokes itself if the checklist changes under it."


@_render.register
def _(reply: r.SignoffsReply) -> str:
    rows = [
        "  " + plain(decision_lines.category_line(s, reply.launch.timezone)) for s in reply.states
    ]
    return "\n".join([f"{reply.launch.name}: sign-offs", *(rows or ["  No categories yet."])])


def _call_text(call: CallView) -> list[str]:
    out = [f"Go/No-Go call for {call.launch}"]
    if call.record is not None:
        out.append("  " + plain(decision_lines.decision_headline(call.record, call.override)))
        out.append("  Closed: " + plain(decision_lines.closed_how(call.record)))
    out.append("  " + plain(decision_lines.verdict_line(call)))
    out.append("  " + plain(decision_lines.tally(call)))
    out += ["  " + plain(v) for v in decision_lines.vote_line(call)]
    out += [
        "  " + plain(decision_lines.category_line(c, call.timezone))
        for c in call.categories[: decision_lines.CATEGORY_LINES]
    ]
    return out


@_render.register
def _(reply: r.CallReply) -> str:
    call = reply.call
    if reply.action == "opened":
        voters = ", ".join(plain(user(v)) for v in call.voters)
        return (
            f"✓ The Go/No-Go call for {call.launch} is posted in {call.channel_id}: "
            + plain(decision_lines.tally(call))
            + f"\n  Voters: {voters}\n  Vote with `gonogo vote go`, `gonogo vote conditions "
            "<condition>; <condition>` or `gonogo vote no-go <reason>`."
        )
    lines = [f"✓ {plain(reply.note)}"] if reply.note else []
    return "\n".join(lines + _call_text(call))


@_render.register
def _(reply: r.DecisionReply) -> str:
    return reply.markdown


@_render.register
def _(reply: r.TokenReply) -> str:
    if reply.action in ("created", "rotated") and reply.token:
        old = " The previous token no longer works." if reply.action == "rotated" else ""
        return (
            f"New deploy-gate token for {reply.launch.name} (shown once; copy it now):\n"
            f"  {reply.token}\n"
            f"  Pipelines call GET {reply.gate_path} with `Authorization: Bearer <token>`.{old}"
        )
    if reply.action == "revoked":
        return f"✓ The deploy-gate token of {reply.launch.name} ({reply.hint}…) is revoked."
    return (
        f"{reply.launch.name} has a deploy-gate token ({reply.hint}…). It is never shown "
        "again: `launch token rotate` makes a new one, `launch token revoke` stops it."
    )
