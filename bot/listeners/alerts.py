"""Buttons on monitor alerts: Acknowledge (asks why), Snooze 1h / 4h / 1d, Open item."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.common import (
    acknowledge_then,
    answer_privately,
    origin_of,
    team_of,
    user_of,
)
from bot.listeners.items import open_item_modal
from bot.render import alerts as ui
from bot.render.ids import ItemRef
from bot.render.mrkdwn import fit, plain
from bot.runtime import Runtime
from bot.transport import alert_view
from commands import verbs as v
from commands.replies import AlreadyApplied, ErrorReply
from commands.run import execute_command
from storage.models import Monitor, Via

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
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        reason = (
            ((view.get("state") or {}).get("values") or {})
            .get(ui.BLOCK_ACK_REASON, {})
            .get(ui.ACTION_ACK_REASON, {})
            .get("value")
            or ""
        ).strip()
        if not reason:
            await ack(
                response_action="errors",
                errors={ui.BLOCK_ACK_REASON: "Say who is on it or what is known."},
            )
            return
        reply = await _run(
            runtime,
            body,
            meta["monitor"],
            v.Monitor("ack", meta["monitor"], reason=reason),
            key=f"view:{view['id']}:{view.get('hash')}",
        )
        if isinstance(reply, ErrorReply):
            await ack(
                response_action="errors",
                errors={ui.BLOCK_ACK_REASON: fit(reply.message, 300, plain)},
            )
            return
        await ack()
        runtime.spawn(
            _refresh_alert(runtime, client, meta["origin"], meta["monitor"]),
            what="updating the alert",
        )

    @app.action(ui.ACTION_SNOOZE)
    async def snooze(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        monitor_id, _, seconds = action["value"].partition(":")
        command = v.Monitor(
            "snooze", int(monitor_id), duration=float(seconds), reason="from the alert"
        )
        reply = await _run(
            runtime,
            body,
            int(monitor_id),
            command,
            key=f"action:{action.get('action_ts')}:{user_of(body)}:snooze:{action['value']}",
        )
        if not isinstance(reply, AlreadyApplied):
            await answer_privately(respond, reply)

    async def open_item(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        ref = ItemRef(item_id=int(action["value"]))
        await open_item_modal(runtime, client, respond, body=body, ref=ref, verb="history")

    app.action(ui.ACTION_OPEN_ITEM)(acknowledge_then(runtime, open_item))


def _name(runtime: Runtime, monitor_id: int) -> str:
    with runtime.store.read() as session:
        found = session.get(Monitor, monitor_id)
        return found.name if found else "this monitor"


def _launch_of(runtime: Runtime, team: str, monitor_id: int) -> int | None:
    with runtime.store.read() as session:
        found = session.get(Monitor, monitor_id)
        return found.launch_id if found and found.team_id == team else None


async def _run(
    runtime: Runtime, body: dict[str, Any], monitor_id: int, command: v.Monitor, *, key: str
) -> Any:
    team, user = team_of(body), user_of(body)
    launch_id = await runtime.run(_launch_of, runtime, team, monitor_id)
    ctx = runtime.context(
        team=team, user=user, channel=None, via=Via.BUTTON, launch_id=launch_id, request_key=key
    )
    return await runtime.run(execute_command, runtime.store, ctx, command)


async def _refresh_alert(
    runtime: Runtime, client: AsyncWebClient, origin: dict[str, Any], monitor_id: int
) -> None:
    """Show the acknowledgement on the alert itself (its Acknowledge button goes)."""
    if not origin.get("channel") or not origin.get("ts"):
        return
    found = await runtime.run(_latest_alert, runtime, monitor_id)
    if found is None:
        return
    message = ui.alert_message(found)
    await client.chat_update(
        channel=origin["channel"], ts=origin["ts"], text=message.text, blocks=message.blocks
    )


def _latest_alert(runtime: Runtime, monitor_id: int) -> ui.AlertView | None:
    with runtime.store.read() as session:
        monitor = session.get(Monitor, monitor_id)
        outage = (monitor.state or {}).get("outage_id") if monitor else None
    if outage is None:
        return None
    found = alert_view(runtime.store, int(outage))
    return found[0] if found else None
