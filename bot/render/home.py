"""The App Home tab (`views.publish`): per launch, the verdict, the blockers and the viewer's
own open items with their buttons. Pure; at most 100 blocks whatever the workspace holds.

HomeReply carries no date, so due dates show as dates unless the edge passes `today`.
Blockers are listed without buttons (they are `ItemBrief`s and the list is about the
launch); the viewer's items (`ItemView`s) get buttons while the block budget allows, the
rest of them show as plain lines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.render import blocks as b
from bot.render import mrkdwn as md
from bot.render.items import Rows, brief_line, item_line
from bot.render.status import bar, verdict_label
from commands.home import HomeLaunch, HomeReply
from commands.text import plural

PER_LAUNCH_BLOCKS = 6  # header, score, blockers, items, "more", divider
HOME_BUTTON_ROWS = 10


def home_view(reply: HomeReply, *, today: date | None = None) -> dict[str, Any]:
    """`{"type": "home", "blocks": [...]}`; a getting-started view when there are no launches."""
    if not reply.launches:
        return {"type": "home", "blocks": getting_started()}
    layout = b.Layout(b.MAX_VIEW_BLOCKS, b.VIEW_TEXT_BUDGET)
    for index, section in enumerate(reply.launches):
        later = len(reply.launches) - index - 1
        _launch(layout, section, today, reserve=later * PER_LAUNCH_BLOCKS + 1)
    if reply.more_launches:
        layout.add(
            b.context(
                f"+{plural(reply.more_launches, 'more launch', 'more launches')} — `/ready launches`"
            )
        )
    return {"type": "home", "blocks": layout.blocks}


def _launch(layout: b.Layout, home: HomeLaunch, today: date | None, *, reserve: int) -> None:
    launch, verdict = home.launch, home.verdict
    fixed = {"reserve_blocks": reserve}
    layout.add(
        b.header(launch.name, suffix=f" — {verdict_label(verdict.go)}"),
        b.section(
            f"*{home.score}/100 ready* {bar(home.score)}\n"
            f"*Why {verdict.label}:* {md.text('; '.join(verdict.reasons))}"
        ),
        **fixed,
    )
    if home.blocked_count:
        lines = [f"*Blocked ({home.blocked_count:,})*"]
        lines += [brief_line(i, today, reason=True) for i in home.blockers]
        if home.blocked_count > len(home.blockers):
            lines.append(f"… and {home.blocked_count - len(home.blockers):,} more")
        layout.add_lines(lines, reserve_blocks=reserve + 2)
    if not home.mine:
        layout.add(b.section("*Your open items*\nYou have no open items here. 🎉"), **fixed)
    else:
        rows = Rows(layout, buttons=HOME_BUTTON_ROWS, reserve_blocks=reserve + 2)
        for i, item in enumerate(home.mine):
            line = item_line(item, today)
            heading = f"*Your open items ({home.mine_count:,})*\n"
            rows.item(item, heading + line if i == 0 else line)
        hidden = home.mine_count - rows.close()
        if hidden > 0:
            layout.add(b.context(f"+{hidden:,} more — `/ready list mine`"), **fixed)
    layout.add(b.divider(), **fixed)


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
