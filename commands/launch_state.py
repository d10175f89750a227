"""A launch's items as `status` reads them, kept between reports: read whole once, then
brought up to date from the items that changed (`item.plan_mark`, kept by the database's
triggers), so the report after a change to one item does not read thousands
(bench.commands). From the rows kept: the counts behind the score and verdict (what
`storage.items.status_counts` counts), the items each concern of status lists in order
(open critical, blocked, overdue …), the done items only claimed, and the dependency graph
the plan walks.

What is kept is never changed in place (each change makes new dicts, and
`Graph.changed` a new graph): a thread may still be reading what it was handed. Only a
read transaction's view is kept: a writer's may still roll back.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from commands.lru import LRU
from commands.paths import Graph, Node, effort_days
from storage import items, readiness
from storage.engine import Session, database_of, is_writing
from storage.items import BriefRow, CountRow
from storage.models import Launch
from storage.vocabulary import OPEN_STATUSES, PRIORITY_OF, STATUS_OF, Priority, Status

_OPEN = frozenset(s.value for s in OPEN_STATUSES)
# Past this many changed rows the launch is read whole (an import): one query, no IN list.
CHANGES_LIMIT = 500

Row = tuple[Any, ...]  # readiness.STATE_COLUMNS: (id, key, title, …, category, in_graph)
Settings = tuple[date, bool, str]  # today, require_verified_critical, scenario
CountKey = tuple[str, str, str, bool, bool, bool]  # a CountRow without its count
_CATEGORY, _BLOCKED_AT, _SEQ, _IN_GRAPH = 12, 13, 14, 15
_NEVER = datetime.min.replace(tzinfo=UTC)  # where an unknown time sorts: first
# The lists status shows, each in its order (ties by position in the checklist, then id).
CONCERNS = ("critical", "blocked", "overdue", "upcoming", "high", "critical_overdue", "waived")


def node_of(row: Row, settings: Settings) -> Node:
    """An item as a node of the graph, under the launch's settings and date."""
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
    state = STATUS_OF[status]
    rank = PRIORITY_OF[priority]
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


def count_key(row: Row, settings: Settings) -> CountKey:
    """Where an item counts: (category, priority, status, waiver expired, required,
    overdue), as `storage.items.status_counts` groups it."""
    today, _, scenario = settings
    status, due, waiver_until = row[4], row[6], row[10]
    expired = status == Status.WAIVED.value and waiver_until is not None and waiver_until < today
    late = status in _OPEN and due is not None and due < today
    required = items.is_required(row[8], scenario)
    return (row[_CATEGORY], row[3], status, expired, required, late)


def claimed_key(row: Row, settings: Settings) -> tuple[str, str] | None:
    """(category, priority) of a required item done but only claimed; None for others."""
    if row[4] != Status.DONE.value or not row[11] or not items.is_required(row[8], settings[2]):
        return None
    return (row[_CATEGORY], row[3])


def concerns_of(row: Row, settings: Settings) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """The concerns a required item is listed under, each with where it sorts: open
    critical and open high (due date first, undated last), blocked (by when; unknown
    first), overdue and upcoming (by due date), critical overdue, waived (by the end of
    the waiver; open-ended last). A waiver past its date counts as open again."""
    today, _, scenario = settings
    if not items.is_required(row[8], scenario):
        return
    item_id, priority, status, due, waiver_until, seq = (
        row[0],
        row[3],
        row[4],
        row[6],
        row[10],
        row[_SEQ],
    )
    open_now = status in _OPEN
    waived = status == Status.WAIVED.value
    is_open = open_now or (waived and waiver_until is not None and waiver_until < today)
    by_due = (due is None, due or date.min, seq, item_id)
    if is_open and priority == Priority.CRITICAL.value:
        yield "critical", by_due
    if status == Status.BLOCKED.value:
        blocked_at = row[_BLOCKED_AT]
        yield "blocked", (blocked_at is not None, blocked_at or _NEVER, seq, item_id)
    if open_now and due is not None:
        yield ("overdue" if due < today else "upcoming"), (due, seq, item_id)
        if due < today and priority == Priority.CRITICAL.value:
            yield "critical_overdue", (due, seq, item_id)
    if is_open and priority == Priority.HIGH.value:
        yield "high", by_due
    if waived and (waiver_until is None or waiver_until >= today):
        yield "waived", (waiver_until is None, waiver_until or date.min, seq, item_id)


def brief_of(row: Row) -> BriefRow:
    """(key, title, category, priority, status, blocked reason, owner, due)."""
    return (row[1], row[2], row[_CATEGORY], row[3], row[4], row[9], row[5], row[6])


def _add(found: dict[Any, int], key: Any, n: int) -> None:
    if key is None:
        return
    total = found.get(key, 0) + n
    if total:
        found[key] = total
    else:
        del found[key]


@dataclass(frozen=True)
class Kept:
    """A launch's items as read at a plan revision (every change up to it included)."""

    revision: int
    removed: int  # launch.items_removed when read: a deletion since means reading it whole
    settings: Settings
    rows: dict[int, Row]  # every item of the launch, by id
    graph: Graph  # the items `in_graph`: not done, or critical and only claimed
    ids: dict[str, int]  # the graph's keys -> ids
    counts: dict[CountKey, int]
    claimed: dict[tuple[str, str], int]  # required items done only claimed, by (category, priority)
    concerns: dict[str, list[tuple[Any, ...]]]  # each concern's (sort key…, id), in order

    def count_rows(self) -> list[CountRow]:
        """What `storage.items.status_counts` returns for these rows, in one order."""
        return [(*key, n) for key, n in sorted(self.counts.items())]

    def briefs(self, concern: str, limit: int) -> list[BriefRow]:
        """The first `limit` items `concern` lists."""
        return [brief_of(self.rows[entry[-1]]) for entry in self.concerns[concern][:limit]]


def _made(
    revision: int, removed: int, settings: Settings, rows: dict[int, Row], edges: Iterable[Any]
) -> Kept:
    """Everything worked out from the rows: after a whole read, a new day or scenario."""
    counts: dict[CountKey, int] = {}
    claimed: dict[tuple[str, str], int] = {}
    concerns: dict[str, list[tuple[Any, ...]]] = {name: [] for name in CONCERNS}
    in_graph = [row for row in rows.values() if row[_IN_GRAPH]]
    for row in rows.values():
        _add(counts, count_key(row, settings), 1)
        _add(claimed, claimed_key(row, settings), 1)
        for name, entry in concerns_of(row, settings):
            concerns[name].append(entry)
    for entries in concerns.values():
        entries.sort()
    graph = Graph.of((node_of(row, settings) for row in in_graph), edges)
    ids = {row[1]: row[0] for row in in_graph}
    return Kept(revision, removed, settings, rows, graph, ids, counts, claimed, concerns)


def read_whole(
    session: Session, launch_id: int, revision: int, removed: int, settings: Settings
) -> Kept:
    rows = {row[0]: row for row in readiness.state_rows(session, launch_id=launch_id)}
    return _made(revision, removed, settings, rows, readiness.edges(session, launch_id=launch_id))


def brought_up_to_date(
    session: Session, kept: Kept, launch_id: int, revision: int, settings: Settings
) -> Kept | None:
    """`kept` with what changed since its revision; None when it is quicker to read the
    launch whole (many changes)."""
    changes = readiness.state_changes(
        session, launch_id=launch_id, since=kept.revision, limit=CHANGES_LIMIT
    )
    if changes is None:
        return None
    rows, ids = dict(kept.rows), dict(kept.ids)
    counts, claimed = dict(kept.counts), dict(kept.claimed)
    concerns = dict(kept.concerns)
    copied: set[str] = set()  # a list is copied before its first change, never changed in place

    def entries(name: str) -> list[tuple[Any, ...]]:
        if name not in copied:
            concerns[name] = list(concerns[name])
            copied.add(name)
        return concerns[name]

    put: list[Node] = []
    gone: list[int] = []
    for row in changes.rows:
        item_id = row[0]
        old = rows.get(item_id)
        if old is not None:
            _add(counts, count_key(old, kept.settings), -1)
            _add(claimed, claimed_key(old, kept.settings), -1)
            for name, entry in concerns_of(old, kept.settings):
                listed = entries(name)
                del listed[bisect.bisect_left(listed, entry)]
            if old[_IN_GRAPH] and ids.get(old[1]) == item_id:
                del ids[old[1]]
        rows[item_id] = row
        _add(counts, count_key(row, kept.settings), 1)
        _add(claimed, claimed_key(row, kept.settings), 1)
        for name, entry in concerns_of(row, kept.settings):
            bisect.insort(entries(name), entry)
        if row[_IN_GRAPH]:
            ids[row[1]] = item_id
            put.append(node_of(row, kept.settings))
        elif old is not None and old[_IN_GRAPH]:
            gone.append(item_id)
    needs: dict[int, list[int]] = {row[0]: [] for row in changes.rows}
    for item_id, needed in changes.edges:
        needs[item_id].append(needed)
    graph = kept.graph.changed(put, gone, needs)
    fresh = Kept(revision, kept.removed, kept.settings, rows, graph, ids, counts, claimed, concerns)
    return fresh if settings == kept.settings else rebuilt(fresh, settings)


def rebuilt(kept: Kept, settings: Settings) -> Kept:
    """A new day, scenario or rule: everything worked out again from the rows, no query."""
    edges = ((item, needed) for item, found in kept.graph.all_needs.items() for needed in found)
    return _made(kept.revision, kept.removed, settings, kept.rows, edges)


# About 0.9 kB an item is kept (a 50,000-item launch: 44 MB): a few launches, and a bound
# on their items together, so a workspace of big launches does not grow without end.
KEPT_LAUNCHES = 8
KEPT_ITEMS = 120_000


class StateCache:
    """The kept state of the launches last reported on in one database."""

    def __init__(self, launches: int = KEPT_LAUNCHES, max_items: int = KEPT_ITEMS) -> None:
        self._kept: LRU[int, Kept] = LRU(launches)
        self._max_items = max_items
        self.marks_kept: bool | None = None  # known on first use

    def _keep(self, launch_id: int, kept: Kept) -> None:
        self._kept.put(launch_id, kept)
        self._kept.trim(lambda entries: sum(len(k.rows) for k in entries) > self._max_items)

    def state(self, session: Session, launch: Launch, today: date) -> Kept:
        assert launch.id is not None
        settings: Settings = (today, bool(launch.require_verified_critical), launch.scenario)
        revision, removed = launch.plan_revision, launch.items_removed
        if self.marks_kept is None:
            self.marks_kept = readiness.plan_marks_kept(session)
        kept = self._kept.get(launch.id) if self.marks_kept else None
        if kept is not None and kept.revision > revision:
            # A reader behind the kept state (its transaction began before a change).
            return read_whole(session, launch.id, revision, removed, settings)
        fresh: Kept | None
        if kept is not None and kept.revision == revision and kept.removed == removed:
            # Everything committed at this revision is in it: changes move the revision.
            if kept.settings == settings and not is_writing(session):
                return kept
            fresh = brought_up_to_date(session, kept, launch.id, revision, settings)
        else:
            fresh = (
                brought_up_to_date(session, kept, launch.id, revision, settings)
                if kept is not None and kept.removed == removed
                else None
            )
        if fresh is None:
            fresh = read_whole(session, launch.id, revision, removed, settings)
        if self.marks_kept and not is_writing(session):
            self._keep(launch.id, fresh)
        return fresh


_CACHES: weakref.WeakKeyDictionary[object, StateCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def launch_state(session: Session, launch: Launch, today: date) -> Kept:
    """The launch's items as this transaction sees them, with their counts and graph."""
    with _CACHES_LOCK:
        cache = _CACHES.setdefault(database_of(session), StateCache())
    return cache.state(session, launch, today)
