"""Who is asking, where, when and how: passed to every command, never read from globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from storage.vocabulary import Via

if TYPE_CHECKING:
    from commands.monitors.draft import MonitorDraft


@dataclass(frozen=True)
class Context:
    team_id: str
    user_id: str
    channel_id: str | None
    via: Via
    now: datetime  # timezone-aware
    admins: frozenset[str] = field(default_factory=frozenset)
    default_timezone: str = "UTC"  # for new launches that do not name one
    # The console and CLI run on the operator's own machine against the database
    # directly; they act with full rights, as the database itself would allow.
    local_operator: bool = False
    # A Slack delivery's identity (action_ts, event_id …): a repeat of it changes nothing.
    request_key: str | None = None
    # Act on this launch whatever the channel says (buttons on items, the App Home).
    launch_id: int | None = None
    # Run one monitor's check now and describe the result (given by the edge that can do I/O;
    # commands never import the scheduler).
    check_monitor: Callable[[int], str] | None = None
    # Why a new monitor may not be added (an address the outbound policy refuses, a backup
    # outside the allowed folders), or None; given by the edge, like check_monitor.
    vet_monitor: Callable[[MonitorDraft], str | None] | None = None
    public_url: str | None = None  # where heartbeat hooks are reachable, for their URLs
    # How the person is called (Slack's user name), to name them without pinging them.
    user_name: str | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("Context.now must be timezone-aware")

    @property
    def is_admin(self) -> bool:
        return self.local_operator or self.user_id in self.admins
