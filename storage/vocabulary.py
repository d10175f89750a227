"""readybot's vocabulary: the enums stored as short strings in the tables.

No SQLModel or SQLAlchemy here: parsing, scoring and rendering read these without
importing the ORM.
"""

from __future__ import annotations

from enum import StrEnum


class Priority(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    WAIVED = "waived"


OPEN_STATUSES = (Status.TODO, Status.IN_PROGRESS, Status.BLOCKED)
CLOSED_STATUSES = (Status.DONE, Status.WAIVED)


class Scenario(StrEnum):
    INTERNAL = "internal"
    INTERNET_FACING = "internet-facing"
    REGULATED = "regulated"


class Via(StrEnum):
    """How a change arrived; recorded on every audit event."""

    COMMAND = "command"
    BUTTON = "button"
    MODAL = "modal"
    MONITOR = "monitor"
    IMPORT = "import"
    CLI = "cli"
    CONSOLE = "console"
    SCHEDULER = "scheduler"  # time-driven work nobody started (digests, expiries)


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker until claimed_until
    UNCERTAIN = "uncertain"  # an attempt may have reached Slack: check before sending again
    SENT = "sent"
    FAILED = "failed"  # a permanent error (e.g. channel_not_found), kept for the record
    EXPIRED = "expired"  # too old to be worth sending (an announcement from hours ago)
