"""`status`: score, verdict and its reasons, blockers, overdue and next-due items, forecast, what-if."""

from __future__ import annotations

import math
from datetime import date, timedelta

from sqlmodel import Session

from commands import verbs as v
from commands.context import Context
from commands.launching import current_launch, local_today, view
from commands.refs import ItemIndex, resolve
from commands.replies import ItemView, StatusReply, StatusReport, WhatIf
from commands.scoring import (
    FORECAST_WINDOW_DAYS,
    Concerns,
    ItemBrief,
    Tally,
    assume_done,
    forecast,
    score,
    verdict,
)
from storage import queries
from storage.engine import Store
from storage.models import Item, Launch, Priority, Status

CONCERN_LIMIT = 10
DUE_LIMIT = 5


def _brief(item: Item) -> ItemBrief:
    return ItemView.of(item).brief()


def build_report(
    session: Session, ctx: Context, launch: Launch, today: date
) -> tuple[StatusReport, list[Tally]]:
    assert launch.id is not None
    tallies = [
        Tally(category, Priority(priority), Status(status), count, expired)
        for category, priority, status, expired, count in queries.tallies(
            session, launch.id, launch.scenario, today
        )
    ]
    critical, critical_count = queries.open_critical(
        session, launch.id, launch.scenario, today, CONCERN_LIMIT
    )
    blocked, blocked_count = queries.blocked(session, launch.id, launch.scenario, CONCERN_LIMIT)
    overdue, overdue_count = queries.overdue(session, launch.id, launch.scenario, today, DUE_LIMIT)
    upcoming = queries.next_due(session, launch.id, launch.scenario, today, DUE_LIMIT)

    since = max(ctx.now - timedelta(days=FORECAST_WINDOW_DAYS), launch.created_at)
    window_days = max(1, math.ceil((ctx.now - since).total_seconds() / 86_400))
    closed = queries.closed_since(session, launch.id, since)

    concerns = Concerns(
        tuple(_brief(i) for i in critical),
        critical_count,
        tuple(_brief(i) for i in blocked),
        blocked_count,
    )
    current = score(tallies)
    report = StatusReport(
        score=current,
        verdict=verdict(concerns),
        concerns=concerns,
        overdue=tuple(_brief(i) for i in overdue),
        overdue_count=overdue_count,
        next_due=tuple(_brief(i) for i in upcoming),
        days_to_target=(launch.target_date - today).days if launch.target_date else None,
        forecast=forecast(
            open_items=current.open,
            closed_recently=closed,
            window_days=window_days,
            today=today,
            target=launch.target_date,
        ),
        expired_waivers=sum(t.count for t in tallies if t.expired_waiver),
        not_required=queries.count_not_required(session, launch.id, launch.scenario),
    )
    return report, tallies


def status(store: Store, ctx: Context, cmd: v.Status) -> StatusReply:
    with store.read() as session:
        launch = current_launch(session, ctx, cmd.launch)
        today = local_today(ctx, launch)
        report, tallies = build_report(session, ctx, launch, today)
        what_if = _what_if(session, launch, report, tallies, cmd.what_if) if cmd.what_if else None
        return StatusReply(view(session, launch), report, today, what_if, public=cmd.here)


def _what_if(
    session: Session,
    launch: Launch,
    report: StatusReport,
    tallies: list[Tally],
    refs: tuple[str, ...],
) -> WhatIf:
    assert launch.id is not None
    index = ItemIndex(queries.item_refs(session, launch.id))
    ids = list(dict.fromkeys(resolve(index, ref, usage_verb="status").id for ref in refs))
    items = [ItemView.of(queries.get_item(session, item_id)) for item_id in ids]
    # Items the scenario does not require are not in the score, so assuming them done changes nothing.
    required = [
        item.brief()
        for item in items
        if item.scenarios is None or launch.scenario in item.scenarios
    ]
    adjusted, concerns = assume_done(tallies, report.concerns, required)
    return WhatIf(tuple(item.brief() for item in items), score(adjusted), verdict(concerns))
