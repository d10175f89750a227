"""A launch's dependency graph, as the plan reads it: read whole once, then brought up to
date from the items that changed (`item.plan_mark`, kept by the database's triggers), so
the plan after a change to one item does not read thousands (bench.commands).

A kept graph is never changed in place (`Graph.changed` makes a new one): a thread may
still be computing a plan on the one it was handed.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from commands.lru import LRU
from commands.paths import Graph, Node, effort_days
from storage import items, readiness
from storage.engine import Session, database_of
from storage.models import Launch
from storage.vocabulary import Priority, Status

_STATUS = {s.value: s for s in Status}
_PRIORITY = {p.value: p for p in Priority}
# Past this many changed rows the graph is read whole (an import): one query, no IN list.
CHANGES_LIMIT = 500

Settings = tuple[date, bool, str]  # today, require_verified_critical, scenario: what a node reads


def node_of(row: tuple[Any, ...], settings: Settings) -> Node:
    """A `readiness.GRAPH_COLUMNS` row as a node, under the launch's settings and date."""
    today, require_verified, scenario = settings
    (
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
    ) = row[:12]
    state = _STATUS[status]
    rank = _PRIORITY[priority]
    claimed_critical = (
        require_verified and state == Status.DONE and unverified and rank == Priority.CRITICAL
    )
    ready = (state == Status.DONE and not claimed_critical) or (
        state == Status.WAIVED and (waiver_until is None or waiver_until >= today)
    )
    return Node(
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


@dataclass(frozen=True)
class Kept:
    """A launch's graph as read at a plan revision (every change up to it included)."""

    revision: int
    removed: int  # launch.items_removed when read: a deletion since means reading it whole
    settings: Settings
    rows: dict[int, tuple[Any, ...]]  # the graph's items as read, by id
    graph: Graph
    ids: dict[str, int]  # key -> id


def read_whole(
    session: Session, launch_id: int, revision: int, removed: int, settings: Settings
) -> Kept:
    rows = {row[0]: row for row in readiness.graph_items(session, launch_id=launch_id)}
    graph = Graph.of(
        (node_of(row, settings) for row in rows.values()),
        readiness.edges(session, launch_id=launch_id),
    )
    return Kept(revision, removed, settings, rows, graph, {row[1]: i for i, row in rows.items()})


def brought_up_to_date(
    session: Session, kept: Kept, launch_id: int, revision: int, settings: Settings
) -> Kept | None:
    """`kept` with what changed since its revision; None when it is quicker to read the
    graph whole (many changes)."""
    changes = readiness.graph_changes(
        session, launch_id=launch_id, since=kept.revision, limit=CHANGES_LIMIT
    )
    if changes is None:
        return None
    rows = dict(kept.rows)
    ids = dict(kept.ids)
    put: list[Node] = []
    gone: list[int] = []
    for found in changes.rows:
        row, in_graph = found[:-1], found[-1]
        item_id = row[0]
        old = rows.pop(item_id, None)
        if old is not None and ids.get(old[1]) == item_id:
            del ids[old[1]]
        if in_graph:
            rows[item_id] = row
            ids[row[1]] = item_id
            put.append(node_of(row, settings))
        elif old is not None:
            gone.append(item_id)
    needs: dict[int, list[int]] = {row[0]: [] for row in changes.rows}
    for item_id, needed in changes.edges:
        needs[item_id].append(needed)
    graph = kept.graph.changed(put, gone, needs)
    if settings != kept.settings:  # a new day, scenario or rule: every node again, no query
        graph = Graph.of((node_of(row, settings) for row in rows.values()), _edges(graph))
    return Kept(revision, kept.removed, settings, rows, graph, ids)


def _edges(graph: Graph) -> Iterable[tuple[int, int]]:
    return ((item, needed) for item, found in graph.all_needs.items() for needed in found)


class GraphCache:
    """The graphs of the launches last planned in one database."""

    def __init__(self, size: int = 8) -> None:
        self._kept: LRU[int, Kept] = LRU(size)
        self.marks_kept: bool | None = None  # known on first use

    def graph(self, session: Session, launch: Launch, today: date) -> Kept:
        assert launch.id is not None
        settings: Settings = (today, bool(launch.require_verified_critical), launch.scenario)
        revision, removed = launch.plan_revision, launch.items_removed
        if self.marks_kept is None:
            self.marks_kept = readiness.plan_marks_kept(session)
        kept = self._kept.get(launch.id) if self.marks_kept else None
        if kept is not None and kept.revision > revision:
            # A reader behind the kept graph (its transaction began before a change).
            return read_whole(session, launch.id, revision, removed, settings)
        fresh = (
            brought_up_to_date(session, kept, launch.id, revision, settings)
            if kept is not None and kept.removed == removed
            else None
        )
        if fresh is None:
            fresh = read_whole(session, launch.id, revision, removed, settings)
        if self.marks_kept:
            self._kept.put(launch.id, fresh)
        return fresh


_CACHES: weakref.WeakKeyDictionary[object, GraphCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def launch_graph(session: Session, launch: Launch, today: date) -> tuple[Graph, dict[str, int]]:
    """The launch's items and dependencies (and key → id), as this transaction sees them."""
    with _CACHES_LOCK:
        cache = _CACHES.setdefault(database_of(session), GraphCache())
    kept = cache.graph(session, launch, today)
    return kept.graph, kept.ids
