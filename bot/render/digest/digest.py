"""Digests and reminders as Slack messages and as terminal text. Pure: no database, no
Slack calls.

- `render_digest(digest, templates) -> SlackMessage`: the full daily digest
  (`digest.mrkdwn.j2` → blocks, `digest.text.j2` → fallback `text`);
- `render_unchanged(digest, templates) -> SlackMessage`: the one-line "no change" post
  (`unchanged.*.j2`), for when `digest.unchanged`;
- `render_daily(digest, templates)`: whichever of the two `digest.unchanged` calls for;
- `render_digest_text` / `render_unchanged_text`: the plain text, for the console;
- `render_reminder` / `render_reminder_text`: the overdue-items DM (see `reminder`).

Every message has at least one block, at most 50, and stays within the text budget of
`bot.render.blocks` (see `blockify`); its `text` is the plain rendering, escaped and
at most 3,000 chars (`bot.render.messages.fallback`).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.render import blocks as b
from bot.render import ids
from bot.render.digest.context import digest_context
from bot.render.digest.output import message, tidy
from bot.render.digest.reminder import render_reminder, render_reminder_text
from bot.render.digest.templating import Templates
from bot.render.messages import SlackMessage
from commands.digests.model import Digest

__all__ = [
    "render_daily",
    "render_digest",
    "render_digest_text",
    "render_reminder",
    "render_reminder_text",
    "render_unchanged",
    "render_unchanged_text",
]


def status_actions(digest: Digest) -> Callable[[str], b.Block | None]:
    """`<<actions status>>` in a digest template: an "Open status" button for the launch."""

    def build(arg: str) -> b.Block | None:
        if arg != "status":
            return None
        launch = str(digest.launch.id)
        return b.actions(
            [b.button("Open status", ids.ACTION_OPEN_STATUS, launch, style="primary")],
            block_id=f"digest_status:{launch}",
        )

    return build


def render_digest(digest: Digest, templates: Templates) -> SlackMessage:
    return message(templates, "digest", digest_context(digest), actions=status_actions(digest))


def render_unchanged(digest: Digest, templates: Templates) -> SlackMessage:
    return message(templates, "unchanged", digest_context(digest))


def render_daily(digest: Digest, templates: Templates) -> SlackMessage:
    return (render_unchanged if digest.unchanged else render_digest)(digest, templates)


def render_digest_text(digest: Digest, templates: Templates) -> str:
    return tidy(templates.render("digest", "text", digest_context(digest)))


def render_unchanged_text(digest: Digest, templates: Templates) -> str:
    return tidy(templates.render("unchanged", "text", digest_context(digest)))
