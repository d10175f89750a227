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
from bot.render import decision_blocks, ids, info
from bot.render import mrkdwn as md
from bot.render import text as render_text
from bot.render.items import STATUS_EMOJI, item_row
from bot.render.listing import list_blocks
from bot.render.plan_lines import still_needs_note
from bot.render.status import status_blocks
from commands import replies as r
from commands import wording
from commands.text import user
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
    """The top-level `text` (notifications, screen readers): Slack parses it as mrkdwn, so it
    is escaped; people (user markers, typed mentions) are real mentions; ≤ 3000 chars."""
    return md.fit(plain_text.strip(), FALLBACK_LIMIT, md.text) or "readybot"


@dataclass(frozen=True)
class Notice:
    """What a click just did, shown first in the message it refreshed ("✅ You marked
    `SSL` done"), with Undo while the change can be undone."""

    line: str  # finished mrkdwn
    undo_event: int | None = None


def render_message(
    reply: r.Reply, *, more_value: str | None = None, notice: Notice | None = None
) -> SlackMessage:
    """Render any reply. `more_value` (from `ids.list_more_value`) adds "Next page" to an item
    list with further pages; other replies ignore it. `notice` goes first. Raises TypeError
    for unknown types."""
    if isinstance(reply, r.ItemListReply):
        blocks = list_blocks(reply, more_value)
    elif isinstance(reply, r.StatusReply):
        blocks = status_blocks(reply)
    else:
        layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
        _blocks(reply, layout)
        blocks = layout.blocks
    message = SlackMessage(fallback(headline(reply)), blocks)
    return with_notice(message, notice) if notice else message


def with_notice(message: SlackMessage, notice: Notice) -> SlackMessage:
    """The message with `notice` as its first block (its last block makes room if need be)."""
    block = b.section(notice.line)
    if notice.undo_event is not None:
        block["accessory"] = b.button("Undo", ids.ACTION_UNDO, str(notice.undo_event))
    blocks = [block, *message.blocks][: b.MAX_MESSAGE_BLOCKS]
    text = fallback(md.unmention(notice.line.replace("*", ""))) + "\n" + message.text
    return SlackMessage(text[:FALLBACK_LIMIT], blocks)


def headline(reply: r.Reply) -> str:
    """A reply's fallback text: its first lines as plain text, people kept as markers."""
    match reply:
        case r.StatusReply(launch=launch, report=report):
            verdict = report.verdict
            why = f": {verdict.counts}" if verdict.reasons else ""
            return f"{launch.name}: {verdict.label}{why} · {report.score.percent}/100 ready"
        case r.ItemChanged():
            detail = f" — {reply.detail}" if reply.detail and reply.action != "undone" else ""
            cleared = " (this cleared its block)" if reply.cleared is not None else ""
            return (
                f"{actor_text(reply.actor, reply.actor_name)} {_plain_verb(reply)} "
                f"{reply.item.key} “{reply.item.title}”{detail}{cleared}"
            )
        case r.LaunchReply():
            return render_text.render(reply, markers=True).splitlines()[0].removeprefix("✓ ")
        case r.Message(text=text):
            return text
        case r.ErrorReply(message=message):
            return f"⚠️ {message}"
        case _:
            return render_text.render(reply, markers=True)


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
    if reply.retries and len(reply.retries) == len(reply.candidates):
        _candidate_buttons(reply, layout)
    for heading, found in (
        ("It could be:", () if reply.retries else reply.candidates),
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


CANDIDATE_BUTTONS = 5


def _candidate_buttons(reply: r.ErrorReply, layout: b.Layout) -> None:
    """One button per candidate, applying the command as typed to that item."""
    pairs = list(zip(reply.candidates, reply.retries, strict=True))[:CANDIDATE_BUTTONS]
    lines = [f"{md.code(md.inline(c.key, 40))} {md.inline(c.title, TITLE_LIMIT)}" for c, _ in pairs]
    layout.add(b.section("*Which one?*\n" + "\n".join(lines)))
    buttons = [
        b.button(c.key, f"{ids.ACTION_CANDIDATE}:{n}", retry)
        for n, (c, retry) in enumerate(pairs)
        if len(retry) <= 1900
    ]
    if buttons:
        layout.add(b.actions(buttons, block_id="candidates"))
    if len(reply.candidates) > CANDIDATE_BUTTONS:
        layout.add(
            b.context(f"… and {len(reply.candidates) - CANDIDATE_BUTTONS:,} more: type the key")
        )


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
def _(reply: r.CategoryOwnerReply, layout: b.Layout) -> None:
    decision_blocks.category_owner_blocks(reply, layout)


@_blocks.register
def _(reply: r.SignoffReply, layout: b.Layout) -> None:
    decision_blocks.signoff_blocks(reply, layout)


@_blocks.register
def _(reply: r.SignoffsReply, layout: b.Layout) -> None:
    decision_blocks.signoffs_blocks(reply, layout)


@_blocks.register
def _(reply: r.CallReply, layout: b.Layout) -> None:
    decision_blocks.call_reply_blocks(reply, layout)


@_blocks.register
def _(reply: r.DecisionReply, layout: b.Layout) -> None:
    decision_blocks.decision_blocks(reply, layout)


@_blocks.register
def _(reply: r.TokenReply, layout: b.Layout) -> None:
    decision_blocks.token_blocks(reply, layout)


@_blocks.register
def _(reply: r.ExportReply, layout: b.Layout) -> None:
    info.export_blocks(reply, layout)


# -- changes -----------------------------------------------------------------------------


def actor_text(actor: str, name: str | None) -> str:
    """The actor named without a ping: their Slack name, else a mention marker."""
    return name if name else user(actor)


def _plain_verb(change: r.ItemChanged) -> str:
    item = change.item
    match change.action:
        case "created":
            return "added"
        case "done":
            return "marked done"
        case "reblocked":
            return "changed the block on"
        case "assigned":
            return f"assigned {user(item.owner or '')} to"
        case "due" if item.due_date:
            return f"set the due date ({wording.day(item.due_date)}) of"
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
        case "evidence":
            return "added evidence to"
        case "verify_every":
            return "set a maximum evidence age for"
        case "stability":
            return "set a stability window for"
        case "evidence_expired":
            return "reopened (evidence too old)"
        case "undone":
            return f"{change.detail or 'undid a change to'} on"
        case action:
            return action  # started, blocked, unblocked, reopened, waived, …


def _change_verb(change: r.ItemChanged) -> str:
    return md.text(_plain_verb(change))


def change_line(change: r.ItemChanged, *, viewer: str | None = None) -> str:
    """`✅ alice marked done `SSL` Configure SSL/TLS certificates — cert installed`.

    The actor is named, not pinged ("You" for the viewer); the owner is pinged only when the
    change needs them: their item was blocked by someone else, or it was given to them."""
    item = change.item
    who = "You" if viewer == change.actor else md.text(actor_text(change.actor, change.actor_name))
    line = (
        f"{STATUS_EMOJI[item.status]} {who} {_change_verb(change)} "
        f"{md.code(md.inline(item.key, 40))} {md.inline(item.title, TITLE_LIMIT)}"
    )
    if change.detail and change.action != "undone":
        line += f" — {md.inline(change.detail, DETAIL_LIMIT)}"
    if change.cleared is not None:
        reason = f" ({md.inline(change.cleared, DETAIL_LIMIT)})" if change.cleared else ""
        line += f"\nThis cleared its block{reason}."
    if change.still_needs:
        line += "\n⚠️ " + md.text(still_needs_note(change.still_needs))
    if change.action in ("blocked", "reblocked") and item.owner and item.owner != change.actor:
        line += f" · {md.mention(item.owner)}"
    return line


def removed_line(reply: r.ItemRemoved) -> str:
    item = reply.item
    return (
        f"🗑️ {md.mention(reply.actor)} removed {md.code(md.inline(item.key, 40))} "
        f"{md.inline(item.title, TITLE_LIMIT)}"
    )


def launch_line(reply: r.LaunchReply) -> str:
    name = md.bold(md.inline(reply.launch.name, 200))
    actor = md.text(actor_text(reply.actor, reply.actor_name))
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
    first = b.section(change_line(reply, viewer=reply.actor))
    if reply.event_id is not None and reply.action not in ("created", "undone"):
        first["accessory"] = b.button("Undo", ids.ACTION_UNDO, str(reply.event_id))
    details = [md.inline(item.category, 100), item.priority.value, describe_status(item.status)]
    if item.owner:
        details.append(f"owner {md.mention(item.owner)}")
    if item.due_date:
        details.append(wording.due(item.due_date, None))
    if item.scenarios:
        details.append("required for: " + md.inline(", ".join(item.scenarios), 200))
    layout.add(first, item_row(item, " · ".join(details)))


@_blocks.register
def _(reply: r.ItemRemoved, layout: b.Layout) -> None:
    layout.add(b.section(removed_line(reply) + " (its history stays in the audit log)"))


@_blocks.register
def _(reply: r.LaunchReply, layout: b.Layout) -> None:
    launch = reply.launch
    target = (
        wording.day(launch.target_date)
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
        target = wording.day(s.launch.target_date) if s.launch.target_date else "no date"
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
    (`change.announce`): a single section, no buttons. The actor is named, not pinged."""
    match change:
        case r.ItemChanged():
            line, plain = change_line(change), headline(change)
        case r.ItemRemoved():
            line = removed_line(change)
            plain = f"{user(change.actor)} removed {change.item.key} “{change.item.title}”"
        case r.LaunchReply():
            line = launch_line(change)
            plain = headline(change)
        case _:
            raise TypeError(f"no announcement for {type(change).__name__}")
    return SlackMessage(fallback(plain), [b.section(line)])
