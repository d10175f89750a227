"""An item's title as people write it, taken apart: the title, and what it says besides.

"🔴 Critical — Rotate the JWT secret (1-2 days)", "Data retention policies (not
implemented)", "Video tutorials (optional but helpful)", "Deploy API - blocked": the
title keeps its words; a trailing "(1-2 days)" becomes the effort, "(CRITICAL)" /
"(required)" / "(optional)" the priority, "(needs verification)" or "- not implemented"
the status (kept as a note because it says more than the status does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.assessment.folding import folded
from commands.assessment.inline import TITLE_MAX, collapse_spaces, strip_emoji, truncate
from commands.assessment.vocabulary import (
    TAG_PRIORITY,
    priority_from_tag,
    priority_from_value,
    status_from_value,
    status_phrase,
)
from storage.vocabulary import Priority, Status

_DURATION = (
    r"~?\d+(?:\.\d+)?(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?)?\+?\s*"
    r"(?:min(?:ute)?s?|hrs?|hours?|h|business days?|working days?|days?|d|wks?|weeks?|w"
    r"|months?|sprints?)\b"
)
# "(1-2 days)", "(Effort: 1 day)", "(30 min - quick win)", "(2 days with legal help)";
# not "(30 days retention)".
_EFFORT_PAREN = re.compile(
    rf"\s*\((?:(?:effort|estimate|timeline)\s*:\s*)?(?P<effort>{_DURATION}"
    r"(?:\s*[-–—,;:][^()]*|\s+(?:with|including|incl|for)\b[^()]*)?)\)\s*$",
    re.I,
)
_TRAILING_PAREN = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
# "Load testing — 60%", "Browser matrix - 85% (Safari 16 outstanding)": a share done.
_PERCENT_TAIL = re.compile(
    r"\s+[-–—:]\s*(?P<share>\d{1,3})\s?%(?:\s+done|\s+complete)?(?:\s*\((?P<note>[^()]*)\))?\s*$",
    re.I,
)
_TRAILING_STATUS = re.compile(r"\s+[-–—:]\s+(?P<phrase>[^-–—:()]+)$")
_INNER_STATUS_TAIL = re.compile(r"\s*[-–—,;:]\s*(?P<phrase>[^-–—,;:]+)$")
_PRIORITY_ONLY = re.compile(
    r"(?:priority\s*:?\s*)?(?:critical|high|medium|low|p[0-3])(?:[- ]priority)?", re.I
)
_LEADING_PRIORITY = re.compile(r"^(critical|high|medium|low|p[0-3])\s*[—–:-]\s+", re.I)
_LEADING_TAG = re.compile(r"^\s*\[(?P<tag>[^\]]{1,20})\]\s*")
_TITLE_EDGES = " \t:;,-–—|"
_SEE_TAIL = re.compile(r"\s*(?:[-–—;,]\s*|\()\s*see\b[^()]*\)?\s*$", re.I)
# "3. " of a numbered heading; "Step 1 — ", "Task 4: " of a runbook's.
_NUMBERING = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]\s+|(?:step|task|stage)\s+\d{1,3}[a-z]?\s*[.:)—–-]\s+)", re.I
)
# An id at the start of an item: "GL-004", "SEC-12", "PRR-3.1", "#12", "R1.2".
ITEM_ID = re.compile(
    r"^(?P<id>[A-Z][A-Z0-9]{0,9}-\d+(?:\.\d+)*|#\d+|[A-Z]{1,3}\d+(?:\.\d+)+)\b[.:)]?\s+"
)


@dataclass
class Title:
    """What an item's title text holds."""

    title: str
    effort: str | None = None
    status: Status | None = None
    priority: Priority | None = None
    note: str | None = None
    key: str | None = None


def split_title(text: str, *, leading_word_ok: bool = False) -> Title:
    """Take a plain title apart (see the module docstring). `leading_word_ok`: a leading
    "High: " counts even in lower case (after a colour dot, or in readybot's layout)."""
    result = Title(title="")
    title = _NUMBERING.sub("", collapse_spaces(strip_emoji(text)))
    match = ITEM_ID.match(title)
    if match:
        result.key, title = match.group("id"), title[match.end() :]
    word = _LEADING_PRIORITY.match(title)
    if word and (word.group(1).isupper() or leading_word_ok):
        result.priority = priority_from_value(word.group(1))
        title = title[word.end() :]
    tag = _LEADING_TAG.match(title)
    if tag and priority_from_tag(tag.group("tag")) is not None:
        result.priority = result.priority or priority_from_tag(tag.group("tag"))
        title = title[tag.end() :]
    # "— see the runbook": a pointer, whose link is kept as evidence.
    if "see" in folded(title):
        title = _SEE_TAIL.sub("", title)
    for _ in range(4):  # a title rarely carries more than effort, priority and status
        if not _take_one_tail(result, title):
            break
        title = result.title
    result.title = truncate(collapse_spaces(title).strip(_TITLE_EDGES), TITLE_MAX)
    return result


def _take_one_tail(result: Title, title: str) -> bool:
    """Take one trailing effort/priority/status off `title` into `result`."""
    # Without a bracket only a " - status" tail can be there (the other patterns need one).
    if "(" not in title and "[" not in title:
        return _take_status_tail(result, title)
    match = _EFFORT_PAREN.search(title)
    if match and result.effort is None:
        result.effort = match.group("effort").strip()
        result.title = title[: match.start()]
        return True
    tag = TAG_PRIORITY.search(title)
    if tag and tag.end() >= len(title.rstrip()) and tag.start() > 0:
        result.priority = result.priority or priority_from_tag(tag.group("tag"))
        result.title = title[: tag.start()]
        return True
    match = _TRAILING_PAREN.search(title)
    if match and match.start() > 0:
        inner = match.group("inner").strip()
        if _PRIORITY_ONLY.fullmatch(inner) and result.priority is None:
            result.priority = priority_from_value(inner)
            result.title = title[: match.start()]
            return True
        if status_phrase(inner) is not None and result.status is None:
            result.status, result.note = status_phrase(inner), inner
            result.title = title[: match.start()]
            return True
        leading = status_from_value(inner)
        if leading in (Status.BLOCKED, Status.WAIVED, Status.IN_PROGRESS) and result.status is None:
            # "(blocked - read-only file)", "(in progress, 60%)"
            result.status, result.note = leading, inner
            result.title = title[: match.start()]
            return True
        tail = _INNER_STATUS_TAIL.search(inner)
        if tail and status_phrase(tail.group("phrase")) is not None and result.status is None:
            # "Patient data export (HIPAA right of access - not implemented)"
            result.status = status_phrase(tail.group("phrase"))
            result.note = tail.group("phrase").strip()
            kept = inner[: tail.start()].strip()
            head = title[: match.start()]
            result.title = f"{head} ({kept})" if kept else head
            return True
    return _take_status_tail(result, title)


def share_done(text: str) -> Status | None:
    """The status a trailing share done says: 0% todo, 100% done, in progress between."""
    match = _PERCENT_TAIL.search(text)
    if match is None or match.start() == 0 or int(match.group("share")) > 100:
        return None
    share = int(match.group("share"))
    return Status.DONE if share == 100 else Status.TODO if share == 0 else Status.IN_PROGRESS


def _take_status_tail(result: Title, title: str) -> bool:
    """Take a trailing " - not implemented" or " — 60%" off `title` into `result`."""
    share = share_done(title) if "%" in title and result.status is None else None
    if share is not None:
        match = _PERCENT_TAIL.search(title)
        assert match is not None  # share_done found it
        result.status, result.title = share, title[: match.start()]
        note = match.group("note")
        result.note = f"{match.group('share')}% done" + (f" ({note.strip()})" if note else "")
        return True
    match = _TRAILING_STATUS.search(title)
    if match and status_phrase(match.group("phrase")) is not None and result.status is None:
        result.status = status_phrase(match.group("phrase"))
        result.title = title[: match.start()]
        return True
    return False


_DASH = re.compile(r"\s+[-–—]\s+(?=\S)")
_WORD = re.compile(r"[a-z][a-z'-]*")
# First words of a remark ("— only on /api/pay so far", "- partially, workers still ..."),
# and words that make any tail one ("— Europe only, none in APAC yet").
_OPENERS_TEXT = """only still but except not partially partly mostly almost nearly needs need
missing pending currently planned scheduled tracked drafted started verified tested confirmed
checked done see tbd todo expected due waiting awaiting"""
_REMARK_OPENERS = frozenset(_OPENERS_TEXT.split())
_REMARK_TEXT = (
    "only still yet except but partially partly pending missing outstanding remaining tbd"
)
_REMARK_WORDS = frozenset(_REMARK_TEXT.split())
_HANDLED_ELSEWHERE = ("blocked", "waiting", "awaiting", "on hold")  # `drafts.finish`


def comment_after_dash(title: str) -> tuple[str, str | None]:
    """("Rate limiting", "only on /api/pay so far") of "Rate limiting — only on /api/pay
    so far": a checklist line's remark after a dash. A tail that names ("Backups — daily",
    "Schema migrations — Flyway") is part of the title, as is anything without a remark's
    words; a waiting tail is `finish`'s (blocked, with that reason)."""
    match = _DASH.search(title)
    if match is None:
        return title, None
    head, tail = title[: match.start()].strip(), title[match.end() :].strip()
    words = _WORD.findall(tail.casefold())
    if not words or not is_real_title(head) or tail.casefold().startswith(_HANDLED_ELSEWHERE):
        return title, None
    opens = tail[:1].islower() and words[0] in _REMARK_OPENERS
    if not (opens or _REMARK_WORDS.intersection(words) or "so far" in tail.casefold()):
        return title, None
    return head, tail


_JUNK_TITLES = frozenset(
    [
        "risk",
        "risks",
        "impact",
        "action",
        "actions",
        "required",
        "status",
        "timeline",
        "cost",
        "issue",
        "issues",
        "note",
        "notes",
        "effort",
        "priority",
        "recommendation",
        "details",
        "description",
        "summary",
        "endpoint",
        "result",
        "results",
        "todo",
        "example",
        "missing",
        "owner",
        "due",
        "evidence",
        "comments",
        "mitigation",
        "solution",
        "fix",
        "problem",
        "location",
        "file",
        "files",
        "workaround",
        "resolution",
        "reason",
        "context",
        "background",
        "goal",
        "tip",
        "warning",
        "important",
        "answer",
        "question",
    ]
) | {"action required", "action items", "current status", "current state", "next steps"}
# "src/app.ts", "./scripts/", "docs/ops/runbook.md", "setup.py"; not "CI/CD" or "HTTPS/SSL".
_PATH_ONLY = re.compile(
    r"^(?:\.{0,2}/)?(?:[\w.@~-]+/){2,}[\w.@~-]*$|^(?:[\w.@~-]+/)+[\w@~-]*\.[A-Za-z0-9]{1,5}$"
    r"|^\.{0,2}/[\w./@~-]*$|^[\w-]+\.[A-Za-z0-9]{1,5}$"
)
_URL_ONLY = re.compile(r"^(?:https?|ftp)://\S+$")


def is_real_title(title: str) -> bool:
    """Whether a cleaned title names a checklist item (not "Risk", a file path or a URL)."""
    if not any(char.isalnum() for char in title):
        return False
    if title.casefold() in _JUNK_TITLES:
        return False
    # A path has a "/" or a ".", a URL a "://".
    if "/" not in title and "." not in title:
        return True
    return not (_PATH_ONLY.match(title) or _URL_ONLY.match(title))
