"""What a heading of a free-form assessment says: a topic, a status, a priority, a role.

"## 1. AWS Infrastructure Assessment" names the topic "AWS Infrastructure". "### ✅ COMPLETED
(100%)" names no topic, only a status; "#### 🔴 SECURITY (High Priority)" names the topic
"Security" with priority high; "## Security & Compliance ⚠️ Needs Attention" names
"Security & Compliance", and its mark is the status of items that state none. "## 7.
Critical Path to Production" is a plan (`roles`). The author's casing is kept ("SLA / SLO
/ SLI"); only headings in capitals throughout are put in title case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.assessment.inline import (
    CATEGORY_MAX,
    collapse_spaces,
    plain_text,
    strip_emoji,
    strip_markup,
    truncate,
)
from commands.assessment.roles import Role, role_of, strip_role_words
from commands.assessment.vocabulary import (
    PRIORITY_EMOJI,
    STATUS_EMOJI,
    priority_from_emoji,
    priority_from_label,
    priority_word_spans,
    status_from_emoji,
    status_phrase,
)
from storage.vocabulary import Priority, Status

# Words that only describe a heading's role, never its topic.
_FILLER = re.compile(
    r"\b(?:assessment|issues?|gaps?|findings|overview|current status|current state"
    r"|status|what[’']?s working(?: well)?|what[’']?s missing|what is missing|missing"
    r"|completed|complete|done|not ready|production[- ]ready|ready|in progress|blocked"
    r"|to ?do|fixed|priority|severity|open|outstanding|remaining|pending"
    r"|needs? (?:attention|work|improvement|review)|attention required|action required"
    r"|on track|at risk|not started|partial(?:ly)?(?: complete)?|passed|failed|passing"
    r"|failing|working|required|recommended|optional|detailed)\b",
    re.I,
)
# Words that are topical enough alone but not next to a status: "✅ COMPLETED Features".
_WEAK_FILLER = re.compile(r"\b(?:features|items|tasks|areas|work)\b", re.I)
# "Required Before Using Domain", "Must Fix Before Launch", "Fix Soon After Launch".
_QUALIFIER = re.compile(
    r"\b(?:required|needed|must[- ](?:be[- ])?\w+|fix soon|fix|to do|todo|do)\s+"
    r"(?:before|after|prior to)\b.*",
    re.I,
)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.):]?|[A-Za-z][.)])\s+")
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_PERCENT = re.compile(r"[~≈]?\d+(?:\.\d+)?\s*%")
_PART_SEPARATOR = re.compile(r"\s+[-–—]\s+|:(?=\s|$)")
_EDGE_PUNCTUATION = " \t-–—:;,.&/|+!?*_#~"
_PARTIAL = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_DONE_WORD = re.compile(r"\b(?:completed?|done)\b", re.I)
_TODO_WORD = re.compile(r"\b(?:not ready|missing|to ?do)\b", re.I)

# Upper-case words that stay upper case when an ALL-CAPS heading is put in title case.
_ACRONYM_WORDS = """
AI API APIS AWS BAA CCPA CDN CI CD CORS CRM CSP CSRF DB DNS DR ETL FAQ GCP GDPR HIPAA HTTP
HTTPS IAM ID IP IT JWT KMS MFA MVP OS PCI PHI PII POPIA QA RBAC RDS RLS SDK SEO SES SLA
SLO SMS SMTP SOC SQL SSL SSO TLS UI UX VPC VPN XSS
"""
_ACRONYMS = frozenset(_ACRONYM_WORDS.split())
_SMALL_TEXT = """
a an and as at by for in of on or the to vs via with
"""
_SMALL_WORDS = frozenset(_SMALL_TEXT.split())


@dataclass(frozen=True)
class HeadingInfo:
    """What a heading says. `topic` is None when it only states a status or priority."""

    topic: str | None
    status: Status | None
    priority_word: Priority | None
    priority_emoji: Priority | None
    role: Role


def read_heading(text: str) -> HeadingInfo:
    """Read one heading's text (plain, emoji kept; without the leading #'s)."""
    plain = plain_text(text)
    return HeadingInfo(
        topic=_topic(text, plain),
        status=_status(text, plain),
        priority_word=_first_priority_word(plain),
        # "## 4. Observability (70%) 🟡": a dot beside a score grades it, it does not rank.
        priority_emoji=None if _PERCENT.search(plain) else priority_from_emoji(text),
        role=role_of(plain),
    )


# Status and priority marks separate a heading's topic from its decoration:
# "Security & Compliance ⚠️ Needs Attention", "1. Authentication ✅".
_MARKS = re.compile("[" + "".join(STATUS_EMOJI) + "".join(PRIORITY_EMOJI) + "]\ufe0f?")


def _first_priority_word(plain: str) -> Priority | None:
    spans = priority_word_spans(plain)
    if spans:
        return spans[0][2]
    # "Phase 1: Critical (Week 1)", "Tier 2 - High": a part that is nothing but a rank.
    if ":" not in plain and " - " not in plain and " – " not in plain:
        return None
    for part in _PART_SEPARATOR.split(_PARENTHETICAL.sub(" ", plain)[:200]):
        if _RANK_PART.fullmatch(part.strip()):
            return priority_from_label(part)
    return None


_RANK_PART = re.compile(r"(?:critical|high|medium|low|p[0-3]|urgent)(?:[- ]priority)?", re.I)


def _status(text: str, plain: str) -> Status | None:
    # "✅ 90% Complete" is a progress report, not a finished section.
    partial = any(float(number) < 100 for number in _PARTIAL.findall(plain))
    emoji = status_from_emoji(text)
    # In headings ⚠️ marks a warning ("⚠️ CRITICAL AWS ISSUES"), not work in progress.
    if emoji is Status.DONE or (emoji is None and _DONE_WORD.search(plain)):
        return None if partial else Status.DONE
    if emoji is Status.TODO or (emoji is None and _TODO_WORD.search(plain)):
        return Status.TODO
    decoration = _MARKS.split(text, maxsplit=1)[1] if _MARKS.search(text) else ""
    stated = status_phrase(plain_text(decoration).strip(_EDGE_PUNCTUATION)) if decoration else None
    if stated is Status.DONE and partial:
        return None
    return stated


def _without_priority_words(text: str) -> str:
    pieces, position = [], 0
    for start, end, _ in priority_word_spans(text):
        if start >= position:
            pieces.append(text[position:start])
            position = end
    pieces.append(text[position:])
    return " ".join(pieces)


def _topical(part: str, *, stated: bool) -> str:
    part = _QUALIFIER.sub(" ", part)
    part = _PERCENT.sub(" ", part)
    part = _without_priority_words(part)
    part = _FILLER.sub(" ", part)
    if stated:
        part = _WEAK_FILLER.sub(" ", part)
    part = collapse_spaces(part).strip(_EDGE_PUNCTUATION)
    # "Current State vs. Production Ready" leaves only "vs": nothing topical.
    words = re.findall(r"[^\W\d_]+", part.casefold())
    return part if any(word not in _SMALL_WORDS for word in words) else ""


def _topic(text: str, plain: str) -> str | None:
    stated = (
        status_from_emoji(text) is not None
        or priority_from_emoji(text) is not None
        or bool(priority_word_spans(plain))
        or _DONE_WORD.search(plain) is not None
    )
    # Marks become part separators, so "Security ⚠️ Needs Attention" splits at the mark.
    marked = collapse_spaces(strip_markup(_MARKS.sub(" - ", text)))
    body = _PARENTHETICAL.sub(" ", _NUMBERING.sub("", strip_emoji(marked)))
    body = strip_role_words(body)
    # Capitals throughout are shouting ("SECURITY") unless every word is acronym-sized.
    shouting = not any(char.islower() for char in body) and any(
        len(word) > 3 for word in re.findall(r"[^\W\d_]+", body)
    )
    # "CASES ETL - Daily Export Processing", "Infrastructure Compliance: ✅ 90% Complete":
    # the first part that names something is the topic; the rest elaborates. A code
    # ("CC6 — Logical and Physical Access", "A.9: Access control") keeps its name.
    separators = list(_PART_SEPARATOR.finditer(body))
    parts = _PART_SEPARATOR.split(body)
    for index, part in enumerate(parts):
        topic = _topical(part, stated=stated)
        if topic and _CODE.fullmatch(topic) and index + 1 < len(parts):
            named = _topical(parts[index + 1], stated=stated)
            if named:
                topic = f"{topic}{separators[index].group()}{named}"
        if topic.casefold() in _STRUCTURE:
            return None  # "## Detail" under a summary table: the same items, at length
        if topic:
            return truncate(_title_case(topic) if shouting else _capitalise(topic), CATEGORY_MAX)
    return None


_STRUCTURE = frozenset({"detail", "details", "item details", "detailed findings"})


# A control or section code: "CC6", "A.9", "SEC-2", "PR.AC", "§ 164.312".
_CODE = re.compile(r"(?:§\s*)?[A-Z]{1,4}[-.]?\d+(?:\.\d+)*|[A-Z]{2}\.[A-Z]{2}")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_case(text: str) -> str:
    """Title case for an ALL-CAPS heading, keeping acronyms: "SECURITY & CI/CD" becomes
    "Security & CI/CD"."""
    words = []
    for index, word in enumerate(text.split(" ")):
        if index and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(_WORD_PIECES.sub(_title_piece, word))
    return " ".join(words)


_WORD_PIECES = re.compile(r"[^\W_]+")


def _title_piece(match: re.Match[str]) -> str:
    piece = match.group()
    if piece in _ACRONYMS or any(char.isdigit() for char in piece) or len(piece) == 1:
        return piece
    return piece.capitalize()


def topic_words(topic: str) -> frozenset[str]:
    """The words of a topic, for "is this sub-heading just its parent again" checks."""
    return frozenset(re.findall(r"\w+", topic.casefold()))


def role_heading_name(text: str) -> str | None:
    """ "## 🔴 Critical Gaps (Blocking Launch)" -> "Critical Gaps": a role heading's words
    as a category name, for items that have no topical heading above them."""
    plain = _NUMBERING.sub("", strip_emoji(plain_text(text)))
    name = collapse_spaces(_PARENTHETICAL.sub(" ", plain)).strip(_EDGE_PUNCTUATION)
    rank, *rest = _PART_SEPARATOR.split(name, maxsplit=1)
    if rest and _RANK_PART.fullmatch(rank.strip()) and rest[0].strip(_EDGE_PUNCTUATION):
        name = rest[0].strip(_EDGE_PUNCTUATION)  # "P0 — must be fixed before launch"
    if not name:
        return None
    shouting = not any(char.islower() for char in name)
    return truncate(_title_case(name) if shouting else _capitalise(name), CATEGORY_MAX)
