"""Items a document calls critical only in some scenarios ("Scenario 2: Internet-Facing —
SSL is MANDATORY"): while the launch's scenario is one of them they are critical, and they
go back to their own priority when the scenario changes. Pure rule plus one transaction
step for `launch scenario`."""

from __future__ import annotations

from commands.context import Context
from commands.items.change import apply_change
from commands.transitions import Change
from storage import items
from storage.engine import Session
from storage.models import Launch
from storage.vocabulary import Priority


def priority_in_scenario(
    own: str, critical_in: str | None, scenario: str
) -> tuple[str, str | None]:
    """(the priority to store, the item's own priority to keep beside it, or None when no
    scenario raised it). `critical_in` is the stored ",a,b," form."""
    if critical_in and f",{scenario}," in critical_in and own != Priority.CRITICAL.value:
        return Priority.CRITICAL.value, own
    return own, None


def apply_scenario(session: Session, ctx: Context, launch: Launch) -> int:
    """Raise or restore the priority of every item with scenario conditions to match the
    launch's (new) scenario, each change in the audit log; how many changed."""
    assert launch.id is not None
    changed = 0
    for item in items.scenario_critical_items(session, launch_id=launch.id):
        own = item.base_priority or item.priority
        priority, base = priority_in_scenario(own, item.critical_in, launch.scenario)
        if (priority, base) == (item.priority, item.base_priority):
            continue
        why = (
            f"critical in {launch.scenario} launches"
            if base is not None
            else f"not critical in {launch.scenario} launches"
        )
        apply_change(
            session,
            ctx,
            launch,
            item,
            Change("reprioritised", {"priority": priority, "base_priority": base}, note=why),
        )
        changed += 1
    return changed
