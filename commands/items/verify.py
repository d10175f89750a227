"""Verifying what the checklist claims: a person confirms a done item, evidence is attached,
evidence gets a maximum age, or a monitor must stay up for a stability window."""

from __future__ import annotations

from commands.context import Context
from commands.errors import Conflict, UsageError
from commands.items.change import apply_change
from commands.items.find import find_item
from commands.launching import current_launch
from commands.permissions import require_item_change
from commands.replies import ItemChanged
from commands.transitions import Change
from commands.wording import duration
from commands.writes import writing
from storage import items, monitors
from storage.engine import Store


def stability_window(
    store: Store, ctx: Context, *, ref: str, monitor_id: int, hours: float
) -> ItemChanged:
    """`verify <item> by monitor <id> for 72h`: done once the monitor has been up that long
    without a break; reopened if it fails before the launch."""
    if not 0 < hours <= 24 * 60:
        raise UsageError(
            "A stability window is from a few minutes to 60 days, e.g. `for 72h`.",
            usage_verb="verify",
        )
    with writing(store, ctx) as session:
        launch = current_launch(session, ctx, lock=True)
        assert launch.id is not None
        item_id, _ = find_item(session, launch, ref, split=False, verb="verify")
        item = items.get_item(session, item_id=item_id, for_update=True)
        require_item_change(ctx, launch, key=item.key, owner=item.owner, action="verify")
        monitor = monitors.get_monitor(session, monitor_id=monitor_id)
        if monitor is None or monitor.launch_id != launch.id:
            raise UsageError(
                f"{launch.name} has no monitor {monitor_id}: see `/ready monitor list`.",
                usage_verb="verify",
            )
        if (item.stability_monitor_id, item.stability_hours) == (monitor_id, hours):
            raise Conflict(f"{item.key} already waits for that window.")
        window = duration(hours * 3600)
        return apply_change(
            session,
            ctx,
            launch,
            item,
            Change(
                "stability",
                {"stability_monitor_id": monitor_id, "stability_hours": hours},
                f"done once monitor {monitor_id} ({monitor.name[:80]}) is up for {window} "
                "without a break",
            ),
        )
