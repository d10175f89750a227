"""Readiness beyond the score: claimed versus verified done, the critical path to the
target date, what a late or blocked item holds up, and the shortest path to GO, for one
launch's items as kept (commands.launch_state; the rules: commands.paths, scoring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from commands.launch_state import Kept
from commands.paths import (
    CriticalPath,
    PathToGo,
    critical_path,
    path_to_go,
    waits_for,
)
from commands.paths import holds_up as _holds_up
from commands.scoring import ItemBrief, Tally, score, verified_only, weights
from storage.models import Launch
from storage.vocabulary import Status

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


def plan(
    state: Kept,
    launch: Launch,
    today: date,
    tallies: list[Tally],
    *,
    go: bool,
    named: tuple[ItemBrief, ...],
) -> Plan:
    """The plan of the launch whose items are `state` (pure: nothing is read here).
    `named`: the items status shows (blockers, overdue): what each of them holds up."""
    claimed = state.claimed
    verified = score(verified_only(tallies, claimed)).percent if claimed else None
    graph, ids = state.graph, state.ids
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
