"""Unfurls of readybot's own links (`commands.links`): a launch's verdict and score, or an
item's title, status, owner and due date, compact enough for a glance. Pure.

`unfurl_blocks` gives the blocks for one link's `chat.unfurl` entry; user text (names,
titles) is escaped like everywhere else.
"""

from __future__ import annotations

from bot.render import blocks as b
from bot.render import mrkdwn as md
from bot.render import plan_lines
from bot.render.items import STATUS_EMOJI
from bot.render.status import VERDICT_MARK, target_text
from commands import wording
from commands.links import ItemUnfurl, Unfurl
from commands.replies import StatusReply
from commands.text import plural
from commands.transitions import describe_status


def unfurl_blocks(found: Unfurl) -> list[b.Block]:
    """Two blocks: what it is and how it stands, then one line of facts."""
    if isinstance(found, StatusReply):
        return _launch(found)
    return _item(found)


def _launch(reply: StatusReply) -> list[b.Block]:
    report = reply.report
    score, verdict = report.score, report.verdict
    name = md.bold(md.inline(reply.launch.name, 200))
    reasons = f": {md.text(verdict.counts)}" if verdict.reasons else ""
    lines = [
        f"🚀 {name} · *{VERDICT_MARK[verdict.call]}*{reasons}",
        f"*{md.text(plan_lines.scores(score.percent, report.plan))}* · "
        f"{score.ready:,} of {plural(score.total, 'item')} done or waived",
    ]
    target = reply.launch.target_date
    facts = [
        f"🎯 Target {md.text(target_text(reply.launch, reply.today))}"
        if target
        else "🎯 No target date"
    ]
    if report.overdue_count:
        facts.append(f"{plural(report.overdue_count, 'item')} overdue")
    return [b.section("\n".join(lines)), b.context(" · ".join(facts))]


def _item(found: ItemUnfurl) -> list[b.Block]:
    item, today = found.item, found.today
    line = (
        f"{STATUS_EMOJI[item.status]} {md.code(md.inline(item.key, 40))} "
        f"{md.bold(md.inline(item.title, 300))}"
    )
    status = describe_status(item.status)
    if item.claimed:
        status += " (claimed, not verified)"
    facts = [
        md.text(status),
        f"owner {md.mention(item.owner)}" if item.owner else "no owner",
        md.text(wording.due(item.due_date, today)) if item.due_date else "no due date",
        f"{md.inline(item.priority.value, 20)} · {md.inline(item.category, 100)}",
        "in " + md.bold(md.inline(found.launch.name, 200)),
    ]
    if item.blocked_reason and item.status.value == "blocked":
        line += "\nWaiting on: " + md.inline(item.blocked_reason, 300)
    return [b.section(line), b.context(" · ".join(facts))]
