"""Turn `/ready ...` text into a typed command, or raise UsageError. Pure.

Item references are kept as typed: which words name the item and which are the
reason or evidence can only be decided against the launch's items (commands.refs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from rapidfuzz import process

from commands import verbs as v
from commands.dates import DATE_HELP, DateError, parse_date
from commands.errors import UsageError
from commands.monitors.draft import draft_from_words, parse_duration
from commands.timing import ScheduleError, parse_days, parse_time
from storage.models import Priority, Scenario

MAX_TEXT = 4_000  # Slack caps slash command text well below this; imports use their own limit
MAX_IMPORT_TEXT = 200_000
MAX_TITLE = 500
KEY_PATTERN = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_PLAIN_USER = re.compile(r"^@([\w.\-]{1,64})$")
_PRIORITY_WORDS = {
    "critical": Priority.CRITICAL,
    "crit": Priority.CRITICAL,
    "c": Priority.CRITICAL,
    "p0": Priority.CRITICAL,
    "high": Priority.HIGH,
    "h": Priority.HIGH,
    "p1": Priority.HIGH,
    "medium": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "m": Priority.MEDIUM,
    "p2": Priority.MEDIUM,
    "low": Priority.LOW,
    "l": Priority.LOW,
    "p3": Priority.LOW,
}
_SCENARIOS = {s.value: s.value for s in Scenario} | {
    "public": Scenario.INTERNET_FACING.value,
    "internet": Scenario.INTERNET_FACING.value,
    "internet_facing": Scenario.INTERNET_FACING.value,
    "external": Scenario.INTERNET_FACING.value,
    "compliance": Scenario.REGULATED.value,
}
_T = TypeVar("_T")
_PROBE_DAY = date(2026, 1, 1)  # only to check that date text parses; resolved later


def parse(text: str) -> v.Command:
    """Parse the text after `/ready`. Empty text means `status`."""
    text = _normalise(text)
    if not text:
        return v.Status()
    verb_word, _, rest = text.partition(" ")
    if "\n" in verb_word:  # "import\n## Security..."
        verb_word, _, tail = verb_word.partition("\n")
        rest = tail + (" " + rest if rest else "")
    verb = v.VERBS_BY_NAME.get(verb_word.lower().lstrip("/"))
    if verb is None:
        raise UsageError(_unknown_verb_message(verb_word), usage_verb="help")
    rest = rest.strip()
    limit = MAX_IMPORT_TEXT if verb.name == "import" else MAX_TEXT
    if len(rest) > limit:
        raise UsageError(
            f"That is too long ({len(rest):,} characters; the limit is {limit:,}).",
            usage_verb=verb.name,
        )
    return _PARSERS[verb.name](rest)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\u00a0", " ").strip()
    if text.lower().startswith("/ready"):
        text = text[len("/ready") :].strip()
    return text


def _unknown_verb_message(word: str) -> str:
    shown = word[:30]
    names = [verb.name for verb in v.VERBS]
    best = process.extractOne(word.lower(), names, score_cutoff=75)
    hint = f" Did you mean `{best[0]}`?" if best else ""
    return f"I don't know the command “{shown}”.{hint} Type `/ready help` for the list."


def _require(rest: str, verb: str, what: str) -> str:
    if not rest:
        raise UsageError(f"`{verb}` needs {what}.", usage_verb=verb)
    return rest


def _check_quotes(rest: str, verb: str) -> None:
    if rest.count('"') % 2 or rest.count("“") != rest.count("”"):
        raise UsageError("There is an unclosed quote.", usage_verb=verb)


def _date_text(text: str, verb: str) -> v.DateText:
    try:
        parse_date(text, today=_PROBE_DAY)
    except DateError as exc:
        raise UsageError(str(exc), usage_verb=verb) from exc
    return v.DateText(text.strip())


def _is_date(text: str) -> bool:
    try:
        parse_date(text, today=_PROBE_DAY)
    except DateError:
        return False
    return True


def _split_trailing_date(rest: str, verb: str) -> tuple[str, str]:
    """`SSL next friday` -> ("SSL", "next friday"): the longest tail that is a date."""
    words = rest.split()
    for size in range(min(4, len(words) - 1), 0, -1):
        tail = " ".join(words[-size:])
        if _is_date(tail):
            return " ".join(words[:-size]), tail
    raise UsageError(f"I could not find a date at the end: give {DATE_HELP}.", usage_verb=verb)


def parse_user(token: str) -> str | None:
    """A Slack mention (`<@U123|bob>`) or `@name`; the stored form is the id or the name."""
    if m := _MENTION.match(token):
        return m[1]
    if m := _PLAIN_USER.match(token):
        return m[1]
    return None


def parse_priority(word: str, verb: str) -> Priority:
    found = _PRIORITY_WORDS.get(word.lower().lstrip("!"))
    if found is None:
        raise UsageError(
            f"“{word}” is not a priority: use critical, high, medium or low.", usage_verb=verb
        )
    return found


def parse_scenario(word: str, verb: str) -> str:
    found = _SCENARIOS.get(word.lower().strip())
    if found is None:
        raise UsageError(
            f"“{word}” is not a scenario: use internal, internet-facing or regulated.",
            usage_verb=verb,
        )
    return found


# -- verbs -------------------------------------------------------------------------


def _help(rest: str) -> v.Help:
    if not rest:
        return v.Help()
    word = rest.split()[0].lower()
    verb = v.VERBS_BY_NAME.get(word)
    if verb is None:
        raise UsageError(_unknown_verb_message(word), usage_verb="help")
    return v.Help(verb.name)


def _status(rest: str) -> v.Status:
    here = False
    what_if: tuple[str, ...] = ()
    match = re.search(r"(?:^|\s)if\s+(.*)$", rest, re.IGNORECASE | re.DOTALL)
    if match:
        parts = re.split(r"\s*(?:,|\+|\band\b)\s*", match[1].strip())
        what_if = tuple(part for part in parts if part)
        if not what_if:
            raise UsageError("`status if` needs at least one item.", usage_verb="status")
        rest = rest[: match.start()].strip()
    words = rest.split()
    if words and words[-1].lower() == "here":
        here = True
        words = words[:-1]
    if words and words[0].lower() == "here":
        here = True
        words = words[1:]
    return v.Status(launch=" ".join(words) or None, here=here, what_if=what_if)


_LIST_WORDS = {
    "open": v.ListKind.OPEN,
    "all": v.ListKind.ALL,
    "done": v.ListKind.DONE,
    "closed": v.ListKind.DONE,
    "waived": v.ListKind.WAIVED,
    "blocked": v.ListKind.BLOCKED,
    "blockers": v.ListKind.BLOCKED,
    "todo": v.ListKind.TODO,
    "started": v.ListKind.STARTED,
    "in-progress": v.ListKind.STARTED,
    "wip": v.ListKind.STARTED,
    "overdue": v.ListKind.OVERDUE,
    "late": v.ListKind.OVERDUE,
    "mine": v.ListKind.MINE,
    "me": v.ListKind.MINE,
    "unassigned": v.ListKind.UNASSIGNED,
}


def _list(rest: str) -> v.ListItems:
    page = 1
    if m := re.search(r"(?:^|\s)page\s+(\S+)$", rest, re.IGNORECASE):
        if not m[1].isdigit() or not 1 <= int(m[1]) <= 10_000:
            raise UsageError(f"“{m[1]}” is not a page number.", usage_verb="list")
        page = int(m[1])
        rest = rest[: m.start()].strip()
    if not rest:
        return v.ListItems(page=page)
    word = rest.lower()
    if word in ("in progress",):
        return v.ListItems(v.ListKind.STARTED, page=page)
    if word in _LIST_WORDS:
        return v.ListItems(_LIST_WORDS[word], page=page)
    if word.lstrip("!") in ("critical", "high", "medium", "low"):
        return v.ListItems(v.ListKind.PRIORITY, word.lstrip("!"), page=page)
    if " " not in rest and (user := parse_user(rest)):
        return v.ListItems(v.ListKind.OWNER, user, page=page)
    return v.ListItems(v.ListKind.CATEGORY, rest.lstrip("#"), page=page)


_ADD_TOKEN = re.compile(r'#"([^"]+)"|#“([^”]+)”|"([^"]*)"|“([^”]*)”|(\S+)')


def _add(rest: str) -> v.Add:
    _require(rest, "add", "a title")
    _check_quotes(rest, "add")
    tokens = [(m.group(0), m) for m in _ADD_TOKEN.finditer(rest)]
    title_parts: list[str] = []
    category = owner = key = None
    priority: Priority | None = None
    due: v.DateText | None = None
    i = 0
    while i < len(tokens):
        raw, m = tokens[i]
        quoted_category = m.group(1) or m.group(2)
        quoted_text = m.group(3) if m.group(3) is not None else m.group(4)
        if quoted_category:
            category = _set_once(category, quoted_category.strip(), "category")
        elif quoted_text is not None:
            title_parts.append(quoted_text)
        elif raw.startswith("#") and len(raw) > 1:
            category = _set_once(category, raw[1:].replace("_", " "), "category")
        elif raw.startswith("!") and len(raw) > 1:
            priority = _set_once(priority, parse_priority(raw, "add"), "priority")
        elif user := parse_user(raw):
            owner = _set_once(owner, user, "owner")
        elif (
            raw.lower() == "due" and i + 1 < len(tokens) and (found := _longest_date(tokens, i + 1))
        ):
            size, text = found
            due = _set_once(due, v.DateText(text), "due date")
            i += size
        elif (
            raw.lower() == "key" and i + 1 < len(tokens) and KEY_PATTERN.fullmatch(tokens[i + 1][0])
        ):
            key = _set_once(key, tokens[i + 1][0], "key")
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
    return v.Add(title=title, category=category, priority=priority, owner=owner, due=due, key=key)


def _set_once(current: _T | None, value: _T, what: str) -> _T:
    if current is not None and current != value:
        raise UsageError(
            f"Give the {what} once (I saw “{current}” and “{value}”).", usage_verb="add"
        )
    return value


def _longest_date(tokens: list[tuple[str, re.Match[str]]], start: int) -> tuple[int, str] | None:
    for size in range(min(4, len(tokens) - start), 0, -1):
        text = " ".join(raw for raw, _ in tokens[start : start + size])
        if _is_date(text):
            return size, text
    return None


def _ref_and_text(command: Callable[[str], v.Command], verb: str) -> Callable[[str], v.Command]:
    """`verb <item> [free text]`: the split happens later, against the launch's items."""

    def parser(rest: str) -> v.Command:
        _require(rest, verb, "an item (a key like SSL, or words from its title)")
        _check_quotes(rest, verb)
        return command(rest)

    return parser


def _ref_only(command: Callable[[str], v.Command], verb: str) -> Callable[[str], v.Command]:
    def parser(rest: str) -> v.Command:
        _require(rest, verb, "an item (a key like SSL, or words from its title)")
        _check_quotes(rest, verb)
        return command(rest.strip().strip('"“”'))

    return parser


def _note(rest: str) -> v.Note:
    _require(rest, "note", "an item and the note")
    _check_quotes(rest, "note")
    if len(rest.split()) < 2 and not rest.startswith(('"', "“")):
        raise UsageError("`note` needs the note text after the item.", usage_verb="note")
    return v.Note(rest)


def _assign(rest: str) -> v.Assign:
    _require(rest, "assign", "an item and a person")
    _check_quotes(rest, "assign")
    ref, _, who = rest.rpartition(" ")
    if not ref:
        raise UsageError(
            "`assign` needs an item and then @someone, `me` or `nobody`.", usage_verb="assign"
        )
    word = who.lower()
    if word in ("nobody", "none", "noone", "unassigned"):
        return v.Assign(ref.strip(), None)
    if word == "me":
        return v.Assign(ref.strip(), "me")
    user = parse_user(who)
    if user is None:
        raise UsageError(
            f"“{who}” is not a person: use @name, `me` or `nobody`.", usage_verb="assign"
        )
    return v.Assign(ref.strip(), user)


def _due(rest: str) -> v.Due:
    _require(rest, "due", "an item and a date")
    _check_quotes(rest, "due")
    words = rest.split()
    if len(words) >= 2 and words[-1].lower() in ("none", "clear", "never", "-"):
        return v.Due(" ".join(words[:-1]), None)
    if len(words) < 2:
        raise UsageError(f"`due` needs an item and then {DATE_HELP}.", usage_verb="due")
    ref, date_text = _split_trailing_date(rest, "due")
    return v.Due(ref, v.DateText(date_text))


def _waive(rest: str) -> v.Waive:
    _require(rest, "waive", "an item and a reason")
    _check_quotes(rest, "waive")
    until: v.DateText | None = None
    if m := re.search(r"\s+until\s+(.+)$", rest, re.IGNORECASE):
        until = _date_text(m[1], "waive")
        rest = rest[: m.start()].strip()
    if len(rest.split()) < 2 and not rest.startswith(('"', "“")):
        raise UsageError(
            "`waive` needs a reason after the item: who accepted the risk, and why.",
            usage_verb="waive",
        )
    return v.Waive(rest, until)


def _priority(rest: str) -> v.SetPriority:
    _require(rest, "priority", "an item and a priority")
    ref, _, word = rest.rpartition(" ")
    if not ref:
        raise UsageError(
            "`priority` needs an item and then critical, high, medium or low.",
            usage_verb="priority",
        )
    return v.SetPriority(ref.strip(), parse_priority(word, "priority"))


def _scope(rest: str) -> v.Scope:
    _require(rest, "scope", "an item and scenarios")
    ref, _, spec = rest.rpartition(" ")
    if not ref:
        raise UsageError("`scope` needs an item and then `all` or scenarios.", usage_verb="scope")
    if spec.lower() in ("all", "any", "every"):
        return v.Scope(ref.strip(), None)
    scenarios = tuple(
        dict.fromkeys(parse_scenario(part, "scope") for part in spec.split(",") if part)
    )
    return v.Scope(ref.strip(), scenarios)


_LAUNCH_OPTION = re.compile(r"\s+(date|scenario|tz|timezone)\s+", re.IGNORECASE)


def _launch(rest: str) -> v.Command:
    if not rest:
        return v.LaunchShow()
    sub, _, arg = rest.partition(" ")
    sub, arg = sub.lower(), arg.strip()
    if sub in ("new", "create"):
        return _launch_new(arg)
    if sub in ("use", "bind", "switch"):
        name = _require(arg.strip('"“”'), "launch", "the name of the launch to use")
        return v.LaunchUse(name)
    if sub in ("date", "target"):
        return v.LaunchSet(
            "target_date", date=_date_text(_require(arg, "launch", "a date"), "launch")
        )
    if sub == "scenario":
        return v.LaunchSet(
            "scenario", text=parse_scenario(_require(arg, "launch", "a scenario"), "launch")
        )
    if sub in ("tz", "timezone"):
        return v.LaunchSet("timezone", text=_timezone(_require(arg, "launch", "a timezone")))
    if sub == "owner":
        user = parse_user(_require(arg, "launch", "an owner (@name)"))
        if user is None:
            raise UsageError(f"“{arg}” is not a person: use @name.", usage_verb="launch")
        return v.LaunchSet("owner", text=user)
    raise UsageError(
        f"`launch {sub[:20]}` is not something I know: use new, use, date, scenario, tz or owner.",
        usage_verb="launch",
    )


def _launch_new(arg: str) -> v.LaunchNew:
    _require(arg, "launch", "a name for the new launch")
    _check_quotes(arg, "launch")
    parts = _LAUNCH_OPTION.split(" " + arg)
    name = parts[0].strip().strip('"“”')
    options: dict[str, str] = {}
    for option, value in zip(parts[1::2], parts[2::2], strict=True):
        option = {"timezone": "tz"}.get(option.lower(), option.lower())
        if option in options:
            raise UsageError(f"Give `{option}` once.", usage_verb="launch")
        options[option] = value.strip()
    if not name:
        raise UsageError("`launch new` needs a name before the options.", usage_verb="launch")
    if len(name) > 200:
        raise UsageError("Launch names are at most 200 characters.", usage_verb="launch")
    return v.LaunchNew(
        name=name,
        target_date=_date_text(options["date"], "launch") if "date" in options else None,
        scenario=parse_scenario(options["scenario"], "launch") if "scenario" in options else None,
        timezone=_timezone(options["tz"]) if "tz" in options else None,
    )


def _timezone(text: str, verb: str = "launch") -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"“{name[:60]}” is not a timezone: use an IANA name such as Europe/London or America/New_York.",
            usage_verb=verb,
        ) from None
    return name


def _import(rest: str) -> v.Import:
    dry_run = False
    for flag in ("--dry-run", "dry-run", "preview", "--preview"):
        if rest.lower().startswith(flag):
            dry_run, rest = True, rest[len(flag) :].strip()
            break
    _require(rest, "import", "the markdown text of an assessment")
    return v.Import(rest, dry_run)


def _no_args(command: Callable[[], v.Command]) -> Callable[[str], v.Command]:
    def parser(rest: str) -> v.Command:
        return command()

    return parser


def _digest(rest: str) -> v.Digest:
    words = rest.split()
    if not words:
        return v.Digest("show")
    first = words[0].lower()
    if first in ("off", "stop", "pause") and len(words) == 1:
        return v.Digest("off")
    if first in ("on", "start", "resume") and len(words) == 1:
        return v.Digest("on")
    if first in ("now", "post") and len(words) == 1:
        return v.Digest("now")
    if first == "unchanged":
        mode = words[1].lower() if len(words) == 2 else ""
        if mode not in ("line", "none"):
            raise UsageError(
                "Say `digest unchanged line` (one line on quiet days) or `digest unchanged none`.",
                usage_verb="digest",
            )
        return v.Digest("unchanged", unchanged=mode)
    if first != "at" or len(words) < 2:
        raise UsageError(
            f"`digest {words[0][:20]}` is not something I know: use at, off, on, now or unchanged.",
            usage_verb="digest",
        )
    try:
        at = parse_time(words[1]).strftime("%H:%M")
        timezone = days = None
        for word in words[2:]:
            if "/" in word or word.upper() == "UTC":
                timezone = _timezone(word, "digest")
            elif days is None:
                days = parse_days(word)
            else:
                days = parse_days(f"{days},{word}")
    except ScheduleError as exc:
        raise UsageError(str(exc), usage_verb="digest") from None
    return v.Digest("set", at=at, timezone=timezone, days=days)


def _monitor(rest: str) -> v.Monitor:
    words = rest.split(None, 1)
    if not words or words[0].lower() in ("list", "ls"):
        return v.Monitor("list")
    action, tail = words[0].lower(), (words[1] if len(words) > 1 else "").strip()
    if action == "add":
        draft_from_words(tail)  # malformed definitions are refused here, before anything runs
        return v.Monitor("add", spec=tail)
    known = (
        "show",
        "pause",
        "resume",
        "remove",
        "test",
        "snooze",
        "maintenance",
        "ack",
        "rm",
        "delete",
    )
    if action not in known:
        raise UsageError(
            f"`monitor {action[:20]}` is not something I know: use add, list, show, pause, resume, "
            "remove, test, snooze, maintenance or ack.",
            usage_verb="monitor",
        )
    action = {"rm": "remove", "delete": "remove"}.get(action, action)
    parts = tail.split(None, 1)
    if not parts or not parts[0].lstrip("#").isdigit():
        raise UsageError(
            f"`monitor {action}` needs a monitor number (see `/ready monitor list`).",
            usage_verb="monitor",
        )
    number, after = int(parts[0].lstrip("#")), (parts[1] if len(parts) > 1 else "").strip()
    if action == "snooze":
        length, _, reason = after.partition(" ")
        if not length or not reason.strip():
            raise UsageError(
                "`monitor snooze` needs a duration and a reason, e.g. `monitor snooze 3 4h deploying`.",
                usage_verb="monitor",
            )
        return v.Monitor("snooze", number, duration=parse_duration(length), reason=reason.strip())
    if action == "maintenance":
        if not after or len(after.split()) != 1:
            raise UsageError(
                "`monitor maintenance` needs a duration, e.g. `monitor maintenance 3 2h`.",
                usage_verb="monitor",
            )
        return v.Monitor("maintenance", number, duration=parse_duration(after))
    if action == "maintenance":
        if len(after.split()) != 1:
            raise UsageError(
                "`monitor maintenance` needs a duration, e.g. `monitor maintenance 3 2h`.",
                usage_verb="monitor",
            )
        return v.Monitor("maintenance", number, duration=parse_duration(after))
    if action == "ack":
        if not after:
            raise UsageError(
                "`monitor ack` needs a reason, e.g. `monitor ack 3 known CDN incident`.",
                usage_verb="monitor",
            )
        return v.Monitor("ack", number, reason=after)
    if after:
        raise UsageError(f"`monitor {action}` takes only a monitor number.", usage_verb="monitor")
    return v.Monitor(action, number)


def _remind(rest: str) -> v.Remind:
    word = rest.strip().lower()
    if not word:
        return v.Remind(None)
    if word in ("on", "off"):
        return v.Remind(word == "on")
    raise UsageError(f"`remind {word[:20]}`: say `remind on` or `remind off`.", usage_verb="remind")


_PARSERS: dict[str, Callable[[str], v.Command]] = {
    "help": _help,
    "status": _status,
    "list": _list,
    "add": _add,
    "done": _ref_and_text(v.Done, "done"),
    "block": _ref_and_text(v.Block, "block"),
    "note": _note,
    "start": _ref_only(v.Start, "start"),
    "unblock": _ref_only(v.Unblock, "unblock"),
    "reopen": _ref_only(v.Reopen, "reopen"),
    "history": _ref_only(v.History, "history"),
    "remove": _ref_only(v.Remove, "remove"),
    "assign": _assign,
    "due": _due,
    "waive": _waive,
    "priority": _priority,
    "scope": _scope,
    "launch": _launch,
    "launches": _no_args(v.Launches),
    "import": _import,
    "export": _no_args(v.Export),
    "digest": _digest,
    "remind": _remind,
    "monitor": _monitor,
}
