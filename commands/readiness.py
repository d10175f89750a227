"""Readiness beyond the score: claimed versus verified done, the critical path to the
target date, what a late or blocked item holds up, and the shortest path to GO, read from
the database for one launch (the rules themselves are pure: commands.paths, scoring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from commands.paths import (
    CriticalPath,
    Graph,
    Node,
    PathToGo,
    critical_path,
    effort_days,
    path_to_go,
    waits_for,
)
from commands.paths import holds_up as _holds_up
from commands.scoring import ItemBrief, Tally, score, verified_only, weights
from storage import items, readiness
from storage.engine import Session
from storage.models import Launch
from storage.vocabulary import Priority, Status

HOLDS_UP_LIMIT = 200  # enough to say how many; a surface names the first few


@dataclass(frozen=True)
class Plan:
    """What `status` says beyond the score and verdict."""

    verified_percent: int | None = None  # None: nothing is only claimed
    claimed_count: int = 0  # required items done only by an import
    critical_path: CriticalPath | None = None
    path_to_go: PathToGo | None = None  # None unless the verdict is NO-GO
    holds_up: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> dependents
    waits_for: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> open needs


def launch_graph(session: Session, launch: Launch, today: date) -> tuple[Graph, dict[str, int]]:
    """The launch's items and dependencies (and key → id)."""
    assert launch.id is not None
    # Read once, not per row: these are ORM attributes, and a launch has thousands of items.
    require_verified = bool(launch.require_verified_critical)
    scenario = launch.scenario
    nodes = []
    ids: dict[str, int] = {}
    for (
        item_id,
        key,
        title,
        priority,
        status,
        owner,
        due,
        effort,
        scenarios,
        blocked_reason,
        waiver_until,
        unverified,
    ) in readiness.graph_items(session, launch_id=launch.id):
        state = _STATUS[status]
        rank = _PRIORITY[priority]
        claimed_critical = (
            require_verified and state == Status.DONE and unverified and rank == Priority.CRITICAL
        )
        ready = (state == Status.DONE and not claimed_critical) or (
            state == Status.WAIVED and (waiver_until is None or waiver_until >= today)
        )
        ids[key] = item_id
        nodes.append(
            Node(
                item_id,
                key,
                title,
                rank,
                state,
                owner,
                due,
                effort_days(effort),
                items.is_required(scenarios, scenario),
                ready,
                blocked_reason,
            )
        )
    return Graph.of(nodes, readiness.edges(session, launch_id=launch.id)), ids


_STATUS = {s.value: s for s in Status}
_PRIORITY = {p.value: p for p in Priority}


def plan(
    session: Session,
    launch: Launch,
    today: date,
    tallies: list[Tally],
    *,
    go: bool,
    named: tuple[ItemBrief, ...],
) -> Plan:
    """`named`: the items status shows (blockers, overdue): what each of them holds up."""
    assert launch.id is not None
    claimed = readiness.claimed_counts(session, launch_id=launch.id, scenario=launch.scenario)
    verified = score(verified_only(tallies, claimed)).percent if claimed else None
    graph, ids = launch_graph(session, launch, today)
    path = critical_path(graph, today=today, target=launch.target_date)
    to_go = None
    ready_weight, total_weight = weights(tallies)
    if not go and total_weight > 0:  # with no checklist yet there is no path, only a start
        must = [
            n.id
            for n in graph.nodes.values()
            if n.status == Status.DONE and not n.ready and n.required  # critical, only claimed
        ]
        to_go = path_to_go(
            graph, ready_weight=ready_weight, total_weight=total_weight, bar=launch.bar, must=must
        )
    holds = {
        brief.key: found
        for brief in named
        if brief.key in ids and (found := _holds_up(graph, ids[brief.key], HOLDS_UP_LIMIT))
    }
    for step in path.steps:
        if (
            step.key in ids
            and step.key not in holds
            and (found := _holds_up(graph, ids[step.key], HOLDS_UP_LIMIT))
        ):
            holds[step.key] = found
    return Plan(verified, sum(claimed.values()), path, to_go, holds, waits_for(graph))
