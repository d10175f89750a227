"""The launch decision in Slack: the Go/No-Go call message (votes live, buttons while
open, the decision once closed), its result in the thread, the conditions and NO-GO
modals, a signer's revoked sign-off DM and a voter's reminder DM. Pure."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.render import blocks as b
from bot.render import decision_lines as lines
from bot.render import ids
from bot.render import mrkdwn as md
from bot.render.decision_blocks import ACTION_VOTE, call_blocks
from bot.render.messages import SlackMessage, fallback
from commands import wording
from commands.decision.model import CallView, Choice
from commands.replies import RevokedSignoff, VoteReminder
from commands.text import user

CALLBACK_CONDITIONS, CALLBACK_NO_GO = "gonogo_conditions", "gonogo_no_go"
BLOCK_CONDITIONS, ACTION_CONDITIONS = "conditions", "conditions_input"
BLOCK_CONDITIONS_DUE, ACTION_CONDITIONS_DUE = "conditions_due", "conditions_due_input"
BLOCK_NO_GO, ACTION_NO_GO = "no_go_reason", "no_go_reason_input"


def call_text(call: CallView) -> str:
    """The notification: what is being decided, or what was."""
    if call.record is not None:
        return f"{call.launch}: " + lines.decision_headline(call.record, call.override)
    return f"Go/No-Go call for {call.launch}: {lines.tally(call)} · {lines.verdict_line(call)}"


def call_message(call: CallView) -> SlackMessage:
    return SlackMessage(fallback(call_text(call)), call_blocks(call))


def result_message(call: CallView) -> SlackMessage:
    """The result, in the call's thread (the call message itself is rewritten)."""
    assert call.record is not None
    headline = lines.decision_headline(call.record, call.override)
    detail = [md.bold(md.text(headline)), md.text(lines.verdict_line(call))]
    if call.override is None:
        detail.append(md.text(f"{call.record.why} · {lines.closed_how(call.record)}"))
    blocks = [
        b.section("\n".join(detail)),
        b.context("The decision is recorded: `/ready decision`."),
    ]
    return SlackMessage(fallback(f"{call.launch}: {headline}"), blocks)


def conditions_modal(call_id: int, launch: str, due: date, metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CALLBACK_CONDITIONS,
        "title": {"type": "plain_text", "text": "GO with conditions"},
        "submit": {"type": "plain_text", "text": "Vote"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": metadata,
        "blocks": [
            b.section(
                f"Your vote on *{md.inline(launch, 150)}*. Each condition becomes an item you "
                "own, due on the date below."
            ),
            {
                "type": "input",
                "block_id": BLOCK_CONDITIONS,
                "label": {"type": "plain_text", "text": "Conditions, one per line"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ACTION_CONDITIONS,
                    "multiline": True,
                    "max_length": 2000,
                    "placeholder": {
                        "type": "plain_text",
                        "text": "Load test at 2x peak\nRollback rehearsed",
                    },
                },
            },
            {
                "type": "input",
                "block_id": BLOCK_CONDITIONS_DUE,
                "label": {"type": "plain_text", "text": "Due"},
                "element": {
                    "type": "datepicker",
                    "action_id": ACTION_CONDITIONS_DUE,
                    "initial_date": due.isoformat(),
                },
            },
        ],
    }


def no_go_modal(call_id: int, launch: str, metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CALLBACK_NO_GO,
        "title": {"type": "plain_text", "text": "NO-GO"},
        "submit": {"type": "plain_text", "text": "Vote NO-GO"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": metadata,
        "blocks": [
            b.section(f"Your vote on *{md.inline(launch, 150)}*: say what stops the launch."),
            {
                "type": "input",
                "block_id": BLOCK_NO_GO,
                "label": {"type": "plain_text", "text": "Why NO-GO"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ACTION_NO_GO,
                    "multiline": True,
                    "max_length": 1000,
                },
            },
        ],
    }


def revoked_dm(facts: RevokedSignoff) -> SlackMessage:
    text = (
        f"↩️ Your sign-off of *{md.inline(facts.category, 100)}* in "
        f"*{md.inline(facts.launch, 150)}* was revoked: {md.inline(facts.reason, 500)}"
    )
    since = f"You signed it {wording.moment(facts.signed_at, 'UTC')} UTC."
    blocks = [
        b.section(text),
        b.context(md.escape(since) + " Sign again once you have looked at the change."),
        b.actions(
            [
                b.button(
                    "Sign off again",
                    ids.ACTION_SIGN_OFF,
                    ids.signoff_value(facts.launch_id, facts.category),
                    style="primary",
                ),
                b.button("Open status", ids.ACTION_OPEN_STATUS, str(facts.launch_id)),
            ],
            block_id=f"signoff:{facts.launch_id}",
        ),
    ]
    plain = f"Your sign-off of {facts.category} in {facts.launch} was revoked: {facts.reason}"
    return SlackMessage(fallback(plain), blocks)


def reminder_dm(facts: VoteReminder) -> SlackMessage:
    closes = f"{wording.moment(facts.deadline, facts.timezone)} {facts.timezone}"
    text = (
        f"🗳️ You have not voted on the Go/No-Go call for *{md.inline(facts.launch, 150)}* "
        f"in {md.channel(facts.channel_id)}. It closes {md.escape(closes)}."
    )
    value = str(facts.call_id)
    blocks = [
        b.section(text),
        b.actions(
            [
                b.button("GO", ACTION_VOTE[Choice.GO], value, style="primary"),
                b.button("GO with conditions", ACTION_VOTE[Choice.CONDITIONS], value),
                b.button("NO-GO", ACTION_VOTE[Choice.NO_GO], value, style="danger"),
            ],
            block_id=f"gonogo-reminder:{facts.call_id}",
        ),
    ]
    plain = (
        f"{user(facts.voter)}, vote on the Go/No-Go call for {facts.launch}: it closes {closes}."
    )
    return SlackMessage(fallback(plain), blocks)
