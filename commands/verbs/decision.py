"""Launch-decision verbs: `category` (owners), `signoff`, `gonogo` (the call, votes,
closing, overrides) and `decision`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commands.context import Context
from commands.decision import calls, signoffs
from commands.decision.model import Choice
from commands.errors import UsageError
from commands.model import REGISTRY, Command, Verb, VerbSpec
from commands.parse.words import parse_user, require, unquote
from commands.replies import Reply
from storage.engine import Store

# -- category -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryOwner(Command):
    category: str
    owner: str | None  # None: clear


def _parse_category(rest: str) -> CategoryOwner:
    match = re.match(r"^(.*?)\s+owner(?:\s+(.*))?$", rest.strip(), re.IGNORECASE | re.DOTALL)
    if not match or not match[1].strip():
        raise UsageError(
            "Say which category and who owns it: `/ready category Security owner @dana` "
            "(or `owner none` to clear it).",
            usage_verb="category",
        )
    who = (match[2] or "").strip()
    if not who:
        raise UsageError("Name the owner: `owner @dana` (or `owner none`).", usage_verb="category")
    if who.lower() in ("none", "nobody", "-"):
        return CategoryOwner(unquote(match[1].strip()), None)
    person = parse_user(who.split()[0])
    if person is None or len(who.split()) > 1:
        raise UsageError(f"“{who[:40]}” is not a person: use @name.", usage_verb="category")
    return CategoryOwner(unquote(match[1].strip()), person)


REGISTRY.add(
    VerbSpec(
        Verb(
            "category",
            "category <name> owner @user|none",
            "Say who answers for a category: they sign it off and vote on the Go/No-Go call.",
            ("category Security owner @dana", "category Docs owner none"),
            details="Launch owners and admins only. An import fills owners the document names.",
            group="Decision",
        ),
        _parse_category,
        (CategoryOwner,),
        lambda store, ctx, cmd: signoffs.set_owner(
            store, ctx, category=cmd.category, owner=cmd.owner
        ),
    )
)


# -- signoff ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOff(Command):
    category: str
    note: str | None = None


@dataclass(frozen=True)
class ListSignoffs(Command):
    pass


def _parse_signoff(rest: str) -> Command:
    rest = rest.strip()
    if not rest:
        return ListSignoffs()
    # `signoff "Security & Compliance" looks good` or `signoff Security: looks good`.
    quoted = re.match(r'^"([^"]+)"\s*(.*)$', rest, re.DOTALL)
    if quoted:
        return SignOff(quoted[1].strip(), quoted[2].strip() or None)
    name, sep, note = rest.partition(":")
    if sep:
        return SignOff(name.strip(), note.strip() or None)
    first, _, more = rest.partition(" ")
    return SignOff(first, more.strip() or None)


def _run_signoff(store: Store, ctx: Context, cmd: Command) -> Reply:
    if isinstance(cmd, SignOff):
        return signoffs.sign_off(store, ctx, category=cmd.category, note=cmd.note)
    return signoffs.list_signoffs(store, ctx)


REGISTRY.add(
    VerbSpec(
        Verb(
            "signoff",
            "signoff [<category>[: note]]",
            "Sign a category off (or list every category's sign-off).",
            ("signoff", "signoff Security: pen test report filed", 'signoff "Data & Privacy"'),
            aliases=("sign-off",),
            details="The category's owner, the launch owner or an admin signs. A sign-off "
            "revokes itself when the category's checklist changes under it (an item "
            "reopens, a new required item appears, a linked monitor goes down); the signer "
            "is told by direct message.",
            group="Decision",
        ),
        _parse_signoff,
        (SignOff, ListSignoffs),
        _run_signoff,
    )
)


# -- gonogo -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenCall(Command):
    deadline: str | None = None
    quorum: int | None = None


@dataclass(frozen=True)
class ShowCall(Command):
    pass


@dataclass(frozen=True)
class CastVote(Command):
    choice: Choice
    text: str | None = None  # the reason (NO-GO, optional for GO) or the conditions
    call_id: int | None = None  # a button's call; else the launch's open one
    due: date | None = None  # when the conditions are due (a week from today if not given)


@dataclass(frozen=True)
class CloseCall(Command):
    pass


@dataclass(frozen=True)
class OverrideDecision(Command):
    decision: str
    reason: str


_CHOICES = {
    "go": Choice.GO,
    "yes": Choice.GO,
    "conditions": Choice.CONDITIONS,
    "conditional": Choice.CONDITIONS,
    "go-with-conditions": Choice.CONDITIONS,
    "no-go": Choice.NO_GO,
    "nogo": Choice.NO_GO,
    "no": Choice.NO_GO,
}
_OPEN_OPTION = re.compile(r"(?:^|\s)(at|in|quorum)\s+", re.IGNORECASE)


def _parse_gonogo(rest: str) -> Command:
    rest = rest.strip()
    word, _, more = rest.partition(" ")
    word, more = word.lower(), more.strip()
    if not rest:
        return OpenCall()
    if word in ("show", "status"):
        return ShowCall()
    if word == "close":
        return CloseCall()
    if word == "vote":
        choice_word, _, text = more.partition(" ")
        choice = _CHOICES.get(choice_word.lower())
        if choice is None:
            raise UsageError(
                "Vote `go`, `conditions <condition>; <condition>` or `no-go <reason>`.",
                usage_verb="gonogo",
            )
        return CastVote(choice, text.strip() or None)
    if word == "override":
        decision_word, _, reason = more.partition(" ")
        decision = {"go": "GO", "no-go": "NO-GO", "nogo": "NO-GO"}.get(decision_word.lower())
        if decision is None or not reason.strip():
            raise UsageError(
                "Override with the decision and why: `/ready gonogo override go <reason>`.",
                usage_verb="gonogo",
            )
        return OverrideDecision(decision, reason.strip())
    return _parse_open(rest)


def _parse_open(rest: str) -> OpenCall:
    parts = _OPEN_OPTION.split(" " + rest)
    if parts[0].strip():
        raise UsageError(
            f"`gonogo {parts[0].strip()[:30]}` is not something I know: start a call with "
            "`gonogo [at <time> | in <duration>] [quorum all|<n>]`, or `vote`, `close`, "
            "`show`, `override`.",
            usage_verb="gonogo",
        )
    deadline: str | None = None
    quorum: int | None = None
    seen: set[str] = set()
    for option, value in zip(parts[1::2], parts[2::2], strict=True):
        option, value = option.lower(), value.strip()
        key = "at" if option in ("at", "in") else option
        if key in seen:
            raise UsageError(f"Give `{option}` once.", usage_verb="gonogo")
        seen.add(key)
        if key == "at":
            require(value, "gonogo", "a time, e.g. `at 16:00` or `in 2h`")
            deadline = value if option == "at" else f"in {value}"
        else:
            if value.lower() == "all":
                quorum = None
            elif value.isdigit() and int(value) >= 1:
                quorum = int(value)
            else:
                raise UsageError(
                    f"“{value[:20]}” is not a quorum: give `all` or a number of voters.",
                    usage_verb="gonogo",
                )
    return OpenCall(deadline, quorum)


def _conditions(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[;\n]", text or "") if part.strip())


def _run_gonogo(store: Store, ctx: Context, cmd: Command) -> Reply:
    match cmd:
        case OpenCall(deadline, quorum):
            return calls.open_new_call(store, ctx, deadline_text=deadline, quorum=quorum)
        case CastVote(choice, text, call_id, due):
            conditions = _conditions(text) if choice is Choice.CONDITIONS else ()
            reason = None if choice is Choice.CONDITIONS else text
            return calls.cast(
                store,
                ctx,
                call_id=call_id,
                choice=choice,
                reason=reason,
                conditions=conditions,
                due=due,
            )
        case CloseCall():
            return calls.close_early(store, ctx)
        case OverrideDecision(decision, reason):
            return calls.override(store, ctx, decision=decision, reason=reason)
    return calls.show_call(store, ctx)


REGISTRY.add(
    VerbSpec(
        Verb(
            "gonogo",
            "gonogo [at <time> | in <duration>] [quorum all|<n>] | vote go|conditions|no-go … | "
            "close | show | override go|no-go <reason>",
            "Make the Go/No-Go call in the launch's channel, with votes from the people who "
            "answer for it.",
            (
                "gonogo at 16:00",
                "gonogo in 2h quorum 2",
                "gonogo vote go",
                "gonogo vote conditions load test at 2x peak; rollback rehearsed",
                "gonogo vote no-go SSL is not configured",
                "gonogo close",
                "gonogo override go the CA issued the certificate at 15:55",
            ),
            aliases=("go-no-go",),
            details="Category owners and the launch owner vote; the last vote counts. The call "
            "closes when the quorum has voted (every voter unless `quorum <n>`), at its "
            "deadline, or when the launch owner closes it. The decision is GO only if the "
            "quorum voted GO (or GO with conditions), nobody voted NO-GO, and readybot's "
            "verdict is not NO-GO. Each condition becomes a dated item owned by its voter. "
            "Launch owners and admins start calls; admins override a decision with a reason.",
            group="Decision",
        ),
        _parse_gonogo,
        (OpenCall, ShowCall, CastVote, CloseCall, OverrideDecision),
        _run_gonogo,
    )
)


# -- decision -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowDecision(Command):
    pass


REGISTRY.add(
    VerbSpec(
        Verb(
            "decision",
            "decision",
            "The latest recorded Go/No-Go decision: votes, conditions, overrides, the verdict "
            "and what every item looked like.",
            ("decision",),
            details="`readybot export --decision` writes it as markdown for the audit folder.",
            group="Decision",
        ),
        lambda _rest: ShowDecision(),
        (ShowDecision,),
        lambda store, ctx, _cmd: calls.latest_decision(store, ctx),
    )
)
