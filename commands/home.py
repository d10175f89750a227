"""The App Home: a person's own open items and, for each launch, score, verdict and blockers."""

from __future__ import annotations

from dataclasses import dataclass

from commands.context import Context
from commands.launching import local_today, view
from commands.replies import ItemView, LaunchView
from commands.scoring import ItemBrief, Verdict
from commands.status import report_cache
from storage import items, launches
from storage.engine import Store

HOME_LAUNCHES = 5
HOME_ITEMS = 10


@dataclass(frozen=True)
class HomeLaunch:
    launch: LaunchView
    score: int
    verdict: Verdict
    blockers: tuple[ItemBrief, ...]
    blocked_count: int
    mine: tuple[ItemView, ...]  # the viewer's open items in this launch
    mine_count: int


@dataclass(frozen=True)
class HomeReply:
    user_id: str
    launches: tuple[HomeLaunch, ...]
    more_launches: int = 0


def home(store: Store, ctx: Context) -> HomeReply:
    """Launches the viewer owns items in come first, then the most recently active ones."""
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
            sections.append(
                HomeLaunch(
                    view(session, launch),
                    report.score.percent,
                    report.verdict,
                    report.concerns.blocked,
                    report.concerns.blocked_count,
                    tuple(ItemView.of(i) for i in mine),
                    mine_count,
                )
            )
        sections.sort(key=lambda s: s.mine_count == 0)  # stable: keeps recency within each group
        return HomeReply(
            ctx.user_id, tuple(sections[:HOME_LAUNCHES]), max(0, len(sections) - HOME_LAUNCHES)
        )
