"""Buttons in the daily reminder DM: Done marks the item done; Snooze stops reminding about
it for a few days. Either way the DM is refreshed to show what is still overdue."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncRespond

from bot.listeners.common import acknowledge_then, answer_privately
from bot.render.digest import ids
from bot.render.digest.reminder import render_reminder
from bot.runtime import Runtime
from commands.context import Context
from commands.digests.queue import overdue_entries
from commands.refs import ref_for_id
from commands.replies import AlreadyApplied, ErrorReply
from commands.run import execute_command
from commands.verbs.items import Done
from storage import digests, items

log = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    async def done(action: dict[str, Any], respond: AsyncRespond, ctx: Context) -> None:
        item_id = int(action["value"])
        launch_id = await runtime.run(_launch_of, runtime, ctx.team_id, item_id)
        about = replace(ctx, launch_id=launch_id)
        reply = await runtime.run(execute_command, runtime.store, about, Done(ref_for_id(item_id)))
        runtime.wake_delivery()
        if isinstance(reply, ErrorReply):
            await answer_privately(respond, reply)
            return
        if not isinstance(reply, AlreadyApplied):
            await _refresh(runtime, ctx, respond)

    async def snooze(action: dict[str, Any], respond: AsyncRespond, ctx: Context) -> None:
        item_id, days = ids.parse_snooze(action["selected_option"]["value"])
        until = ctx.now.date() + timedelta(days=days)
        await runtime.run(_store_snooze, runtime, ctx, item_id, until)
        await _refresh(runtime, ctx, respond)

    app.action(ids.ACTION_REMINDER_DONE)(acknowledge_then(runtime, done))
    app.action(ids.ACTION_REMINDER_SNOOZE)(acknowledge_then(runtime, snooze))


def _launch_of(runtime: Runtime, team: str, item_id: int) -> int | None:
    with runtime.store.read() as session:
        return items.launch_of_item(session, team_id=team, item_id=item_id)


def _store_snooze(runtime: Runtime, ctx: Context, item_id: int, until: date) -> None:
    with runtime.store.write() as session:
        if items.launch_of_item(session, team_id=ctx.team_id, item_id=item_id) is not None:
            digests.snooze(
                session, team_id=ctx.team_id, user_id=ctx.user_id, item_id=item_id, until=until
            )


def _overdue(runtime: Runtime, ctx: Context) -> list[tuple[str | None, Any]]:
    with runtime.store.read() as session:
        entries = overdue_entries(
            session, team_id=ctx.team_id, user_id=ctx.user_id, today=ctx.now.date()
        )
    return [(entry.launch, entry.item) for entry in entries]


async def _refresh(runtime: Runtime, ctx: Context, respond: AsyncRespond) -> None:
    entries = await runtime.run(_overdue, runtime, ctx)
    if not entries:
        await respond(text="✓ Nothing of yours is overdue now.", replace_original=True)
        return
    message = render_reminder(ctx.user_id, entries, ctx.now.date(), runtime.templates)
    await respond(text=message.text, blocks=message.blocks, replace_original=True)
