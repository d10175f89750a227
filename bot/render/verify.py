"""Direct messages about claims and dependencies: an item reopened because its evidence
grew old (with Verify again), and an item someone's work needs was blocked. Pure."""

from __future__ import annotations

from bot.render import blocks as b
from bot.render import ids
from bot.render import mrkdwn as md
from bot.render.messages import SlackMessage, fallback
from commands import wording
from commands.replies import EvidenceExpired, HeldUp


def evidence_expired_dm(facts: EvidenceExpired) -> SlackMessage:
    key = md.code(md.inline(facts.key, 40))
    text = (
        f"⌛ {key} {md.inline(facts.title, 150)} in *{md.inline(facts.launch, 150)}* needs "
        f"verifying again: it was verified {wording.day(facts.verified_at.date())}, and its "
        f"evidence may be {facts.every_days} d old at most. It counts as open until someone verifies it again."
    )
    blocks = [
        b.section(text),
        b.actions(
            [
                b.button(
                    "Verify again",
                    ids.ACTION_ITEM_VERIFY,
                    ids.item_ref(facts.item_id),
                    style="primary",
                ),
                b.button("Open status", ids.ACTION_OPEN_STATUS, str(facts.launch_id)),
            ],
            block_id=f"evidence:{facts.item_id}",
        ),
        b.context(
            "Or attach fresh evidence: `/ready evidence "
            + md.inline(facts.key, 40)
            + " "
            + md.text("<link or note>")
            + "`"
        ),
    ]
    plain = f"{facts.key} in {facts.launch} needs verifying again: its evidence is older than {facts.every_days} d"
    return SlackMessage(fallback(plain), blocks)


def evidence_expired_text(facts: EvidenceExpired) -> str:
    return (
        f"{facts.owner}: {facts.key} {facts.title} needs verifying again (evidence older than "
        f"{facts.every_days} d): verify {facts.key}"
    )


def held_up_dm(facts: HeldUp) -> SlackMessage:
    blocked = md.code(md.inline(facts.blocked_key, 40))
    yours = ", ".join(md.code(md.inline(k, 40)) for k in facts.waiting[:10])
    why = f": {md.inline(facts.reason, 300)}" if facts.reason else ""
    text = (
        f"⛔ {blocked} {md.inline(facts.blocked_title, 150)} in *{md.inline(facts.launch, 150)}* "
        f"is blocked{why}. Your {yours} {'needs' if len(facts.waiting) == 1 else 'need'} it."
    )
    blocks = [
        b.section(text),
        b.actions(
            [b.button("Open status", ids.ACTION_OPEN_STATUS, str(facts.launch_id))],
            block_id=f"held-up:{facts.blocked_key}"[:255],
        ),
    ]
    plain = f"{facts.blocked_key} is blocked; your {', '.join(facts.waiting)} need it"
    return SlackMessage(fallback(plain), blocks)


def held_up_text(facts: HeldUp) -> str:
    return f"{facts.owner}: {facts.blocked_key} is blocked; your {', '.join(facts.waiting)} need it"
