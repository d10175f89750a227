"""Item verbs: list, add, and the changes (done, start, block, unblock, reopen, assign, due,
waive, note, priority, scope), history, remove. Each is declared once, below."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from commands import transitions as t
from commands.context import Context
from commands.dates import DATE_HELP
from commands.errors import UsageError
from commands.items.add import add
from commands.items.change import ItemChange, change_item
from commands.items.history import history
from commands.items.listing import list_items
from commands.items.remove import remove
from commands.items.undo import undo
from commands.launching import local_today, resolve_date
from commands.model import REGISTRY, Command, DateText, MessageRef, Verb, VerbSpec
from commands.parse.words import (
    ITEM_WHAT,
    KEY_PATTERN,
    MAX_TITLE,
    check_quotes,
    date_text,
    longest_date,
    parse_priority,
    parse_scenario,
    parse_user,
    require,
    set_once,
    split_trailing_date,
    unquote,
)
from commands.replies import ItemView, Reply
from storage.engine import Store
from storage.models import Launch
from storage.vocabulary import ItemFilter, Priority

ListKind = ItemFilter


# -- list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListItems(Command):
    kind: ItemFilter = ItemFilter.OPEN
    value: str | None = None  # the priority, owner or category
    page: int = 1


_LIST_WORDS = {
    "open": ItemFilter.OPEN,
    "all": ItemFilter.ALL,
    "done": ItemFilter.DONE,
    "closed": ItemFilter.DONE,
    "waived": ItemFilter.WAIVED,
    "blocked": ItemFilter.BLOCKED,
    "blockers": ItemFilter.BLOCKED,
    "todo": ItemFilter.TODO,
    "started": ItemFilter.STARTED,
    "in-progress": ItemFilter.STARTED,
    "in progress": ItemFilter.STARTED,
    "wip": ItemFilter.STARTED,
    "overdue": ItemFilter.OVERDUE,
    "late": ItemFilter.OVERDUE,
    "mine": ItemFilter.MINE,
    "me": ItemFilter.MINE,
    "unassigned": ItemFilter.UNASSIGNED,
}


def _parse_list(rest: str) -> ListItems:
    page = 1
    if m := re.search(r"(?:^|\s)page\s+(\S+)$", rest, re.IGNORECASE):
        if not m[1].isdigit() or not 1 <= int(m[1]) <= 10_000:
            raise UsageError(f"“{m[1]}” is not a page number.", usage_verb="list")
        page = int(m[1])
        rest = rest[: m.start()].strip()
    if not rest:
        return ListItems(page=page)
    word = rest.lower()
    if word in _LIST_WORDS:
        return ListItems(_LIST_WORDS[word], page=page)
    if word.lstrip("!") in ("critical", "high", "medium", "low"):
        return ListItems(ItemFilter.PRIORITY, word.lstrip("!"), page=page)
    if " " not in rest and (person := parse_user(rest)):
        return ListItems(ItemFilter.OWNER, person, page=page)
    return ListItems(ItemFilter.CATEGORY, rest.lstrip("#"), page=page)


def _run_list(store: Store, ctx: Context, cmd: ListItems) -> Reply:
    return list_items(store, ctx, kind=cmd.kind, value=cmd.value, page=cmd.page)


REGISTRY.add(
    VerbSpec(
        Verb(
            "list",
            "list [open | all | done | waived | blocked | todo | started | overdue | critical | "
            "high | medium | low | mine | unassigned | @user | <category>] [page <n>]",
            "List checklist items (open ones by default).",
            (
                "list",
                "list blocked",
                "list security",
                "list @alice",
                "list mine",
                "list all page 2",
            ),
            aliases=("ls",),
        ),
        _parse_list,
        (ListItems,),
        _run_list,
        read_only=True,
    )
)


# -- add ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Add(Command):
    title: str
    category: str | None = None
    priority: Priority | None = None
    owner: str | None = None
    due: DateText | None = None
    key: str | None = None
    # Not typed: the message shortcut and the reaction make items from a Slack message.
    evidence: str | None = None
    message: MessageRef | None = None


_ADD_TOKEN = re.compile(r'#"([^"]+)"|#“([^”]+)”|"([^"]*)"|“([^”]*)”|(\S+)')


def _parse_add(rest: str) -> Add:
    require(rest, "add", "a title")
    check_quotes(rest, "add")
    tokens = [(m.group(0), m) for m in _ADD_TOKEN.finditer(rest)]
    words = [raw for raw, _ in tokens]
    title_parts: list[str] = []
    category = owner = key = None
    priority: Priority | None = None
    due: DateText | None = None
    i = 0
    while i < len(tokens):
        raw, m = tokens[i]
        quoted_category = m.group(1) or m.group(2)
        quoted_text = m.group(3) if m.group(3) is not None else m.group(4)
        if quoted_category:
            category = set_once(category, quoted_category.strip(), "category", "add")
        elif quoted_text is not None:
            title_parts.append(quoted_text)
        elif raw.startswith("#") and len(raw) > 1:
            category = set_once(category, raw[1:].replace("_", " "), "category", "add")
        elif raw.startswith("!") and len(raw) > 1:
            priority = set_once(priority, parse_priority(raw, "add"), "priority", "add")
        elif person := parse_user(raw):
            owner = set_once(owner, person, "owner", "add")
        elif raw.lower() == "due" and i + 1 < len(tokens) and (found := longest_date(words, i + 1)):
            size, text = found
            due = set_once(due, DateText(text), "due date", "add")
            i += size
        elif (
            raw.lower() == "key" and i + 1 < len(tokens) and KEY_PATTERN.fullmatch(tokens[i + 1][0])
        ):
            key = set_once(key, tokens[i + 1][0], "key", "add")
            i += 1
        else:
            title_parts.append(raw)
        i += 1
    title = " ".join(" ".join(title_parts).split())
    if not title:
        raise UsageError("`add` needs a title besides the options.", usage_verb="add")
    if len(title) > MAX_TITLE:
        raise UsageError(
            f"The title is {len(title)} characters; keep it under {MAX_TITLE}.", usage_verb="add"
        )
    if key is not None and len(key) > 16:
        raise UsageError("Keys are at most 16 characters (e.g. SSL or SEC-3).", usage_verb="add")
    return Add(title=title, category=category, priority=priority, owner=owner, due=due, key=key)


def _run_add(store: Store, ctx: Context, cmd: Add) -> Reply:
    return add(
        store,
        ctx,
        title=cmd.title,
        category=cmd.category,
        priority=cmd.priority,
        owner=cmd.owner,
        due=cmd.due,
        key=cmd.key,
        evidence=cmd.evidence,
        message=cmd.message,
    )


REGISTRY.add(
    VerbSpec(
        Verb(
            "add",
            "add <title> [#category] [!priority] [@owner] [due <date>] [key <KEY>]",
            "Add an item. Priority is critical, high, medium (default) or low.",
            (
                "add Configure SSL/TLS certificates #security !critical @alice due dec 1 key SSL",
                'add "Rotate key material" #security !high',
            ),
            details="Quote the title if it contains words that look like options. A key is upper "
            "case letters, digits and dashes; without one readybot makes one from the category.",
        ),
        _parse_add,
        (Add,),
        _run_add,
    )
)


# -- changes: one table-driven path ----------------------------------------------------------
# Each change verb is a command holding the typed reference text (the split between the
# reference and the free text after it happens against the launch's items) plus its own
# options, a parser, and how it decides the change (commands.transitions).


@dataclass(frozen=True)
class Done(Command):
    target: str  # item reference, then optional evidence


@dataclass(frozen=True)
class Start(Command):
    ref: str


@dataclass(frozen=True)
class Block(Command):
    target: str  # item reference, then optional reason


@dataclass(frozen=True)
class Unblock(Command):
    ref: str


@dataclass(frozen=True)
class Reopen(Command):
    ref: str


@dataclass(frozen=True)
class Assign(Command):
    ref: str
    owner: str | None  # None: unassign; "me": the person asking


@dataclass(frozen=True)
class Due(Command):
    ref: str
    due: DateText | None  # None: clear the due date
    before_target: int | None = None  # `T-7d`: this many days before the launch's target


_T_MINUS = re.compile(r"^T\s*-\s*(\d{1,3})\s*(d|days?|w|weeks?)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Waive(Command):
    target: str  # item reference, then the reason
    until: DateText | None = None


@dataclass(frozen=True)
class Note(Command):
    target: str  # item reference, then the note


@dataclass(frozen=True)
class SetPriority(Command):
    ref: str
    priority: Priority


@dataclass(frozen=True)
class Scope(Command):
    ref: str
    scenarios: tuple[str, ...] | None  # None: required in every scenario


ChangeCommand = (
    Done | Start | Block | Unblock | Reopen | Assign | Due | Waive | Note | SetPriority | Scope
)
_Decide = Callable[[Context, Launch, ItemView, str], t.Change]


def _reference(verb: str, make: Callable[[str], Command]) -> Callable[[str], Command]:
    """`verb <item> [free text]`: the whole text; the split comes later, against the items."""

    def parser(rest: str) -> Command:
        require(rest, verb, ITEM_WHAT)
        check_quotes(rest, verb)
        return make(rest)

    return parser


def _reference_only(verb: str, make: Callable[[str], Command]) -> Callable[[str], Command]:
    def parser(rest: str) -> Command:
        require(rest, verb, ITEM_WHAT)
        check_quotes(rest, verb)
        return make(unquote(rest))

    return parser


def _parse_note(rest: str) -> Note:
    require(rest, "note", "an item and the note")
    check_quotes(rest, "note")
    if len(rest.split()) < 2 and not rest.startswith(('"', "“")):
        raise UsageError("`note` needs the note text after the item.", usage_verb="note")
    return Note(rest)


def _parse_assign(rest: str) -> Assign:
    require(rest, "assign", "an item and a person")
    check_quotes(rest, "assign")
    ref, _, who = rest.rpartition(" ")
    if not ref:
        raise UsageError(
            "`assign` needs an item and then @someone, `me` or `nobody`.", usage_verb="assign"
        )
    word = who.lower()
    if word in ("nobody", "none", "noone", "unassigned"):
        return Assign(ref.strip(), None)
    if word == "me":
        return Assign(ref.strip(), "me")
    person = parse_user(who)
    if person is None:
        raise UsageError(
            f"“{who}” is not a person: use @name, `me` or `nobody`.", usage_verb="assign"
        )
    return Assign(ref.strip(), person)


def _parse_due(rest: str) -> Due:
    require(rest, "due", "an item and a date")
    check_quotes(rest, "due")
    words = rest.split()
    if len(words) >= 2 and words[-1].lower() in ("none", "clear", "never", "-"):
        return Due(" ".join(words[:-1]), None)
    if len(words) < 2:
        raise UsageError(f"`due` needs an item and then {DATE_HELP}.", usage_verb="due")
    if minus := _T_MINUS.match(words[-1]):
        days = int(minus[1]) * (7 if (minus[2] or "d").lower().startswith("w") else 1)
        return Due(" ".join(words[:-1]), None, days)
    ref, when = split_trailing_date(rest, "due")
    return Due(ref, DateText(when))


def _parse_waive(rest: str) -> Waive:
    require(rest, "waive", "an item and a reason")
    check_quotes(rest, "waive")
    until: DateText | None = None
    if m := re.search(r"\s+until\s+(.+)$", rest, re.IGNORECASE):
        until = date_text(m[1], "waive")
        rest = rest[: m.start()].strip()
    if len(rest.split()) < 2 and not rest.startswith(('"', "“")):
        raise UsageError(
            "`waive` needs a reason after the item: who accepted the risk, and why.",
            usage_verb="waive",
        )
    return Waive(rest, until)


def _parse_priority(rest: str) -> SetPriority:
    require(rest, "priority", "an item and a priority")
    ref, _, word = rest.rpartition(" ")
    if not ref:
        raise UsageError(
            "`priority` needs an item and then critical, high, medium or low.",
            usage_verb="priority",
        )
    return SetPriority(ref.strip(), parse_priority(word, "priority"))


def _parse_scope(rest: str) -> Scope:
    require(rest, "scope", "an item and scenarios")
    ref, _, spec = rest.rpartition(" ")
    if not ref:
        raise UsageError("`scope` needs an item and then `all` or scenarios.", usage_verb="scope")
    if spec.lower() in ("all", "any", "every"):
        return Scope(ref.strip(), None)
    scenarios = tuple(
        dict.fromkeys(parse_scenario(part, "scope") for part in spec.split(",") if part)
    )
    return Scope(ref.strip(), scenarios)


def _decide_waiver(until: DateText | None) -> _Decide:
    def decide(c: Context, launch: Launch, item: ItemView, rest: str) -> t.Change:
        if not rest:
            raise UsageError("`waive` needs a reason after the item.", usage_verb="waive")
        today = local_today(c, launch)
        until_date = resolve_date(until, today, "waive") if until else None
        return t.waive(item, actor=c.user_id, reason=rest, until=until_date, today=today)

    return decide


def _decide_note(c: Context, _launch: Launch, item: ItemView, rest: str) -> t.Change:
    if not rest:
        raise UsageError("`note` needs the note text after the item.", usage_verb="note")
    return t.add_note(item, actor=c.user_id, text=rest, now=c.now)


def _decide_due(due: DateText | None, before_target: int | None) -> _Decide:
    def decide(c: Context, launch: Launch, item: ItemView, _rest: str) -> t.Change:
        if before_target is not None:
            return t.set_due_before_target(item, days=before_target, target=launch.target_date)
        day = resolve_date(due, local_today(c, launch), "due") if due else None
        return t.set_due(item, due=day)

    return decide


def _decide_assign(owner: str | None) -> _Decide:
    def decide(c: Context, _launch: Launch, item: ItemView, _rest: str) -> t.Change:
        return t.assign(item, owner=c.user_id if owner == "me" else owner)

    return decide


def how_to_change(cmd: ChangeCommand) -> tuple[str, ItemChange]:
    """The reference text of a change command, and how its verb changes the item."""
    match cmd:
        case Done(target):
            decide: _Decide = lambda c, _l, item, rest: t.mark_done(  # noqa: E731
                item, actor=c.user_id, evidence=rest, now=c.now
            )
            return target, ItemChange("done", decide, split=True)
        case Start(ref):
            return ref, ItemChange("start", lambda _c, _l, item, _r: t.start(item))
        case Block(target):
            return target, ItemChange(
                "block",
                lambda c, _l, item, rest: t.block(item, actor=c.user_id, reason=rest, now=c.now),
                split=True,
            )
        case Unblock(ref):
            return ref, ItemChange("unblock", lambda _c, _l, item, _r: t.unblock(item))
        case Reopen(ref):
            return ref, ItemChange("reopen", lambda _c, _l, item, _r: t.reopen(item))
        case Assign(ref, owner):
            return ref, ItemChange("assign", _decide_assign(owner))
        case Due(ref, due, before_target):
            return ref, ItemChange("due", _decide_due(due, before_target))
        case Waive(target, until):
            return target, ItemChange(
                "waive", _decide_waiver(until), split=True, admin_only="waive items"
            )
        case Note(target):
            return target, ItemChange("note", _decide_note, split=True)
        case SetPriority(ref, priority):
            return ref, ItemChange(
                "priority",
                lambda _c, _l, item, _r: t.set_priority(item, priority=priority),
                admin_only="change priorities",
            )
        case Scope(ref, scenarios):
            return ref, ItemChange(
                "scope",
                lambda _c, _l, item, _r: t.set_scope(item, scenarios=scenarios),
                admin_only="change which scenarios require an item",
            )
    raise AssertionError(f"not a change command: {cmd!r}")


def _run_change(store: Store, ctx: Context, cmd: ChangeCommand) -> Reply:
    text, how = how_to_change(cmd)
    return change_item(store, ctx, text, how)


def _change_verb(verb: Verb, parse: Callable[[str], Command], command: type[Command]) -> None:
    REGISTRY.add(VerbSpec(verb, parse, (command,), _run_change))


_change_verb(
    Verb(
        "done",
        "done <item> [evidence]",
        "Mark an item done, with optional evidence.",
        (
            "done SSL",
            "done SSL cert installed, expires 2027-03-01",
            'done "deletion protection" ticket OPS-12',
        ),
        aliases=("close", "complete"),
        details="An item is a key (`SSL`), the start of a key (`SEC`), or words from its title "
        "(`configure ssl`). Quote multi-word references when the free text could be mistaken "
        "for them.",
    ),
    _reference("done", Done),
    Done,
)
_change_verb(
    Verb("start", "start <item>", "Mark an item in progress.", ("start SSL",), aliases=("begin",)),
    _reference_only("start", Start),
    Start,
)
_change_verb(
    Verb(
        "block",
        "block <item> [reason]",
        "Mark an item blocked; blocked items make the verdict NO-GO.",
        ("block SSL waiting on the CA", "block BAA legal review pending"),
    ),
    _reference("block", Block),
    Block,
)
_change_verb(
    Verb("unblock", "unblock <item>", "Clear an item's block.", ("unblock SSL",)),
    _reference_only("unblock", Unblock),
    Unblock,
)
_change_verb(
    Verb("reopen", "reopen <item>", "Reopen a done, waived or blocked item.", ("reopen SSL",)),
    _reference_only("reopen", Reopen),
    Reopen,
)
_change_verb(
    Verb(
        "assign",
        "assign <item> @user | me | nobody",
        "Give an item an owner (or take it away).",
        ("assign SSL @alice", "assign SSL me", "assign SSL nobody"),
    ),
    _parse_assign,
    Assign,
)
_change_verb(
    Verb(
        "due",
        "due <item> <date> | T-<n>d | none",
        "Set or clear an item's due date.",
        ("due SSL friday", "due SSL 2026-12-01", "due SSL T-7d", "due SSL none"),
        details="`T-7d` (or `T-2w`) counts back from the launch's target date and moves "
        "when the target moves.",
    ),
    _parse_due,
    Due,
)
_change_verb(
    Verb(
        "waive",
        "waive <item> <reason> [until <date>]",
        "Accept the risk of not doing an item; waived items count as done. Owners and admins only.",
        ("waive PEN-TEST accepted by CISO until jan 15", "waive MOBILE out of scope for beta"),
        details="A waiver with an `until` date expires: the item counts as open again after it.",
    ),
    _parse_waive,
    Waive,
)
_change_verb(
    Verb("note", "note <item> <text>", "Add a note to an item.", ("note SSL vendor says Tuesday",)),
    _parse_note,
    Note,
)
_change_verb(
    Verb(
        "priority",
        "priority <item> critical | high | medium | low",
        "Change an item's priority. Owners and admins only.",
        ("priority SSL critical",),
        aliases=("prio",),
    ),
    _parse_priority,
    SetPriority,
)
_change_verb(
    Verb(
        "scope",
        "scope <item> all | <scenario>[,<scenario>…]",
        "Say which launch scenarios (internal, internet-facing, regulated) require an item.",
        ("scope HIPAA regulated", "scope WAF internet-facing,regulated", "scope HIPAA all"),
        details="Items not required for the launch's scenario do not count toward the score or "
        "verdict.",
    ),
    _parse_scope,
    Scope,
)


# -- history, remove ------------------------------------------------------------------------


@dataclass(frozen=True)
class History(Command):
    ref: str
    page: int = 1


def _parse_history(rest: str) -> History:
    require(rest, "history", ITEM_WHAT)
    check_quotes(rest, "history")
    page = 1
    if m := re.search(r"\s+page\s+(\S+)$", rest, re.IGNORECASE):
        if not m[1].isdigit() or not 1 <= int(m[1]) <= 10_000:
            raise UsageError(f"“{m[1]}” is not a page number.", usage_verb="history")
        page, rest = int(m[1]), rest[: m.start()]
    return History(unquote(rest), page)


@dataclass(frozen=True)
class Remove(Command):
    ref: str


REGISTRY.add(
    VerbSpec(
        Verb(
            "history",
            "history <item> [page <n>]",
            "Show an item's audit trail, newest page first.",
            ("history SSL", "history SSL page 2"),
            aliases=("log",),
        ),
        _parse_history,
        (History,),
        lambda store, ctx, cmd: history(store, ctx, ref=cmd.ref, page=cmd.page),
        read_only=True,
    )
)
REGISTRY.add(
    VerbSpec(
        Verb(
            "remove",
            "remove <item>",
            "Delete an item (the audit log keeps its history). Owners and admins only.",
            ("remove DUP-3",),
            aliases=("delete", "rm"),
        ),
        _reference_only("remove", Remove),
        (Remove,),
        lambda store, ctx, cmd: remove(store, ctx, ref=cmd.ref),
    )
)


# -- undo -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Undo(Command):
    event_id: int | None = None  # None: the asker's latest change in this launch


def _parse_undo(rest: str) -> Undo:
    word = rest.strip().lstrip("#")
    if not word:
        return Undo()
    if not word.isdigit():
        raise UsageError(
            "`undo` undoes your latest change here; it takes nothing after it "
            "(buttons pass the change's number).",
            usage_verb="undo",
        )
    return Undo(int(word))


REGISTRY.add(
    VerbSpec(
        Verb(
            "undo",
            "undo",
            "Undo your latest change to an item, within ten minutes of making it.",
            ("undo",),
            details="The undo is one more change in the audit log. A change someone else made "
            "after yours is never undone.",
        ),
        _parse_undo,
        (Undo,),
        lambda store, ctx, cmd: undo(store, ctx, event_id=cmd.event_id),
    )
)
