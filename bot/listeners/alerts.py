"""Buttons on monitor alerts: Acknowledge (asks why), Open item, and a Snooze menu (1 hour,
4 hours, 1 day)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import refresh
from bot.listeners.common import acknowledge_then, answer_privately, origin_of
from bot.listeners.items import open_item_modal
from bot.middleware import context_of, metadata_of
from bot.render import alerts as ui
from bot.render.ids import ItemRef
from bot.render.mrkdwn import fit, plain
from bot.runtime import Runtime
from commands.context import Context
from commands.monitors.alerts import AlertFacts, current_outage_alert
from commands.replies import AlreadyApplied, ErrorReply, Reply
from commands.run import execute_command
from commands.verbs import Command
from commands.verbs.monitor import MonitorAck, MonitorSnooze
from storage import monitors

log = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.action(ui.ACTION_ACK)
    async def ack_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        monitor_id = int(action["value"])
        name = await runtime.run(_name, runtime, monitor_id)
        metadata = json.dumps({"monitor": monitor_id, "origin": origin_of(body)})[:3000]
        runtime.spawn(
            client.views_open(
                trigger_id=body["trigger_id"], view=ui.ack_modal(monitor_id, name, metadata)
            ),
            what="opening the acknowledge modal",
        )

    @app.view(ui.CALLBACK_ACK)
    async def ack_submit(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        meta = metadata_of(body)
        monitor_id = meta.get("monitor")
        reason = (
            ((view.get("state") or {}).get("values") or {})
            .get(ui.BLOCK_ACK_REASON, {})
            .get(ui.ACTION_ACK_REASON, {})
            .get("value")
            or ""
        ).strip()
        if not isinstance(monitor_id, int):
            await ack(
                response_action="errors",
                errors={ui.BLOCK_ACK_REASON: "This form is out of date; open the alert again."},
            )
            return
        if not reason:
            await ack(
                response_action="errors",
                errors={ui.BLOCK_ACK_REASON: "Say who is on it or what is known."},
            )
            return
        ctx = context_of(context)
        reply = await _run(runtime, ctx, monitor_id, MonitorAck(monitor_id, reason))
        if isinstance(reply, ErrorReply):
            await ack(
                response_action="errors",
                errors={ui.BLOCK_ACK_REASON: fit(reply.message, 300, plain)},
            )
            return
        await ack()
        origin = meta.get("origin") if isinstance(meta.get("origin"), dict) else {}
        runtime.spawn(
            _refresh_alert(runtime, client, origin or {}, monitor_id, ctx.team_id),
            what="updating the alert",
        )

    async def snooze(action: dict[str, Any], respond: AsyncRespond, ctx: Context) -> None:
        value = (action.get("selected_option") or {}).get("value") or action.get("value", "")
        monitor_id, _, seconds = value.partition(":")
        if not monitor_id.isdigit() or not seconds.replace(".", "", 1).isdigit():
            log.warning("snooze with an unreadable value %r", value[:40])
            return
        command = MonitorSnooze(int(monitor_id), float(seconds), "from the alert")
        reply = await _run(runtime, ctx, int(monitor_id), command)
        if not isinstance(reply, AlreadyApplied):
            await answer_privately(respond, reply)

    async def open_item(
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        ctx: Context,
    ) -> None:
        ref = ItemRef(item_id=int(action["value"]))
        await open_item_modal(runtime, client, respond, body=body, ctx=ctx, ref=ref, verb="history")

    app.action(ui.ACTION_SNOOZE)(acknowledge_then(runtime, snooze))
    app.action(ui.ACTION_OPEN_ITEM)(acknowledge_then(runtime, open_item))


def _name(runtime: Runtime, monitor_id: int) -> str:
    with runtime.store.read() as session:
        found = monitors.get_monitor(session, monitor_id=monitor_id)
        return found.name if found else "this monitor"


def _launch_of(runtime: Runtime, team: str, monitor_id: int) -> int | None:
    with runtime.store.read() as session:
        found = monitors.get_monitor(session, monitor_id=monitor_id)
        return found.launch_id if found and found.team_id == team else None


async def _run(runtime: Runtime, ctx: Context, monitor_id: int, command: Command) -> Reply:
    launch_id = await runtime.run(_launch_of, runtime, ctx.team_id, monitor_id)
    about = replace(ctx, channel_id=None, launch_id=launch_id)
    return await runtime.run(execute_command, runtime.store, about, command)


async def _refresh_alert(
    runtime: Runtime,
    client: AsyncWebClient,
    origin: dict[str, Any],
    monitor_id: int,
    team_id: str,
) -> None:
    """Show the acknowledgement on the alert itself (its Acknowledge button goes)."""
    if not origin.get("channel") or not origin.get("ts"):
        return
    found = await runtime.run(_latest_alert, runtime, monitor_id)
    if found is None:
        return
    message = ui.alert_message(found)
    await runtime.run(
        refresh.queue_message,
        runtime.store,
        team_id=team_id,
        channel=origin["channel"],
        ts=origin["ts"],
        message=message,
        now=runtime.clock(),
    )
    runtime.wake_delivery()


def _latest_alert(runtime: Runtime, monitor_id: int) -> AlertFacts | None:
    with runtime.store.read() as session:
        return current_outage_alert(session, monitor_id=monitor_id)
