"""What digest templates see: the `Digest` with its lists grouped and capped.

`digest_context(digest)` returns these names (all lists already capped, so a template can
loop over them without blowing Slack's limits; `.count` is the full number and `.more`
how many were left out):

- `digest`, `launch` (LaunchView), `today` (date), `weekly` (bool)
- `score` (int), `delta` (int | None: None for the first digest), `since` (the local date
  of the last digest, or None) and `since_label` (`"Mon"` within the last week, `"Nov 02"`
  before, `"earlier today"`; None for the first digest)
- `verdict` (Verdict: `.go`, `.label`, `.reasons`)
- `changes`: list of `Group`s of `Change`s, one per action (done, blocked, unblocked,
  reopened, waived, created, removed, then any other action), empty ones left out;
  `change_count`: all changes
- `overdue`, `due_soon` (Groups of ItemBrief, without the items already listed under
  `changes`), `due_of_changed` (key → due date of a changed item that is overdue or due
  soon, shown on its change line),
  `waivers` (Group of ExpiringWaiver),
  `monitors` (Group of MonitorNote, failures first)
- `target` (date | None), `days_to_target` (int | None), `forecast` (Forecast),
  `days_late` (int: > 0 when the forecast is after the target, else 0)
- `trend` (tuple of DayScore, oldest first), `trend_scores` (list of int)
- `signoffs_line` (str | None: "✍️ Signed off 2 of 5 · waiting: …", people as markers)
- `scores_text` ("85 claimed · 52 verified", or "85/100 ready"), `claimed_line`,
  `critical_path_line`, `path_to_go_line` (str | None, people as markers, keys in
  backticks), `expiring_evidence` (Group of ExpiringEvidence: too old by the target)
- `holds_up` (dict key -> " · holds up SSL, CDN and 2 more": blocked and late items)

A `Group` is falsy when its count is 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.render import plan_lines
from bot.render.decision_lines import signoff_summary
from commands.digests.model import Change, Digest

T = TypeVar("T")

CHANGE_LINES = 5  # per action
OVERDUE_LINES = 8
DUE_SOON_LINES = 8
WAIVER_LINES = 5
MONITOR_LINES = 6
ACTIONS: dict[str, tuple[str, str]] = {  # action -> (emoji, name), in display order
    "done": ("✅", "Done"),
    "blocked": ("⛔", "Blocked"),
    "unblocked": ("🔓", "Unblocked"),
    "reopened": ("↩️", "Reopened"),
    "waived": ("➖", "Waived"),
    "created": ("🆕", "Added"),
    "removed": ("🗑️", "Removed"),
}


@dataclass(frozen=True)
class Group(Generic[T]):
    """The first few of a list (`items`) and how many there are in all (`count`)."""

    items: tuple[T, ...]
    count: int
    action: str = ""
    emoji: str = ""
    name: str = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))

    @property
    def label(self) -> str:
        return f"{self.emoji} {self.name}".strip()

    def __bool__(self) -> bool:
        return self.count > 0


def capped(items: Sequence[T], limit: int, count: int | None = None, **names: str) -> Group[T]:
    return Group(tuple(items[:limit]), len(items) if count is None else count, **names)


def collapse(changes: Sequence[Change]) -> list[Change]:
    """Each item once, with its final state: an item blocked and then done is one change,
    `done`, whose trail is (blocked, done). Changes without a key stay as they are."""
    by_key: dict[str, list[Change]] = {}
    loose: list[Change] = []
    for change in changes:
        (by_key.setdefault(change.key, []) if change.key else loose).append(change)
    collapsed = []
    for steps in by_key.values():
        last = steps[-1]
        trail = tuple(dict.fromkeys(s.action for s in steps))
        collapsed.append(replace(last, trail=trail if len(trail) > 1 else ()))
    return sorted([*collapsed, *loose], key=lambda c: c.at)


def change_groups(changes: Sequence[Change], limit: int = CHANGE_LINES) -> list[Group[Change]]:
    """Changes, each item once with its final state, grouped by that state: in `ACTIONS`
    order, then other actions by name."""
    by_action: dict[str, list[Change]] = {}
    for change in collapse(changes):
        by_action.setdefault(change.action, []).append(change)
    order = [a for a in ACTIONS if a in by_action] + sorted(set(by_action) - set(ACTIONS))
    groups = []
    for action in order:
        emoji, name = ACTIONS.get(action, ("🔹", action.replace("_", " ").capitalize()))
        groups.append(capped(by_action[action], limit, action=action, emoji=emoji, name=name))
    return groups


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_day(at: datetime, timezone: str) -> date:
    """The date of `at` in the launch's timezone (naive datetimes are taken as local)."""
    return at.date() if at.tzinfo is None else at.astimezone(_zone(timezone)).date()


def since_label(since: date | None, today: date) -> str | None:
    if since is None:
        return None
    days = (today - since).days
    if days == 0:
        return "earlier today"
    return f"{since:%a}" if 0 < days < 7 else f"{since:%b %d}"


def _plain(line: str | None) -> str | None:
    return line.replace("`", "") if line else None


def digest_context(digest: Digest) -> dict[str, Any]:
    """The template variables for `digest` (see the module docstring). Cheap: O(changes)."""
    launch, forecast = digest.launch, digest.forecast
    since = None if digest.since is None else local_day(digest.since, launch.timezone)
    monitors = sorted(digest.monitors, key=lambda m: m.recovered)  # failures first, stable
    # An item that changed and is overdue or due soon is listed once: under its change,
    # with its due date.
    changed = {change.key for change in digest.changes if change.key}
    overdue_keys = {item.key for item in digest.overdue}
    due = {item.key: item.due_date for item in (*digest.due_soon, *digest.overdue)}
    overdue = [item for item in digest.overdue if item.key not in changed]
    due_soon = [item for item in digest.due_soon if item.key not in changed]
    return {
        "digest": digest,
        "launch": launch,
        "today": digest.today,
        "weekly": digest.weekly,
        "score": digest.score,
        "delta": digest.delta,
        "since": since,
        "since_label": since_label(since, digest.today),
        "verdict": digest.verdict,
        "changes": change_groups(digest.changes),
        "change_count": len(digest.changes),
        "overdue": capped(
            overdue,
            OVERDUE_LINES,
            max(digest.overdue_count, len(digest.overdue)) - len(overdue_keys & changed),
        ),
        "due_of_changed": {key: day for key, day in due.items() if key in changed and day},
        "due_soon": capped(due_soon, DUE_SOON_LINES),
        "waivers": capped(digest.expiring_waivers, WAIVER_LINES),
        "monitors": capped(monitors, MONITOR_LINES),
        "target": launch.target_date,
        "days_to_target": digest.days_to_target,
        "forecast": forecast,
        "days_late": max(forecast.days_late or 0, 0),
        "at_risk": forecast.at_risk,
        "trend": digest.trend,
        "trend_scores": [day.score for day in digest.trend],
        "signoffs_line": signoff_summary(digest.signoffs),
        "scores_text": plan_lines.scores(digest.score, digest.plan),
        # Templates escape backticks in values: the keys read plainly there.
        "claimed_line": _plain(plan_lines.claimed_note(digest.plan)),
        "critical_path_line": _plain(
            plan_lines.critical_path_line(digest.plan.critical_path, digest.today)
        ),
        "path_to_go_line": _plain(plan_lines.path_to_go_line(digest.plan.path_to_go)),
        # "· holds up SSL, CDN and 2 more" after a blocked or late item's row.
        "holds_up": {
            key: _plain(plan_lines.holds_up_tail(digest.plan, key)) for key in digest.plan.holds_up
        },
        "expiring_evidence": capped(digest.expiring_evidence, WAIVER_LINES),
    }
