"""The launch decision in words, for every surface: a call's state, its votes, each
category's owner and sign-off, and the decision. Lines are plain text with `user()`
markers, so the Slack renderer escapes them and turns markers into mentions, and the text
renderer prints names. Pure."""

from __future__ import annotations

from datetime import datetime

from commands import wording
from commands.decision.model import CallView, CategoryState, Choice, DecisionRecord, Override
from commands.text import plural, shorten, user

CHOICE_MARKS = {Choice.GO: "✅", Choice.CONDITIONS: "🟡", Choice.NO_GO: "⛔"}
DECISION_MARKS = {"GO": "✅ GO", "NO-GO": "⛔ NO-GO"}
VERDICT_MARKS = {"NO-GO": "⛔ NO-GO", "GO with conditions": "🟡 GO with conditions", "GO": "✅ GO"}
CATEGORY_LINES = 12


def when(at: datetime, timezone: str, now: datetime | None = None) -> str:
    return wording.moment(at, timezone, now.astimezone(at.tzinfo).date() if now else None)


def category_line(state: CategoryState, timezone: str) -> str:
    """`✅ Security 100% (8/8) · @dana signed Tue Dec 1, 14:00` / `⏳ Infra 60% · @bob, not signed`"""
    owner = user(state.owner) if state.owner else "no owner"
    ready = f"{state.percent}% ({state.ready}/{state.total})"
    if state.signed and state.signed_at is not None and state.signed_by is not None:
        return (
            f"✅ {shorten(state.category, 60)} {ready} · signed by {user(state.signed_by)} "
            f"{wording.moment(state.signed_at, timezone)}"
        )
    if state.revoked_reason:
        return (
            f"↩️ {shorten(state.category, 60)} {ready} · {owner} · sign-off revoked: "
            f"{shorten(state.revoked_reason, 120)}"
        )
    return f"⏳ {shorten(state.category, 60)} {ready} · {owner}, not signed"


def signoff_summary(states: tuple[CategoryState, ...]) -> str | None:
    """`Signed off 2 of 5 · waiting: Infra (@bob), Testing (no owner) +1` for status."""
    if not states:
        return None
    signed = [s for s in states if s.signed]
    waiting = [s for s in states if not s.signed]
    if not signed and not any(s.owner for s in states):
        return None  # nobody has taken sign-off up: say nothing rather than nag
    text = f"✍️ Signed off {len(signed)} of {len(states)}"
    if waiting:
        shown = [
            f"{shorten(s.category, 30)} ({user(s.owner) if s.owner else 'no owner'})"
            + (" revoked" if s.revoked_reason else "")
            for s in waiting[:3]
        ]
        more = f" +{len(waiting) - 3}" if len(waiting) > 3 else ""
        text += " · waiting: " + ", ".join(shown) + more
    return text


def vote_line(call: CallView) -> list[str]:
    """Each voter once: what they voted, or that they have not."""
    by_voter = {v.voter: v for v in call.votes}
    lines = []
    for voter in call.voters:
        vote = by_voter.get(voter)
        if vote is None:
            lines.append(f"▫️ {user(voter)} has not voted")
            continue
        extra = ""
        if vote.conditions:
            extra = f": {', '.join(vote.conditions)}"
        elif vote.reason:
            extra = f": {shorten(vote.reason, 120)}"
        lines.append(f"{CHOICE_MARKS[vote.choice]} {user(voter)} {vote.choice.label}{extra}")
    return lines


def tally(call: CallView) -> str:
    """`2 of 3 voted (3 needed) · closes Fri Dec 4, 16:00 UTC (in 3 h)`"""
    voted = len({v.voter for v in call.votes if v.voter in call.voters})
    parts = [f"{voted} of {plural(len(call.voters), 'voter')} voted ({call.needed} needed)"]
    if call.deadline is not None and call.is_open:
        parts.append(f"closes {wording.moment(call.deadline, call.timezone)} {call.timezone}")
    return " · ".join(parts)


def verdict_line(call: CallView) -> str:
    reasons = f": {'; '.join(call.reasons[:3])}" if call.reasons else ""
    return f"readybot: {call.score}/100 {VERDICT_MARKS.get(call.verdict, call.verdict)}{reasons}"


def decision_headline(found: DecisionRecord, override: Override | None) -> str:
    """`Decided ⛔ NO-GO: the team voted GO; readybot's verdict is NO-GO because …`"""
    final = found.final(override)
    text = f"Decided {DECISION_MARKS.get(final, final)}"
    if override is not None:
        text += f" (override by {user(override.by)}: {shorten(override.reason, 200)})"
    elif found.disagreement:
        text += f": {found.disagreement}"
    else:
        text += f": {found.why}"
    return text


def closed_how(found: DecisionRecord) -> str:
    return {
        "quorum": "every required voter voted",
        "deadline": "the deadline passed",
        "owner": f"closed early by {user(found.closed_by) if found.closed_by else 'the owner'}",
    }.get(found.close_reason, found.close_reason)
