"""readybot's vocabulary: the enums stored as short strings in the tables.

No SQLModel or SQLAlchemy here: parsing, scoring and rendering read these without
importing the ORM.
"""

from __future__ import annotations

import re
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
# Stored values to members by a dict lookup: an enum call per row costs more, and status
# turns thousands of rows into members.
PRIORITY_OF: dict[str, Priority] = {p.value: p for p in Priority}
STATUS_OF: dict[str, Status] = {s.value: s for s in Status}


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
    GATE = "gate"  # a deploy pipeline asking the gate
    REACTION = "reaction"  # an emoji on a Slack message (READYBOT_ADD_REACTION)


class OutboxKind(StrEnum):
    """What an outbox row delivers; each kind has one composer (bot.render.composers)."""

    ANNOUNCE = "announce"  # a state change, in the launch's channels
    DIGEST = "digest"  # the daily digest
    CHART = "chart"  # the weekly trend chart (a file upload)
    REMINDER = "reminder"  # a person's overdue items, by direct message
    ALERT = "alert"  # a monitor went down, recovered, still down, or warns
    SIGNOFF_REVOKED = "signoff_revoked"  # a signer's sign-off revoked itself, by direct message
    CALL = "call"  # a Go/No-Go call posted in the launch's channel
    DECISION = "decision"  # the call's result, in its thread (rewriting the call message)
    VOTE_REMINDER = "vote_reminder"  # a voter who has not voted, halfway to the deadline
    EVIDENCE_EXPIRED = "evidence_expired"  # an owner's item reopened: its evidence grew old
    HELD_UP = "held_up"  # a downstream owner: an item theirs needs was blocked
    UPDATE = "update"  # a refresh of a posted message (chat.update of a channel and ts)
    HOME = "home"  # a refresh of someone's App Home tab (views.publish)
    NOTICE = "notice"  # tells an admin a message was given up; never itself noticed


# Refreshes replace what is shown: sending one twice is harmless, so they are retried after
# any error, and a newer one supersedes an older one still waiting (storage.outbox).
REFRESH_KINDS = frozenset({OutboxKind.UPDATE, OutboxKind.HOME})


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker until claimed_until
    UNCERTAIN = "uncertain"  # an attempt may have reached Slack: check before sending again
    SENT = "sent"
    FAILED = "failed"  # a permanent error (e.g. channel_not_found), kept for the record
    EXPIRED = "expired"  # too old to be worth sending (an announcement from hours ago)
    # An attempt may have reached Slack, and for too long Slack could not be asked whether it
    # did: not sent again (it may be missing, never doubled), logged, counted, admins told.
    GIVEN_UP = "given_up"
    SUPERSEDED = "superseded"  # a refresh replaced by a newer one before it was sent


class ItemFilter(StrEnum):
    """Which items a list shows (`/ready list …`)."""

    OPEN = "open"
    ALL = "all"
    DONE = "done"
    WAIVED = "waived"
    BLOCKED = "blocked"
    TODO = "todo"
    STARTED = "started"
    OVERDUE = "overdue"
    PRIORITY = "priority"
    OWNER = "owner"
    MINE = "mine"
    UNASSIGNED = "unassigned"
    CATEGORY = "category"


# Slack's own ids. The local console uses plain names for channels and people instead, and
# what readybot posts for those goes to the terminal, not to Slack.
SLACK_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def is_slack_channel(channel_id: str) -> bool:
    return bool(SLACK_CHANNEL_ID.match(channel_id))


def is_slack_user(user_id: str) -> bool:
    return bool(SLACK_USER_ID.match(user_id))
