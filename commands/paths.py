"""Dependencies between items as a graph: cycles, the critical path to the target date,
what a late or blocked item holds up, and the shortest path to GO. Pure, and linear in
items plus edges (a 5,000-item launch with 10,000 edges takes milliseconds).

Durations come from an item's effort ("1-2 days", "4 hours", "30 minutes"; the upper end
of a range, 8 working hours a day) and are one day where it says nothing: a plan of days,
not a promise, but enough to see which chain leaves the least slack.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from commands.scoring import PRIORITY_WEIGHTS
from storage.vocabulary import Priority, Status

DEFAULT_DAYS = 1.0
_EFFORT = re.compile(
    r"(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*"
    r"(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)\b",
    re.IGNORECASE,
)
_UNIT_DAYS = {"m": 1 / 480, "h": 1 / 8, "d": 1.0, "w": 5.0}


def effort_days(effort: str | None) -> float:
    """`1-2 days` → 2, `4 hours` → 0.5, `30 minutes` → 0.0625; one day when unknown."""
    if not effort:
        return DEFAULT_DAYS
    match = _EFFORT.search(effort)
    if not match:
        return DEFAULT_DAYS
    amount = float(match[2] or match[1])
    unit = match[3].lower()[0]
    return max(amount * _UNIT_DAYS[unit], 1 / 480)


@dataclass(frozen=True)
class Node:
    id: int
    key: str
    title: str
    priority: Priority
    status: Status
    owner: str | None = None
    due: date | None = None
    days: float = DEFAULT_DAYS
    required: bool = True
    ready: bool = False  # done (verified if the launch requires it) or waived and valid
    blocked_reason: str | None = None
    # What finishing it adds to the ready weight, worked out once (nodes are kept between
    # plans, and the path to GO asks for every open item's): see `_gain`.
    gain: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        counted = self.required and self.status != Status.DONE
        object.__setattr__(self, "gain", PRIORITY_WEIGHTS[self.priority] if counted else 0)

    @property
    def open(self) -> bool:
        return not self.ready


@dataclass
class Graph:
    nodes: dict[int, Node]
    needs: dict[int, set[int]] = field(default_factory=dict)  # item -> items it needs
    needed_by: dict[int, set[int]] = field(default_factory=dict)
    # Every dependency, of items outside `nodes` too (done ones): what `changed` links again
    # when an item comes back (reopened). `needs` and `needed_by` are these among `nodes`.
    all_needs: dict[int, frozenset[int]] = field(default_factory=dict)
    all_needed_by: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, nodes: Iterable[Node], edges: Iterable[tuple[int, int]]) -> Graph:
        by_id = {n.id: n for n in nodes}
        graph = cls(by_id)
        all_needs: dict[int, set[int]] = {}
        all_needed_by: dict[int, set[int]] = {}
        for item, needed in edges:
            if item == needed:
                continue
            all_needs.setdefault(item, set()).add(needed)
            all_needed_by.setdefault(needed, set()).add(item)
            if item in by_id and needed in by_id:
                graph.needs.setdefault(item, set()).add(needed)
                graph.needed_by.setdefault(needed, set()).add(item)
        graph.all_needs = {i: frozenset(found) for i, found in all_needs.items()}
        graph.all_needed_by = {i: frozenset(found) for i, found in all_needed_by.items()}
        return graph

    def changed(
        self,
        put: Iterable[Node],
        gone: Iterable[int] = (),
        needs: Mapping[int, Iterable[int]] | None = None,
    ) -> Graph:
        """This graph with the nodes `put` added or replaced, the items `gone` taken out,
        and, for each item in `needs`, its dependencies replaced: equal to `Graph.of` the
        result. A new graph: this one is left as it was, for whoever is reading it."""
        nodes = dict(self.nodes)
        all_needs, all_needed_by = dict(self.all_needs), dict(self.all_needed_by)
        touched: set[int] = set()
        for item, wanted in (needs or {}).items():
            new = frozenset(wanted) - {item}
            old = all_needs.get(item, frozenset())
            for needed in old - new:
                rest = all_needed_by[needed] - {item}
                if rest:
                    all_needed_by[needed] = rest
                else:
                    del all_needed_by[needed]
            for needed in new - old:
                all_needed_by[needed] = all_needed_by.get(needed, frozenset()) | {item}
            if new:
                all_needs[item] = new
            else:
                all_needs.pop(item, None)
            touched |= old | new | {item}
        for item in gone:
            nodes.pop(item, None)
            touched.add(item)
        for node in put:
            nodes[node.id] = node
            touched.add(node.id)
        # Whose links may differ: the touched items and every item tied to one of them.
        around = set(touched)
        for item in touched:
            around |= all_needs.get(item, frozenset()) | all_needed_by.get(item, frozenset())
            around |= self.all_needs.get(item, frozenset())
            around |= self.all_needed_by.get(item, frozenset())
        graph = Graph(nodes, dict(self.needs), dict(self.needed_by), all_needs, all_needed_by)
        for item in around:
            for links, every in ((graph.needs, all_needs), (graph.needed_by, all_needed_by)):
                linked = {i for i in every.get(item, ()) if i in nodes} if item in nodes else set()
                if linked:
                    links[item] = linked  # a new set: the old graph's stays as it was
                else:
                    links.pop(item, None)
        return graph


def waits_for(graph: Graph) -> dict[str, tuple[str, ...]]:
    """Key -> keys of the open items it needs, sorted, for every open item that waits."""
    found: dict[str, tuple[str, ...]] = {}
    for item, needed in graph.needs.items():
        node = graph.nodes[item]
        if not node.open:
            continue
        keys = sorted(graph.nodes[n].key for n in needed if graph.nodes[n].open)
        if keys:
            found[node.key] = tuple(keys)
    return found


def cycle_with(edges: Iterable[tuple[int, int]], item: int, needs: int) -> list[int] | None:
    """The cycle `item needs needs` would close, as [item, needs, …, item]; None if none.
    (A path from `needs` back to `item` along existing edges.)"""
    if item == needs:
        return [item, item]
    forward: dict[int, list[int]] = {}
    for a, b in edges:
        forward.setdefault(a, []).append(b)
    came_from: dict[int, int] = {needs: needs}
    queue = deque([needs])
    while queue:
        here = queue.popleft()
        for nxt in forward.get(here, ()):
            if nxt in came_from:
                continue
            came_from[nxt] = here
            if nxt == item:
                return [item, *_back(came_from, needs, item)]
            queue.append(nxt)
    return None


def _back(came_from: Mapping[int, int], start: int, end: int) -> list[int]:
    """The path start → … → end recorded in `came_from` (BFS parents)."""
    path = [end]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    return list(reversed(path))


# -- the critical path ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    owner: str | None
    due: date | None
    finish: date  # when it can be done at the earliest, its chain before it included
    slack_days: int  # days to spare before its due date (or the target); negative: late
    status: Status
    blocked_reason: str | None = None


@dataclass(frozen=True)
class CriticalPath:
    steps: tuple[Step, ...]  # first to do first
    finish: date | None  # when the chain can be done at the earliest
    target: date | None

    @property
    def days_late(self) -> int:
        if self.finish is None or self.target is None:
            return 0
        return max(0, (self.finish - self.target).days)


def _order(graph: Graph, ids: set[int]) -> list[int]:
    """A topological order of `ids` (needed items first); a cycle, which commands refuse
    but old data might hold, is broken rather than looped over."""
    if ids.isdisjoint(graph.needs) and ids.isdisjoint(graph.needed_by):
        return sorted(ids)  # nothing to order by: as the heap below would give them
    indegree = {i: 0 for i in ids}
    for i in ids:
        for d in graph.needs.get(i, ()):
            if d in ids:
                indegree[i] += 1
    ready = [i for i, n in indegree.items() if n == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        here = heapq.heappop(ready)
        order.append(here)
        for nxt in graph.needed_by.get(here, ()):
            if nxt in indegree:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    heapq.heappush(ready, nxt)
    if len(order) < len(ids):
        order += sorted(ids - set(order))
    return order


def critical_path(graph: Graph, *, today: date, target: date | None) -> CriticalPath:
    """The chain of open required items with the least slack, each with the earliest date it
    can be done (what it needs first included) and its slack against its due date, its
    dependents' and the target."""
    ids = {i for i, n in graph.nodes.items() if not n.ready and n.required}  # open, required
    if not ids:
        return CriticalPath((), None, target)
    # Most items of a launch need nothing and nothing needs them: each is a chain of one,
    # its finish its own days, its slack against its own due date. Only the items tied to
    # another open required one go through the ordering below.
    needs, needed_by = graph.needs, graph.needed_by
    tied = {
        i
        for i in ids & (needs.keys() | needed_by.keys())  # only items with links can be tied
        if not ids.isdisjoint(needs.get(i, ())) or not ids.isdisjoint(needed_by.get(i, ()))
    }
    order = _order(graph, tied)
    finish: dict[int, float] = {}
    for i in order:
        start = max((finish[d] for d in needs.get(i, ()) if d in finish), default=0.0)
        finish[i] = start + graph.nodes[i].days
    longest_alone = max((graph.nodes[i].days for i in ids - tied), default=0.0)
    horizon = (target - today).days if target else max([longest_alone, *finish.values()])
    latest: dict[int, float] = {}
    for i in reversed(order):
        node = graph.nodes[i]
        bound = float(horizon)
        if node.due is not None:
            bound = min(bound, float((node.due - today).days))
        for j in needed_by.get(i, ()):
            if j in latest:
                bound = min(bound, latest[j] - graph.nodes[j].days)
        latest[i] = bound
    slack = {i: latest[i] - finish[i] for i in tied}
    # Along each chain, its tightest item: an item's chain comes through the needed item
    # whose chain is tightest (then whose own slack is least, then which finishes last).
    # The least slack can sit mid-chain (SSL due in 3 days, needed by a smoke test due at
    # the target): the longest chain is not always the tightest.
    tightest: dict[int, float] = {}
    via: dict[int, int | None] = {}
    for i in order:
        needed = [d for d in needs.get(i, ()) if d in tightest]
        best = (
            min(needed, key=lambda d: (tightest[d], slack[d], -finish[d], graph.nodes[d].key))
            if needed
            else None
        )
        via[i] = best
        tightest[i] = min(slack[i], tightest[best]) if best is not None else slack[i]
    sinks = [i for i in tied if not any(j in ids for j in needed_by.get(i, ()))]
    # A chain, where there is one: a lone late item is listed as late already, and would
    # hide the chain that decides the finish.
    chains = [i for i in sinks if via.get(i) is not None]
    alone = ids - tied
    if not chains and alone:
        first = _tightest_alone(graph, alone, today, float(horizon))
        finish[first] = graph.nodes[first].days
        slack[first] = tightest[first] = _slack_alone(graph.nodes[first], today, float(horizon))
        sinks.append(first)
    end = min(
        chains or sinks or tied,  # no sink: only a cycle (old data) does that
        key=lambda i: (tightest[i], -finish[i], slack[i], graph.nodes[i].key),
    )
    chain = [end]
    while (previous := via.get(chain[-1])) is not None:
        chain.append(previous)
    chain.reverse()
    steps = tuple(
        Step(
            key=graph.nodes[i].key,
            title=graph.nodes[i].title,
            owner=graph.nodes[i].owner,
            due=graph.nodes[i].due,
            finish=today + timedelta(days=round(finish[i] + 0.4999)),
            slack_days=math.floor(slack[i]),
            status=graph.nodes[i].status,
            blocked_reason=graph.nodes[i].blocked_reason,
        )
        for i in chain
    )
    return CriticalPath(steps, steps[-1].finish, target)


def _slack_alone(node: Node, today: date, horizon: float) -> float:
    """The slack of an item tied to no other open one: its due date (or the horizon) less
    its own days."""
    if node.due is None:
        return horizon - node.days
    return min(horizon, float((node.due - today).days)) - node.days


def _tightest_alone(graph: Graph, alone: set[int], today: date, horizon: float) -> int:
    """Of the items tied to no other, the one a chain of one would end on: least slack,
    then longest, then by key (as the tied ones are compared). Dates are compared as day
    counts, each due date converted once (thousands of items share a few hundred)."""
    offsets: dict[date, float] = {}
    nodes = graph.nodes
    least = math.inf  # the best slack so far; ties are ranked only when they happen
    best: tuple[float, float, str] | None = None
    found = -1
    for i in alone:
        node = nodes[i]
        due = node.due
        if due is None:
            bound = horizon
        else:
            offset = offsets.get(due)
            if offset is None:
                offset = offsets[due] = min(horizon, float((due - today).days))
            bound = offset
        slack = bound - node.days
        if slack > least:
            continue
        rank = (slack, -node.days, node.key)
        if best is None or rank < best:
            least, best, found = slack, rank, i
    return found


def holds_up(graph: Graph, item_id: int, limit: int | None = None) -> tuple[str, ...]:
    """Keys of the open items that wait for `item_id`, nearest first (the first `limit`)."""
    seen: set[int] = {item_id}
    found: list[str] = []
    queue = deque(sorted(graph.needed_by.get(item_id, ())))
    while queue and (limit is None or len(found) < limit):
        here = queue.popleft()
        if here in seen:
            continue
        seen.add(here)
        node = graph.nodes.get(here)
        if node is not None and node.open:
            found.append(node.key)
        queue.extend(sorted(graph.needed_by.get(here, ())))
    return tuple(found)


# -- the shortest path to GO ------------------------------------------------------------------

SEARCH_BUDGET = 4_000  # steps of the exact search (about 20 ms) before the best found stands


@dataclass(frozen=True)
class PathToGo:
    keys: tuple[str, ...]  # the items to finish, what they need first included
    score: int  # the score once they are done
    reachable: bool = True  # False: even every open item done would not make GO
    exact: bool = True  # False: the search ran out of budget; the smallest set it found


def path_to_go(
    graph: Graph,
    *,
    ready_weight: int,
    total_weight: int,
    bar: int,
    must: Sequence[int] = (),
    budget: int = SEARCH_BUDGET,
) -> PathToGo:
    """The smallest set of open items whose completion turns NO-GO into GO: every open
    required critical and blocked item (and `must`: e.g. critical items only claimed, when
    the launch requires them verified) with what those need first, then the fewest further
    items that bring the score to the bar. Finishing an item needs the open items it depends
    on, so each choice brings them along.

    The fewest further items is a covering problem over the dependency graph (hard in
    general): items that neither need nor are needed by other open items are taken
    heaviest first, which is optimal for them; the items tied by dependencies are searched
    exactly, branch and bound, for `budget` steps. Past it the smallest set found stands
    (`exact` False): a launch with thousands of dependencies between its open items."""
    chosen: set[int] = set()
    nodes, needs = graph.nodes, graph.needs
    critical, blocked = Priority.CRITICAL, Status.BLOCKED
    for node in nodes.values():
        if (
            not node.ready
            and node.required
            and (node.priority is critical or node.status is blocked)
        ):
            if node.id in needs:
                chosen |= _closure(graph, node.id, chosen)
            else:  # needs nothing: its closure is itself (most items)
                chosen.add(node.id)
    for item in must:
        if item in nodes:
            chosen |= _closure(graph, item, chosen)
    gained = sum(nodes[i].gain for i in chosen)
    # score = floor(100 * ready / total) >= bar  <=>  ready >= ceil(bar * total / 100)
    need = -(-bar * total_weight // 100) - ready_weight - gained
    exact = True
    if need > 0:
        found = _fewest(graph, chosen, need, budget)
        if found is None:  # unreachable: every open item done is still under the bar
            for node in nodes.values():
                if not node.ready and node.required:
                    chosen |= _closure(graph, node.id, chosen)
            gained = sum(nodes[i].gain for i in chosen)
        else:
            extra, exact = found
            chosen |= extra  # outside `chosen` by construction
            gained += sum(nodes[i].gain for i in extra)
    score = (ready_weight + gained) * 100 // total_weight if total_weight else 0
    keys = tuple(graph.nodes[i].key for i in _order(graph, chosen))
    return PathToGo(keys, min(score, 100), score >= bar, exact)


def _closure(graph: Graph, item: int, chosen: set[int]) -> set[int]:
    """`item` and the open items it needs, transitively, less those in `chosen`."""
    found: set[int] = set()
    stack = [item]
    while stack:
        here = stack.pop()
        node = graph.nodes.get(here)
        if here in found or here in chosen or node is None or not node.open:
            continue
        found.add(here)
        stack.extend(graph.needs.get(here, ()))
    return found


def _fewest_loose(need: int, counts: Sequence[int]) -> int | None:
    """How many free items (counts[w]: how many weigh w) reach `need`, heaviest first; None
    if they cannot. For independent items the heaviest k are the best k, so this is exact."""
    taken = 0
    for weight in range(len(counts) - 1, 0, -1):
        if need <= 0:
            break
        use = min(counts[weight], -(-need // weight))
        taken += use
        need -= use * weight
    return taken if need <= 0 else None


def _fewest(graph: Graph, chosen: set[int], need: int, budget: int) -> tuple[set[int], bool] | None:
    """The fewest open items, closed under what they need, outside `chosen`, whose gain
    reaches `need`, and whether the search finished; None if no set does."""
    gain = {i: n.gain for i, n in graph.nodes.items() if not n.ready and i not in chosen}
    pool = set(gain)
    available = sum(gain.values())
    if available < need:
        return None
    if available == need:  # every item that counts, and what they need: no choice
        return {j for i in pool if gain[i] > 0 for j in _closure(graph, i, chosen)}, True
    top = max(PRIORITY_WEIGHTS.values())

    needs, needed_by = graph.needs, graph.needed_by

    def tied(i: int) -> bool:
        return (i in needs and not pool.isdisjoint(needs[i])) or (
            i in needed_by and not pool.isdisjoint(needed_by[i])
        )

    # Loose items, heaviest first (then in the checklist's order); the tied ones to search.
    # By weight, then each weight's ids sorted as plain numbers (a key function per item
    # would cost more than the rest of the search on a big launch).
    by_weight: dict[int, list[int]] = {}
    for i, g in gain.items():
        if g > 0 and not tied(i):
            by_weight.setdefault(g, []).append(i)
    loose = [i for weight in sorted(by_weight, reverse=True) for i in sorted(by_weight[weight])]
    loose_counts = [0] * (top + 1)
    for weight, found in by_weight.items():
        loose_counts[weight] = len(found)

    def fill(rest: int) -> list[int]:
        picked = []
        for i in loose:
            if rest <= 0:
                break
            picked.append(i)
            rest -= gain[i]
        return picked

    closures: dict[int, frozenset[int]] = {}
    steps = 0

    def closure(i: int) -> frozenset[int]:
        nonlocal steps
        found = closures.get(i)
        if found is None:
            found = closures[i] = frozenset(_closure(graph, i, chosen))
            steps += len(found)
        return found

    free = set(loose)
    candidates = sorted(
        (i for i in pool if gain[i] > 0 and i not in free), key=lambda i: (-gain[i], i)
    )
    # The best so far: loose items alone, then greedily by gain per item brought along.
    best_size = _fewest_loose(need, loose_counts)
    best: frozenset[int] = frozenset(fill(need)) if best_size is not None else frozenset()
    if not candidates:  # every item that counts is loose: heaviest first is the answer
        assert best_size is not None  # the pool reaches `need`
        return set(best), True
    greedy = _greedy(graph, pool, gain, need, closure)
    if greedy is not None and (best_size is None or len(greedy) < best_size):
        best, best_size = greedy, len(greedy)
    assert best_size is not None  # the pool reaches `need`, and greedy takes all if it must
    # What the tied items from index k on could add at most, by weight (a bound).
    after = [[0] * (top + 1) for _ in range(len(candidates) + 1)]
    for k in range(len(candidates) - 1, -1, -1):
        after[k] = list(after[k + 1])
        after[k][gain[candidates[k]]] += 1

    # Depth-first: (index, items taken, their gain, items refused). Taking first finds good
    # sets early; refusing an item refuses what needs it.
    stack: list[tuple[int, frozenset[int], int, frozenset[int]]] = [
        (0, frozenset(), 0, frozenset())
    ]
    while stack:
        if steps > budget:
            return set(best), False
        steps += 1
        k, taken, got, refused = stack.pop()
        rest = need - got
        bound = _fewest_loose(rest, [a + b for a, b in zip(after[k], loose_counts, strict=True)])
        if bound is None or len(taken) + bound >= best_size:
            continue
        with_loose = _fewest_loose(rest, loose_counts)
        if with_loose is not None and len(taken) + with_loose < best_size:
            best_size = len(taken) + with_loose
            best = taken | frozenset(fill(rest))
            if len(taken) + bound >= best_size:
                continue
        while k < len(candidates) and candidates[k] in taken:
            k += 1
        if k == len(candidates):
            continue
        item = candidates[k]
        stack.append((k + 1, taken, got, refused | {item}))
        extra = closure(item) - taken
        if not (extra & refused) and len(taken) + len(extra) < best_size:
            stack.append((k + 1, taken | extra, got + sum(gain[i] for i in extra), refused))
    return set(best), True


def _greedy(
    graph: Graph,
    pool: set[int],
    gain: Mapping[int, int],
    need: int,
    closure: Callable[[int], frozenset[int]],
) -> frozenset[int] | None:
    """Items by the gain they bring per item brought along (their open needs included),
    then without those no longer needed: a good first answer for the exact search."""

    def rank(item: int) -> tuple[float, int]:
        seen: set[int] = set()
        stack = [item]
        while stack and len(seen) < 50:  # past 50 the exact ratio changes no choice
            here = stack.pop()
            if here in seen or here not in pool:
                continue
            seen.add(here)
            stack.extend(graph.needs.get(here, ()))
        return (-sum(gain[j] for j in seen) / max(1, len(seen)), item)

    ranked = sorted((i for i in pool if gain[i] > 0), key=rank)
    taken: set[int] = set()
    got = 0
    for item in ranked:
        if got >= need:
            break
        extra = closure(item) - taken
        taken |= extra
        got += sum(gain[i] for i in extra)
    if got < need:
        return None
    # Drop what is not needed: an item nothing taken needs, whose gain is spare.
    for item in sorted(taken, key=lambda i: (gain[i], -i)):
        if got - gain[item] >= need and not any(d in taken for d in graph.needed_by.get(item, ())):
            taken.discard(item)
            got -= gain[item]
    return frozenset(taken)
