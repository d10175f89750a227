"""Buttons in the daily reminder DM: Done marks the item done; Snooze stops reminding about
it for a few days. Either way the DM is refreshed to show what is still overdue."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncRespond

from bot.compose import compose_reminder
from bot.listeners.common import acknowledge_then, answer_privately, team_of, user_of
from bot.render.digest import ids
from bot.render.digest.templates import Templates
from bot.runtime import Runtime
from commands import verbs as v
from commands.refs import ref_for_id
from commands.replies import AlreadyApplied, ErrorReply
from commands.run import execute_command
from storage import digests as rows
from storage import queries
from storage.models import Via

log = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime, templates: Templates) -> None:
    async def done(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        await _done(runtime, templates, body, action, respond)

    async def snooze(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        await _snooze(runtime, templates, body, action, respond)

    app.action(ids.ACTION_REMINDER_DONE)(acknowledge_then(runtime, done))
    app.action(ids.ACTION_REMINDER_SNOOZE)(acknowledge_then(runtime, snooze))


async def _done(
    runtime: Runtime,
    templates: Templates,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
) -> None:
    team, user, item_id = team_of(body), user_of(body), int(action["value"])
    launch_id = await runtime.run(_launch_of, runtime, team, item_id)
    ctx = runtime.context(
        team=team,
        user=user,
        channel=None,
        via=Via.BUTTON,
        launch_id=launch_id,
        request_key=f"action:{action.get('action_ts')}:{user}:reminder_done:{item_id}",
    )
    reply = await runtime.run(execute_command, runtime.store, ctx, v.Done(ref_for_id(item_id)))
    runtime.wake_delivery()
    if isinstance(reply, ErrorReply):
        await answer_privately(respond, reply)
        return
    if not isinstance(reply, AlreadyApplied):
        await _refresh(runtime, templates, team, user, respond)


async def _snooze(
    runtime: Runtime,
    templates: Templates,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
) -> None:
    team, user = team_of(body), user_of(body)
    item_id, days = ids.parse_snooze(action["selected_option"]["value"])
    today = runtime.clock().date()
    await runtime.run(_store_snooze, runtime, team, user, item_id, today + timedelta(days=days))
    await _refresh(runtime, templates, team, user, respond)


def _launch_of(runtime: Runtime, team: str, item_id: int) -> int | None:
    with runtime.store.read() as session:
        return queries.launch_of_item(session, team, item_id)


def _store_snooze(runtime: Runtime, team: str, user: str, item_id: int, until: Any) -> None:
    with runtime.store.write() as session:
        if queries.launch_of_item(session, team, item_id) is not None:
            rows.snooze(session, team_id=team, user_id=user, item_id=item_id, until=until)


async def _refresh(
    runtime: Runtime, templates: Templates, team: str, user: str, respond: AsyncRespond
) -> None:
    now = runtime.clock()
    message = await runtime.run(
        compose_reminder, runtime.store, team, user, now.date().isoformat(), now, templates
    )
    if message is None:
        await respond(text="✓ Nothing of yours is overdue now.", replace_original=True)
    else:
        await respond(text=message.text, blocks=message.blocks, replace_original=True)
