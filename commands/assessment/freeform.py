"""Read the checklist out of a free-form assessment document.

Readiness documents are written for people, not parsers, so this reader looks for the few
shapes that state checklist state and ignores the rest:

* task-list boxes: `- [ ] Thing`, `* [x] Thing` (also `[~]` in progress, `[!]` blocked,
  `[-]` waived);
* bullets that start with a status or priority emoji: `- ✅ Encryption at rest`,
  `- ❌ Data retention policies (not implemented)`, `- 🔴 No backups`;
* bullets with a bold title: `- ✅ **VPC**: Fully configured`,
  `1. **🔴 Database Deletion Protection**: Currently DISABLED`;
* rows of status tables (see `tables`).

Titles lose markup and emoji; a trailing "(1-2 days)" becomes the effort, a trailing
"(CRITICAL)" or a leading "🔴 Critical —" the priority, a trailing "(needs verification)" the
status (kept as a note). Everything indented under an item belongs to it: `Effort:` /
`Timeline:`, `Owner:`, `Due:`, `Priority:`, `Status:`, `Notes:` ... lines (`fields`) fill
those fields, anything else becomes notes. Plain bullets and numbered steps are not items,
and neither is anything in a fenced code block or an HTML comment.

Headings give items their category (the nearest heading that names a topic, see
`headings`), their priority (item beats section `**Priority:**` line beats heading; a
priority word on any enclosing heading beats a colour dot) and, for items that state none,
their status. A section's `**Effort:**` line is the effort of its items that state none.
Sections that plan or summarise (Executive Summary, Critical Path, Recommendations, Next
Steps, Timeline, Quick Wins, Launch Checklist, Phase/Week N, MVP, Cost, Summary, Blockers,
...: `headings.SKIPPED_SECTION_WORDS`) contribute only their checkbox items, and so do lists
introduced by `**Action Items**:`-style labels (`SKIPPED_LIST_LABELS`). Titles that are
detail labels ("Risk"), file paths or URLs are not items.

The same item (same `import_ref`) twice in one category is kept once: the first occurrence's
data, with its blanks filled from the later ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from commands.assessment.fields import field_of, parse_date, split_label
from commands.assessment.headings import HeadingInfo, read_heading, topic_words
from commands.assessment.identity import import_ref
from commands.assessment.inline import (
    DEFAULT_CATEGORY,
    TITLE_MAX,
    collapse_spaces,
    note_text,
    plain_text,
    strip_emphasis,
    truncate,
)
from commands.assessment.model import ParsedItem
from commands.assessment.tables import is_delimiter_row, read_table
from commands.assessment.vocabulary import (
    CHECKBOX_STATUS,
    PRIORITY_EMOJI,
    STATUS_EMOJI,
    VARIATION_SELECTORS,
    priority_from_emoji,
    priority_from_value,
    priority_from_words,
    refine_status,
    status_from_value,
    status_phrase,
)
from storage.models import Priority, Status

# Labels that introduce lists of steps, files or deliverables rather than checklist state.
SKIPPED_LIST_LABELS = (
    "action items",
    "action item",
    "action required",
    "actions",
    "steps",
    "next steps",
    "files",
    "files to update",
    "files to test",
    "files created",
    "files changed",
    "what i added",
    "what i just added",
    "commands",
    "how to",
    "example",
    "examples",
    "critical blockers",
    "blockers",
)
_SKIPPED_LIST = re.compile(
    r"^(?:" + "|".join(re.escape(label) for label in SKIPPED_LIST_LABELS) + r")\b", re.I
)

# Titles that are labels of a finding's details, not findings ("- **Risk**: ...").
_JUNK_TITLES = frozenset(
    {
        "risk",
        "risks",
        "impact",
        "action",
        "actions",
        "action required",
        "action items",
        "required",
        "status",
        "current status",
        "current state",
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
        "next steps",
        "todo",
        "example",
        "missing",
    }
)
_PATH_ONLY = re.compile(r"^(?:[\w.@~-]*[/\\])+[\w.@~-]*$|^[\w-]+\.[A-Za-z0-9]{1,5}$")
_URL_ONLY = re.compile(r"^(?:https?|ftp)://\S+$")

_FENCE = re.compile(r"^(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^( *)([-*+•]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_CHECKBOX = re.compile(r"^\[([ xX~/!-])\](?:[ \t]+(.*))?$")
_TABLE_ROW = re.compile(r"^ {0,3}\|")
_COMMENT_START = "<!--"
_COMMENT_END = "-->"
_BOLD_LEAD = re.compile(r"^(\*\*|__)(?P<bold>.+?)\1(?P<rest>.*)$")
_LEADING_PRIORITY = re.compile(r"(critical|high|medium|low)\s*[—–:-]\s+", re.I)
_QUOTE_MARKER = re.compile(r"^>\s?")
_AFTER_BOLD = re.compile(r"^\s*(?::|[-–—](?=\s))\s*")

_DURATION = (
    r"~?\d+(?:\.\d+)?(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?)?\+?\s*"
    r"(?:min(?:ute)?s?|hrs?|hours?|h|business days?|working days?|days?|d|wks?|weeks?|w"
    r"|months?|sprints?)\b"
)
# "(1-2 days)", "(Effort: 1 day)", "(30 min - quick win)", "(2 days with legal help)";
# not "(30 days retention)".
_EFFORT_PAREN = re.compile(
    rf"\s*\((?:(?:effort|estimate|timeline)\s*:\s*)?(?P<effort>{_DURATION}(?:\s*[-–—,;:][^()]*|\s+(?:with|including|incl|for)\b[^()]*)?)"
    r"\)\s*$",
    re.I,
)
_TRAILING_PAREN = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
_TRAILING_STATUS = re.compile(r"\s+[-–—:]\s+(?P<phrase>[^-–—:()]+)$")
_INNER_STATUS_TAIL = re.compile(r"\s*[-–—,;:]\s*(?P<phrase>[^-–—,;:]+)$")
_PRIORITY_ONLY = re.compile(
    r"(?:priority\s*:?\s*)?(?:critical|high|medium|low|p[0-3])(?:[- ]priority)?", re.I
)
_TITLE_EDGES = " \t:;,-–—|"
_FILLED_LATER = (
    "priority",
    "key",
    "owner",
    "due",
    "effort",
    "notes",
    "evidence",
    "blocked_reason",
    "waiver_reason",
    "waiver_until",
    "scenarios",
)


@dataclass
class Header:
    """Launch facts a free-form document may state outside any item."""

    target_date: date | None = None
    scenario: str | None = None
    timezone: str | None = None


@dataclass
class _Section:
    level: int
    info: HeadingInfo
    parent: _Section | None
    category: str | None
    skipped: bool
    priority: Priority | None = None  # from a "**Priority:** ..." line in the section
    effort: str | None = None  # from an "**Effort:** ..." line in the section


@dataclass
class _Draft:
    """An item being read: what its own lines say, before inheritance."""

    title: str
    line: int
    section: _Section
    indent: int
    keep: bool = True  # False: a skipped item whose indented lines are swallowed
    status: Status | None = None  # stated on the item line: box, emoji or table cell
    stated_status: Status | None = None  # a "Status:" detail or "(needs verification)"
    priority: Priority | None = None
    key: str | None = None
    owner: str | None = None
    due: date | None = None
    effort: str | None = None
    evidence: str | None = None
    blocked_reason: str | None = None
    waiver_reason: str | None = None
    waiver_until: date | None = None
    scenarios: tuple[str, ...] | None = None
    notes: list[str] = field(default_factory=list)
    detail_indents: list[int] = field(default_factory=list)
    in_notes_block: bool = False


class FreeformReader:
    """One pass over the lines of a document; `read` returns the items and header facts."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._root = _Section(0, read_heading(""), None, None, skipped=False)
        self._section = self._root
        self._drafts: list[_Draft] = []
        self._current: _Draft | None = None
        self._list_skipped = False
        self._header = Header()
        self.title: str | None = None

    def read(self) -> tuple[list[ParsedItem], Header]:
        lines = self._lines
        index = 0
        while index < len(lines):
            index = self._read_line(index, lines[index].expandtabs(4))
        self._close()
        return _merge_duplicates([_finish(draft) for draft in self._drafts if draft.keep]), (
            self._header
        )

    # --- line dispatch -------------------------------------------------------------------

    def _read_line(self, index: int, line: str) -> int:
        """Read the block starting at `index`; return the index of the next unread line."""
        if not line.strip():
            return index + 1
        indent = len(line) - len(line.lstrip(" "))
        fence = _FENCE.match(line.lstrip())
        if fence:
            if not self._inside_item(indent):
                self._close()
            return self._skip_fence(index, fence.group(1))
        if line.lstrip().startswith(_COMMENT_START):
            return self._skip_comment(index)
        heading = _HEADING.match(line)
        if heading and heading.group(1):
            self._close()
            self._open_section(len(heading.group(1)), heading.group(2) or "")
            return index + 1
        if _RULE.match(line):
            self._close()
            return index + 1
        next_line = self._lines[index + 1] if index + 1 < len(self._lines) else ""
        if _TABLE_ROW.match(line) and is_delimiter_row(next_line):
            self._close()
            return self._read_table(index)
        item = _LIST_ITEM.match(line)
        if item:
            self._read_list_item(index, len(item.group(1)), item.group(3) or "")
            return index + 1
        if self._inside_item(indent):
            self._add_detail(line.strip(), indent)
            return index + 1
        self._close()
        self._read_paragraph_line(line.strip())
        return index + 1

    def _inside_item(self, indent: int) -> bool:
        return self._current is not None and indent > self._current.indent

    def _skip_fence(self, index: int, opener: str) -> int:
        index += 1
        while index < len(self._lines):
            stripped = self._lines[index].strip()
            if stripped.startswith(opener[0] * len(opener)) and not stripped.strip(opener[0]):
                return index + 1
            index += 1
        return index

    def _skip_comment(self, index: int) -> int:
        while index < len(self._lines) and _COMMENT_END not in self._lines[index]:
            index += 1
        return index + 1

    # --- sections ------------------------------------------------------------------------

    def _open_section(self, level: int, text: str) -> None:
        self._list_skipped = False
        if level == 1 and self.title is None:
            # The document's title, not a topic: its sections hang off the root.
            self.title = collapse_spaces(strip_emphasis(text)) or None
            return
        parent = self._section
        while parent.parent is not None and parent.level >= level:
            parent = parent.parent
        info = read_heading(text)
        topic = info.topic
        # "### ⚠️ CRITICAL AWS ISSUES" under "## AWS Infrastructure" names no new topic.
        if topic and parent.category and topic_words(topic) <= topic_words(parent.category):
            topic = None
        self._section = _Section(
            level=level,
            info=info,
            parent=parent,
            category=topic or parent.category,
            skipped=info.skipped or parent.skipped,
        )

    def _read_paragraph_line(self, text: str) -> None:
        labelled = split_label(text)
        if labelled is None:
            self._list_skipped = False
            return
        label, value = labelled
        if not value:
            # "**Action Items**:" introduces the list below it.
            self._list_skipped = _SKIPPED_LIST.match(plain_text(label)) is not None
            return
        self._list_skipped = False
        name = " ".join(label.casefold().split())
        section = self._section
        if name == "priority" and section.priority is None:
            section.priority = priority_from_value(value)
        elif name in ("effort", "estimated effort", "estimate") and section.effort is None:
            section.effort = _clean_value(value)
        else:
            self._read_launch_fact(text)

    def _read_launch_fact(self, text: str) -> None:
        """Target date, scenario or timezone from a "Label: value" line; the first one wins."""
        labelled = split_label(text)
        if labelled is None or not labelled[1]:
            return
        name, value = " ".join(labelled[0].casefold().split()), labelled[1]
        header = self._header
        if name in ("target date", "launch date", "go-live date", "target launch date"):
            header.target_date = header.target_date or parse_date(plain_text(value))
        elif name == "scenario":
            header.scenario = header.scenario or _clean_value(value)
        elif name in ("timezone", "time zone"):
            header.timezone = header.timezone or _clean_value(value)

    # --- items ---------------------------------------------------------------------------

    def _read_list_item(self, index: int, indent: int, content: str) -> None:
        if self._inside_item(indent):
            self._add_detail(content, indent)
            return
        self._close()
        draft = self._draft_from(content, index + 1, indent)
        if draft is not None:
            self._current = draft
        else:  # a plain bullet; "- Target date: 2026-03-01" in a header block says something
            self._read_launch_fact(content)

    def _draft_from(self, content: str, line: int, indent: int) -> _Draft | None:
        box = _CHECKBOX.match(content)
        box_status = CHECKBOX_STATUS[box.group(1)] if box else None
        text = (box.group(2) or "") if box else content
        lead, body = _split_leading_symbols(text)
        bold = _BOLD_LEAD.match(body)
        if box_status is None and not lead and bold is None:
            return None  # a plain bullet or numbered step
        skipped = not box and (self._section.skipped or self._list_skipped)
        draft = _Draft(title="", line=line, section=self._section, indent=indent, keep=False)
        if skipped:
            return draft  # swallow its details
        head, notes = body, None
        if bold and (not box or _AFTER_BOLD.match(bold.group("rest"))):
            head, notes = _split_bold(bold.group("bold"), bold.group("rest"))
        # "🔴 Critical — Title" (readybot's own layout), "HIGH: Title".
        leading_word: Priority | None = None
        word = _LEADING_PRIORITY.match(head)
        if word and (word.group(1).isupper() or priority_from_emoji(lead)):
            head = head[word.end() :]
            leading_word = priority_from_value(word.group(1))
        status = _status_from_symbols(lead) or _status_from_symbols(_leading(head))
        if box_status is not None:
            draft.status = refine_status(box_status, status)
        else:
            draft.status = status
        # Words beat emoji; "(CRITICAL)" at the end of the title is found by clean_title.
        draft.priority = (
            leading_word or priority_from_words(head) or priority_from_emoji(lead + _leading(head))
        )
        title, effort, stated, priority, extra = clean_title(head)
        draft.title, draft.effort, draft.stated_status = title, effort, stated
        draft.priority = draft.priority or priority
        draft.notes.extend(note for note in (extra, notes) if note)
        draft.keep = _is_real_title(title)
        return draft

    def _add_detail(self, text: str, indent: int) -> None:
        draft = self._current
        if draft is None or not draft.keep:
            return
        stack = draft.detail_indents
        while stack and indent < stack[-1]:
            stack.pop()
        if not stack or indent > stack[-1]:
            stack.append(indent)
        depth = len(stack) - 1
        if depth == 0:
            draft.in_notes_block = False
            if _apply_field(draft, text):
                return
        elif draft.in_notes_block:
            depth -= 1  # the lines of a "Notes:" block are the notes themselves
        line = note_text(_QUOTE_MARKER.sub("", text))
        if line:
            draft.notes.append("  " * depth + line)

    def _read_table(self, index: int) -> int:
        rows = []
        while index < len(self._lines) and _TABLE_ROW.match(self._lines[index]):
            rows.append((index + 1, self._lines[index]))
            index += 1
        if self._section.skipped:
            return index
        for row in read_table(rows):
            title, effort, stated, priority, extra = clean_title(row.title)
            if not _is_real_title(title):
                continue
            draft = _Draft(
                title=title,
                line=row.line,
                section=self._section,
                indent=-1,
                status=refine_status(row.status, stated),
                priority=row.priority or priority,
                owner=row.owner,
                effort=row.effort or effort,
                evidence=row.evidence,
                notes=[note for note in [extra, *row.notes] if note],
            )
            self._drafts.append(draft)
        return index

    def _close(self) -> None:
        if self._current is not None:
            self._drafts.append(self._current)
            self._current = None


# --- item text -------------------------------------------------------------------------------


def _split_leading_symbols(text: str) -> tuple[str, str]:
    """("✅ ", rest) for "✅ rest": the leading status/priority emoji of an item."""
    index = 0
    lead = []
    while index < len(text):
        char = text[index]
        if char in STATUS_EMOJI or char in PRIORITY_EMOJI:
            lead.append(char)
        elif not (char.isspace() or char in VARIATION_SELECTORS or char == "\u200d"):
            break
        index += 1
    return "".join(lead), text[index:]


def _leading(text: str) -> str:
    return _split_leading_symbols(text)[0]


def _status_from_symbols(symbols: str) -> Status | None:
    for char in symbols:
        if char in STATUS_EMOJI:
            return STATUS_EMOJI[char]
    return None


def _split_bold(bold: str, rest: str) -> tuple[str, str | None]:
    """Title and notes of "**Title**: notes", "**Title:** notes", "**Title** (1-2 days)"."""
    separator = _AFTER_BOLD.match(rest)
    if separator:
        return bold, note_text(rest[separator.end() :]) or None
    if bold.rstrip().endswith(":"):  # "**Backups:** nightly"
        return bold.rstrip()[:-1], note_text(rest) or None
    rest = rest.strip()
    if rest.startswith("("):
        close = rest.find(")")
        if close != -1:
            # "(1-2 days)" is taken out as effort by clean_title; "(Business ...)" stays.
            tail = _AFTER_BOLD.sub("", rest[close + 1 :], count=1)
            return f"{bold} {rest[: close + 1]}", note_text(tail) or None
    return (f"{bold} {rest}" if rest else bold), None


def clean_title(
    raw: str,
) -> tuple[str, str | None, Status | None, Priority | None, str | None]:
    """(title, effort, status, priority, note) from an item's raw title text.

    Markup and emoji go; a trailing "(1-2 days)" becomes the effort; a trailing "(CRITICAL)"
    the priority; a trailing "(needs verification)" or "- not implemented" the status, kept
    as a note because it says more than the status does.
    """
    title = plain_text(raw)
    effort = status = priority = note = None
    for _ in range(3):  # a title rarely carries more than effort, priority and status
        match = _EFFORT_PAREN.search(title)
        if match and effort is None:
            effort = match.group("effort").strip()
            title = title[: match.start()]
            continue
        match = _TRAILING_PAREN.search(title)
        if match and match.start() > 0:
            inner = match.group("inner").strip()
            if _PRIORITY_ONLY.fullmatch(inner) and priority is None:
                priority = priority_from_value(inner)
                title = title[: match.start()]
                continue
            if status_phrase(inner) is not None and status is None:
                status, note = status_phrase(inner), inner
                title = title[: match.start()]
                continue
            tail = _INNER_STATUS_TAIL.search(inner)
            if tail and status_phrase(tail.group("phrase")) is not None and status is None:
                # "Patient data export (HIPAA right of access - not implemented)"
                status, note = status_phrase(tail.group("phrase")), tail.group("phrase").strip()
                kept = inner[: tail.start()].strip()
                title = f"{title[: match.start()]} ({kept})" if kept else title[: match.start()]
                continue
        match = _TRAILING_STATUS.search(title)
        if match and status_phrase(match.group("phrase")) is not None and status is None:
            status = status_phrase(match.group("phrase"))
            title = title[: match.start()]
            continue
        break
    title = truncate(collapse_spaces(title).strip(_TITLE_EDGES), TITLE_MAX)
    return title, effort, status, priority, note


def _is_real_title(title: str) -> bool:
    """Whether a cleaned title names a checklist item (not "Risk", a file path or a URL)."""
    if not any(char.isalnum() for char in title):
        return False
    if title.casefold() in _JUNK_TITLES:
        return False
    return not (_PATH_ONLY.match(title) or _URL_ONLY.match(title))


def _clean_value(value: str) -> str | None:
    return collapse_spaces(plain_text(value)) or None


def _apply_field(draft: _Draft, text: str) -> bool:
    """Fill a field from a "Label: value" detail line; False if it is just a note."""
    labelled = split_label(text)
    if labelled is None:
        return False
    label, value = labelled
    name = field_of(label)
    if name == "notes":
        if value:  # "Notes: text": the text is the note
            draft.notes.append(note_text(value))
        else:  # "Notes:" and the lines under it
            draft.in_notes_block = True
        return True
    if name is None or not value:
        return False
    if name == "status":
        stated = status_from_value(value)
        if stated is None:
            return False
        draft.stated_status = stated
    elif name == "priority":
        priority = priority_from_value(value)
        if priority is None:
            return False
        draft.priority = priority
    elif name in ("due", "waiver_until"):
        when = parse_date(value)
        if when is None:
            return False
        setattr(draft, name, when)
    elif name == "scenarios":
        draft.scenarios = tuple(part.strip() for part in plain_text(value).split(",") if part)
    elif getattr(draft, name) is None:
        setattr(draft, name, _clean_value(value) if name != "evidence" else note_text(value))
    return True


# --- inheritance and merging -----------------------------------------------------------------


def _inherited_priority(section: _Section) -> Priority | None:
    # Words on any enclosing heading beat colour dots on nearer ones: in "## 🟡 HIGH
    # PRIORITY" > "### 11. Mobile Responsiveness 🟡" the author's yellow means high.
    node: _Section | None = section
    while node is not None:
        if node.priority is not None:
            return node.priority
        if node.info.priority_word is not None:
            return node.info.priority_word
        node = node.parent
    node = section
    while node is not None:
        if node.info.priority_emoji is not None:
            return node.info.priority_emoji
        node = node.parent
    return None


def _inherited_status(section: _Section) -> Status | None:
    node: _Section | None = section
    while node is not None:
        if node.info.status is not None:
            return node.info.status
        node = node.parent
    return None


def _inherited_effort(section: _Section) -> str | None:
    node: _Section | None = section
    while node is not None:
        if node.effort is not None:
            return node.effort
        node = node.parent
    return None


def _finish(draft: _Draft) -> ParsedItem:
    if draft.status is not None:
        status = refine_status(draft.status, draft.stated_status)
    else:
        status = draft.stated_status or _inherited_status(draft.section) or Status.TODO
    return ParsedItem(
        title=draft.title,
        category=draft.section.category or DEFAULT_CATEGORY,
        status=status,
        priority=draft.priority or _inherited_priority(draft.section),
        key=draft.key,
        owner=draft.owner,
        due=draft.due,
        effort=draft.effort or _inherited_effort(draft.section),
        notes="\n".join(draft.notes) or None,
        evidence=draft.evidence,
        blocked_reason=draft.blocked_reason,
        waiver_reason=draft.waiver_reason,
        waiver_until=draft.waiver_until,
        scenarios=draft.scenarios,
        line=draft.line,
    )


def _merge_duplicates(items: list[ParsedItem]) -> list[ParsedItem]:
    """One item per import_ref: the first occurrence, blanks filled from later ones."""
    first: dict[str, ParsedItem] = {}
    for item in items:
        ref = import_ref(item.category, item.title)
        kept = first.get(ref)
        if kept is None:
            first[ref] = item
            continue
        for name in _FILLED_LATER:
            if getattr(kept, name) is None:
                setattr(kept, name, getattr(item, name))
    return list(first.values())
