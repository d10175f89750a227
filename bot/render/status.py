"""`/ready status` as Block Kit: the same content as the terminal rendering, with buttons.

Layout (≤ 50 blocks whatever the launch): header with the verdict; score, bar, reasons and
what-if; target and forecast; per-category bars (capped); blocked, critical, overdue and
next-due items, the first `STATUS_BUTTON_ROWS` distinct ones with item buttons (they are
`ItemBrief`s, so their buttons carry `key:<launch id>:<KEY>`); notes; Refresh / Add item /
Open items.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.render import blocks as b
from bot.render import ids
from bot.render import mrkdwn as md
from bot.render.items import Rows, brief_line
from bot.render.text import forecast_text
from commands import replies as r
from commands.scoring import CategoryScore, ItemBrief
from commands.text import plural
from storage.vocabulary import ItemFilter

STATUS_BUTTON_ROWS = 8
GROUP_LINES = 8  # per group, so that one long group cannot crowd out the others
CATEGORY_LINES = 12
BAR_WIDTH = 10


def bar(percent: int, width: int = BAR_WIDTH) -> str:
    """A text progress bar in inline code, e.g. `▓▓▓▓▓▓░░░░`."""
    filled = max(0, min(width, round(width * percent / 100)))
    return md.code("▓" * filled + "░" * (width - filled))


def verdict_label(go: bool) -> str:
    return "✅ GO" if go else "⛔ NO-GO"


def target_text(reply: r.StatusReply) -> str:
    d, target = reply.report.days_to_target, reply.launch.target_date
    if d is None or target is None:
        return "no target date (`/ready launch date <date>`)"
    when = f"{d} days to go" if d > 0 else ("today" if d == 0 else f"{-d} days ago")
    return f"{target:%a %b %d, %Y} ({when})"


def score_text(reply: r.StatusReply) -> str:
    score, verdict = reply.report.score, reply.report.verdict
    lines = [
        f"*{score.percent}/100 ready* {bar(score.percent)} "
        f"{score.ready} of {plural(score.total, 'item')} done or waived",
        f"*Why {verdict.label}:* " + md.text("; ".join(verdict.reasons)),
    ]
    if reply.what_if:
        w = reply.what_if
        keys = ", ".join(md.code(md.inline(i.key, 40)) for i in w.items[:10])
        lines.append(
            f"*What if* {keys} *were done:* {score.percent}/100 now → "
            f"*{w.score.percent}/100*, {verdict_label(w.verdict.go)}"
        )
    return "\n".join(lines)


def category_text(categories: Sequence[CategoryScore]) -> str:
    lines = ["*By category*"] + [
        f"{bar(c.percent)} {c.percent:>3}%  {md.inline(c.category, 40)} ({c.ready}/{c.total})"
        for c in categories[:CATEGORY_LINES]
    ]
    if len(categories) > CATEGORY_LINES:
        more = len(categories) - CATEGORY_LINES
        lines.append(f"+{plural(more, 'more category', 'more categories')}")
    return "\n".join(lines)


def _groups(report: r.StatusReport) -> list[tuple[str, tuple[ItemBrief, ...], int, bool]]:
    """(heading, items, how many there are in all, show blocked reasons)."""
    concerns = report.concerns
    groups = [
        ("Blocked", concerns.blocked, concerns.blocked_count, True),
        ("Critical and open", concerns.open_critical, concerns.open_critical_count, False),
        ("Overdue", report.overdue, report.overdue_count, False),
        ("Next due", report.next_due, len(report.next_due), False),
    ]
    return [g for g in groups if g[2]]


def notes_text(reply: r.StatusReply) -> list[str]:
    report, notes = reply.report, []
    if report.expired_waivers:
        notes.append(f"{plural(report.expired_waivers, 'waiver')} expired (counted as open)")
    if report.not_required:
        scenario = md.inline(reply.launch.scenario, 40)
        notes.append(
            f"{plural(report.not_required, 'item')} not required for a {scenario} launch (not counted)"
        )
    return notes


def footer(launch_id: int) -> b.Block:
    launch = str(launch_id)
    return b.actions(
        [
            b.button("Refresh", ids.ACTION_STATUS_REFRESH, launch),
            b.button("Add item", ids.ACTION_OPEN_ADD_ITEM, launch),
            b.button(
                "Open items",
                ids.ACTION_LIST_MORE,
                ids.list_more_value(ItemFilter.OPEN.value, None, 1, launch_id),
            ),
        ],
        block_id=ids.BLOCK_STATUS_ACTIONS,
    )


def status_blocks(reply: r.StatusReply) -> list[b.Block]:
    """The status message's blocks; at most 50 and within the message text budget."""
    launch, report, today = reply.launch, reply.report, reply.today
    layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
    end = footer(launch.id)
    notes = notes_text(reply)
    reserve = {"reserve_blocks": 2 if notes else 1, "reserve_text": 600}
    layout.add(
        b.header(launch.name, suffix=f" — {verdict_label(report.verdict.go)}"),
        b.section(score_text(reply)),
        b.context(
            f"🎯 Target: {md.text(target_text(reply))}",
            f"📈 Forecast: {md.text(forecast_text(report))}",
        ),
        **reserve,
    )
    if report.score.categories:
        layout.add(b.section(category_text(report.score.categories)), **reserve)
    rows = Rows(layout, buttons=STATUS_BUTTON_ROWS, **reserve)
    for heading, briefs, count, reasons in _groups(report):
        for i, brief in enumerate(briefs[:GROUP_LINES]):
            line = brief_line(brief, today, reason=reasons)
            rows.brief(brief, launch.id, f"*{heading} ({count:,})*\n{line}" if i == 0 else line)
        if count > min(len(briefs), GROUP_LINES):
            rows.text(f"… and {count - min(len(briefs), GROUP_LINES):,} more")
    rows.close()
    if notes:
        layout.add(b.context(*(f"Note: {n}" for n in notes)), reserve_blocks=1)
    layout.add(end)
    return layout.blocks
