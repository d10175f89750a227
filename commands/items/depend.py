"""`needs <item> <other>…`: an item cannot finish before the items it needs. A dependency
that would close a cycle is refused, naming the cycle."""

from __future__ import annotations

from commands.audit import record
from commands.context import Context
from commands.errors import Conflict
from commands.items.find import find_item
from commands.launching import current_launch
from commands.paths import cycle_with
from commands.permissions import require_item_change
from commands.replies import Message
from commands.writes import writing
from storage import items, launches, readiness
from storage.engine import Store


def needs(
    store: Store, ctx: Context, *, ref: str, others: tuple[str, ...], remove: bool = False
) -> Message:
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        item_id, _ = find_item(session, launch, ref, split=False, verb="needs")
        item = items.get_item(session, item_id=item_id, for_update=True)
        require_item_change(
            ctx, launch, key=item.key, owner=item.owner, action="change what it needs"
        )
        edges = readiness.edges(session, launch_id=launch.id)
        keys = {i: k for i, k, _t in items.item_refs(session, launch_id=launch.id)}
        changed = []
        for other in others:
            needed_id, _ = find_item(session, launch, other, split=False, verb="needs")
            needed_key = keys.get(needed_id, other)
            if remove:
                if readiness.remove_dependency(session, item_id=item_id, needs_id=needed_id):
                    changed.append(needed_key)
                    edges = [e for e in edges if e != (item_id, needed_id)]
                continue
            cycle = cycle_with(edges, item_id, needed_id)
            if cycle is not None:
                named = " → ".join(keys.get(i, "?") for i in cycle)
                raise Conflict(
                    f"That would make a cycle: {named}. An item cannot wait for itself; "
                    f"remove a link first (`/ready needs {keys.get(cycle[1], '?')} not "
                    f"{keys.get(cycle[2], '?')}`)."
                    if len(cycle) > 2
                    else f"{item.key} cannot need itself: name the items it waits for, "
                    f"e.g. `/ready needs {item.key} <other item>`."
                )
            if readiness.add_dependency(
                session,
                launch_id=launch.id,
                item_id=item_id,
                needs_id=needed_id,
                actor=ctx.user_id,
                now=ctx.now,
            ):
                changed.append(needed_key)
                edges.append((item_id, needed_id))
        if not changed:
            raise Conflict(
                f"{item.key} {'does not need' if remove else 'already needs'} {', '.join(others)}."
            )
        record(
            session,
            ctx,
            launch_id=launch.id,
            item_id=item_id,
            item_key=item.key,
            action="unneeds" if remove else "needs",
            after={"needs": changed},
        )
        launches.touch(launch, now=ctx.now)
        waits = [keys.get(b, "?") for a, b in edges if a == item_id]
        verb = "no longer needs" if remove else "needs"
        tail = f" It now waits for {', '.join(waits)}." if waits else " It waits for nothing."
        return Message(f"✓ {item.key} {verb} {', '.join(changed)}.{tail}")
