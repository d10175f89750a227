"""Workspaces, launches and the channels bound to them. Each function takes an open session
and never commits: the caller's transaction decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.exc import NoResultFound
from sqlmodel import Session, col, select

from storage.models import ChannelBinding, Launch, Workspace

# Built once: building a statement costs more than running it on the hot path of every
# command (finding the channel's launch, its channels).
_LAUNCH_FOR_CHANNEL = (
    select(Launch)
    .join(ChannelBinding, col(ChannelBinding.launch_id) == col(Launch.id))
    .where(
        col(ChannelBinding.team_id) == bindparam("team"),
        col(ChannelBinding.channel_id) == bindparam("channel"),
    )
)
_CHANNELS_OF = select(ChannelBinding.channel_id).where(
    col(ChannelBinding.launch_id) == bindparam("launch")
)


def name_key(name: str) -> str:
    """Case- and space-insensitive form of a launch name: `checkout  V2` finds "Checkout v2"."""
    return " ".join(name.casefold().split())


# -- workspaces -----------------------------------------------------------------------------


def ensure_workspace(session: Session, *, team_id: str, now: datetime, name: str = "") -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, name=name, created_at=now)
        session.add(workspace)
        session.flush()
    return workspace


def workspaces(session: Session) -> list[Workspace]:
    return list(session.exec(select(Workspace).order_by(col(Workspace.created_at))).all())


def workspace_exists(session: Session, *, team_id: str) -> bool:
    return session.get(Workspace, team_id) is not None


# -- launches -------------------------------------------------------------------------------


def get_launch(session: Session, *, launch_id: int) -> Launch | None:
    return session.get(Launch, launch_id)


def launch_for_channel(session: Session, *, team_id: str, channel_id: str | None) -> Launch | None:
    if not channel_id:
        return None
    found = session.exec(_LAUNCH_FOR_CHANNEL, params={"team": team_id, "channel": channel_id})
    return found.first()


def launch_by_name(session: Session, *, team_id: str, name: str) -> Launch | None:
    stmt = select(Launch).where(
        col(Launch.team_id) == team_id, col(Launch.name_key) == name_key(name)
    )
    return session.exec(stmt).first()


def launches_named(session: Session, *, name: str) -> list[Launch]:
    """Launches of any workspace with this name (configuration files name launches only)."""
    return list(session.exec(select(Launch).where(col(Launch.name_key) == name_key(name))).all())


def launches(session: Session, *, team_id: str) -> list[Launch]:
    stmt = select(Launch).where(col(Launch.team_id) == team_id).order_by(col(Launch.created_at))
    return list(session.exec(stmt).all())


def all_launches(session: Session) -> list[Launch]:
    return list(session.exec(select(Launch).order_by(col(Launch.id))).all())


def add_launch(session: Session, *, launch: Launch) -> Launch:
    session.add(launch)
    session.flush()
    return launch


_LOCK_LAUNCH = (
    select(Launch)
    .where(col(Launch.id) == bindparam("launch"))
    .with_for_update()
    # The row as the lock returns it, not as this transaction may have read it before: a
    # writer that committed in between must not have its revision overwritten.
    .execution_options(populate_existing=True)
)


def lock_launch(session: Session, *, launch_id: int) -> Launch:
    """The launch row, locked for this transaction. Every writer takes the launch first, so
    writers queue in one order. SQLite writers hold the database lock from BEGIN IMMEDIATE
    on, so the launch this transaction read is current: no second read."""
    if session.get_bind().dialect.name == "sqlite":
        launch = session.get(Launch, launch_id)
        if launch is None:
            raise NoResultFound(f"launch {launch_id} is gone")
        return launch
    return session.exec(_LOCK_LAUNCH, params={"launch": launch_id}).one()


def touch(launch: Launch, *, now: datetime, plan: bool = True) -> None:
    """Record a change to the launch or its items: the revisions key every cached answer.
    `plan=False` only for a change that cannot move anything status shows (a note)."""
    launch.revision += 1
    if plan:
        launch.plan_revision += 1
    launch.updated_at = now


# -- channels -------------------------------------------------------------------------------


def channels_of(session: Session, *, launch_id: int) -> tuple[str, ...]:
    rows = session.exec(_CHANNELS_OF, params={"launch": launch_id}).all()
    return tuple(sorted(rows))


def bind_channel(
    session: Session, *, team_id: str, channel_id: str, launch_id: int, actor: str, now: datetime
) -> int | None:
    """Bind the channel to the launch; return the launch it was bound to before, if any."""
    binding = session.get(ChannelBinding, (team_id, channel_id))
    previous = binding.launch_id if binding else None
    if binding is None:
        session.add(
            ChannelBinding(
                team_id=team_id,
                channel_id=channel_id,
                launch_id=launch_id,
                bound_by=actor,
                bound_at=now,
            )
        )
    else:
        binding.launch_id, binding.bound_by, binding.bound_at = launch_id, actor, now
    session.flush()
    return previous


def bindings(session: Session) -> list[tuple[ChannelBinding, Launch]]:
    """Every bound channel with its launch."""
    stmt = select(ChannelBinding, Launch).join(
        Launch, col(Launch.id) == col(ChannelBinding.launch_id)
    )
    return [(binding, launch) for binding, launch in session.exec(stmt).all()]
