"""The fast paths of the graph against the straightforward ones: the critical path with its
lone items set apart, and a graph brought up to date by `Graph.changed` against one built
afresh, on random launches (some with cycles, as old data might hold)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest

from commands.paths import CriticalPath, Graph, Node, Step, _order, critical_path
from storage.vocabulary import Priority, Status

TODAY = date(2026, 11, 20)


def random_nodes(rng: random.Random, ids: range) -> list[Node]:
    found = []
    for i in ids:
        status = rng.choice([Status.TODO, Status.IN_PROGRESS, Status.BLOCKED, Status.DONE])
        found.append(
            Node(
                i,
                f"K{rng.randrange(1000):03d}-{i}",
                f"Item {i}",
                rng.choice(list(Priority)),
                status,
                due=TODAY + timedelta(days=rng.randrange(-10, 30)) if rng.random() < 0.6 else None,
                days=rng.choice([0.0625, 0.5, 1.0, 2.0, 5.0]),
                required=rng.random() < 0.9,
                ready=status == Status.DONE,
                blocked_reason="vendor" if status == Status.BLOCKED else None,
            )
        )
    return found


def random_edges(
    rng: random.Random, size: int, *, tied: float, cycles: bool
) -> set[tuple[int, int]]:
    edges = set()
    for a in range(size):
        if rng.random() < tied:
            for _ in range(rng.randrange(1, 4)):
                b = rng.randrange(size)
                if cycles or b < a:
                    edges.add((a, b))
    return edges


@pytest.mark.parametrize("seed", range(400))
def test_the_critical_path_is_the_one_the_plain_walk_finds(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randrange(1, 60)
    graph = Graph.of(
        random_nodes(rng, range(size)),
        random_edges(rng, size, tied=rng.choice([0.0, 0.1, 0.5]), cycles=seed % 7 == 0),
    )
    target = TODAY + timedelta(days=rng.randrange(-5, 40)) if rng.random() < 0.7 else None
    assert critical_path(graph, today=TODAY, target=target) == reference_critical_path(
        graph, today=TODAY, target=target
    )


@pytest.mark.parametrize("seed", range(200))
def test_a_graph_changed_step_by_step_equals_one_built_afresh(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randrange(2, 40)
    nodes = {n.id: n for n in random_nodes(rng, range(size))}
    present = {i for i in nodes if rng.random() < 0.8}
    edges = random_edges(rng, size, tied=0.3, cycles=True)
    graph = Graph.of([nodes[i] for i in present], edges)
    for _ in range(12):
        put, gone, needs = [], [], {}
        # Now and then an item that is new; each item once a step.
        for i in rng.sample(range(size + 3), rng.randrange(1, 4)):
            move = rng.random()
            if move < 0.35:
                nodes[i] = random_nodes(rng, range(i, i + 1))[0]
                present.add(i)
                put.append(nodes[i])
            elif move < 0.6:
                present.discard(i)
                gone.append(i)
            else:
                wanted = {rng.randrange(size + 3) for _ in range(rng.randrange(0, 3))}
                edges = {(a, b) for a, b in edges if a != i} | {(i, b) for b in wanted}
                needs[i] = wanted
        graph = graph.changed(put, gone, needs)
        assert graph == Graph.of([nodes[i] for i in present], edges)


def test_a_changed_graph_leaves_the_one_it_came_from_as_it_was() -> None:
    a, b = (
        Node(1, "A", "A", Priority.HIGH, Status.TODO),
        Node(2, "B", "B", Priority.HIGH, Status.TODO),
    )
    before = Graph.of([a, b], [(1, 2)])
    copy = Graph.of([a, b], [(1, 2)])
    before.changed([], [2], {1: []})
    assert before == copy


# -- the critical path as it was computed before lone items were set apart ---------------


def reference_critical_path(graph: Graph, *, today: date, target: date | None) -> CriticalPath:
    """The chain of open required items with the least slack, each with the earliest date it
    can be done (what it needs first included) and its slack against its due date, its
    dependents' and the target."""
    ids = {i for i, n in graph.nodes.items() if n.open and n.required}
    if not ids:
        return CriticalPath((), None, target)
    order = _order(graph, ids)  # the ordering itself is shared
    finish: dict[int, float] = {}
    for i in order:
        start = max((finish[d] for d in graph.needs.get(i, ()) if d in finish), default=0.0)
        finish[i] = start + graph.nodes[i].days
    horizon = (target - today).days if target else max(finish.values())
    latest: dict[int, float] = {}
    for i in reversed(order):
        node = graph.nodes[i]
        bound = float(horizon)
        if node.due is not None:
            bound = min(bound, float((node.due - today).days))
        for j in graph.needed_by.get(i, ()):
            if j in latest:
                bound = min(bound, latest[j] - graph.nodes[j].days)
        latest[i] = bound
    slack = {i: latest[i] - finish[i] for i in ids}
    # Along each chain, its tightest item: an item's chain comes through the needed item
    # whose chain is tightest (then whose own slack is least, then which finishes last).
    # The least slack can sit mid-chain (SSL due in 3 days, needed by a smoke test due at
    # the target): the longest chain is not always the tightest.
    tightest: dict[int, float] = {}
    via: dict[int, int | None] = {}
    for i in order:
        needed = [d for d in graph.needs.get(i, ()) if d in tightest]
        best = (
            min(needed, key=lambda d: (tightest[d], slack[d], -finish[d], graph.nodes[d].key))
            if needed
            else None
        )
        via[i] = best
        tightest[i] = min(slack[i], tightest[best]) if best is not None else slack[i]
    sinks = [i for i in ids if not any(j in ids for j in graph.needed_by.get(i, ()))]
    # A chain, where there is one: a lone late item is listed as late already, and would
    # hide the chain that decides the finish.
    chains = [i for i in sinks if via.get(i) is not None]
    end = min(
        chains or sinks or ids,
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
