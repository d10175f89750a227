"""What a monitor alert tells: the facts captured when the monitor changed state.

An alert is queued in the transaction of the transition that caused it (commands.monitors
.apply), with these facts; a click on the alert later (acknowledge) rebuilds them from the
outage's first event to show the alert as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from commands.monitors.state_json import load_state
from storage import items, launches, monitors
from storage.engine import Session
from storage.models import Item, Monitor, MonitorEvent


@dataclass(frozen=True)
class AlertFacts:
    monitor_id: int
    monitor_name: str
    kind: str  # down, up, reminder, warning
    detail: str
    at: datetime
    launch_name: str
    item_id: int | None = None
    item_key: str | None = None
    item_owner: str | None = None
    item_blocked: bool = False  # the monitor blocked (down) or unblocked (up) its item
    down_since: datetime | None = None
    outage_detail: str | None = None  # what the outage's first alert said
    acknowledged_by: str | None = None
    ack_reason: str | None = None
    failures: int = 0  # failed checks in a row when it went down (or is still down)
    timezone: str = "UTC"  # the launch's, for the times the alert shows
    verdict_was: str | None = None  # the launch's verdict before this transition…
    verdict_now: str | None = None  # …and after it, when the transition changed it


def alert_facts(
    session: Session,
    *,
    monitor: Monitor,
    event: MonitorEvent,
    item: Item | None,
    failures: int = 0,
    verdicts: tuple[str, str] | None = None,
) -> AlertFacts:
    """The facts of `event`, read in the transaction that recorded it."""
    launch = launches.get_launch(session, launch_id=monitor.launch_id)
    down = (
        monitors.get_event(session, event_id=event.outage_id)
        if event.outage_id and event.outage_id != event.id
        else None
    )
    state = monitor.state or {}
    first_failure = load_state(state).down_since  # the outage's first failing check
    return AlertFacts(
        monitor_id=monitor.id or 0,
        monitor_name=event.monitor_name,
        kind=event.kind,
        detail=event.detail,
        at=event.at,
        launch_name=launch.name if launch else "",
        item_id=item.id if item else None,
        item_key=item.key if item else None,
        item_owner=item.owner if item else None,
        item_blocked=bool(monitor.blocked_item or event.kind == "up"),
        down_since=first_failure
        or (down.at if down else (event.at if event.kind == "down" else None)),
        outage_detail=down.detail if down else None,
        acknowledged_by=state.get("acknowledged_by"),
        ack_reason=state.get("ack_reason"),
        failures=failures,
        timezone=launch.timezone if launch else "UTC",
        verdict_was=verdicts[0] if verdicts and verdicts[0] != verdicts[1] else None,
        verdict_now=verdicts[1] if verdicts and verdicts[0] != verdicts[1] else None,
    )


def current_outage_alert(session: Session, *, monitor_id: int) -> AlertFacts | None:
    """The open outage's first alert as it should look now (acknowledged or not)."""
    monitor = monitors.get_monitor(session, monitor_id=monitor_id)
    outage = (monitor.state or {}).get("outage_id") if monitor else None
    event = monitors.get_event(session, event_id=int(outage)) if outage else None
    if monitor is None or event is None:
        return None
    item = items.find_item(session, item_id=monitor.item_id) if monitor.item_id else None
    facts = alert_facts(session, monitor=monitor, event=event, item=item)
    return replace(facts, item_blocked=monitor.blocked_item)
