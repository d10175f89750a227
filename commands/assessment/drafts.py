"""Items while they are being read, and the sections they are read in.

A `Draft` collects what an item's own lines say; `finish` turns it into a `ParsedItem`
once the whole document is read, filling what the item does not state from its
sections: category, status hint, priority (item > section `Priority:` line > heading
words > heading colour dot > the section's role), effort and scenarios.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from commands.assessment.fields import field_of, parse_date, split_label
from commands.assessment.folding import mentioning
from commands.assessment.headings import HeadingInfo
from commands.assessment.inline import DEFAULT_CATEGORY, collapse_spaces
from commands.assessment.inline_render import Line
from commands.assessment.model import ParsedItem
from commands.assessment.questions import settle as settle_answers
from commands.assessment.roles import Role
from commands.assessment.vocabulary import (
    priority_from_label,
    refine_status,
    status_from_value,
)
from storage.vocabulary import Priority, Status


@dataclass
class Section:
    """A heading's section (or a label line's group inside one)."""

    level: int
    info: HeadingInfo
    parent: Section | None
    category: str | None
    role: Role
    scenario: str | None = None  # a scenario condition section
    priority: Priority | None = None  # from a "**Priority:** ..." line in the section
    effort: str | None = None  # from an "**Effort:** ..." line in the section
    owner: str | None = None  # from an "Owner: ..." line in the section
    fields: dict[str, str] = field(default_factory=dict)  # every field line, first wins
    field_lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # prose, for a heading that is an item
    evidence: list[str] = field(default_factory=list)  # that prose's citations and links
    heading_line: Line | None = None
    item_count: int = 0  # items read in this section and its subsections
    labels_here: int = 0  # topical label lines directly in this section
    role_name: str | None = None  # "Critical Gaps" for a heading with a role, no topic
    heading_items: int = 0  # subsections that were items written as headings
    blocked: str | None = None  # "⚠️ Blocked: waiting on the 2.4.1 build" said of it all

    def ancestors(self) -> list[Section]:
        node: Section | None = self
        chain = []
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


@dataclass
class Draft:
    """An item being read: what its own lines say, before inheritance."""

    title: str
    line: int
    section: Section
    kind: str = "item"  # "item", "step" (a next step: dropped if it restates) or "condition"
    status: Status | None = None  # stated on the item line: box, emoji or table cell
    stated_status: Status | None = None  # a "Status:" detail or "(needs verification)"
    priority: Priority | None = None
    key: str | None = None
    owner: str | None = None
    due: date | None = None
    due_text: str | None = None  # a due date that needs the document's year or convention
    effort: str | None = None
    blocked_reason: str | None = None
    waiver_reason: str | None = None
    waiver_until: date | None = None
    scenarios: tuple[str, ...] | None = None
    notes: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    parent: str | None = None
    source: str = ""
    checkbox: bool = False
    category_hint: str | None = None  # a table's Category / Area column
    scenario: str | None = None  # the scenario section it is stated in (a condition)
    loose: bool = False  # stated in a section without a topic of its own


_WAITING = re.compile(
    r"\b(?:waiting (?:on|for)|awaiting|blocked (?:on|by)|on hold (?:for|until)"
    r"|pending (?:[\w-]+ ){0,3}(?:approval|sign[- ]?off|signature|go[- ]ahead|confirmation|decision)"
    r"|needs? (?:[\w-]+ ){0,3}(?:approval|sign[- ]?off|signature|go[- ]ahead)"
    r"|requires? (?:[\w-]+ ){0,3}(?:approval|sign[- ]?off|signature))\b(?:[^.;:()\n]|\.(?=\w))*",
    re.I,
)
_DEPENDS = re.compile(
    r"\b(?:depends on|dependent on|depends upon|after|requires|blocked by|prerequisite:?)\s+"
    r"(?P<ref>[A-Z][A-Z0-9]{0,9}-\d+(?:\.\d+)*|#\d+|\"[^\"]+\"|“[^”]+”|`[^`]+`)",
)
# "(depends on Pen test report filed)": a parenthesis saying so names other items by
# title, in the document's own words; the import resolves them among its items.
_DEPENDS_ASIDE = re.compile(
    r"\s*\((?:depends on|depends upon|dependent on|requires|after|blocked by)\s+(?P<refs>[^()]+)\)",
    re.I,
)
_REF_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
# The first words of _WAITING's and _DEPENDS's phrases: without one, neither can match.
_MAY_WAIT = mentioning("waiting", "blocked", "on hold", "pending", "need", "require")
_DEPENDS_WORDS = ("depend", "after", "requires", "blocked by", "prerequisite")


_SECTION_BLOCKED = re.compile(
    r"^[^\w]*(?:(?:blocked|on hold)\b\s*[:—–-]\s*(?P<rest>.+)|(?P<wait>(?:waiting (?:on|for)|awaiting)\b.+))",
    re.I,
)


def section_blocker(text: str) -> str | None:
    """ "⚠️ Blocked: waiting on the 2.4.1 build" as a line of its own: the reason."""
    match = _SECTION_BLOCKED.match(text) if _MAY_WAIT(text) or "hold" in text else None
    if match is None:
        return None
    said = (match.group("rest") or match.group("wait")).strip()
    return waiting_reason(said) or said.rstrip(".") or None


def waiting_reason(text: str) -> str | None:
    """ "waiting on the vendor", "needs legal approval", "pending sign-off": the clause."""
    match = _WAITING.search(text) if _MAY_WAIT(text) else None
    return collapse_spaces(match.group()).strip(" -–—,") if match else None


def explicit_dependencies(text: str) -> list[str]:
    """References an item's text names with explicit wording ("depends on GL-002")."""
    if not any(word in text for word in _DEPENDS_WORDS):  # _DEPENDS is case-sensitive
        return []
    return [match.group("ref").strip('"“”`') for match in _DEPENDS.finditer(text)]


def _without_dependency_aside(title: str) -> tuple[str, list[str]]:
    """("WAF rules reviewed", ["Pen test report filed"]) of "WAF rules reviewed (depends
    on Pen test report filed)"; the title as it is when it says no such thing."""
    if "(" not in title:
        return title, []
    refs = [
        ref.strip(' ."“”`')
        for match in _DEPENDS_ASIDE.finditer(title)
        for ref in _REF_SPLIT.split(match.group("refs"))
    ]
    if not refs:
        return title, []
    return _DEPENDS_ASIDE.sub("", title).strip() or title, [ref for ref in refs if ref]


def label_value(line: Line) -> tuple[str, str] | None:
    """("Owner", "Dana") of a `Label: value` line, bold or not; else None."""
    if line.lead is not None:
        lead, rest = line.lead, line.rest
        if lead.endswith(":"):
            return lead[:-1].strip(), rest
        if rest.startswith(":"):
            return lead.strip(), rest[1:].strip()
        return None
    return split_label(line.text)


def apply_field(draft: Draft, label: str, value: str) -> bool:
    """Fill a draft's field from a `Label: value` detail; False if it is just a note."""
    name = field_of(label)
    if name is None or not value:
        return name == "notes"
    if name == "notes":
        draft.notes.append(value)
    elif name == "status":
        stated = status_from_value(value)
        reason = waiting_reason(value)
        if stated is None and reason is None:
            return False
        draft.stated_status = Status.BLOCKED if reason and stated in (None, Status.TODO) else stated
        if reason:
            draft.blocked_reason = draft.blocked_reason or reason
    elif name == "priority":
        priority = priority_from_label(value)
        if priority is None:
            return False
        draft.priority = priority
    elif name in ("due", "waiver_until"):
        when = parse_date(value)
        if when is None:
            draft.due_text = draft.due_text or (value if name == "due" else None)
            return False
        setattr(draft, name, when)
    elif name == "scenarios":
        draft.scenarios = tuple(part.strip() for part in value.split(",") if part.strip())
    elif name == "depends_on":
        draft.depends_on += [ref for ref in _REF_SPLIT.split(value) if ref]
    elif name == "evidence":
        draft.evidence.append(value)
    elif name == "key":
        draft.key = draft.key or value.strip("`*_ ")
    elif getattr(draft, name) is None:
        setattr(draft, name, value)
    return True


def _inherited_priority(section: Section) -> Priority | None:
    # Words on any enclosing heading beat colour dots on nearer ones: in "## 🟡 HIGH
    # PRIORITY" > "### 11. Mobile Responsiveness 🟡" the author's yellow means high.
    chain = section.ancestors()
    for node in chain:
        if node.priority is not None:
            return node.priority
        if node.info.priority_word is not None:
            return node.info.priority_word
    for node in chain:
        if node.info.priority_emoji is not None:
            return node.info.priority_emoji
    if any(node.role is Role.CRITICAL for node in chain):
        return Priority.CRITICAL
    return None


def inherited_status(section: Section) -> Status | None:
    for node in section.ancestors():
        if node.info.status is not None:
            return node.info.status
        if node.role is Role.DONE:
            return Status.DONE
    return None


def _inherited_effort(section: Section) -> str | None:
    return next((node.effort for node in section.ancestors() if node.effort), None)


def category_of(section: Section) -> str:
    """The nearest topic above; else the name of the nearest role heading ("Critical
    Gaps", "Known Issues"), which is all a reader has to go by; else "General"."""
    chain = section.ancestors()
    topic = next((node.category for node in chain if node.category), None)
    if topic:
        return topic
    role_name = next((node.role_name for node in chain if node.role_name), None)
    return role_name or DEFAULT_CATEGORY


def finish(draft: Draft) -> ParsedItem:
    """The ParsedItem a draft states, with what its sections say filled in."""
    settle_answers(draft)  # a review question: its answer and risk say the rest
    if draft.status is not None:
        status = refine_status(draft.status, draft.stated_status)
    else:
        status = draft.stated_status or inherited_status(draft.section) or Status.TODO
    blocked = draft.blocked_reason
    title, aside = _without_dependency_aside(draft.title)
    if blocked is None and status in (Status.TODO, Status.IN_PROGRESS, Status.BLOCKED):
        # "waiting on legal", "needs security approval": blocked, with that reason.
        blocked = waiting_reason(" ".join([draft.title, *draft.notes]))
        if blocked is not None:
            status = Status.BLOCKED
            cut = title.rfind(blocked)
            if cut > 0 and title[:cut].rstrip().endswith(("—", "–", "-", "(", ":", ",")):
                title = title[:cut].rstrip(" —–-(:,") or title
    elif blocked is not None and draft.stated_status is None and draft.status is None:
        status = Status.BLOCKED  # "Blocked by: ..." and no status: blocked
    if blocked is None and status is Status.TODO:
        # The section says its open work waits ("⚠️ Blocked: waiting on the build").
        blocked = next((node.blocked for node in draft.section.ancestors() if node.blocked), None)
        status = Status.BLOCKED if blocked else status
    evidence = tuple(dict.fromkeys(draft.evidence))
    depends = [*aside, *explicit_dependencies(" ".join([draft.title, *draft.notes]))]
    return ParsedItem(
        title=title,
        category=draft.category_hint or category_of(draft.section),
        status=status,
        priority=draft.priority or _inherited_priority(draft.section),
        key=draft.key,
        owner=draft.owner,
        due=draft.due,
        effort=draft.effort or _inherited_effort(draft.section),
        notes="\n".join(draft.notes) or None,
        evidence="\n".join(evidence) or None,
        blocked_reason=blocked,
        waiver_reason=draft.waiver_reason,
        waiver_until=draft.waiver_until,
        scenarios=draft.scenarios,
        line=draft.line,
        source=draft.source,
        evidence_items=evidence,
        depends_on=tuple(dict.fromkeys([*draft.depends_on, *depends])),
        parent=draft.parent,
    )


class Sink(Protocol):
    """What the shape readers (lists, tables, prose) need from the document reader."""

    @property
    def section(self) -> Section: ...

    @property
    def list_role(self) -> Role | None: ...  # set by a label line for the list below it

    @property
    def plain_items(self) -> bool: ...  # plain bullets count as items (checklist fallback)

    def emit(self, draft: Draft) -> None: ...

    def skip(self, reason: str, lines: int = 1) -> None: ...

    def source(self, number: int) -> str: ...

    def grouped(self, label: str) -> AbstractContextManager[None]: ...

    def fact(self, line: Line) -> bool: ...  # a claim or launch fact, read if it is one

    def sign_off(self, role: str, person: str) -> None: ...  # a sign-off table's row
