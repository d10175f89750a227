"""The dependency graph, pure: cycles, the critical path, what an item holds up, and the
shortest path to GO."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.paths import (
    Graph,
    Node,
    critical_path,
    cycle_with,
    effort_days,
    holds_up,
    path_to_go,
)
from commands.scoring import PRIORITY_WEIGHTS
from storage.vocabulary import Priority, Status

TODAY = date(2026, 11, 20)


def node(i: int, key: str, *, priority=Priority.MEDIUM, status=Status.TODO, **kw) -> Node:
    return Node(i, key, f"Item {key}", priority, status, **kw)


def test_a_cycle_is_found_and_named_from_the_item() -> None:
    edges = [(2, 3), (3, 4)]  # 2 needs 3, 3 needs 4
    assert cycle_with(edges, 4, 2) == [4, 2, 3, 4]
    assert cycle_with(edges, 2, 4) is None  # a shortcut is no cycle
    assert cycle_with(edges, 5, 5) == [5, 5]


def test_effort_reads_as_working_days() -> None:
    assert effort_days("1-2 days") == 2
    assert effort_days("4 hours") == 0.5
    assert effort_days("2 weeks") == 10
    assert effort_days("soon") == effort_days(None) == 1


def test_the_critical_path_is_the_chain_with_the_least_slack() -> None:
    # SMOKE needs SSL and CDN; SSL needs DNS (3 days, owned by carol, late). LOGS is alone.
    nodes = [
        node(1, "DNS", owner="carol", due=TODAY - timedelta(days=2), days=3),
        node(2, "SSL", days=1),
        node(3, "CDN", days=1),
        node(4, "SMOKE", days=1),
        node(5, "LOGS", days=1, due=TODAY + timedelta(days=20)),
        node(6, "OLD", status=Status.DONE, ready=True),
    ]
    graph = Graph.of(nodes, [(2, 1), (4, 2), (4, 3), (3, 6)])
    path = critical_path(graph, today=TODAY, target=TODAY + timedelta(days=4))
    assert [s.key for s in path.steps] == ["DNS", "SSL", "SMOKE"]
    assert path.finish == TODAY + timedelta(days=5) and path.days_late == 1
    assert path.steps[0].slack_days < 0 and path.steps[0].owner == "carol"
    assert holds_up(graph, 1) == ("SSL", "SMOKE")
    assert holds_up(graph, 5) == ()


def test_the_shortest_path_to_go_takes_what_go_needs_and_what_that_needs() -> None:
    nodes = [
        node(1, "CRIT", priority=Priority.CRITICAL),
        node(2, "DEP", priority=Priority.LOW),
        node(3, "HIGH1", priority=Priority.HIGH),
        node(4, "HIGH2", priority=Priority.HIGH),
        node(5, "LOW", priority=Priority.LOW),
        node(6, "BLK", status=Status.BLOCKED),
    ]
    graph = Graph.of(nodes, [(1, 2)])
    # ready 20 of 35: GO at 80 needs 28 → CRIT(5)+DEP(1)+BLK(2) = 28.
    found = path_to_go(graph, ready_weight=20, total_weight=35, bar=80)
    assert set(found.keys) == {"CRIT", "DEP", "BLK"} and found.score == 80
    assert found.keys.index("DEP") < found.keys.index("CRIT")  # what it needs comes first
    higher = path_to_go(graph, ready_weight=20, total_weight=35, bar=95)
    assert {"HIGH1", "HIGH2"} <= set(higher.keys) and "LOW" not in higher.keys
    impossible = path_to_go(graph, ready_weight=0, total_weight=100, bar=80)
    assert not impossible.reachable


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(5, 60))
def test_paths_respect_the_edges_and_the_bar(seed: int, size: int) -> None:
    rng = random.Random(seed)
    priorities = list(Priority)
    nodes = [
        node(
            i,
            f"K{i}",
            priority=rng.choice(priorities),
            status=rng.choice([Status.TODO, Status.BLOCKED, Status.DONE]),
        )
        for i in range(size)
    ]
    nodes = [
        Node(n.id, n.key, n.title, n.priority, n.status, ready=n.status == Status.DONE)
        for n in nodes
    ]
    edges = {(a, b) for a in range(size) for b in range(a) if rng.random() < 0.05}
    graph = Graph.of(nodes, edges)  # edges point to lower ids: acyclic
    path = critical_path(graph, today=TODAY, target=TODAY + timedelta(days=10))
    keys = [s.key for s in path.steps]
    by_key = {n.key: n.id for n in nodes}
    for earlier, later in itertools.pairwise(keys):
        assert by_key[earlier] in graph.needs.get(by_key[later], set())
    total = sum(PRIORITY_WEIGHTS[n.priority] for n in nodes)
    ready = sum(PRIORITY_WEIGHTS[n.priority] for n in nodes if n.ready)
    found = path_to_go(graph, ready_weight=ready, total_weight=total, bar=80)
    chosen = set(found.keys)
    for n in nodes:
        if n.open and (n.priority == Priority.CRITICAL or n.status == Status.BLOCKED):
            assert n.key in chosen
    for key in chosen:  # everything a chosen item needs is chosen or already done
        for needed in graph.needs.get(by_key[key], ()):
            assert graph.nodes[needed].ready or graph.nodes[needed].key in chosen
    if found.reachable:
        gained = sum(PRIORITY_WEIGHTS[graph.nodes[by_key[k]].priority] for k in chosen)
        assert (ready + gained) * 100 // total >= 80


def test_a_chain_is_named_before_a_lone_late_item() -> None:
    nodes = [
        node(1, "LATE", due=TODAY - timedelta(days=9)),  # late, but waits for nothing
        node(2, "PEN", days=2),
        node(3, "WAF", days=1),
        node(4, "SIGN", days=1),
    ]
    graph = Graph.of(nodes, [(3, 2), (4, 3)])
    path = critical_path(graph, today=TODAY, target=TODAY + timedelta(days=10))
    assert [s.key for s in path.steps] == ["PEN", "WAF", "SIGN"]
    alone = Graph.of(nodes, [])
    assert [s.key for s in critical_path(alone, today=TODAY, target=None).steps] == ["LATE"]


def test_what_an_open_item_waits_for() -> None:
    from commands.paths import waits_for

    nodes = [
        node(1, "DNS"),
        node(2, "CDN", status=Status.DONE, ready=True),
        node(3, "TLS"),
        node(4, "OLD", status=Status.DONE, ready=True),
    ]
    graph = Graph.of(nodes, [(3, 1), (3, 2), (4, 1)])
    assert waits_for(graph) == {"TLS": ("DNS",)}  # done items wait for nothing


def _fewest_to_go(graph: Graph, *, ready: int, total: int, bar: int, must=()) -> int | None:
    """The oracle: the size of the smallest set of open items, closed under what they need,
    whose completion makes the verdict's rules hold (no open required critical or blocked
    item, `must` done, the score at the bar), by trying every set; None if none does."""
    open_ids = sorted(i for i, n in graph.nodes.items() if n.open)

    def go(chosen: set[int]) -> bool:
        for i, n in graph.nodes.items():
            if i in chosen or not n.open:
                continue
            if i in must or (
                n.required and (n.priority == Priority.CRITICAL or n.status == Status.BLOCKED)
            ):
                return False
        gained = sum(
            PRIORITY_WEIGHTS[graph.nodes[i].priority]
            for i in chosen
            if graph.nodes[i].required and graph.nodes[i].status != Status.DONE
        )
        return (ready + gained) * 100 // total >= bar

    for size in range(len(open_ids) + 1):
        for combo in itertools.combinations(open_ids, size):
            chosen = set(combo)
            if all(
                d in chosen or graph.nodes[d].ready for i in chosen for d in graph.needs.get(i, ())
            ) and go(chosen):
                return size
    return None


def _assert_a_valid_path(graph: Graph, found, *, ready: int, total: int, bar: int) -> None:
    by_key = {n.key: n.id for n in graph.nodes.values()}
    chosen = {by_key[k] for k in found.keys}
    for i in chosen:  # what a chosen item needs is chosen or ready, and comes first
        for needed in graph.needs.get(i, ()):
            assert graph.nodes[needed].ready or needed in chosen
            if needed in chosen:
                assert found.keys.index(graph.nodes[needed].key) < found.keys.index(
                    graph.nodes[i].key
                )
    gained = sum(
        PRIORITY_WEIGHTS[graph.nodes[i].priority]
        for i in chosen
        if graph.nodes[i].required and graph.nodes[i].status != Status.DONE
    )
    assert ((ready + gained) * 100 // total >= bar) == found.reachable
    assert found.score == min(100, (ready + gained) * 100 // total)


def test_the_path_to_go_prefers_a_heavy_chain_to_light_loose_items() -> None:
    # GO needs 5 more points: HIGH (3) needs MED (2) is two items; a greedy that ranks HIGH
    # by its own weight over what it brings took MED2 first and then the chain: three.
    nodes = [
        node(1, "HIGH", priority=Priority.HIGH),
        node(2, "MED", priority=Priority.MEDIUM),
        node(3, "MED2", priority=Priority.MEDIUM),
        node(4, "LOW1", priority=Priority.LOW),
        node(5, "LOW2", priority=Priority.LOW),
        node(6, "DONE", priority=Priority.HIGH, status=Status.DONE, ready=True),
    ]
    graph = Graph.of(nodes, [(1, 2)])
    total = sum(PRIORITY_WEIGHTS[n.priority] for n in nodes)  # 12
    ready = 3
    bar = (ready + 5) * 100 // total  # 8 of 12 points: 66
    found = path_to_go(graph, ready_weight=ready, total_weight=total, bar=bar)
    assert found.keys == ("MED", "HIGH") and found.reachable and found.exact
    assert _fewest_to_go(graph, ready=ready, total=total, bar=bar) == 2


def test_a_critical_item_only_claimed_adds_nothing_to_the_score_when_verified() -> None:
    # CLAIM is done (its 5 points are in the ready weight) but only claimed, and the launch
    # requires it verified: verifying it is on the path, and does not count twice.
    nodes = [
        node(1, "CLAIM", priority=Priority.CRITICAL, status=Status.DONE, ready=False),
        node(2, "HIGH", priority=Priority.HIGH),
        node(3, "LOW", priority=Priority.LOW),
    ]
    graph = Graph.of(nodes, [])
    found = path_to_go(graph, ready_weight=5, total_weight=9, bar=80, must=[1])
    assert set(found.keys) == {"CLAIM", "HIGH"} and found.score == 88  # (5 + 3) of 9
    alone = path_to_go(graph, ready_weight=5, total_weight=9, bar=50, must=[1])
    assert alone.keys == ("CLAIM",) and alone.score == 55


@pytest.mark.parametrize("seed", range(300))
def test_the_path_to_go_is_as_small_as_trying_every_set_finds(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randint(3, 12)
    nodes = []
    for i in range(size):
        status = rng.choice(
            [Status.TODO, Status.TODO, Status.IN_PROGRESS, Status.BLOCKED, Status.DONE]
        )
        priority = rng.choice(
            [Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW, Priority.LOW]
        )
        claimed = status == Status.DONE and priority == Priority.CRITICAL and rng.random() < 0.5
        nodes.append(
            Node(
                i,
                f"K{i}",
                f"Item {i}",
                priority,
                status,
                required=rng.random() < 0.9,
                ready=status == Status.DONE and not claimed,
            )
        )
    density = rng.choice([0.05, 0.15, 0.3])
    edges = {(a, b) for a in range(size) for b in range(a) if rng.random() < density}
    graph = Graph.of(nodes, edges)
    total = sum(PRIORITY_WEIGHTS[n.priority] for n in nodes if n.required)
    if total == 0:
        return
    ready = sum(
        PRIORITY_WEIGHTS[n.priority] for n in nodes if n.required and n.status == Status.DONE
    )
    must = [n.id for n in nodes if n.required and n.status == Status.DONE and not n.ready]
    bar = rng.choice([50, 70, 80, 90, 100])
    found = path_to_go(graph, ready_weight=ready, total_weight=total, bar=bar, must=must)
    _assert_a_valid_path(graph, found, ready=ready, total=total, bar=bar)
    fewest = _fewest_to_go(graph, ready=ready, total=total, bar=bar, must=must)
    if fewest is None:
        assert not found.reachable
    else:
        assert found.reachable and found.exact and len(found.keys) == fewest


def test_past_its_budget_the_search_keeps_a_valid_path() -> None:
    rng = random.Random(5)
    nodes = [
        node(i, f"K{i}", priority=rng.choice([Priority.HIGH, Priority.MEDIUM, Priority.LOW]))
        for i in range(300)
    ]
    edges = {(a, rng.randrange(a)) for a in range(1, 300) for _ in range(2)}
    graph = Graph.of(nodes, edges)
    total = sum(PRIORITY_WEIGHTS[n.priority] for n in nodes)
    found = path_to_go(graph, ready_weight=0, total_weight=total, bar=60, budget=10)
    assert not found.exact
    _assert_a_valid_path(graph, found, ready=0, total=total, bar=60)
    assert found.reachable
    searched = path_to_go(graph, ready_weight=0, total_weight=total, bar=60)
    assert len(searched.keys) <= len(found.keys)


def test_the_critical_path_goes_through_the_tightest_item_not_the_longest_chain() -> None:
    # SMOKE needs SSL and CDN, both need DNS. SSL is due in 3 days (T-7d of a target in 10),
    # CDN has only the target: the chain with the least slack runs through SSL.
    nodes = [
        node(1, "DNS", owner="carol"),
        node(2, "SSL", due=TODAY + timedelta(days=3), priority=Priority.CRITICAL),
        node(3, "CDN"),
        node(4, "SMOKE"),
    ]
    for ssl, cdn in ((2, 3), (3, 2)):  # whichever id each has
        relabel = {2: ssl, 3: cdn}
        graph = Graph.of(
            [replace(n, id=relabel.get(n.id, n.id)) for n in nodes],
            [(4, ssl), (4, cdn), (ssl, 1), (cdn, 1)],
        )
        path = critical_path(graph, today=TODAY, target=TODAY + timedelta(days=10))
        assert [s.key for s in path.steps] == ["DNS", "SSL", "SMOKE"]
        assert [s.slack_days for s in path.steps][:2] == [1, 1]
