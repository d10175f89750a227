"""The App Home, by role: everyone sees their own open items in each launch; launch owners
(and admins) also see what needs them: blockers, critical items nobody owns, overdue items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from commands.context import Context
from commands.decision.model import CategoryState
from commands.launching import local_today, view
from commands.permissions import is_launch_admin
from commands.readiness import Plan
from commands.replies import ItemView, LaunchView
from commands.scoring import ItemBrief, Verdict
from commands.status import report_cache
from storage import items, launches
from storage.engine import Store
from storage.vocabulary import Priority

HOME_LAUNCHES = 5
HOME_ITEMS = 8
ATTENTION_ITEMS = 5


@dataclass(frozen=True)
class HomeLaunch:
    launch: LaunchView
    today: date
    score: int
    verdict: Verdict
    mine: tuple[ItemView, ...]  # the viewer's open items in this launch
    mine_count: int
    owner_view: bool = False  # the viewer owns the launch (or is an admin)
    blockers: tuple[ItemBrief, ...] = ()
    blocked_count: int = 0
    unowned_critical: tuple[ItemView, ...] = ()  # owner view: critical items nobody owns
    unowned_critical_count: int = 0
    overdue: tuple[ItemBrief, ...] = ()  # owner view
    overdue_count: int = 0
    signoffs: tuple[CategoryState, ...] = ()  # each category's owner and sign-off
    plan: Plan = field(default_factory=Plan)  # verified score, critical path, path to GO


@dataclass(frozen=True)
class HomeReply:
    user_id: str
    launches: tuple[HomeLaunch, ...]
    updated_at: datetime
    more_launches: int = 0


def home(store: Store, ctx: Context) -> HomeReply:
    """Launches the viewer owns or has items in come first, then the most recently active."""
    with store.read() as session:
        all_launches = sorted(
            launches.launches(session, team_id=ctx.team_id),
            key=lambda launch: launch.updated_at,
            reverse=True,
        )
        sections = []
        for launch in all_launches:
            assert launch.id is not None
            today = local_today(ctx, launch)
            report, _ = report_cache(store).get(session, ctx, launch, today)
            mine, mine_count = items.open_items_of(
                session, launch_id=launch.id, owner=ctx.user_id, limit=HOME_ITEMS
            )
            owner_view = is_launch_admin(ctx, launch)
            unowned: tuple[ItemView, ...] = ()
            unowned_count = 0
            if owner_view:
                rows, unowned_count = items.open_unowned(
                    session, launch_id=launch.id, priority=Priority.CRITICAL, limit=ATTENTION_ITEMS
                )
                unowned = tuple(ItemView.of(r) for r in rows)
            sections.append(
                HomeLaunch(
                    launch=view(session, launch),
                    today=today,
                    score=report.score.percent,
                    verdict=report.verdict,
                    mine=tuple(ItemView.of(i) for i in mine),
                    mine_count=mine_count,
                    owner_view=owner_view,
                    blockers=report.concerns.blocked[:ATTENTION_ITEMS],
                    blocked_count=report.concerns.blocked_count,
                    unowned_critical=unowned,
                    unowned_critical_count=unowned_count,
                    overdue=report.overdue[:ATTENTION_ITEMS] if owner_view else (),
                    overdue_count=report.overdue_count if owner_view else 0,
                    signoffs=report.signoffs,
                    plan=report.plan,
                )
            )
        # Stable sorts: recency stays the order within each group.
        sections.sort(key=lambda s: not (s.owner_view or s.mine_count))
        return HomeReply(
            ctx.user_id,
            tuple(sections[:HOME_LAUNCHES]),
            ctx.now,
            max(0, len(sections) - HOME_LAUNCHES),
        )
