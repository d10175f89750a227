"""The App Home tab (`views.publish`), by role. Pure; at most 100 blocks.

Top: when it was updated, and Status / Add item for the first launch. Per launch: the
verdict and score with the reasons as counts; for its owner (and admins) what needs them
(blockers, critical items nobody owns, overdue items); for everyone their own open items.
Every item row has the same one menu as in status and lists. Never a 🎉 while the launch
is NO-GO.
"""

from __future__ import annotations

from typing import Any

from bot.render import blocks as b
from bot.render import ids, plan_lines
from bot.render import mrkdwn as md
from bot.render.decision_lines import category_line, signoff_summary
from bot.render.items import Rows, brief_line, item_line, progress
from bot.render.status import verdict_label, verdict_line
from commands import wording
from commands.home import HomeLaunch, HomeReply
from commands.scoring import Call
from commands.text import plural

PER_LAUNCH_BLOCKS = 8  # header, summary, actions, a few rows, "more", divider


def home_view(reply: HomeReply) -> dict[str, Any]:
    """`{"type": "home", "blocks": [...]}`; a getting-started view when there are no launches."""
    if not reply.launches:
        return {"type": "home", "blocks": getting_started()}
    layout = b.Layout(b.MAX_VIEW_BLOCKS, b.VIEW_TEXT_BUDGET)
    zone = reply.launches[0].launch.timezone  # the first launch's time, as its status says
    updated = f"{wording.moment(reply.updated_at, zone)} {md.inline(zone, 60)}"
    layout.add(b.context(f"Updated {updated} · `/ready help`"))
    for index, section in enumerate(reply.launches):
        later = len(reply.launches) - index - 1
        _launch(layout, section, reserve=later * PER_LAUNCH_BLOCKS + 1, viewer=reply.user_id)
    if reply.more_launches:
        layout.add(
            b.context(
                f"+{plural(reply.more_launches, 'more launch', 'more launches')} — `/ready launches`"
            )
        )
    return {"type": "home", "blocks": layout.blocks}


def _launch(layout: b.Layout, home: HomeLaunch, *, reserve: int, viewer: str) -> None:
    launch, verdict, today = home.launch, home.verdict, home.today
    fixed = {"reserve_blocks": reserve}
    launch_id = str(launch.id)
    layout.add(
        b.header(launch.name, suffix=f" — {verdict_label(verdict)}"),
        b.section(
            f"*{plan_lines.scores(home.score, home.plan)}* {progress(home.score)}\n"
            f"{verdict_line(verdict)}"
            + (
                f"\n{md.text(go)}"
                if (go := plan_lines.path_to_go_short(home.plan.path_to_go))
                else ""
            )
            + (f"\n{md.text(signed)}" if (signed := signoff_summary(home.signoffs)) else "")
        ),
        b.actions(
            [
                b.button("Status", ids.ACTION_OPEN_STATUS, launch_id, style="primary"),
                b.button("Add item", ids.ACTION_OPEN_ADD_ITEM, launch_id),
            ],
            block_id=f"launch:{launch_id}",
        ),
        **fixed,
    )
    for state in home.signoffs:
        # The viewer's own categories, waiting for their sign-off.
        if state.owner == viewer and not state.signed:
            row = b.section(f"✍️ {md.text(category_line(state, launch.timezone))}")
            row["accessory"] = b.button(
                "Sign off", ids.ACTION_SIGN_OFF, ids.signoff_value(launch.id, state.category)
            )
            layout.add(row, **fixed)
    rows = Rows(layout, reserve_blocks=reserve + 2)

    def more(count: int, listing: str) -> None:
        """Say what a group left out, and how to see it all."""
        shown = rows.close()
        if count > shown and not rows.full:
            layout.add(b.context(f"+{count - shown:,} more — `/ready list {listing}`"), **fixed)

    rows.close()
    if home.owner_view:
        heading = f"*Blocked ({home.blocked_count:,})*\n"
        for brief in home.blockers:
            line = brief_line(brief, today, reason=True) + _dependencies(home, brief.key)
            if rows.brief(brief, launch.id, heading + line):
                heading = ""
        more(home.blocked_count, "blocked")
        heading = f"*Critical, nobody owns it ({home.unowned_critical_count:,})*\n"
        for item in home.unowned_critical:
            if rows.item(item, heading + item_line(item, today), launch_id=launch.id):
                heading = ""
        more(home.unowned_critical_count, "unassigned")
        heading = f"*Overdue ({home.overdue_count:,})*\n"
        above = 0  # overdue items already shown as blocked or unowned
        for brief in home.overdue:
            if rows.showing(launch.id, brief.key):
                above += 1
            elif rows.brief(
                brief,
                launch.id,
                heading + brief_line(brief, today) + _dependencies(home, brief.key),
            ):
                heading = ""
        more(home.overdue_count - above, "overdue")
    heading = f"*Your open items ({home.mine_count:,})*\n"
    above = 0  # the viewer's items already shown as blocked, unowned or overdue
    for item in home.mine:
        if rows.showing(launch.id, item.key):
            above += 1
        elif rows.item(item, heading + item_line(item, today), launch_id=launch.id):
            heading = ""
    if not home.mine:
        rows.close()
        layout.add(b.section(_nothing_of_yours(home)), **fixed)
    elif above == len(home.mine):  # every one of them is a row above
        rows.close()
        rest = home.mine_count - above
        tail = f" · +{rest:,} more — `/ready list mine`" if rest else ""
        layout.add(
            b.section(f"*Your open items ({home.mine_count:,}):* shown above{tail}"), **fixed
        )
    else:
        more(home.mine_count - above, "mine")
    layout.add(b.divider(), **fixed)


def _nothing_of_yours(home: HomeLaunch) -> str:
    if home.verdict.call == Call.NO_GO:
        return (
            "*Your open items:* none in this launch, but it is NO-GO: "
            f"{md.text(home.verdict.counts)}."
        )
    return "*Your open items:* none in this launch. 🎉"


def getting_started() -> list[dict[str, Any]]:
    return [
        b.header("Welcome to readybot 👋"),
        b.section(
            "readybot keeps your launch's production-readiness checklist live in Slack: "
            "a score, a GO / NO-GO verdict and who is on what."
        ),
        b.section(
            "*Get started*\n"
            "• Create a launch in its channel: `/ready launch new Checkout v2 date dec 1`\n"
            "• Or import an assessment you already have: `/ready import &lt;markdown&gt;`\n"
            "• Then add items: `/ready add Configure SSL #security !critical @alice`\n"
            "• Everything else: `/ready help`"
        ),
    ]


def _dependencies(home: HomeLaunch, key: str) -> str:
    """` · waits for DNS · holds up SSL and CDN` for a row, or ""."""
    plan = home.plan
    return md.text(plan_lines.waits_for_tail(plan, key) + plan_lines.holds_up_tail(plan, key))
