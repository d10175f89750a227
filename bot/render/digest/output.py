"""A rendered template pair as a Slack message: `<name>.mrkdwn.j2` → blocks (see `blockify`),
`<name>.text.j2` → the fallback `text`. Shared by digests and reminders."""

from __future__ import annotations

from typing import Any

from bot.render import blocks as b
from bot.render.digest.blockify import ActionsBuilder, to_blocks
from bot.render.digest.templating import Templates
from bot.render.messages import SlackMessage, fallback


def message(
    templates: Templates,
    name: str,
    context: dict[str, Any],
    *,
    actions: ActionsBuilder | None = None,
) -> SlackMessage:
    """Blocks from the mrkdwn template (`actions` builds `<<actions …>>` blocks), `text`
    from the text template, escaped and ≤ 3,000 chars. A mrkdwn template that yields no
    blocks gets one section showing the text, so a message always has a block."""
    text = fallback(tidy(templates.render(name, "text", context)))
    blocks = to_blocks(templates.render(name, "mrkdwn", context), actions=actions)
    return SlackMessage(text, blocks or [b.section(text)])


def tidy(text: str) -> str:
    """Template text without trailing spaces or runs of blank lines, ending in one newline."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"
