"""The launch decision's buttons and modals: vote GO, GO with conditions (asks for the
conditions) or NO-GO (asks why) on a call; close a call early; sign a category off.

A click from someone who may not vote is answered privately with who may; a vote updates
the call message in place (the channel's, also when the click came from a reminder DM).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import refresh
from bot.listeners.common import acknowledge_then, answer_privately
from bot.middleware import context_of, metadata_of
from bot.render import decision as ui
from bot.render import ids
from bot.render.decision_blocks import ACTION_CLOSE, ACTION_VOTE
from bot.render.mrkdwn import fit, plain
from bot.runtime import Runtime
from commands.context import Context
from commands.decision.calls import call_key
from commands.decision.model import CallView, Choice
from commands.replies import CallReply, ErrorReply, Message, Reply
from commands.run import execute_command
from commands.verbs.decision import CastVote, CloseCall, SignOff
from storage import decisions
from storage.vocabulary import Via

log = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    async def vote_go(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        ctx: Context,
    ) -> None:
        call_id = _call_id(action)
        if call_id is None:
            return
        reply = await _vote(runtime, ctx, CastVote(Choice.GO, None, call_id))
        await _after_vote(runtime, client, respond, reply)

    for choice, modal in ((Choice.CONDITIONS, "conditions"), (Choice.NO_GO, "no_go")):
        app.action(ACTION_VOTE[choice])(_opener(runtime, modal))
    app.action(ACTION_VOTE[Choice.GO])(acknowledge_then(runtime, vote_go))

    @app.view(ui.CALLBACK_CONDITIONS)
    async def conditions_submit(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        meta = metadata_of(body)
        text = _input(view, ui.BLOCK_CONDITIONS, ui.ACTION_CONDITIONS).get("value") or ""
        due_text = _input(view, ui.BLOCK_CONDITIONS_DUE, ui.ACTION_CONDITIONS_DUE).get(
            "selected_date"
        )
        due = _date(due_text)
        call_id = meta.get("call")
        if not isinstance(call_id, int):
            await ack(
                response_action="errors",
                errors={ui.BLOCK_CONDITIONS: "This form is out of date; vote again from the call."},
            )
            return
        if not text.strip():
            await ack(
                response_action="errors",
                errors={ui.BLOCK_CONDITIONS: "Name at least one condition, one per line."},
            )
            return
        if due is None or due < context_of(context).now.date() - timedelta(days=1):
            await ack(
                response_action="errors",
                errors={ui.BLOCK_CONDITIONS_DUE: "Pick a date from today on."},
            )
            return
        reply = await _vote(
            runtime, context_of(context), CastVote(Choice.CONDITIONS, text, call_id, due)
        )
        if isinstance(reply, ErrorReply):
            await ack(
                response_action="errors",
                errors={ui.BLOCK_CONDITIONS: fit(reply.message, 300, plain)},
            )
            return
        await ack()
        runtime.spawn(_show_call(runtime, client, reply), what="updating the call")

    @app.view(ui.CALLBACK_NO_GO)
    async def no_go_submit(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        meta = metadata_of(body)
        reason = (_input(view, ui.BLOCK_NO_GO, ui.ACTION_NO_GO).get("value") or "").strip()
        call_id = meta.get("call")
        if not isinstance(call_id, int):
            await ack(
                response_action="errors",
                errors={ui.BLOCK_NO_GO: "This form is out of date; vote again from the call."},
            )
            return
        if not reason:
            await ack(
                response_action="errors", errors={ui.BLOCK_NO_GO: "Say what stops the launch."}
            )
            return
        reply = await _vote(runtime, context_of(context), CastVote(Choice.NO_GO, reason, call_id))
        if isinstance(reply, ErrorReply):
            await ack(
                response_action="errors", errors={ui.BLOCK_NO_GO: fit(reply.message, 300, plain)}
            )
            return
        await ack()
        runtime.spawn(_show_call(runtime, client, reply), what="updating the call")

    async def close_call(
        action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, ctx: Context
    ) -> None:
        call_id = _call_id(action)
        launch_id = (
            await runtime.run(_launch_of_call, runtime, ctx.team_id, call_id) if call_id else None
        )
        if launch_id is None:
            return
        reply = await runtime.run(
            execute_command,
            runtime.store,
            replace(ctx, launch_id=launch_id, via=Via.BUTTON),
            CloseCall(),
        )
        await _after_vote(runtime, client, respond, reply)

    async def sign_off(action: dict[str, Any], respond: AsyncRespond, ctx: Context) -> None:
        parsed = ids.parse_signoff(action.get("value") or "")
        if parsed is None:
            return
        launch_id, category = parsed
        reply = await runtime.run(
            execute_command,
            runtime.store,
            replace(ctx, launch_id=launch_id, via=Via.BUTTON),
            SignOff(category),
        )
        await answer_privately(respond, reply)

    app.action(ACTION_CLOSE)(acknowledge_then(runtime, close_call))
    app.action(ids.ACTION_SIGN_OFF)(acknowledge_then(runtime, sign_off))


def _opener(runtime: Runtime, modal: str) -> Any:
    """Open the conditions or NO-GO modal, unless the clicker may not vote (told privately)."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        await ack()
        ctx = context_of(context)
        call_id = _call_id(action)
        found = (
            await runtime.run(_call_row, runtime, ctx.team_id, call_id, ctx.now)
            if call_id
            else None
        )
        if found is None:
            return
        refusal = _refusal(found, ctx.user_id)
        if refusal is not None:
            runtime.spawn(answer_privately(respond, refusal), what="refusing a vote")
            return
        metadata = json.dumps({"call": call_id})
        view = (
            ui.conditions_modal(found["id"], found["launch"], found["due"], metadata)
            if modal == "conditions"
            else ui.no_go_modal(found["id"], found["launch"], metadata)
        )
        runtime.spawn(
            client.views_open(trigger_id=body["trigger_id"], view=view),
            what="opening the vote form",
        )

    return listener


def _refusal(found: dict[str, Any], user_id: str) -> Reply | None:
    if found["status"] != decisions.OPEN:
        return Message(
            f"This Go/No-Go call is closed: decided {found['decision']}. See `/ready decision`."
        )
    if user_id not in found["voters"]:
        from commands.text import user

        who = ", ".join(user(v) for v in found["voters"])
        return Message(
            f"Only the category owners and the launch owner vote on {found['launch']}: {who}."
        )
    return None


def _call_id(action: dict[str, Any]) -> int | None:
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() else None


def _input(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    return ((view.get("state") or {}).get("values") or {}).get(block, {}).get(action) or {}


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _call_row(runtime: Runtime, team: str, call_id: int, now: datetime) -> dict[str, Any] | None:
    with runtime.store.read() as session:
        call = decisions.get_call(session, call_id=call_id)
        if call is None or call.team_id != team:
            return None
        from storage import launches

        launch = launches.get_launch(session, launch_id=call.launch_id)
        target = launch.target_date if launch else None
        today = now.date()
        due = target if target and target >= today else today + timedelta(days=7)
        return {
            "id": call.id,
            "status": call.status,
            "decision": call.decision,
            "voters": list(call.voters),
            "launch": launch.name if launch else "this launch",
            "due": due,
        }


def _launch_of_call(runtime: Runtime, team: str, call_id: int) -> int | None:
    with runtime.store.read() as session:
        call = decisions.get_call(session, call_id=call_id)
        return call.launch_id if call and call.team_id == team else None


async def _vote(runtime: Runtime, ctx: Context, command: CastVote) -> Reply:
    return await runtime.run(execute_command, runtime.store, replace(ctx, via=Via.BUTTON), command)


async def _after_vote(
    runtime: Runtime, client: AsyncWebClient, respond: AsyncRespond, reply: Reply
) -> None:
    """Tell the voter privately what happened; show the call anew where everyone sees it."""
    if isinstance(reply, CallReply):
        await _show_call(runtime, client, reply)
        if reply.note:
            await respond(text=f"✓ {reply.note}", response_type="ephemeral", replace_original=False)
        return
    await answer_privately(respond, reply)


async def _show_call(runtime: Runtime, client: AsyncWebClient, reply: Reply) -> None:
    """Show the call anew in its channel, through the outbox (retried; only the newest of
    several quick votes is sent). The refresh waits for the call message if it is still on
    its way, so a vote cast the moment it appears is shown too. A closed call's result is
    posted by the outbox, which rewrites the message itself."""
    if not isinstance(reply, CallReply):
        return
    call: CallView = reply.call
    await runtime.run(
        refresh.queue_post_update,
        runtime.store,
        team_id=call.team_id,
        channel=call.channel_id,
        of=call_key(call.id),
        message=ui.call_message(call),
        now=runtime.clock(),
    )
    runtime.wake_delivery()
