"""`status`: score, verdict and its reasons, blockers, overdue and next-due items, forecast, what-if."""

from __future__ import annotations

import math
import threading
from datetime import date, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from commands.context import Context
from commands.decision.signoffs import category_states
from commands.items.find import item_index
from commands.launch_state import launch_state
from commands.launching import current_launch, local_today, view
from commands.lru import LRU
from commands.readiness import plan
from commands.refs import resolve
from commands.replies import ItemView, StatusReply, StatusReport, WhatIf
from commands.scoring import (
    FORECAST_WINDOW_DAYS,
    Concerns,
    ItemBrief,
    Tally,
    assume_done,
    forecast,
    score,
    summarise,
    verdict,
    with_chain,
)
from storage import audit, items, readiness
from storage.engine import Session, Store
from storage.items import BriefRow
from storage.models import Launch
from storage.vocabulary import PRIORITY_OF, STATUS_OF, Priority

CONCERN_LIMIT = 10
DUE_LIMIT = 5


def _briefs(rows: list[BriefRow]) -> tuple[ItemBrief, ...]:
    return tuple(
        ItemBrief(
            key, title, category, PRIORITY_OF[priority], STATUS_OF[status], reason, owner, due
        )
        for key, title, category, priority, status, reason, owner, due in rows
    )


def build_report(
    session: Session, ctx: Context, launch: Launch, today: date
) -> tuple[StatusReport, list[Tally]]:
    """The status report of `launch`."""
    assert launch.id is not None
    lid, scenario = launch.id, launch.scenario
    state = launch_state(session, launch, today)
    counts = summarise(state.count_rows())
    wanted = {
        "critical": (CONCERN_LIMIT, counts.open_critical),
        "blocked": (CONCERN_LIMIT, counts.blocked),
        "overdue": (DUE_LIMIT, counts.overdue),
        "upcoming": (DUE_LIMIT, 1),
        "critical_overdue": (CONCERN_LIMIT, counts.critical_overdue),
        "high": (CONCERN_LIMIT, counts.open_high),
        "waived": (CONCERN_LIMIT, counts.waived),
    }
    lists = {
        name: _briefs(state.briefs(name, limit)) for name, (limit, count) in wanted.items() if count
    }

    since = max(ctx.now - timedelta(days=FORECAST_WINDOW_DAYS), launch.created_at)
    window_days = max(1, math.ceil((ctx.now - since).total_seconds() / 86_400))
    history_days = int((ctx.now - launch.created_at).total_seconds() // 86_400)
    closed = audit.closed_since(session, launch_id=lid, since=since)

    claimed_critical: tuple[ItemBrief, ...] = ()
    claimed_count = 0
    if launch.require_verified_critical:
        claimed_count = sum(
            n for (_, p), n in state.claimed.items() if p == Priority.CRITICAL.value
        )
        claimed_critical = _briefs(
            readiness.claimed_briefs(
                session,
                launch_id=lid,
                scenario=scenario,
                priority=Priority.CRITICAL.value,
                limit=CONCERN_LIMIT,
            )
        )
    concerns = Concerns(
        open_critical=lists.get("critical", ()),
        open_critical_count=counts.open_critical,
        blocked=lists.get("blocked", ()),
        blocked_count=counts.blocked,
        critical_overdue=lists.get("critical_overdue", ()),
        critical_overdue_count=counts.critical_overdue,
        open_high=lists.get("high", ()),
        open_high_count=counts.open_high,
        waived=lists.get("waived", ()),
        waived_count=counts.waived,
        claimed_critical=claimed_critical,
        claimed_critical_count=claimed_count,
    )
    current = score(counts.tallies)
    judged = verdict(concerns, score=current, bar=launch.bar)
    named = (*concerns.blocked, *lists.get("overdue", ()))

    ahead = plan(state, launch, today, counts.tallies, go=judged.go, named=named)
    report = StatusReport(
        score=current,
        verdict=judged,
        concerns=concerns,
        overdue=lists.get("overdue", ()),
        overdue_count=counts.overdue,
        next_due=lists.get("upcoming", ()),
        days_to_target=(launch.target_date - today).days if launch.target_date else None,
        forecast=with_chain(
            forecast(
                open_items=current.open,
                closed_recently=closed,
                window_days=window_days,
                history_days=history_days,
                required_items=current.total,
                today=today,
                target=launch.target_date,
            ),
            ahead.critical_path.finish if ahead.critical_path else None,
        ),
        expired_waivers=sum(t.count for t in counts.tallies if t.expired_waiver),
        not_required=counts.not_required,
        bar=launch.bar,
        signoffs=category_states(session, launch, current.categories),
        plan=ahead,
    )
    return report, counts.tallies


class ReportCache:
    """Recent status reports, keyed by the launch's plan revision.

    Every change to a launch or its items that status can show bumps `launch.plan_revision`
    in the same transaction (all but a note: storage.launches.touch), so a report computed
    at one plan revision is exact for as long as it stands; the key also holds the local
    date and the hour, for what depends on time (overdue items, days to target, the
    forecast's window). The revision is read from the database each time, so replicas
    never disagree.
    """

    def __init__(self, size: int = 256) -> None:
        self._reports: LRU[tuple[object, ...], tuple[StatusReport, list[Tally]]] = LRU(size)

    def get(
        self, session: Session, ctx: Context, launch: Launch, today: date
    ) -> tuple[StatusReport, list[Tally]]:
        key = (
            launch.id,
            launch.plan_revision,
            launch.scenario,
            launch.target_date,
            today,
            ctx.now.replace(minute=0, second=0, microsecond=0),
        )
        return self._reports.get_or_make(key, lambda: build_report(session, ctx, launch, today))


_CACHES: WeakKeyDictionary[Any, ReportCache] = WeakKeyDictionary()  # by engine
_CACHES_LOCK = threading.Lock()


def report_cache(store: Store) -> ReportCache:
    """One cache per database (tests open many; a deployment opens one)."""
    with _CACHES_LOCK:
        return _CACHES.setdefault(store.engine, ReportCache())


def status(
    store: Store,
    ctx: Context,
    *,
    launch_name: str | None = None,
    here: bool = False,
    what_if: tuple[str, ...] = (),
) -> StatusReply:
    with store.read() as session:
        launch = current_launch(session, ctx, launch_name)
        today = local_today(ctx, launch)
        report, tallies = report_cache(store).get(session, ctx, launch, today)
        assumed = _what_if(session, launch, report, tallies, what_if, today) if what_if else None
        return StatusReply(view(session, launch), report, today, assumed, public=here)


def _what_if(
    session: Session,
    launch: Launch,
    report: StatusReport,
    tallies: list[Tally],
    refs: tuple[str, ...],
    today: date,
) -> WhatIf:
    assert launch.id is not None
    index = item_index(session, launch)
    ids = list(dict.fromkeys(resolve(index, ref, usage_verb="status").id for ref in refs))
    found = [ItemView.of(items.get_item(session, item_id=item_id)) for item_id in ids]
    # Items the scenario does not require are not in the score, so assuming them done changes nothing.
    required = [
        item.brief()
        for item in found
        if item.scenarios is None or launch.scenario in item.scenarios
    ]
    adjusted, concerns = assume_done(tallies, report.concerns, required, today=today)
    assumed = score(adjusted)
    return WhatIf(
        tuple(item.brief() for item in found),
        assumed,
        verdict(concerns, score=assumed, bar=launch.bar),
    )
