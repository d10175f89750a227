"""The launch decision as blocks: the Go/No-Go call (votes live, buttons while open, the
decision once closed), and the replies of `category`, `signoff`, `gonogo`, `decision` and
`launch token`. Pure."""

from __future__ import annotations

from typing import Any

from bot.render import blocks as b
from bot.render import decision_lines as lines
from bot.render import mrkdwn as md
from commands import replies as r
from commands import wording
from commands.decision.model import CallView, Choice
from commands.text import plural

ACTION_VOTE = {
    Choice.GO: "gonogo_vote_go",
    Choice.CONDITIONS: "gonogo_vote_conditions",
    Choice.NO_GO: "gonogo_vote_no_go",
}
ACTION_CLOSE = "gonogo_close"  # value: call id


def call_blocks(call: CallView) -> list[dict[str, Any]]:
    layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
    found = call.record
    suffix = (
        f" — decided {lines.DECISION_MARKS.get(found.final(call.override), found.decision)}"
        if found
        else " — Go/No-Go call"
    )
    layout.add(b.header(call.launch, suffix=suffix), reserve_blocks=4)
    head = []
    if found is not None:
        head.append(md.bold(md.text(lines.decision_headline(found, call.override))))
        head.append(md.text(f"Closed: {lines.closed_how(found)}"))
    head.append(md.text(lines.verdict_line(call)))
    head.append(md.text(lines.tally(call)))
    layout.add(b.section("\n".join(head)), reserve_blocks=3)
    layout.add(
        b.section("*Votes*\n" + "\n".join(md.text(v) for v in lines.vote_line(call))),
        reserve_blocks=3,
    )
    categories = [md.text(lines.category_line(c, call.timezone)) for c in call.categories]
    shown = categories[: lines.CATEGORY_LINES]
    more = len(categories) - len(shown)
    if shown:
        text = "*Categories*\n" + "\n".join(shown)
        if more:
            text += f"\n… and {plural(more, 'more category', 'more categories')} (`/ready signoff`)"
        layout.add(b.section(text), reserve_blocks=2)
    if call.is_open:
        value = str(call.id)
        layout.add(
            b.actions(
                [
                    b.button("GO", ACTION_VOTE[Choice.GO], value, style="primary"),
                    b.button("GO with conditions", ACTION_VOTE[Choice.CONDITIONS], value),
                    b.button("NO-GO", ACTION_VOTE[Choice.NO_GO], value, style="danger"),
                    b.button("Close call", ACTION_CLOSE, value),
                ],
                block_id=f"gonogo:{call.id}",
            )
        )
        layout.add(
            b.context(
                "Category owners and the launch owner vote; the last vote counts. "
                "GO needs the quorum, no NO-GO, and a verdict that is not NO-GO."
            )
        )
    else:
        layout.add(b.context("The decision is recorded: `/ready decision`."))
    return layout.blocks


def category_owner_blocks(reply: r.CategoryOwnerReply, layout: b.Layout) -> None:
    name = md.bold(md.inline(reply.category, 100))
    if reply.owner is None:
        text = f"✓ {name} has no owner now (was {md.mention(reply.previous or '')})."
    else:
        was = f" (was {md.mention(reply.previous)})" if reply.previous else ""
        text = (
            f"✓ {name} is owned by {md.mention(reply.owner)}{was}: they sign it off and vote "
            "on the Go/No-Go call."
        )
    layout.add(b.section(text))


def signoff_blocks(reply: r.SignoffReply, layout: b.Layout) -> None:
    name = md.bold(md.inline(reply.category, 100))
    state = reply.state
    ready = f" at {state.percent}% ({state.ready}/{state.total} ready)" if state else ""
    text = f"✍️ You signed off {name}{ready}."
    if reply.open_items:
        keys = ", ".join(md.code(md.inline(k, 40)) for k in reply.open_items[:10])
        more = f" +{len(reply.open_items) - 10}" if len(reply.open_items) > 10 else ""
        text += f"\nStill open when signed: {keys}{more}."
    layout.add(b.section(text))
    layout.add(
        b.context(
            "It revokes itself if the checklist changes under it: an item reopens, a new "
            "required item appears, or a linked monitor goes down."
        )
    )


def signoffs_blocks(reply: r.SignoffsReply, layout: b.Layout) -> None:
    layout.add(b.header(reply.launch.name, suffix=" — sign-offs"), reserve_blocks=2)
    rows = [md.text(lines.category_line(s, reply.launch.timezone)) for s in reply.states]
    if not rows:
        layout.add(b.section("No categories yet: add items or import an assessment."))
        return
    layout.add_lines(rows, reserve_blocks=1)
    layout.add(
        b.context(
            "Sign one off: `/ready signoff <category>[: note]`. Owners: `/ready category <name> owner @name`."
        )
    )


def call_reply_blocks(reply: r.CallReply, layout: b.Layout) -> None:
    call = reply.call
    if reply.action == "opened":
        layout.add(
            b.section(
                f"✓ The Go/No-Go call for *{md.inline(call.launch, 150)}* is posted in "
                f"{md.channel(call.channel_id)}: "
                + md.text(lines.tally(call))
                + "\nVoters: "
                + ", ".join(md.mention(v) for v in call.voters)
            )
        )
        return
    if reply.note:
        layout.add(b.section("✓ " + md.text(reply.note)))
    for block in call_blocks(call):
        if block["type"] != "actions" or reply.action == "show":
            layout.add(block)


def decision_blocks(reply: r.DecisionReply, layout: b.Layout) -> None:
    found, override = reply.record, reply.override
    final = found.final(override)
    layout.add(
        b.header(found.launch, suffix=f" — {lines.DECISION_MARKS.get(final, final)}"),
        reserve_blocks=4,
    )
    head = [
        md.bold(md.text(lines.decision_headline(found, override))),
        md.text(
            f"Decided {wording.moment(found.decided_at, found.timezone)} {found.timezone}: "
            f"{lines.closed_how(found)}"
        ),
        md.text(
            f"readybot: {found.score}/100 {lines.VERDICT_MARKS.get(found.verdict, found.verdict)}"
        ),
    ]
    if override is not None and found.disagreement:
        head.append(md.text(f"Before the override: {found.disagreement}"))
    layout.add(b.section("\n".join(head)), reserve_blocks=3)
    votes = []
    by_voter = {v.voter: v for v in found.votes}
    for voter in found.voters:
        vote = by_voter.get(voter)
        if vote is None:
            votes.append(f"▫️ {md.mention(voter)} did not vote")
        else:
            extra = (
                f": {', '.join(vote.conditions)}"
                if vote.conditions
                else (f": {vote.reason}" if vote.reason else "")
            )
            votes.append(
                f"{lines.CHOICE_MARKS[vote.choice]} {md.mention(voter)} {vote.choice.label}"
                + md.inline(extra, 200)
            )
    layout.add(b.section("*Votes*\n" + "\n".join(votes)), reserve_blocks=2)
    if found.reasons:
        layout.add(
            b.section(
                "*Verdict reasons*\n" + "\n".join(f"• {md.text(x)}" for x in found.reasons[:5])
            ),
            reserve_blocks=1,
        )
    layout.add(
        b.context(
            f"A snapshot of {plural(len(found.items), 'item')} is kept with it, unchanged by "
            "later edits. For the audit folder: `readybot export --decision`."
        )
    )


def token_blocks(reply: r.TokenReply, layout: b.Layout) -> None:
    name = md.bold(md.inline(reply.launch.name, 150))
    path = md.code(f"GET {reply.gate_path}")
    if reply.action in ("created", "rotated") and reply.token:
        verb = "New" if reply.action == "created" else "Rotated"
        layout.add(
            b.section(
                f"🔑 {verb} deploy-gate token for {name}. Copy it now: it is shown only once.\n"
                f"```{reply.token}```"
            )
        )
        layout.add(
            b.context(
                f"Pipelines call {path} with `Authorization: Bearer <token>`: 200 for GO, "
                "409 with the reasons otherwise."
                + (" The previous token no longer works." if reply.action == "rotated" else "")
            )
        )
    elif reply.action == "revoked":
        layout.add(
            b.section(
                f"✓ The deploy-gate token of {name} (`{md.escape(reply.hint or '')}…`) is revoked."
            )
        )
    else:
        since = (
            f", created {wording.moment(reply.created_at, reply.launch.timezone)}"
            if reply.created_at
            else ""
        )
        layout.add(
            b.section(
                f"{name} has a deploy-gate token (`{md.escape(reply.hint or '')}…`{since}). "
                "It is never shown again: `/ready launch token rotate` makes a new one, "
                "`/ready launch token revoke` stops it."
            )
        )
