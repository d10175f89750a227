"""Monitor alerts as Slack messages: the alert when a monitor goes down (with Acknowledge,
Snooze and Open item), reminders and the recovery in its thread, certificate warnings, and
the updated original once the outage is acknowledged or over. Pure."""

from __future__ import annotations

from datetime import datetime

from bot.render import blocks as b
from bot.render import mrkdwn as md
from bot.render.messages import SlackMessage, fallback
from commands import wording
from commands.monitors.alerts import AlertFacts
from commands.text import user

ACTION_ACK = "monitor_ack"  # value: monitor id; opens a modal asking why
ACTION_SNOOZE = "monitor_snooze"  # an overflow; option values "<monitor id>:<seconds>"
ACTION_OPEN_ITEM = "monitor_open_item"  # value: item id; opens the item's history
CALLBACK_ACK = "monitor_ack"
BLOCK_ACK_REASON, ACTION_ACK_REASON = "ack_reason", "ack_reason_input"
SNOOZES = ((3600, "Snooze 1 hour"), (4 * 3600, "Snooze 4 hours"), (86400, "Snooze 1 day"))
ICONS = {"down": "🔴", "up": "✅", "reminder": "⏰", "warning": "⚠️", "acknowledged": "👀"}


def _duration(seconds: float) -> str:
    return wording.duration(seconds)


def _detail(alert: AlertFacts, text: str | None = None) -> str:
    """The check's finding with the monitor's own name (its URL) said once: the headline
    names the item, the context names the monitor, so `GET https://…/health` reads
    `GET /health` here."""
    detail = text if text is not None else alert.detail
    name = alert.monitor_name
    if name.startswith(("http://", "https://")):
        path = "/" + name.split("://", 1)[1].partition("/")[2]
        detail = detail.replace(name, path.rstrip("/") or "/")
    return md.inline(detail, 1500)


def _since(alert: AlertFacts) -> str:
    if alert.down_since is None:
        return ""
    local = wording.moment(alert.down_since, alert.timezone, alert.at.date())
    checks = f"{alert.failures} checks" if alert.failures > 1 else "failing"
    return f" · {checks} since {local.removeprefix('today ')}"


def _owner(alert: AlertFacts) -> str:
    return f" · {md.mention(alert.item_owner)}" if alert.item_owner else ""


def _headline(alert: AlertFacts) -> str:
    """Impact first: what it blocked, what failed, since when, and who owns it."""
    key = md.code(md.inline(alert.item_key, 40)) if alert.item_key else None
    name = md.bold(md.inline(alert.monitor_name, 200))
    if alert.kind == "down":
        if key and alert.item_blocked:
            return f"{ICONS['down']} {key} blocked: {_detail(alert)}{_since(alert)}{_owner(alert)}"
        subject = key or name
        return (
            f"{ICONS['down']} {subject} is failing: {_detail(alert)}{_since(alert)}{_owner(alert)}"
        )
    if alert.kind == "up":
        took = (
            f" after {_duration((alert.at - alert.down_since).total_seconds())}"
            if alert.down_since
            else ""
        )
        if key:
            unblocked = " unblocked" if alert.item_blocked else " is back"
            return f"{ICONS['up']} {key}{unblocked}: {name} recovered{took} — {_detail(alert)}"
        return f"{ICONS['up']} {name} recovered{took}: {_detail(alert)}"
    if alert.kind == "reminder":
        since = (
            f" for {_duration((alert.at - alert.down_since).total_seconds())}"
            if alert.down_since
            else ""
        )
        subject = (
            f"{key} is still blocked" if key and alert.item_blocked else f"{name} is still down"
        )
        return f"{ICONS['reminder']} {subject}{since}: {_detail(alert)}{_owner(alert)}"
    return f"{ICONS['warning']} {key + ' · ' if key else ''}{name}: {_detail(alert)}"


def _context(alert: AlertFacts) -> str:
    """Which monitor, in which launch, and what the transition did to the verdict."""
    parts = [f"Monitor {md.inline(alert.monitor_name, 300)}", md.inline(alert.launch_name, 100)]
    if alert.verdict_was and alert.verdict_now:
        parts.append(
            f"verdict {md.inline(alert.verdict_was, 30)} → *{md.inline(alert.verdict_now, 30)}*"
        )
    return " · ".join(parts)


def alert_message(alert: AlertFacts) -> SlackMessage:
    blocks = [b.section(_headline(alert))]
    notes = [_context(alert)]
    if alert.acknowledged_by:
        reason = f": {md.inline(alert.ack_reason, 300)}" if alert.ack_reason else ""
        notes.append(
            f"{ICONS['acknowledged']} Acknowledged by {md.mention(alert.acknowledged_by)}{reason}"
        )
    if notes:
        blocks.append(b.context(*notes))
    if alert.kind in ("down", "reminder"):
        buttons = (
            []
            if alert.acknowledged_by
            else [b.button("Acknowledge", ACTION_ACK, str(alert.monitor_id), style="primary")]
        )
        if alert.item_id is not None:
            buttons.append(b.button("Open item", ACTION_OPEN_ITEM, str(alert.item_id)))
        # One menu, not three buttons: action ids must be unique within a block.
        buttons.append(
            b.overflow(
                ACTION_SNOOZE,
                [(label, f"{alert.monitor_id}:{seconds}") for seconds, label in SNOOZES],
            )
        )
        blocks.append(b.actions(buttons, block_id=f"monitor:{alert.monitor_id}"))
    return SlackMessage(fallback(_plain(alert)), blocks)


def resolved_original(alert: AlertFacts, recovered_at: datetime) -> SlackMessage:
    """The outage's first alert, rewritten once it is over (no buttons left to press)."""
    took = (
        _duration((recovered_at - alert.down_since).total_seconds())
        if alert.down_since
        else "a while"
    )
    until = wording.moment(recovered_at, alert.timezone)
    subject = (
        md.code(md.inline(alert.item_key, 40))
        if alert.item_key
        else md.bold(md.inline(alert.monitor_name, 200))
    )
    text = f"{ICONS['up']} {subject}: down for {took}, until {until} — {_detail(alert)}"
    blocks = [b.section(text), b.context(_context(alert))]
    return SlackMessage(fallback(f"{alert.monitor_name} recovered: {alert.detail}"), blocks)


def ack_modal(monitor_id: int, monitor_name: str, metadata: str) -> dict:
    return {
        "type": "modal",
        "callback_id": CALLBACK_ACK,
        "title": {"type": "plain_text", "text": "Acknowledge"},
        "submit": {"type": "plain_text", "text": "Acknowledge"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": metadata,
        "blocks": [
            b.section(
                f"*{md.inline(monitor_name, 200)}* is down. Acknowledging stops the reminders for this outage."
            ),
            {
                "type": "input",
                "block_id": BLOCK_ACK_REASON,
                "label": {"type": "plain_text", "text": "Why (who is on it, what is known)"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ACTION_ACK_REASON,
                    "multiline": True,
                    "max_length": 500,
                },
            },
        ],
    }


def _plain(alert: AlertFacts) -> str:
    """The notification: the impact in words, with the owner as a real mention."""
    owner = f" · {user(alert.item_owner)}" if alert.item_owner else ""
    item = alert.item_key
    match alert.kind:
        case "down" if item and alert.item_blocked:
            return f"{item} blocked: {alert.detail}{owner}"
        case "down":
            return f"{item or alert.monitor_name} is failing: {alert.detail}{owner}"
        case "up":
            return f"{item or alert.monitor_name} recovered: {alert.detail}"
        case "reminder":
            return f"{item or alert.monitor_name} is still down: {alert.detail}{owner}"
    return f"{alert.monitor_name}: {alert.detail}"
