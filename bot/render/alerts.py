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

ACTION_ACK = "monitor_ack"  # value: monitor id; opens a modal asking why
ACTION_SNOOZE = "monitor_snooze"  # value: "<monitor id>:<seconds>"
ACTION_OPEN_ITEM = "monitor_open_item"  # value: item id; opens the item's history
CALLBACK_ACK = "monitor_ack"
BLOCK_ACK_REASON, ACTION_ACK_REASON = "ack_reason", "ack_reason_input"
SNOOZES = ((3600, "Snooze 1h"), (4 * 3600, "Snooze 4h"), (86400, "Snooze 1d"))
ICONS = {"down": "🔴", "up": "✅", "reminder": "⏰", "warning": "⚠️", "acknowledged": "👀"}


def _duration(seconds: float) -> str:
    return wording.duration(seconds)


def _headline(alert: AlertFacts) -> str:
    name = md.inline(alert.monitor_name, 200)
    detail = md.inline(alert.detail, 1500)
    if alert.kind == "down":
        return f"{ICONS['down']} *{name}* is down ({md.inline(alert.launch_name, 100)}): {detail}"
    if alert.kind == "up":
        took = (
            f" after {_duration((alert.at - alert.down_since).total_seconds())}"
            if alert.down_since
            else ""
        )
        return f"{ICONS['up']} *{name}* recovered{took}: {detail}"
    if alert.kind == "reminder":
        since = (
            f" for {_duration((alert.at - alert.down_since).total_seconds())}"
            if alert.down_since
            else ""
        )
        return f"{ICONS['reminder']} *{name}* is still down{since}: {detail}"
    return f"{ICONS['warning']} *{name}*: {detail}"


def _item_line(alert: AlertFacts) -> str | None:
    if not alert.item_key:
        return None
    state = (
        " (blocked by this monitor)"
        if alert.item_blocked and alert.kind in ("down", "reminder")
        else ""
    )
    if alert.kind == "up" and alert.item_blocked:
        state = " (unblocked)"
    return f"Checklist item `{md.inline(alert.item_key, 40)}`{state}"


def alert_message(alert: AlertFacts) -> SlackMessage:
    blocks = [b.section(_headline(alert))]
    notes = [line for line in (_item_line(alert),) if line]
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
        buttons += [
            b.button(label, ACTION_SNOOZE, f"{alert.monitor_id}:{seconds}")
            for seconds, label in SNOOZES
        ]
        if alert.item_id is not None:
            buttons.append(b.button("Open item", ACTION_OPEN_ITEM, str(alert.item_id)))
        blocks.append(b.actions(buttons, block_id=f"monitor:{alert.monitor_id}"))
    plain = f"{alert.monitor_name}: {alert.detail}"
    return SlackMessage(fallback(_plain_prefix(alert) + plain), blocks)


def resolved_original(alert: AlertFacts, recovered_at: datetime) -> SlackMessage:
    """The outage's first alert, rewritten once it is over (no buttons left to press)."""
    took = (
        _duration((recovered_at - alert.down_since).total_seconds())
        if alert.down_since
        else "a while"
    )
    text = (
        f"{ICONS['up']} *{md.inline(alert.monitor_name, 200)}* was down for {took} "
        f"(until {recovered_at:%b %d %H:%M} UTC): {md.inline(alert.detail, 1500)}"
    )
    blocks = [b.section(text)]
    if line := _item_line(alert):
        blocks.append(b.context(line))
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


def _plain_prefix(alert: AlertFacts) -> str:
    return {
        "down": "DOWN ",
        "up": "RECOVERED ",
        "reminder": "STILL DOWN ",
        "warning": "WARNING ",
    }.get(alert.kind, "")
