"""MonitorState to and from a JSON-ready dict, for the `monitor.state` column. Pure.

The dict holds the whole state (`paused` too); the `monitor.status` and `monitor.paused`
columns are copies for queries, written from `state.status` and `state.paused`. Keys missing
from the dict take their defaults, so a row written before a field existed still loads.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from commands.monitors.state import MonitorState, MonitorStatus

_TIMES = (
    "streak_since",
    "down_since",
    "last_alert_at",
    "acknowledged_at",
    "snoozed_until",
    "maintenance_until",
)
_NAMES = frozenset(f.name for f in fields(MonitorState))


def dump_state(state: MonitorState) -> dict[str, Any]:
    """Only the fields that differ from the default: `{}` is a new monitor."""
    blank = MonitorState()
    data: dict[str, Any] = {}
    for name in _NAMES:
        value = getattr(state, name)
        if value == getattr(blank, name):
            continue
        if name in _TIMES:
            value = value.isoformat()
        elif name == "cert_warned":
            value = sorted(value)
        elif name == "verdict":
            value = value.value
        data[name] = value
    return dict(sorted(data.items()))


def load_state(data: dict[str, Any]) -> MonitorState:
    """The inverse of `dump_state`. Unknown keys are ignored; a bad value raises ValueError."""
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in _NAMES:
            continue
        if name in _TIMES and value is not None:
            value = datetime.fromisoformat(value)
        elif name == "cert_warned":
            value = frozenset(int(days) for days in value)
        elif name == "verdict":
            value = MonitorStatus(value)
            if value not in (MonitorStatus.PENDING, MonitorStatus.UP, MonitorStatus.DOWN):
                raise ValueError(f"{value} is not a verdict")
        values[name] = value
    return MonitorState(**values)
