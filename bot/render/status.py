"""`/ready status` as Block Kit, designed for a glance: about a dozen blocks at most.

Order: the verdict in the header; the score and the verdict's reasons as counts; target and
forecast; the blockers with their reasons and owners; the items that matter most (critical
first, then by due date); the three weakest categories; one row of actions (Refresh, By
category, Open items, Add item). Every item appears once, with one menu.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.render import blocks as b
from bot.render import decision_lines, ids, plan_lines
from bot.render import mrkdwn as md
from bot.render.items import Rows, brief_line, progress
from commands import replies as r
from commands import wording
from commands.claims import note as claims_note
from commands.scoring import Call, CategoryScore, Forecast, ItemBrief, Verdict
from commands.text import plural
from storage.vocabulary import ItemFilter, Priority, Status

BLOCKER_ROWS = 3  # blockers shown as rows; more are counted
TOP_ROWS = 5  # "the items that matter most"
WEAKEST_CATEGORIES = 3
START_HINT = (
    "📋 Start the checklist: `/ready add <title> #category !priority`, "
    "or paste an assessment with `/ready import`"
)
VERDICT_MARK = {Call.NO_GO: "⛔ NO-GO", Call.CONDITIONS: "🟡 GO with conditions", Call.GO: "✅ GO"}


def verdict_label(verdict: Verdict) -> str:
    return VERDICT_MARK[verdict.call]


def verdict_line(verdict: Verdict) -> str:
    """`*⛔ NO-GO:* 14 critical open · 1 blocked · score 62 is under the bar of 80`."""
    if verdict.call == Call.GO:
        return "*✅ GO:* every requirement is met"
    return f"*{verdict_label(verdict)}:* {md.text(verdict.counts)}"


def target_text(launch: r.LaunchView, today: date) -> str:
    if launch.target_date is None:
        return "no target date (`/ready launch date <date>`)"
    return wording.day(launch.target_date, today)


def forecast_text(forecast: Forecast) -> str:
    """`Dec 8 – Dec 12 (1.4 items/day)`, or why there is none yet."""
    if forecast.nothing_required:
        return "none until there is a checklist"
    if forecast.open_items == 0:
        return "everything required is closed"
    if not forecast.enough_data or forecast.earliest is None or forecast.latest is None:
        return "not enough history yet (needs 3 days and 3 items closed)"
    span = wording.day(forecast.earliest)
    if forecast.latest != forecast.earliest:
        span += f" – {wording.day(forecast.latest)}"
    return f"{span} ({forecast.per_day:.1f} items/day)"


def late_warning(forecast: Forecast) -> str | None:
    """A warning when the forecast lands after the target, or may."""
    if not forecast.enough_data or forecast.target is None:
        return None
    late = forecast.days_late or 0
    if late > 0:
        return f"⚠️ *Likely {wording.days_between(late)} late* at the recent pace"
    if forecast.at_risk:
        return "⚠️ *At risk:* the forecast range reaches past the target"
    return None


def summary(reply: r.StatusReply, shown: frozenset[str] = frozenset()) -> str:
    """`shown`: the keys the message shows as rows (the path to GO counts them)."""
    report = reply.report
    score, verdict = report.score, report.verdict
    ahead = report.plan
    lines = [
        f"*{plan_lines.scores(score.percent, ahead)}* {progress(score.percent)} "
        + (
            f"{score.ready:,} of {plural(score.total, 'item')} done or waived"
            if score.total
            else "no items yet"
        ),
        verdict_line(verdict),
    ]
    if not score.total:
        lines.append(md.text(START_HINT))
    for extra in (
        plan_lines.path_to_go_line(ahead.path_to_go, shown),
        plan_lines.critical_path_line(ahead.critical_path, reply.today),
        plan_lines.claimed_note(ahead),
    ):
        if extra:
            lines.append(md.text(extra))
    if reply.what_if:
        w = reply.what_if
        keys = ", ".join(md.code(md.inline(i.key, 40)) for i in w.items[:10])
        lines.append(f"*If {keys} were done:* {w.score.percent}/100, {verdict_label(w.verdict)}")
    warning = late_warning(report.forecast)
    if warning:
        lines.append(warning)
    if reply.launch.claims:
        said = claims_note(reply.launch.claims, score.percent, verdict.go)
        lines.append(f"📄 {md.inline(said, 400)}")
    return "\n".join(lines)


def when_line(reply: r.StatusReply) -> str:
    report = reply.report
    parts = [
        f"🎯 Target {md.text(target_text(reply.launch, reply.today))}",
        f"📈 Forecast {md.text(forecast_text(report.forecast))}",
    ]
    if report.expired_waivers:
        parts.append(f"{plural(report.expired_waivers, 'waiver')} expired (counted as open)")
    if report.not_required:
        scenario = md.inline(reply.launch.scenario, 40)
        parts.append(f"{report.not_required:,} not required for {_article(scenario)} launch")
    return " · ".join(parts)


def _article(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def weakest(categories: Iterable[CategoryScore], count: int = WEAKEST_CATEGORIES) -> str | None:
    """`Weakest: Security 20% (2/10) · Infrastructure 35% (7/20)`; None when all are ready."""
    open_ones = [c for c in categories if c.ready < c.total]
    if not open_ones:
        return None
    worst = sorted(open_ones, key=lambda c: (c.percent, -c.total, c.category.casefold()))[:count]
    shown = " · ".join(
        f"{md.inline(c.category, 40)} {c.percent}% ({c.ready:,}/{c.total:,})" for c in worst
    )
    return f"Weakest: {shown}"


def top_items(report: r.StatusReport, exclude: set[str]) -> list[ItemBrief]:
    """The open items that matter most, without those already shown: critical first (by due
    date), then the rest by due date."""
    chosen: list[ItemBrief] = []
    seen = set(exclude)
    candidates = [
        *report.concerns.open_critical,
        *report.overdue,
        *report.next_due,
        *report.concerns.open_high,
    ]
    critical = [c for c in candidates if c.priority == Priority.CRITICAL]
    rest = sorted(
        (c for c in candidates if c.priority != Priority.CRITICAL),
        key=lambda c: c.due_date or date.max,
    )
    for brief in [*critical, *rest]:
        if brief.key in seen:
            continue
        seen.add(brief.key)
        chosen.append(brief)
        if len(chosen) == TOP_ROWS:
            break
    return chosen


def condition_items(report: r.StatusReport) -> tuple[list[ItemBrief], int]:
    """GO with conditions: the waived and open high items it is conditional on (the first of
    each, waivers first), and how many there are; nothing otherwise."""
    if report.verdict.call != Call.CONDITIONS:
        return [], 0
    concerns = report.concerns
    found = list({b.key: b for b in (*concerns.waived, *concerns.open_high)}.values())
    return found, concerns.waived_count + concerns.open_high_count


def footer(launch_id: int, *, categories: bool) -> b.Block:
    launch = str(launch_id)
    buttons = [b.button("Refresh", ids.ACTION_STATUS_REFRESH, launch)]
    if categories:
        buttons.append(b.button("By category", ids.ACTION_CATEGORIES, launch))
    buttons += [
        b.button(
            "Open items",
            ids.ACTION_LIST_MORE,
            ids.list_more_value(ItemFilter.OPEN.value, None, 1, launch_id),
        ),
        b.button("Add item", ids.ACTION_OPEN_ADD_ITEM, launch),
    ]
    return b.actions(buttons, block_id=ids.BLOCK_STATUS_ACTIONS)


def status_blocks(reply: r.StatusReply) -> list[b.Block]:
    """The status message: at most about a dozen blocks, whatever the launch holds."""
    launch, report, today = reply.launch, reply.report, reply.today
    layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
    blocked = report.concerns.blocked
    conditions, conditions_count = condition_items(report)
    first = [*blocked[:BLOCKER_ROWS], *conditions[:BLOCKER_ROWS]]
    shown = frozenset(
        [b.key for b in first] + [t.key for t in top_items(report, {b.key for b in first})]
    )
    layout.add(
        b.header(launch.name, suffix=f" — {verdict_label(report.verdict)}"),
        b.section(summary(reply, shown) + "\n" + when_line(reply)),
    )
    rows = Rows(layout, reserve_blocks=2, reserve_text=600)
    shown_blockers = blocked[:BLOCKER_ROWS]
    hidden_blockers = report.concerns.blocked_count - len(shown_blockers)
    for i, brief in enumerate(shown_blockers):
        heading = f"*Blocked ({report.concerns.blocked_count:,})*\n" if i == 0 else ""
        line = brief_line(brief, today, reason=True)
        line += md.text(plan_lines.holds_up_tail(report.plan, brief.key))
        if i == len(shown_blockers) - 1 and hidden_blockers > 0:
            # Said with the blockers, not among the notes at the bottom.
            line += f"\n_+{hidden_blockers:,} more blocked — `/ready list blocked`_"
        rows.brief(brief, launch.id, heading + line)
    # GO with conditions: the conditions, with their owners (nothing is blocked then).
    shown_conditions = conditions[:BLOCKER_ROWS]
    for i, brief in enumerate(shown_conditions):
        heading = f"*Conditions ({conditions_count:,})*\n" if i == 0 else ""
        line = brief_line(brief, today) + (
            " — waived" if brief.status == Status.WAIVED else " — high, open"
        )
        if i == len(shown_conditions) - 1 and conditions_count > len(shown_conditions):
            more = conditions_count - len(shown_conditions)
            line += f"\n_+{more:,} more — `/ready list waived`, `/ready list high`_"
        rows.brief(brief, launch.id, heading + line)
    top = top_items(report, {brief.key for brief in first})
    heading = "*Next up*\n"
    for brief in top:
        line = brief_line(brief, today) + md.text(plan_lines.waits_for_tail(report.plan, brief.key))
        if rows.brief(brief, launch.id, heading + line):
            heading = ""
    rows.close()
    notes = []
    if worst := weakest(report.score.categories):
        notes.append(worst)
    if signed := decision_lines.signoff_summary(report.signoffs):
        notes.append(md.text(signed))
    if notes:
        layout.add(b.context(*notes), reserve_blocks=1)
    layout.add(footer(launch.id, categories=len(report.score.categories) > 1))
    return layout.blocks


def categories_blocks(reply: r.StatusReply) -> list[b.Block]:
    """The whole breakdown by category (the status's "By category" button), weakest first,
    each with its owner and sign-off, and a Sign off button where it is not signed."""
    report = reply.report
    states = {s.category: s for s in report.signoffs}
    ordered = sorted(report.score.categories, key=lambda c: (c.percent, c.category.casefold()))
    layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
    layout.add(b.section(f"*{md.inline(reply.launch.name, 150)} by category*"))
    if not ordered:
        layout.add(b.section("No categories yet."))
        return layout.blocks
    # One row per category while they fit; beyond that, lines without buttons.
    as_rows = len(ordered) <= b.MAX_MESSAGE_BLOCKS - 3
    lines = []
    for c in ordered:
        state = states.get(c.category)
        line = (
            md.text(decision_lines.category_line(state, reply.launch.timezone))
            if state
            else f"{md.inline(c.category, 60)}: *{c.percent}%* ({c.ready:,}/{c.total:,})"
        )
        if not as_rows:
            lines.append(line)
            continue
        row = b.section(line)
        if state is None or not state.signed:
            row["accessory"] = b.button(
                "Sign off",
                ids.ACTION_SIGN_OFF,
                ids.signoff_value(reply.launch.id, c.category),
            )
        layout.add(row, reserve_blocks=1)
    if lines:
        layout.add_lines(lines, reserve_blocks=1)
    layout.add(
        b.context(
            "Sign off: `/ready signoff <category>[: note]` · owners: `/ready category <name> owner @name`"
        )
    )
    return layout.blocks
