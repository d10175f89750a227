"""The tables. Everything is scoped by Slack workspace (``team_id``).

Values such as priorities and statuses are stored as short strings so that the
schema reads well in any SQL console; storage.vocabulary holds their enums.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime
from storage.vocabulary import OutboxStatus, Priority, Scenario, Status


def _ts(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Workspace(SQLModel, table=True):
    """A Slack workspace (or the local one the console uses)."""

    team_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=200)
    created_at: datetime = _ts()


class Launch(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_launch_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", index=True, max_length=32)
    name: str = Field(max_length=200)
    # Case- and space-insensitive form of the name: `launch use checkout` finds "Checkout".
    name_key: str = Field(max_length=200)
    target_date: date | None = None
    timezone: str = Field(default="UTC", max_length=64)
    scenario: str = Field(default=Scenario.INTERNET_FACING.value, max_length=32)
    owner: str | None = Field(default=None, max_length=64)
    created_by: str = Field(max_length=64)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    # Bumped in the same transaction as any change to the launch or its items.
    revision: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # Bumped with `revision` by every change that may change what status shows (its score,
    # concerns, sign-offs, critical path, path to GO): all but a note's. Keys the status
    # report and the launch's items kept across revisions (commands.status, launch_state).
    plan_revision: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    # How many of its items were ever deleted (or moved away): kept by the database's
    # triggers (migration 0015), never written here. Items kept from before a deletion are
    # read again whole (commands.launch_state).
    items_removed: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    # The score the launch needs for GO (`/ready launch bar <n>`).
    bar: int = Field(default=80, sa_column=Column(Integer, nullable=False, server_default="80"))
    # What the last imported document claims about itself (score, counts, verdict, date),
    # as JSON (commands.claims), to show beside readybot's own score.
    claims: str | None = Field(default=None, sa_column=Column(Text))
    # `launch require verified critical`: a critical item only claimed done is not done.
    require_verified_critical: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, server_default=false()),
    )


class ChannelBinding(SQLModel, table=True):
    """Which launch a channel talks about. A launch may be bound to several channels."""

    __tablename__ = "channel_binding"

    team_id: str = Field(primary_key=True, max_length=32)
    channel_id: str = Field(primary_key=True, max_length=64)
    launch_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    bound_by: str = Field(max_length=64)
    bound_at: datetime = _ts()


class Item(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("launch_id", "key", name="uq_item_launch_key"),
        Index("ix_item_launch_import_ref", "launch_id", "import_ref"),
        # Covers `list`'s count of open items (waivers past their date are open again).
        Index("ix_item_launch_open", "launch_id", "status", "waiver_until"),
        Index("ix_item_launch_due", "launch_id", "due_date"),
        # Covers the GROUP BY behind every status: counted from the index alone, in order.
        Index("ix_item_status_counts", "launch_id", "category", "priority", "status", "scenarios"),
        # A page of `list` in its order, read from the top without sorting the launch.
        Index("ix_item_launch_order", "launch_id", "category", "seq"),
        Index("ix_item_launch_plan_mark", "launch_id", "plan_mark"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    key: str = Field(max_length=32)  # upper case, e.g. SSL or SEC-3
    seq: int = 0  # display order within the launch
    title: str = Field(max_length=500)
    category: str = Field(default="General", max_length=100)
    priority: str = Field(default=Priority.MEDIUM.value, max_length=16)
    status: str = Field(default=Status.TODO.value, max_length=16)
    owner: str | None = Field(default=None, max_length=64)
    due_date: date | None = None
    effort: str | None = Field(default=None, max_length=100)
    evidence: str | None = Field(default=None, sa_column=Column(Text))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    blocked_reason: str | None = Field(default=None, sa_column=Column(Text))
    blocked_by: str | None = Field(default=None, max_length=64)
    blocked_at: datetime | None = _ts(default=None)
    waiver_reason: str | None = Field(default=None, sa_column=Column(Text))
    waiver_until: date | None = None
    waived_by: str | None = Field(default=None, max_length=64)
    done_at: datetime | None = _ts(default=None)
    done_by: str | None = Field(default=None, max_length=64)
    # Comma-separated scenarios that require this item; NULL means every scenario does.
    scenarios: str | None = Field(default=None, max_length=200)
    # Comma-separated scenarios in which the document calls the item critical. While the
    # launch's scenario is one of them the item is critical, and `base_priority` keeps the
    # priority it had before (to return to when the scenario changes).
    critical_in: str | None = Field(default=None, max_length=200)
    base_priority: str | None = Field(default=None, max_length=16)
    # Done is *claimed* until verified: by a person (done, verify), by evidence, or by a
    # linked monitor that is up. `verified_at` is also the age `verify_every_days` limits.
    verified_at: datetime | None = _ts(default=None)
    verified_by: str | None = Field(default=None, max_length=64)
    verified_via: str | None = Field(default=None, max_length=16)  # person, evidence, monitor
    verify_every_days: int | None = None
    due_offset_days: int | None = None  # `due T-7d`: the due date is the target minus this
    stability_monitor_id: int | None = None  # done once this monitor stays up …
    stability_hours: float | None = None  # … this long without a break
    source: str = Field(default="command", max_length=200)
    # Stable identity of an imported item ("category/title", normalised): re-import updates it.
    import_ref: str | None = Field(default=None, max_length=700)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    version: int = 1
    # The launch's plan revision when a column status reads last changed: kept by the
    # database's triggers (migration 0015), never written here; see readiness.state_changes.
    plan_mark: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class Event(SQLModel, table=True):
    """The append-only audit log: one row per change, with the state before and after."""

    __table_args__ = (
        Index("ix_event_launch_at", "launch_id", "at"),
        Index("ix_event_item_at", "item_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    launch_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="SET NULL"), nullable=True),
    )
    item_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("item.id", ondelete="SET NULL"), nullable=True),
    )
    item_key: str | None = Field(default=None, max_length=32)
    at: datetime = _ts()
    actor: str = Field(max_length=64)
    actor_name: str | None = Field(default=None, max_length=80)  # Slack's name for the actor
    via: str = Field(max_length=16)
    action: str = Field(max_length=32)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    note: str | None = Field(default=None, sa_column=Column(Text))


class ProcessedRequest(SQLModel, table=True):
    """Slack deliveries already applied (by action_ts, event_id, view id …): a repeat is a no-op.

    Written in the same transaction as the change it guards, so a delivery that failed
    part-way can be retried and one that succeeded cannot apply twice.
    """

    __tablename__ = "processed_request"

    team_id: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=200)
    at: datetime = _ts()


class Outbox(SQLModel, table=True):
    """Messages to post, written in the transaction that caused them (storage.outbox.enqueue)
    and delivered by scheduler.delivery, which claims each row with a conditional UPDATE so
    several replicas never send the same message twice and a restart never loses one.

    `payload` holds the facts the message is rendered from, captured when the row was queued:
    delivery shows what happened, not what is true by the time it is sent."""

    __table_args__ = (
        Index("ix_outbox_due", "transport", "status", "next_attempt_at"),
        Index("ix_outbox_coalesce", "coalesce_key", "status"),
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=64)  # a channel, or a user id for direct messages
    kind: str = Field(max_length=32)  # an OutboxKind
    transport: str = Field(
        default="slack",
        sa_column=Column(String(16), nullable=False, server_default="slack"),
    )  # slack, or console (the local console prints instead)
    ref_id: int | None = None  # e.g. the Event an announcement tells about
    dedupe_key: str = Field(max_length=200)
    # The row whose message this one answers in a thread (an alert's reminder, its recovery).
    parent_key: str | None = Field(default=None, max_length=200)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = _ts(default=None)
    sent_ts: str | None = Field(default=None, max_length=32)  # Slack's message ts
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _ts()
    sent_at: datetime | None = _ts(default=None)
    # Since when an attempt may have reached Slack without an answer: a row that cannot be
    # checked for that long is given up (storage.outbox, scheduler.delivery).
    uncertain_since: datetime | None = _ts(default=None)
    # Refreshes of one message or Home tab share a key: a newer one supersedes older ones
    # still waiting, so only the newest is sent.
    coalesce_key: str | None = Field(default=None, max_length=200)


class Draft(SQLModel, table=True):
    """Text a modal needs across steps (a pasted assessment between preview and confirm):
    Slack's private_metadata holds only 3,000 characters."""

    id: str = Field(primary_key=True, max_length=36)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts()


class DigestSchedule(SQLModel, table=True):
    """When a channel gets its daily digest. A bound channel without a row gets the default
    (09:00 in the launch's timezone, Monday to Friday)."""

    __tablename__ = "digest_schedule"

    team_id: str = Field(primary_key=True, max_length=32)
    channel_id: str = Field(primary_key=True, max_length=64)
    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    at_time: str = Field(default="09:00", max_length=5)  # HH:MM, local
    timezone: str | None = Field(default=None, max_length=64)  # None: the launch's
    days: str = Field(default="mon,tue,wed,thu,fri", max_length=40)
    enabled: bool = True
    unchanged: str = Field(default="line", max_length=8)  # "line" or "none"
    updated_by: str = Field(max_length=64)
    updated_at: datetime = _ts()


class DigestRun(SQLModel, table=True):
    """One digest for one channel: claimed (unique per channel and local date) before anything
    is posted, so several replicas and restarts post it at most once; its outbox row then
    makes sure it is posted at least once."""

    __tablename__ = "digest_run"
    __table_args__ = (
        UniqueConstraint("run_key", name="uq_digest_run_key"),
        Index("ix_digest_run_channel", "team_id", "channel_id", "claimed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=64)
    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    run_key: str = Field(max_length=200)  # team:channel:local date, or …:manual:<id>
    kind: str = Field(default="scheduled", max_length=16)  # scheduled, manual
    local_date: date
    scheduled_for: datetime = _ts()
    claimed_at: datetime = _ts()
    claimed_by: str = Field(max_length=64)
    status: str = Field(default="claimed", max_length=16)  # claimed, built, skipped
    note: str | None = Field(default=None, max_length=300)
    score: int | None = None  # the score the digest showed (the next one's baseline)
    built_at: datetime | None = _ts(default=None)
    weekly: bool = False


class LaunchDay(SQLModel, table=True):
    """A launch's score and open items by priority, once a day: the digest's trend and chart."""

    __tablename__ = "launch_day"

    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), primary_key=True)
    )
    day: date = Field(primary_key=True)
    score: int
    open_critical: int = 0
    open_high: int = 0
    open_medium: int = 0
    open_low: int = 0
    recorded_at: datetime = _ts()


class ReminderPref(SQLModel, table=True):
    __tablename__ = "reminder_pref"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    enabled: bool = True
    updated_at: datetime = _ts()


class ReminderRun(SQLModel, table=True):
    """At most one overdue-items DM per person per day, claimed before it is queued."""

    __tablename__ = "reminder_run"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    local_date: date = Field(primary_key=True)
    claimed_at: datetime = _ts()


class ReminderSnooze(SQLModel, table=True):
    __tablename__ = "reminder_snooze"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    item_id: int = Field(
        sa_column=Column(Integer, ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    )
    until: date


class Monitor(SQLModel, table=True):
    """A check of something the checklist claims, with its up/down state.

    `next_check_at` doubles as the claim: a runner takes a due monitor with a conditional
    UPDATE that moves it forward, so several replicas never run the same check twice.
    """

    __table_args__ = (
        Index("ix_monitor_due", "paused", "next_check_at"),
        UniqueConstraint("token", name="uq_monitor_token"),
        UniqueConstraint("team_id", "launch_id", "name", name="uq_monitor_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    channel_id: str | None = Field(default=None, max_length=64)  # where alerts go
    kind: str = Field(max_length=16)  # http, cert, backup, heartbeat
    name: str = Field(max_length=500)  # the URL, host, pattern or heartbeat name
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    item_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("item.id", ondelete="SET NULL"), nullable=True),
    )
    interval_seconds: int = 60
    fail_after: int = 3
    recover_after: int = 2
    repeat_seconds: int = 4 * 3600
    status: str = Field(default="pending", max_length=16)  # pending, up, down, paused, maintenance
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    paused: bool = False
    next_check_at: datetime = _ts()
    claimed_by: str | None = Field(default=None, max_length=64)
    token: str | None = Field(default=None, max_length=64)  # heartbeat secret
    last_ping_at: datetime | None = _ts(default=None)
    last_ping_kind: str | None = Field(
        default=None, max_length=16
    )  # success, start, fail, exit:<n>
    last_success_at: datetime | None = _ts(default=None)
    blocked_item: bool = False  # this monitor blocked its item (so recovery may unblock it)
    source: str = Field(default="command", max_length=16)  # command, config
    created_by: str = Field(max_length=64)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    version: int = 1


class MonitorEvent(SQLModel, table=True):
    """A monitor's transition (down, up, warning, reminder, acknowledged …), stored as a row in
    the transaction that made it; alerts about it go out through the outbox."""

    __tablename__ = "monitor_event"
    __table_args__ = (Index("ix_monitor_event_launch_at", "launch_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    launch_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=True),
    )
    monitor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("monitor.id", ondelete="SET NULL"), nullable=True),
    )
    monitor_name: str = Field(max_length=500)
    kind: str = Field(max_length=16)
    detail: str = Field(sa_column=Column(Text, nullable=False))
    notify: bool = True
    outage_id: int | None = None  # the `down` event this one belongs to (threads, updates)
    at: datetime = _ts()


# -- the launch decision: category owners, sign-offs, Go/No-Go calls, the deploy gate --------


class CategoryOwner(SQLModel, table=True):
    """Who answers for a category of a launch (`/ready category <name> owner @user`)."""

    __tablename__ = "category_owner"

    launch_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("launch.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    category_key: str = Field(primary_key=True, max_length=100)  # the name, case-folded
    category: str = Field(max_length=100)
    owner: str = Field(max_length=64)  # a Slack user id, or a console name
    set_by: str = Field(max_length=64)
    set_at: datetime = _ts()


class Signoff(SQLModel, table=True):
    """A category signed off, with what it looked like then. It stays in the record once
    revoked (`revoked_at`, `revoked_reason`): a sign-off revokes itself when the category's
    checklist changes under it."""

    __table_args__ = (Index("ix_signoff_launch_category", "launch_id", "category_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    category_key: str = Field(max_length=100)
    category: str = Field(max_length=100)
    signer: str = Field(max_length=64)
    signer_name: str | None = Field(default=None, max_length=80)
    note: str | None = Field(default=None, sa_column=Column(Text))
    signed_at: datetime = _ts()
    # {"score": int, "items": [[key, title, status, priority], ...]}
    snapshot: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    revoked_at: datetime | None = _ts(default=None)
    revoked_reason: str | None = Field(default=None, sa_column=Column(Text))


class GoNoGoCall(SQLModel, table=True):
    """A Go/No-Go call in a launch's channel. `voters` is fixed when it opens; `record`
    is written once, when it closes, and never changes after (an override is kept beside
    it)."""

    __tablename__ = "gonogo_call"
    __table_args__ = (Index("ix_gonogo_launch", "launch_id", "opened_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    channel_id: str = Field(max_length=64)
    opened_by: str = Field(max_length=64)
    opened_at: datetime = _ts()
    deadline: datetime | None = _ts(default=None)
    quorum: int | None = None  # None: every voter
    voters: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="open", max_length=16)  # open, closed
    closed_at: datetime | None = _ts(default=None)
    closed_by: str | None = Field(default=None, max_length=64)
    close_reason: str | None = Field(default=None, max_length=16)  # quorum, deadline, owner
    reminded_at: datetime | None = _ts(default=None)
    decision: str | None = Field(default=None, max_length=16)  # GO, NO-GO (after any override)
    record: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    override: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class Vote(SQLModel, table=True):
    """One voter's vote on a call: the last click counts (one row per voter)."""

    call_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("gonogo_call.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        )
    )
    voter: str = Field(primary_key=True, max_length=64)
    voter_name: str | None = Field(default=None, max_length=80)
    choice: str = Field(max_length=16)  # go, conditions, no_go
    reason: str | None = Field(default=None, sa_column=Column(Text))
    conditions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = _ts()
    changes: int = 0  # how many times the voter changed their vote


class GateToken(SQLModel, table=True):
    """A deploy-gate bearer token for one launch, stored as its SHA-256 (the token is 32
    random bytes: a fast hash loses nothing). One active token per launch; rotating
    revokes the old one."""

    __tablename__ = "gate_token"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    token_hash: str = Field(max_length=64, unique=True)
    hint: str = Field(max_length=16)  # the token's first characters, to tell tokens apart
    created_by: str = Field(max_length=64)
    created_at: datetime = _ts()
    revoked_at: datetime | None = _ts(default=None)
    last_used_at: datetime | None = _ts(default=None)


class ItemDependency(SQLModel, table=True):
    """`needs <item> <other>`: the item cannot finish before the other one."""

    __tablename__ = "item_dependency"
    __table_args__ = (Index("ix_item_dependency_launch", "launch_id"),)

    launch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("launch.id", ondelete="CASCADE"), nullable=False)
    )
    item_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("item.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    needs_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("item.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    created_by: str = Field(max_length=64)
    created_at: datetime = _ts()


class MessageItem(SQLModel, table=True):
    """A Slack message that became an item (the shortcut or the reaction): one item per
    message, whoever asks and however often Slack delivers the event, on any replica."""

    __tablename__ = "message_item"

    team_id: str = Field(primary_key=True, max_length=32)
    channel_id: str = Field(primary_key=True, max_length=32)
    message_ts: str = Field(primary_key=True, max_length=32)
    item_id: int = Field(
        sa_column=Column(Integer, ForeignKey("item.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: datetime = _ts()
