"""The Go/No-Go call: open it in the launch's channel, vote, close it (quorum, deadline or
the launch owner), record the decision, and let an admin override it with a reason.

The voters are fixed when the call opens: the category owners and the launch owner. A
vote is one row per voter (the last click counts), each audited. Closing is one
conditional UPDATE, so of two replicas closing the same call one records the decision
and queues the result; the other does nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from commands.audit import record
from commands.context import Context
from commands.decision.model import (
    CallView,
    Choice,
    DecisionRecord,
    ItemSnapshot,
    Override,
    VoteView,
    closes_now,
    decide,
    reminder_due,
)
from commands.decision.signoffs import category_states
from commands.errors import Conflict, NotAllowed, UsageError
from commands.facts import encode
from commands.items.add import KeyMaker, new_item, record_created
from commands.launching import current_launch, local_today, view
from commands.permissions import require_launch_admin
from commands.replies import CallReply, DecisionReply, VoteReminder
from commands.status import build_report
from commands.text import plural, user
from commands.writes import writing
from storage import decisions, items, launches, outbox
from storage.engine import Session, Store
from storage.models import GoNoGoCall, Launch, Vote
from storage.vocabulary import OutboxKind, Priority, Via, is_slack_channel

CONDITIONS_CATEGORY = "Launch conditions"
MAX_CALL = timedelta(days=14)
_RECORD = TypeAdapter(DecisionRecord)
_OVERRIDE = TypeAdapter(Override)


def call_key(call_id: int) -> str:
    """The outbox key of the call's message: results and overrides answer it in its thread."""
    return f"call:{call_id}"


# -- reading ------------------------------------------------------------------------------


def _votes(session: Session, call_id: int) -> tuple[VoteView, ...]:
    return tuple(
        VoteView(
            v.voter,
            Choice(v.choice),
            v.at,
            v.voter_name,
            v.reason,
            tuple(v.conditions or ()),
        )
        for v in decisions.votes(session, call_id=call_id)
    )


def load_record(call: GoNoGoCall) -> DecisionRecord | None:
    return _RECORD.validate_python(call.record) if call.record else None


def load_override(call: GoNoGoCall) -> Override | None:
    return _OVERRIDE.validate_python(call.override) if call.override else None


def call_view(session: Session, ctx: Context, call: GoNoGoCall, launch: Launch) -> CallView:
    """The call as it stands: live verdict and sign-offs while open; its record once closed."""
    assert call.id is not None and launch.id is not None
    closed = load_record(call)
    if closed is not None:
        score, verdict, reasons = closed.score, closed.verdict, closed.reasons
        categories = closed.categories
    else:
        report, _ = build_report(session, ctx, launch, local_today(ctx, launch))
        score, verdict = report.score.percent, report.verdict.label
        reasons = report.verdict.why
        categories = category_states(session, launch, report.score.categories)
    return CallView(
        id=call.id,
        launch_id=launch.id,
        launch=launch.name,
        channel_id=call.channel_id,
        opened_by=call.opened_by,
        opened_at=call.opened_at,
        deadline=call.deadline,
        quorum=call.quorum,
        voters=tuple(call.voters),
        votes=_votes(session, call.id),
        categories=categories,
        score=score,
        verdict=verdict,
        reasons=reasons,
        timezone=launch.timezone,
        launch_owner=launch.owner,
        team_id=call.team_id,
        record=closed,
        override=load_override(call),
    )


def show_call(store: Store, ctx: Context) -> CallReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        assert launch.id is not None
        call = decisions.open_call(session, launch_id=launch.id)
        if call is None:
            call = decisions.latest_closed_call(session, launch_id=launch.id)
        if call is None:
            raise UsageError(
                f"{launch.name} has no Go/No-Go call yet. Start one: "
                "`/ready gonogo at 16:00` (or `/ready gonogo in 2h quorum 2`).",
                usage_verb="gonogo",
            )
        return CallReply(call_view(session, ctx, call, launch), "show")


def latest_decision(store: Store, ctx: Context) -> DecisionReply:
    with store.read() as session:
        launch = current_launch(session, ctx)
        assert launch.id is not None
        call = decisions.latest_closed_call(session, launch_id=launch.id)
        found = load_record(call) if call else None
        if call is None or found is None:
            still = decisions.open_call(session, launch_id=launch.id)
            raise Conflict(
                f"{launch.name} has no recorded decision yet"
                + (
                    ": its Go/No-Go call is still open."
                    if still
                    else ". Start a call: `/ready gonogo`."
                )
            )
        override = load_override(call)
        return DecisionReply(
            view(session, launch), found, override, record_markdown(found, override)
        )


# -- opening ------------------------------------------------------------------------------


def voters_of(session: Session, launch: Launch) -> tuple[str, ...]:
    """Category owners and the launch owner, each once, in a stable order."""
    assert launch.id is not None
    owners = [o.owner for o in decisions.category_owners(session, launch_id=launch.id).values()]
    people = ([launch.owner] if launch.owner else []) + sorted(owners)
    return tuple(dict.fromkeys(people))


def _channel_of(session: Session, ctx: Context, launch: Launch) -> str:
    assert launch.id is not None
    channels = launches.channels_of(session, launch_id=launch.id)
    if ctx.channel_id in channels:
        return ctx.channel_id
    if channels:
        return channels[0]
    raise Conflict(
        f"{launch.name} has no channel to hold the call in. In the launch's channel: "
        f"`/ready launch use {launch.name}`, then `/ready gonogo`."
    )


def open_new_call(
    store: Store, ctx: Context, *, deadline_text: str | None, quorum: int | None
) -> CallReply:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        require_launch_admin(ctx, launch, action=f"start the Go/No-Go call for {launch.name}")
        deadline = (
            parse_deadline(deadline_text, now=ctx.now, timezone=launch.timezone)
            if deadline_text
            else None
        )
        existing = decisions.open_call(session, launch_id=launch.id)
        if existing is not None:
            raise Conflict(
                f"A Go/No-Go call for {launch.name} is already open (started by "
                f"{user(existing.opened_by)}). Vote on it, or close it: `/ready gonogo close`."
            )
        voters = voters_of(session, launch)
        if not voters:
            raise Conflict(
                f"Nobody can vote on {launch.name} yet: give it an owner (`/ready launch owner "
                "@name`) or its categories owners (`/ready category Security owner @name`)."
            )
        if quorum is not None and quorum > len(voters):
            raise UsageError(
                f"A quorum of {quorum} is more than the {plural(len(voters), 'voter')} "
                f"({', '.join(user(v) for v in voters)}): give `quorum all` or at most "
                f"{len(voters)}.",
                usage_verb="gonogo",
            )
        if deadline is not None and not ctx.now < deadline <= ctx.now + MAX_CALL:
            raise UsageError(
                "The deadline must be in the future and within 14 days.", usage_verb="gonogo"
            )
        call = decisions.add_call(
            session,
            call=GoNoGoCall(
                team_id=ctx.team_id,
                launch_id=launch.id,
                channel_id=_channel_of(session, ctx, launch),
                opened_by=ctx.user_id,
                opened_at=ctx.now,
                deadline=deadline,
                quorum=quorum,
                voters=list(voters),
            ),
        )
        assert call.id is not None
        event = record(
            session,
            ctx,
            launch_id=launch.id,
            action="gonogo.opened",
            after={
                "call": call.id,
                "voters": list(voters),
                "quorum": quorum,
                "deadline": deadline.isoformat() if deadline else None,
            },
            flush=True,
        )
        shown = call_view(session, ctx, call, launch)
        outbox.enqueue(
            session,
            kind=OutboxKind.CALL,
            team_id=ctx.team_id,
            channel_id=call.channel_id,
            dedupe_key=call_key(call.id),
            facts=encode(shown),
            now=ctx.now,
            ref_id=event.id,
        )
        launches.touch(launch, now=ctx.now)
        return CallReply(shown, "opened")


def parse_deadline(text: str, *, now: datetime, timezone: str) -> datetime:
    """`16:00`, `4pm`, `friday 16:00`, `dec 4 9am`, `tomorrow 10:00` in the launch's
    timezone (a time already past today means tomorrow); `in 2h`, `in 90m`."""
    from commands.dates import DateError, parse_date
    from commands.monitors.draft import parse_duration
    from commands.timing import ScheduleError, parse_time

    words = text.strip().split()
    if not words:
        raise UsageError("`at` needs a time, e.g. `gonogo at 16:00`.", usage_verb="gonogo")
    if words[0].lower() == "in":
        try:
            return now + timedelta(seconds=parse_duration(" ".join(words[1:]), "time span"))
        except UsageError as exc:
            raise UsageError(exc.message, usage_verb="gonogo") from None
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    try:
        at = parse_time(words[-1])
    except ScheduleError as exc:
        raise UsageError(f"{exc} Say e.g. `gonogo at friday 16:00`.", usage_verb="gonogo") from None
    day: date = local_now.date()
    if len(words) > 1:
        try:
            day = parse_date(" ".join(words[:-1]), today=local_now.date())
        except DateError as exc:
            raise UsageError(
                f"{exc} Say e.g. `gonogo at friday 16:00`.", usage_verb="gonogo"
            ) from None
    moment = datetime.combine(day, at, tzinfo=zone)
    if len(words) == 1 and moment <= local_now:
        moment += timedelta(days=1)
    return moment


# -- voting -------------------------------------------------------------------------------


def _who_votes(voters: tuple[str, ...] | list[str]) -> str:
    return ", ".join(user(v) for v in voters)


def cast(
    store: Store,
    ctx: Context,
    *,
    call_id: int | None,
    choice: Choice,
    reason: str | None = None,
    conditions: tuple[str, ...] = (),
    due: date | None = None,
) -> CallReply:
    """`ctx`'s vote on the call (`call_id`, or the launch's open one). GO with conditions
    turns each condition into a dated item the voter owns; NO-GO needs a reason."""
    with writing(store, ctx) as session:
        if call_id is None:
            launch = current_launch(session, ctx, lock=True)
            assert launch.id is not None
            found = decisions.open_call(session, launch_id=launch.id)
            if found is None:
                last = decisions.latest_closed_call(session, launch_id=launch.id)
                raise Conflict(
                    f"{launch.name} has no open Go/No-Go call to vote on"
                    + (f": the last one closed, decided {last.decision}. " if last else ". ")
                    + "Start one: `/ready gonogo`."
                )
            call_id = found.id
        assert call_id is not None
        call = decisions.get_call(session, call_id=call_id)
        if call is None or call.team_id != ctx.team_id:
            raise Conflict("That Go/No-Go call no longer exists.")
        launch = launches.lock_launch(session, launch_id=call.launch_id)
        call = decisions.get_call(session, call_id=call_id, for_update=True)
        assert call is not None and call.id is not None and launch.id is not None
        if call.status != decisions.OPEN:
            raise Conflict(
                f"This Go/No-Go call is closed: decided {call.decision} "
                f"({call.close_reason}). See `/ready decision`."
            )
        if ctx.user_id not in call.voters:
            raise NotAllowed(
                f"Only the category owners and the launch owner vote on {launch.name}: "
                f"{_who_votes(call.voters)}."
            )
        if choice is Choice.NO_GO and not (reason or "").strip():
            raise UsageError(
                "Say why NO-GO: `/ready gonogo vote no-go <reason>`.", usage_verb="gonogo"
            )
        if choice is Choice.CONDITIONS and not conditions:
            raise UsageError(
                "Name the conditions, one per line (or separated by `;`): "
                "`/ready gonogo vote conditions load test at 2x; rollback rehearsed`.",
                usage_verb="gonogo",
            )
        keys = _condition_items(session, ctx, launch, conditions, due) if conditions else ()
        earlier = decisions.cast_vote(
            session,
            vote=Vote(
                call_id=call.id,
                voter=ctx.user_id,
                voter_name=ctx.user_name,
                choice=choice.value,
                reason=(reason or "").strip() or None,
                conditions=list(keys),
                at=ctx.now,
            ),
        )
        record(
            session,
            ctx,
            launch_id=launch.id,
            action="voted",
            before={"call": call.id, "choice": earlier.choice} if earlier else None,
            after={"call": call.id, "choice": choice.value, "conditions": list(keys)},
            note=reason,
        )
        note = f"You voted {choice.label}" + (
            f" (was {Choice(earlier.choice).label})" if earlier and earlier.choice != choice else ""
        )
        if keys:
            note += f"; your conditions are items {', '.join(keys)}"
        votes = _votes(session, call.id)
        if closes_now(votes, tuple(call.voters), call.quorum):
            close(session, ctx, call, launch, reason="quorum", by=None)
        launches.touch(launch, now=ctx.now)
        return CallReply(call_view(session, ctx, call, launch), "voted", note)


def _condition_items(
    session: Session,
    ctx: Context,
    launch: Launch,
    conditions: tuple[str, ...],
    due: date | None,
) -> tuple[str, ...]:
    assert launch.id is not None
    when = due or local_today(ctx, launch) + timedelta(days=7)
    keys = KeyMaker(items.all_keys(session, launch_id=launch.id))
    seq = items.next_seq(session, launch_id=launch.id)
    created = []
    for number, title in enumerate(conditions):
        created.append(
            new_item(
                ctx,
                launch,
                key=keys.make(CONDITIONS_CATEGORY),
                seq=seq + number,
                title=title[:500],
                category=CONDITIONS_CATEGORY,
                priority=Priority.HIGH.value,
                owner=ctx.user_id,
                due_date=when,
                source="gonogo",
            )
        )
    items.add_items(session, items=created)
    for item in created:
        record_created(session, ctx, launch, item)
    return tuple(item.key for item in created)


# -- closing ------------------------------------------------------------------------------


def close(
    session: Session,
    ctx: Context,
    call: GoNoGoCall,
    launch: Launch,
    *,
    reason: str,
    by: str | None,
) -> bool:
    """Close the call and record the decision; False if another worker closed it first."""
    assert call.id is not None and launch.id is not None
    if not decisions.claim_close(session, call_id=call.id, now=ctx.now, by=by, reason=reason):
        return False
    session.refresh(call)
    report, _ = build_report(session, ctx, launch, local_today(ctx, launch))
    votes = _votes(session, call.id)
    outcome = decide(
        votes,
        tuple(call.voters),
        call.quorum,
        verdict_go=report.verdict.go,
        verdict_label=report.verdict.label,
        verdict_reasons=report.verdict.why,
    )
    snapshot = tuple(
        ItemSnapshot(
            i.key,
            i.title,
            i.category,
            i.status,
            i.priority,
            i.owner,
            i.due_date.isoformat() if i.due_date else None,
        )
        for i in items.all_items(session, launch_id=launch.id)
    )
    decided = DecisionRecord(
        call_id=call.id,
        launch=launch.name,
        opened_at=call.opened_at,
        decided_at=ctx.now,
        close_reason=reason,
        closed_by=by,
        decision=outcome.decision,
        team=outcome.team,
        why=outcome.why,
        disagreement=outcome.disagreement,
        score=report.score.percent,
        verdict=report.verdict.label,
        reasons=report.verdict.why,
        voters=tuple(call.voters),
        quorum=call.quorum,
        votes=votes,
        categories=category_states(session, launch, report.score.categories),
        items=snapshot,
        timezone=launch.timezone,
    )
    call.decision = outcome.decision
    call.record = _RECORD.dump_python(decided, mode="json")
    decisions.save_call(session, call=call)
    event = record(
        session,
        ctx,
        launch_id=launch.id,
        action="gonogo.closed",
        after={"call": call.id, "decision": outcome.decision, "team": outcome.team, "why": reason},
        note=outcome.disagreement,
        flush=True,
    )
    _queue_result(session, ctx, call, launch, key=f"decision:{call.id}", ref_id=event.id)
    return True


def _queue_result(
    session: Session,
    ctx: Context,
    call: GoNoGoCall,
    launch: Launch,
    *,
    key: str,
    ref_id: int | None,
) -> None:
    assert call.id is not None
    outbox.enqueue(
        session,
        kind=OutboxKind.DECISION,
        team_id=call.team_id,
        channel_id=call.channel_id,
        dedupe_key=key,
        facts=encode(call_view(session, ctx, call, launch)),
        now=ctx.now,
        ref_id=ref_id,
        parent_key=call_key(call.id),
    )


def close_early(store: Store, ctx: Context) -> CallReply:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        call = decisions.open_call(session, launch_id=launch.id)
        if call is None:
            raise Conflict(f"{launch.name} has no open Go/No-Go call to close.")
        if not (ctx.is_admin or launch.owner == ctx.user_id):
            raise NotAllowed(
                f"Only the launch owner ({user(launch.owner) if launch.owner else 'none set'}) "
                "or an admin can close the call early."
            )
        close(session, ctx, call, launch, reason="owner", by=ctx.user_id)
        return CallReply(call_view(session, ctx, call, launch), "closed")


def override(store: Store, ctx: Context, *, decision: str, reason: str) -> CallReply:
    """An admin's override of the latest decision, with a reason; the record stays as it
    was, and the override is kept beside it."""
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        if not ctx.is_admin:
            raise NotAllowed(
                "Only an admin can override a decision"
                + (f" ({', '.join(user(a) for a in sorted(ctx.admins))})." if ctx.admins else ".")
            )
        call = decisions.latest_closed_call(session, launch_id=launch.id)
        if call is None or call.id is None:
            raise Conflict(f"{launch.name} has no decision to override yet.")
        if not reason.strip():
            raise UsageError(
                "Give the reason: `/ready gonogo override go <reason>`.", usage_verb="gonogo"
            )
        before = load_override(call)
        if call.decision == decision:
            raise Conflict(f"The decision is already {decision}.")
        given = Override(decision, ctx.user_id, reason.strip()[:1000], ctx.now, ctx.user_name)
        call.override = _OVERRIDE.dump_python(given, mode="json")
        previous = call.decision
        call.decision = decision
        decisions.save_call(session, call=call)
        event = record(
            session,
            ctx,
            launch_id=launch.id,
            action="gonogo.override",
            before={"call": call.id, "decision": previous, "override": bool(before)},
            after={"call": call.id, "decision": decision},
            note=reason,
            flush=True,
        )
        _queue_result(
            session, ctx, call, launch, key=f"override:{call.id}:{event.id}", ref_id=event.id
        )
        return CallReply(call_view(session, ctx, call, launch), "override")


# -- the clock ----------------------------------------------------------------------------


def tick(store: Store, now: datetime, *, slack: bool = True) -> int:
    """Close calls past their deadline and remind voters halfway; how many things it did.
    Safe on every replica at once: closing and reminding are each claimed by one UPDATE.
    `slack` picks the calls held in Slack channels (serve) or elsewhere (the console)."""
    from commands.digests.gather import scheduler_context

    done = 0
    with store.read() as session:
        due = [
            (c.id, c.team_id)
            for c in decisions.calls_due(session, now=now)
            if is_slack_channel(c.channel_id) == slack
        ]
    for call_id, team_id in due:
        assert call_id is not None
        ctx = replace(scheduler_context(team_id, now), via=Via.SCHEDULER)
        with store.write() as session:
            call = decisions.get_call(session, call_id=call_id)
            if call is None or call.status != decisions.OPEN or call.deadline is None:
                continue
            launch = launches.lock_launch(session, launch_id=call.launch_id)
            if now >= call.deadline:
                done += close(session, ctx, call, launch, reason="deadline", by=None)
            elif reminder_due(call.opened_at, call.deadline, now) and decisions.claim_reminder(
                session, call_id=call_id, now=now
            ):
                done += _remind(session, ctx, call, launch)
    return done


def _remind(session: Session, ctx: Context, call: GoNoGoCall, launch: Launch) -> int:
    assert call.id is not None and call.deadline is not None
    voted = {v.voter for v in decisions.votes(session, call_id=call.id)}
    waiting = [v for v in call.voters if v not in voted]
    for voter in waiting:
        outbox.enqueue(
            session,
            kind=OutboxKind.VOTE_REMINDER,
            team_id=call.team_id,
            channel_id=voter,
            dedupe_key=f"vote-reminder:{call.id}:{voter}",
            facts=encode(
                VoteReminder(
                    call.id,
                    launch.id or 0,
                    launch.name,
                    voter,
                    call.channel_id,
                    call.deadline,
                    launch.timezone,
                )
            ),
            now=ctx.now,
        )
    record(
        session,
        ctx,
        launch_id=launch.id,
        action="gonogo.reminded",
        after={"call": call.id, "voters": waiting},
    )
    return 1 if waiting else 0


# -- the record as markdown ----------------------------------------------------------------


def record_markdown(found: DecisionRecord, override: Override | None) -> str:
    from commands import wording

    def when(at: datetime) -> str:
        return wording.moment(at, found.timezone) + f" ({found.timezone})"

    lines = [
        f"# Go/No-Go decision: {found.launch}",
        "",
        f"- **Decision:** {found.final(override)}"
        + (f" (overridden; the call decided {found.decision})" if override else ""),
        f"- **Decided:** {when(found.decided_at)}, by {_closed_how(found)}",
        f"- **Call opened:** {when(found.opened_at)}",
        f"- **The team's call:** {found.team} — {found.why}",
        f"- **readybot's verdict:** {found.verdict} at {found.score}/100",
    ]
    if found.disagreement:
        lines.append(f"- **Disagreement:** {found.disagreement}")
    if override:
        lines.append(
            f"- **Override:** {override.decision} by {override.by_name or override.by} at "
            f"{when(override.at)}: {override.reason}"
        )
    if found.reasons:
        lines += ["", "## Verdict reasons", ""] + [f"- {r}" for r in found.reasons]
    lines += ["", "## Votes", ""]
    quorum = "all" if found.quorum is None else str(found.quorum)
    lines.append(f"Voters: {', '.join(found.voters)} (quorum {quorum})")
    lines.append("")
    for v in found.votes:
        extra = f" — {v.reason}" if v.reason else ""
        if v.conditions:
            extra += f" — conditions: {', '.join(v.conditions)}"
        lines.append(f"- {v.voter_name or v.voter}: **{v.choice.label}** at {when(v.at)}{extra}")
    voted = {v.voter for v in found.votes}
    for missing in (v for v in found.voters if v not in voted):
        lines.append(f"- {missing}: did not vote")
    lines += [
        "",
        "## Categories",
        "",
        "| Category | Ready | Owner | Sign-off |",
        "|---|---|---|---|",
    ]
    for c in found.categories:
        signed = (
            f"signed by {c.signed_by} {wording.moment(c.signed_at, found.timezone)}"
            if c.signed_by and c.signed_at
            else ("revoked: " + c.revoked_reason if c.revoked_reason else "not signed")
        )
        lines.append(
            f"| {c.category} | {c.percent}% ({c.ready}/{c.total}) | {c.owner or '—'} | {signed} |"
        )
    lines += [
        "",
        f"## Items at the decision ({len(found.items)})",
        "",
        "| Key | Title | Category | Status | Priority | Owner | Due |",
        "|---|---|---|---|---|---|---|",
    ]
    for i in found.items:
        title = i.title.replace("|", "\\|")
        lines.append(
            f"| {i.key} | {title} | {i.category} | {i.status} | {i.priority} | "
            f"{i.owner or '—'} | {i.due or '—'} |"
        )
    return "\n".join(lines) + "\n"


def _closed_how(found: DecisionRecord) -> str:
    return {
        "quorum": "quorum (every required voter voted)",
        "deadline": "the deadline",
        "owner": f"the launch owner closing it ({found.closed_by})",
    }.get(found.close_reason, found.close_reason)
