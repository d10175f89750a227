"""One composer per outbox kind: the facts a row was queued with, as what goes out.

`COMPOSERS[kind](facts, templates)` gives the Slack side (a message to post, perhaps in
the thread of the row it answers and rewriting that one, a file to upload, or a refresh of
a message or a Home tab already shown);
`TEXTS[kind](facts, templates)` the plain text the local console prints. Both are pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.render import blocks as b
from bot.render import decision, verify
from bot.render import mrkdwn as md
from bot.render import text as render_text
from bot.render.alerts import alert_message, resolved_original
from bot.render.digest.chart import render_chart
from bot.render.digest.digest import (
    render_digest,
    render_digest_text,
    render_reminder,
    render_reminder_text,
    render_unchanged,
    render_unchanged_text,
)
from bot.render.digest.templating import Templates
from bot.render.messages import SlackMessage, announcement, fallback
from commands.decision.model import CallView
from commands.digests.model import ChartFacts, DigestFacts, ReminderFacts
from commands.facts import AdminNotice, Facts, HomeRefresh, MessageRefresh
from commands.monitors.alerts import AlertFacts
from commands.replies import Announcement, CallReply
from storage.vocabulary import OutboxKind


@dataclass(frozen=True)
class Post:
    """A message to post; `rewrite_parent` replaces the message this row answers (the
    outage's first alert, once it is over)."""

    message: SlackMessage
    rewrite_parent: SlackMessage | None = None


@dataclass(frozen=True)
class Upload:
    """A file to upload; `content` renders it (off the event loop: charts take a while)."""

    filename: str
    comment: str
    content: Callable[[], bytes]


@dataclass(frozen=True)
class Edit:
    """A message already posted, shown anew (`chat.update`)."""

    channel: str
    ts: str
    message: SlackMessage


@dataclass(frozen=True)
class Publish:
    """Someone's App Home tab, shown anew (`views.publish`)."""

    user_id: str
    view: dict[str, Any]


Composed = Post | Upload | Edit | Publish
Composer = Callable[[Any, Templates], Composed]
TextComposer = Callable[[Any, Templates], str]


def _announcement(facts: Announcement, _templates: Templates) -> Composed:
    change = facts.item or facts.launch
    assert change is not None, "an announcement tells about an item or a launch"
    return Post(announcement(change))


def _digest(facts: DigestFacts, templates: Templates) -> Composed:
    render = render_unchanged if facts.quiet else render_digest
    return Post(render(facts.digest, templates))


def _chart(facts: ChartFacts, _templates: Templates) -> Composed:
    return Upload(
        facts.filename,
        f"Readiness trend for {facts.launch_name}, the last {len(facts.trend)} days",
        lambda: render_chart(facts.trend, launch_name=facts.launch_name),
    )


def _reminder(facts: ReminderFacts, templates: Templates) -> Composed:
    entries = [(entry.launch, entry.item) for entry in facts.items]
    return Post(render_reminder(facts.user_id, entries, facts.today, templates))


def _alert(facts: AlertFacts, _templates: Templates) -> Composed:
    rewrite = None
    if facts.kind == "up" and facts.outage_detail is not None:
        original = replace(
            facts, kind="down", detail=facts.outage_detail, at=facts.down_since or facts.at
        )
        rewrite = resolved_original(original, facts.at)
    return Post(alert_message(facts), rewrite_parent=rewrite)


def _call(facts: CallView, _templates: Templates) -> Composed:
    return Post(decision.call_message(facts))


def _decision(facts: CallView, _templates: Templates) -> Composed:
    """The result in the call's thread; the call message itself shows the decision."""
    return Post(decision.result_message(facts), rewrite_parent=decision.call_message(facts))


def _refresh(facts: MessageRefresh, _templates: Templates) -> Composed:
    return Edit(facts.channel, facts.ts, SlackMessage(facts.text, facts.blocks))


def _home(facts: HomeRefresh, _templates: Templates) -> Composed:
    return Publish(facts.user_id, facts.view)


def notice_text(facts: AdminNotice) -> str:
    return (
        f"readybot gave up on a {facts.kind} message for {facts.channel_id} (outbox row "
        f"{facts.outbox_id}): an earlier attempt may have been posted and Slack could not be "
        f"asked whether it was ({facts.reason}), so it was not posted again. It may be missing "
        "there; nothing was doubled."
    )


def _notice(facts: AdminNotice, _templates: Templates) -> Composed:
    text = md.escape(notice_text(facts)).replace(
        md.escape(facts.channel_id), md.channel(facts.channel_id), 1
    )
    return Post(SlackMessage(fallback(notice_text(facts)), [b.section("⚠️ " + text)]))


COMPOSERS: dict[OutboxKind, Composer] = {
    OutboxKind.ANNOUNCE: _announcement,
    OutboxKind.DIGEST: _digest,
    OutboxKind.CHART: _chart,
    OutboxKind.REMINDER: _reminder,
    OutboxKind.ALERT: _alert,
    OutboxKind.SIGNOFF_REVOKED: lambda facts, _t: Post(decision.revoked_dm(facts)),
    OutboxKind.CALL: _call,
    OutboxKind.DECISION: _decision,
    OutboxKind.VOTE_REMINDER: lambda facts, _t: Post(decision.reminder_dm(facts)),
    OutboxKind.EVIDENCE_EXPIRED: lambda facts, _t: Post(verify.evidence_expired_dm(facts)),
    OutboxKind.HELD_UP: lambda facts, _t: Post(verify.held_up_dm(facts)),
    OutboxKind.UPDATE: _refresh,
    OutboxKind.HOME: _home,
    OutboxKind.NOTICE: _notice,
}


def _announcement_text(facts: Announcement, _templates: Templates) -> str:
    change = facts.item or facts.launch
    assert change is not None
    return render_text.render(change)


def _digest_text(facts: DigestFacts, templates: Templates) -> str:
    render = render_unchanged_text if facts.quiet else render_digest_text
    return render(facts.digest, templates)


def _reminder_text(facts: ReminderFacts, templates: Templates) -> str:
    entries = [(entry.launch, entry.item) for entry in facts.items]
    return render_reminder_text(facts.user_id, entries, facts.today, templates)


TEXTS: dict[OutboxKind, TextComposer] = {
    OutboxKind.ANNOUNCE: _announcement_text,
    OutboxKind.DIGEST: _digest_text,
    OutboxKind.CHART: lambda facts, _t: f"(the weekly chart of {facts.launch_name})",
    OutboxKind.REMINDER: _reminder_text,
    OutboxKind.ALERT: lambda facts, _t: alert_message(facts).text,
    OutboxKind.SIGNOFF_REVOKED: lambda facts, _t: (
        f"Your sign-off of {facts.category} in {facts.launch} was revoked: {facts.reason}. "
        f"Sign again: signoff {facts.category}"
    ),
    OutboxKind.CALL: lambda facts, _t: render_text.render(CallReply(facts, "show")),
    OutboxKind.DECISION: lambda facts, _t: render_text.render(CallReply(facts, "closed")),
    OutboxKind.VOTE_REMINDER: lambda facts, _t: (
        f"{facts.voter}: you have not voted on the Go/No-Go call for {facts.launch}: "
        "gonogo vote go|conditions …|no-go …"
    ),
    OutboxKind.EVIDENCE_EXPIRED: lambda facts, _t: verify.evidence_expired_text(facts),
    OutboxKind.HELD_UP: lambda facts, _t: verify.held_up_text(facts),
    OutboxKind.UPDATE: lambda facts, _t: facts.text,
    OutboxKind.HOME: lambda facts, _t: "(the App Home tab)",
    OutboxKind.NOTICE: lambda facts, _t: notice_text(facts),
}


def compose(kind: OutboxKind, facts: Facts, templates: Templates) -> Composed:
    return COMPOSERS[kind](facts, templates)


def compose_text(kind: OutboxKind, facts: Facts, templates: Templates) -> str:
    return TEXTS[kind](facts, templates)
