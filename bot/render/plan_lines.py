"""What status and the digest say beyond the score: claimed versus verified, the critical
path, the shortest path to GO, and what a late or blocked item holds up. Plain lines with
`user()` markers and backticked keys, for every surface (md.text keeps backticks). Pure."""

from __future__ import annotations

from datetime import date

from commands import wording
from commands.paths import CriticalPath, PathToGo, Step
from commands.readiness import Plan
from commands.text import user

PATH_STEPS = 5
HOLDS_UP_SHOWN = 4  # keys named in a row's "holds up"; the rest are counted
GO_KEYS = 8


def scores(percent: int, plan: Plan) -> str:
    """`85 claimed · 52 verified` when anything is only claimed; `85/100 ready` otherwise."""
    if plan.verified_percent is None:
        return f"{percent}/100 ready"
    return f"{percent} claimed · {plan.verified_percent} verified"


def claimed_note(plan: Plan) -> str | None:
    if not plan.claimed_count:
        return None
    return (
        f"{plan.claimed_count:,} done only on a document's word: verify them "
        "(`/ready verify <item>`, or attach evidence)"
    )


def _step(step: Step, today: date) -> str:
    who = [user(step.owner)] if step.owner else []
    if step.due and step.due < today:
        who.append(f"{wording.days_between((today - step.due).days)} late")
    elif step.slack_days < 0:
        who.append(f"{wording.days_between(-step.slack_days)} behind")
    elif step.due:
        who.append(f"due {wording.day(step.due)}")
    if step.status.value == "blocked":
        who.append("blocked")
    extra = f" ({', '.join(who)})" if who else ""
    return f"{step.key}{extra}"  # plain: the same item may be a row below


def critical_path_line(path: CriticalPath | None, today: date) -> str | None:
    """`Critical path: DNS (@carol, 2 d late) → SSL → CDN · done Dec 12 at the earliest, 3 d
    after the target`; None when there is no chain worth naming."""
    if path is None or not path.steps or (len(path.steps) < 2 and not path.days_late):
        return None
    shown = [_step(s, today) for s in path.steps[:PATH_STEPS]]
    more = f" → … +{len(path.steps) - PATH_STEPS:,}" if len(path.steps) > PATH_STEPS else ""
    text = "🛤️ Critical path: " + " → ".join(shown) + more
    if path.finish is not None:
        text += f" · done {wording.day(path.finish)} at the earliest"
        if path.days_late:
            text += f", {wording.days_between(path.days_late)} after the target"
    return text


def path_to_go_line(to_go: PathToGo | None, shown: frozenset[str] = frozenset()) -> str | None:
    """`Shortest path to GO (7 items → 82/100): the 3 above, SEC-11, INF-3 …`; items the
    surface already shows as rows (`shown`) are counted, not named again."""
    if to_go is None:
        return None
    if not to_go.reachable:
        return (
            f"🏁 Even every open item done would reach only {to_go.score}/100: lower the bar "
            "(`/ready launch bar <n>`) or waive what will not ship"
        )
    count = len(to_go.keys)
    above = [k for k in to_go.keys if k in shown]
    rest = [k for k in to_go.keys if k not in shown]
    named = [f"the {len(above):,} above"] if above else []
    named += [f"`{k}`" for k in rest[:GO_KEYS]]
    more = f" +{len(rest) - GO_KEYS:,} more" if len(rest) > GO_KEYS else ""
    return (
        f"🏁 Shortest path to GO ({count:,} item{'s' if count != 1 else ''} → "
        f"{to_go.score}/100): {', '.join(named)}{more}"
    )


def still_needs_note(keys: tuple[str, ...]) -> str:
    """`It needs `DNS` and `CDN`, still open.`: said when an item is marked done first."""
    return f"It needs {_named(keys)}, still open."


def holds_up_tail(plan: Plan, key: str) -> str:
    """` · holds up SSL, CDN and SMOKE` for a row, or ""."""
    waiting = plan.holds_up.get(key)
    if not waiting:
        return ""
    return f" · holds up {_named(waiting)}"


def waits_for_tail(plan: Plan, key: str) -> str:
    """` · waits for DNS` for a row whose item needs open items first, or ""."""
    waiting = plan.waits_for.get(key)
    return f" · waits for {_named(waiting)}" if waiting else ""


def _named(keys: tuple[str, ...]) -> str:
    """`` `SSL`, `CDN` and 2 more ``: the first few keys, the rest counted."""
    names = [f"`{k}`" for k in keys[:HOLDS_UP_SHOWN]]
    if len(keys) > HOLDS_UP_SHOWN:
        names.append(f"{len(keys) - HOLDS_UP_SHOWN:,} more")
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def path_to_go_short(to_go: PathToGo | None) -> str | None:
    """`🏁 7 items from GO (→ 82/100)`: for surfaces that list the items themselves."""
    if to_go is None or not to_go.reachable:
        return None
    count = len(to_go.keys)
    return f"🏁 {count:,} item{'s' if count != 1 else ''} from GO (→ {to_go.score}/100)"
