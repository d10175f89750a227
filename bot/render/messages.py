"""Reply models → Slack messages (blocks plus a plain-text fallback). Pure: no I/O.

`render_message(reply)` mirrors `bot.render.text.render` reply type by reply type. Every
message has at most 50 blocks, stays within the text budget in `blocks.py`, and carries a
top-level `text` fallback (the terminal rendering: people as `@id`, escaped, ≤ 3000 chars).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch
from typing import Any

from bot.render import blocks as b
from bot.render import ids, info
from bot.render import mrkdwn as md
from bot.render import text as render_text
from bot.render.items import STATUS_EMOJI, item_actions
from bot.render.listing import list_blocks
from bot.render.status import status_blocks
from commands import replies as r
from commands.transitions import describe_status

FALLBACK_LIMIT = 3000
TITLE_LIMIT = 120
DETAIL_LIMIT = 300


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` / `respond` need: fallback `text` and `blocks`."""

    text: str
    blocks: list[dict[str, Any]]


def fallback(plain_text: str) -> str:
    """The top-level `text`: plain, escaped (Slack parses it as mrkdwn), ≤ 3000 chars."""
    return md.fit(plain_text.strip(), FALLBACK_LIMIT, md.plain) or "readybot"


def render_message(reply: r.Reply, *, more_value: str | None = None) -> SlackMessage:
    """Render any reply. `more_value` (from `ids.list_more_value`) adds "Show more" to an item
    list with further pages; other replies ignore it. Raises TypeError for unknown types."""
    if isinstance(reply, r.ItemListReply):
        blocks = list_blocks(reply, more_value)
    elif isinstance(reply, r.StatusReply):
        blocks = status_blocks(reply)
    else:
        layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
        _blocks(reply, layout)
        blocks = layout.blocks
    return SlackMessage(fallback(render_text.render(reply)), blocks)


@singledispatch
def _blocks(reply: object, layout: b.Layout) -> None:
    raise TypeError(f"no Slack rendering for {type(reply).__name__}")


@_blocks.register
def _(reply: r.Message, layout: b.Layout) -> None:
    lines = md.text(reply.text).splitlines() or [""]
    if layout.add_lines(lines, reserve_blocks=1, reserve_text=100) < len(lines):
        layout.add(b.context("(shortened)"))


@_blocks.register
def _(reply: r.AlreadyApplied, layout: b.Layout) -> None:
    layout.add(b.section(md.text(reply.text)))


@_blocks.register
def _(reply: r.ErrorReply, layout: b.Layout) -> None:
    layout.add(b.section("⚠️ " + md.truncate(md.text(reply.message), 2900)))
    for heading, found in (
        ("It could be:", reply.candidates),
        ("Did you mean:", reply.suggestions),
    ):
        if found:
            lines = [
                f"{md.code(md.inline(c.key, 40))} {md.inline(c.title, TITLE_LIMIT)}"
                for c in found[:10]
            ]
            more = [f"… and {len(found) - 10:,} more"] if len(found) > 10 else []
            layout.add(b.section("\n".join([f"*{heading}*", *lines, *more])))
    if reply.usage:
        layout.add(b.context("Usage: " + md.code(md.inline(reply.usage, 1900))))


@_blocks.register
def _(reply: r.HelpReply, layout: b.Layout) -> None:
    info.help_blocks(reply, layout)


@_blocks.register
def _(reply: r.HistoryReply, layout: b.Layout) -> None:
    info.history_blocks(reply, layout)


@_blocks.register
def _(reply: r.ImportReply, layout: b.Layout) -> None:
    info.import_blocks(reply, layout)


@_blocks.register
def _(reply: r.ExportReply, layout: b.Layout) -> None:
    info.export_blocks(reply, layout)


# -- changes -----------------------------------------------------------------------------


def _change_verb(change: r.ItemChanged) -> str:
    item = change.item
    match change.action:
        case "created":
            return "added"
        case "done":
            return "marked done"
        case "reblocked":
            return "changed the block on"
        case "assigned":
            return f"assigned {md.mention(item.owner or '')} to"
        case "due" if item.due_date:
            return f"set the due date ({item.due_date:%Y-%m-%d}) of"
        case "due":
            return "cleared the due date of"
        case "noted":
            return "added a note to"
        case "priority":
            return f"made {item.priority.value}:"
        case "scoped":
            return "changed the scope of"
        case "imported":
            return "updated from an import"
        case action:
            return md.inline(action, 32)  # started, blocked, unblocked, reopened, waived, …


def change_line(change: r.ItemChanged) -> str:
    """`✅ <@U1> marked done `SSL` Configure SSL/TLS certificates — cert installed`"""
    item = change.item
    line = (
        f"{STATUS_EMOJI[item.status]} {md.mention(change.actor)} {_change_verb(change)} "
        f"{md.code(md.inline(item.key, 40))} {md.inline(item.title, TITLE_LIMIT)}"
    )
    if change.detail:
        line += f" — {md.inline(change.detail, DETAIL_LIMIT)}"
    return line


def removed_line(reply: r.ItemRemoved) -> str:
    item = reply.item
    return (
        f"🗑️ {md.mention(reply.actor)} removed {md.code(md.inline(item.key, 40))} "
        f"{md.inline(item.title, TITLE_LIMIT)}"
    )


def launch_line(reply: r.LaunchReply) -> str:
    name = md.bold(md.inline(reply.launch.name, 200))
    actor = md.mention(reply.actor)
    match reply.action:
        case "created":
            detail = f" ({md.text(reply.detail)})" if reply.detail else ""
            return f"🚀 {actor} created the launch {name}{detail}"
        case "bound":
            return f"📌 This channel now follows {name}"
        case "changed":
            return f"✏️ {actor} changed {name}: {md.truncate(md.text(reply.detail or ''), 500)}"
        case _:
            return name


@_blocks.register
def _(reply: r.ItemChanged, layout: b.Layout) -> None:
    item = reply.item
    details = [md.inline(item.category, 100), item.priority.value, describe_status(item.status)]
    if item.owner:
        details.append(f"owner {md.mention(item.owner)}")
    if item.due_date:
        details.append(f"due {item.due_date:%Y-%m-%d}")
    if item.scenarios:
        details.append("required for: " + md.inline(", ".join(item.scenarios), 200))
    layout.add(b.section(change_line(reply)), b.context(" · ".join(details)), item_actions(item))


@_blocks.register
def _(reply: r.ItemRemoved, layout: b.Layout) -> None:
    layout.add(b.section(removed_line(reply) + " (its history stays in the audit log)"))


@_blocks.register
def _(reply: r.LaunchReply, layout: b.Layout) -> None:
    launch = reply.launch
    target = (
        f"{launch.target_date:%Y-%m-%d}"
        if launch.target_date
        else "not set (`/ready launch date &lt;date&gt;`)"
    )
    owner = md.mention(launch.owner) if launch.owner else "nobody"
    lines = [
        f"*Target date:* {target}",
        f"*Scenario:* {md.inline(launch.scenario, 40)} · *Timezone:* "
        f"{md.inline(launch.timezone, 64)} · *Owner:* {owner}",
    ]
    if reply.action in ("shown", "bound"):
        lines.append(f"*Items:* {reply.item_count:,}")
    if launch.channels:
        shown = ", ".join(md.channel(c) for c in launch.channels[:20])
        more = f" and {len(launch.channels) - 20:,} more" if len(launch.channels) > 20 else ""
        lines.append(f"*Channels:* {shown}{more}")
    launch_id = str(launch.id)
    layout.add(
        b.section(launch_line(reply)),
        b.section("\n".join(lines)),
        b.actions(
            [
                b.button("Status", ids.ACTION_STATUS_REFRESH, launch_id),
                b.button("Add item", ids.ACTION_OPEN_ADD_ITEM, launch_id),
            ],
            block_id=ids.BLOCK_LAUNCH_ACTIONS,
        ),
    )


@_blocks.register
def _(reply: r.LaunchesReply, layout: b.Layout) -> None:
    if not reply.launches:
        layout.add(
            b.section(
                "No launches yet. Create one: `/ready launch new &lt;name&gt; [date &lt;date&gt;]`"
            )
        )
        return
    lines = []
    for s in reply.launches:
        marker = "→ " if s.launch.id == reply.current_id else ""
        target = f"{s.launch.target_date:%Y-%m-%d}" if s.launch.target_date else "no date"
        lines.append(
            f"{marker}{md.bold(md.inline(s.launch.name, 150))} — {s.score}% · "
            f"{s.open_items:,} open of {s.items:,} · {target}"
        )
    layout.add(b.section("*Launches*"))
    shown = layout.add_lines(lines, reserve_blocks=1, reserve_text=100)
    if shown < len(lines):
        layout.add(b.context(f"+{len(lines) - shown:,} more launches"))


# -- announcements -------------------------------------------------------------------------


def announcement(change: r.ItemChanged | r.ItemRemoved | r.LaunchReply) -> SlackMessage:
    """The one compact in-channel line for a change the channel should hear about
    (`change.announce`): a single section, no buttons."""
    match change:
        case r.ItemChanged():
            line, plain = change_line(change), render_text.describe_change(change)
        case r.ItemRemoved():
            line = removed_line(change)
            plain = f"@{change.actor} removed {change.item.key} “{change.item.title}”"
        case r.LaunchReply():
            line = launch_line(change)
            plain = render_text.render(change).splitlines()[0].removeprefix("✓ ")
        case _:
            raise TypeError(f"no announcement for {type(change).__name__}")
    return SlackMessage(fallback(plain), [b.section(line)])
