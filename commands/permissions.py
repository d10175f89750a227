"""Who may do what. Anyone may look; people change items they own or that nobody
owns; launch owners and admins (READYBOT_ADMINS) may do everything."""

from __future__ import annotations

from commands.context import Context
from commands.errors import NotAllowed
from commands.text import user
from storage.models import Launch


def is_launch_admin(ctx: Context, launch: Launch) -> bool:
    return ctx.is_admin or (launch.owner is not None and launch.owner == ctx.user_id)


def _who(launch: Launch, ctx: Context) -> str:
    people = [f"the launch owner ({user(launch.owner)})"] if launch.owner else []
    people.append(
        "an admin" + (f" ({', '.join(user(a) for a in sorted(ctx.admins))})" if ctx.admins else "")
    )
    return " or ".join(people)


def require_item_change(
    ctx: Context, launch: Launch, *, key: str, owner: str | None, action: str
) -> None:
    if owner is None or owner == ctx.user_id or is_launch_admin(ctx, launch):
        return
    raise NotAllowed(
        f"{key} belongs to {user(owner)}; only they, {_who(launch, ctx)} can {action} it."
    )


def require_launch_admin(ctx: Context, launch: Launch, *, action: str) -> None:
    if is_launch_admin(ctx, launch):
        return
    raise NotAllowed(f"Only {_who(launch, ctx)} can {action}.")
