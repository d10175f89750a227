"""A category as typed (`security`, `sec`, `Securty`) → the launch's own category name."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from commands.errors import UsageError
from storage import items
from storage.engine import Session
from storage.models import Launch


def match_category(
    session: Session, launch: Launch, wanted: str, *, verb: str = "list", what: str = ""
) -> str:
    """The category `wanted` names: same name in any case, else the one it starts, else the
    one fuzzy match; otherwise a UsageError listing the categories. `what` words the error
    ("a filter or a category" for `list`)."""
    assert launch.id is not None
    names = items.categories(session, launch_id=launch.id)
    folded = " ".join(wanted.casefold().split())
    for name in names:
        if " ".join(name.casefold().split()) == folded:
            return name
    starting = [name for name in names if name.casefold().startswith(folded)]
    if len(starting) == 1:
        return starting[0]
    close = [
        name
        for name, _score, _ in process.extract(
            wanted, names, scorer=fuzz.WRatio, processor=str.casefold, limit=3, score_cutoff=70
        )
    ]
    if len(close) == 1:
        return close[0]
    options = ", ".join(close or names[:12]) or "none yet"
    raise UsageError(
        f"“{wanted[:60]}” is not {what or 'a category of ' + launch.name}. Categories: {options}.",
        usage_verb=verb,
    )
