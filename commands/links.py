"""readybot's own links, and what their unfurls show.

`<public url>/launches/<id or name slug>` is a launch and
`<public url>/launches/<id or slug>/items/<KEY>` one of its items (READYBOT_PUBLIC_URL).
`parse_link` is pure; `unfurl` reads what the link shows, within the asking workspace only:
a link to another workspace's launch, or to nothing, shows nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import unquote, urlsplit

from commands.context import Context
from commands.decision.gate import slug
from commands.errors import CommandError
from commands.launching import local_today, view
from commands.replies import ItemView, LaunchView, StatusReply
from commands.status import status
from storage import items, launches
from storage.engine import Store
from storage.models import Launch

_PATH = re.compile(r"^/launches/([^/]{1,200})(?:/items/([A-Za-z0-9][A-Za-z0-9-]{0,31}))?/?$")


@dataclass(frozen=True)
class Link:
    """A readybot link: the launch (an id or a slug of its name) and, for an item, its key."""

    launch: str
    key: str | None = None


@dataclass(frozen=True)
class ItemUnfurl:
    launch: LaunchView
    item: ItemView
    today: date  # in the launch's timezone, for "due in 3 d"


Unfurl = StatusReply | ItemUnfurl


def parse_link(url: str, public_url: str | None) -> Link | None:
    """The readybot link `url` is, or None (another site, another path, no public URL)."""
    if not public_url:
        return None
    base = urlsplit(public_url.strip())
    found = urlsplit(url.strip())
    if not base.netloc or found.netloc.lower() != base.netloc.lower():
        return None
    if found.scheme not in ("http", "https"):
        return None
    prefix = base.path.rstrip("/")
    if not found.path.startswith(prefix + "/"):
        return None
    match = _PATH.match(found.path[len(prefix) :])
    if match is None:
        return None
    return Link(unquote(match[1]), match[2].upper() if match[2] else None)


def link_url(public_url: str, launch_id: int, key: str | None = None) -> str:
    """The link `parse_link` reads back."""
    url = f"{public_url.rstrip('/')}/launches/{launch_id}"
    return f"{url}/items/{key}" if key else url


def _launch(store: Store, ctx: Context, ref: str) -> Launch | None:
    with store.read() as session:
        if ref.isdigit():
            found = launches.get_launch(session, launch_id=int(ref))
            return found if found is not None and found.team_id == ctx.team_id else None
        wanted = slug(ref)
        for launch in launches.launches(session, team_id=ctx.team_id):
            if launches.name_key(ref) == launch.name_key or slug(launch.name) == wanted:
                return launch
    return None


def unfurl(store: Store, ctx: Context, link: Link) -> Unfurl | None:
    """What `link` shows: the launch's status, or the item; None for anything unknown."""
    launch = _launch(store, ctx, link.launch)
    if launch is None or launch.id is None:
        return None
    if link.key is None:
        try:
            return status(store, replace(ctx, launch_id=launch.id))
        except CommandError:
            return None
    with store.read() as session:
        item_id = items.item_id_by_key(session, launch_id=launch.id, key=link.key)
        if item_id is None:
            return None
        item = items.get_item(session, item_id=item_id)
        return ItemUnfurl(view(session, launch), ItemView.of(item), local_today(ctx, launch))
