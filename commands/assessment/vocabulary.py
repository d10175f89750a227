"""The words and emoji assessment documents use for priority and status.

Readiness documents are written by people and by chat assistants with a small, stable
vocabulary: colour dots for priority (🔴 🟠 🟡 🟢), ✅ / ❌ / ⚠️ for state, and the usual
words (CRITICAL, "High Priority", "Must Fix", Done, Partial, N/A ...). This module turns that
vocabulary into `Priority` and `Status` values; it never looks at document structure.
"""

from __future__ import annotations

import re

from commands.assessment.folding import mentioning
from storage.vocabulary import Priority, Status

# Colour dots: the de-facto priority palette of generated assessments.
PRIORITY_EMOJI: dict[str, Priority] = {
    "🔴": Priority.CRITICAL,
    "🟠": Priority.HIGH,
    "🟡": Priority.MEDIUM,
    "🟢": Priority.LOW,
}
PRIORITY_ICON: dict[Priority, str] = {priority: icon for icon, priority in PRIORITY_EMOJI.items()}

# Variation selectors are dropped before lookup, so "⚠" and "⚠️" are the same key.
STATUS_EMOJI: dict[str, Status] = {
    "✅": Status.DONE,
    "✔": Status.DONE,
    "☑": Status.DONE,
    "✓": Status.DONE,
    "❌": Status.TODO,
    "❎": Status.TODO,
    "✗": Status.TODO,
    "✘": Status.TODO,
    "✖": Status.TODO,
    "⚠": Status.IN_PROGRESS,
    "🚧": Status.IN_PROGRESS,
    "🔄": Status.IN_PROGRESS,
    "⏳": Status.IN_PROGRESS,
    "⛔": Status.BLOCKED,
    "🚫": Status.BLOCKED,
    "☐": Status.TODO,
    "☒": Status.DONE,
    "⬜": Status.TODO,
    "🔲": Status.TODO,
    "⭕": Status.TODO,
    "✳": Status.IN_PROGRESS,
    "◐": Status.IN_PROGRESS,
    "◑": Status.IN_PROGRESS,
}

VARIATION_SELECTORS = "\ufe0e\ufe0f"

# Task-list boxes. `[ ]`/`[x]` are GitHub's; the others are the common extensions
# (Obsidian and friends) so that a box can say all five states on its own.
CHECKBOX_STATUS: dict[str, Status] = {
    " ": Status.TODO,
    "x": Status.DONE,
    "X": Status.DONE,
    "~": Status.IN_PROGRESS,
    "/": Status.IN_PROGRESS,
    "!": Status.BLOCKED,
    "-": Status.WAIVED,
}

OPEN = frozenset({Status.TODO, Status.IN_PROGRESS, Status.BLOCKED})

_WORD_PRIORITY = {
    "critical": Priority.CRITICAL,
    "high": Priority.HIGH,
    "medium": Priority.MEDIUM,
    "low": Priority.LOW,
}
_P_NUMBER = {"0": Priority.CRITICAL, "1": Priority.HIGH, "2": Priority.MEDIUM, "3": Priority.LOW}

# Priority words inside running text. Lower-case "critical" or "high" in a sentence
# ("tests for critical functions", "high availability") is not a priority, so a bare word
# only counts in capitals or next to a word that makes it one.
_PRIORITY_PATTERNS: tuple[tuple[re.Pattern[str], Priority | None], ...] = (
    (
        re.compile(
            r"\bmust[- ]?(?:fix|do|have|complete|haves|be[- ]done)\b|\blaunch[- ]blocking\b", re.I
        ),
        Priority.CRITICAL,
    ),
    (re.compile(r"\bnice[- ]to[- ]haves?\b|\bcould[- ]haves?\b", re.I), Priority.LOW),
    # "P1" ranks the item, unless it counts other things ("All P1 bugs closed").
    (
        re.compile(
            r"\bP([0-3])\b(?![ -](?:bugs?|issues?|incidents?|defects?|tickets?|alerts?|pages?)\b)"
        ),
        None,
    ),
    (re.compile(r"\b(CRITICAL|HIGH|MEDIUM|LOW)\b"), None),
    (
        re.compile(
            r"\b(critical|high|medium|low)[- ](?:priority|severity|risk|impact|gaps?|issues?)\b",
            re.I,
        ),
        None,
    ),
    (re.compile(r"\b(?:priority|severity)\s*[:=]?\s*(critical|high|medium|low)\b", re.I), None),
    (re.compile(r"\((critical|high|medium|low)\)", re.I), None),
)

_ANY_PRIORITY_WORD = re.compile(r"\b(critical|high|medium|low)\b", re.I)


def _priority_of(match: re.Match[str], fixed: Priority | None) -> Priority:
    if fixed is not None:
        return fixed
    word = match.group(1)
    if word in _P_NUMBER:
        return _P_NUMBER[word]
    return _WORD_PRIORITY[word.lower()]


# Cheap pre-check: most lines mention no priority at all. (`_MAY_RANK` first: cheaper
# still, and true wherever the hint matches.)
_PRIORITY_HINT = re.compile(r"critical|high|medium|low|must|nice|could|P[0-3]", re.I)
_MAY_RANK = mentioning(
    "critical", "high", "medium", "low", "must", "nice", "could", "p0", "p1", "p2", "p3"
)


def priority_word_spans(text: str) -> list[tuple[int, int, Priority]]:
    """Every priority phrase in running text, as (start, end, priority), in text order."""
    if not (_MAY_RANK(text) and _PRIORITY_HINT.search(text)):
        return []
    spans = [
        (m.start(), m.end(), _priority_of(m, fixed))
        for pattern, fixed in _PRIORITY_PATTERNS
        for m in pattern.finditer(text)
    ]
    return sorted(spans, key=lambda span: (span[0], -span[1]))


def priority_from_words(text: str) -> Priority | None:
    """The first priority phrase in running text ("CRITICAL", "(High Priority)", "Must Fix")."""
    spans = priority_word_spans(text)
    return spans[0][2] if spans else None


def priority_from_emoji(text: str) -> Priority | None:
    """The first colour dot in the text."""
    for char in text:
        if char in PRIORITY_EMOJI:
            return PRIORITY_EMOJI[char]
    return None


def priority_from_value(value: str) -> Priority | None:
    """Priority from the value of an explicit `Priority:` field, where any case is meant.

    "🟠 HIGH (if monetized), 🟢 LOW (if free)" is high: the first word wins, then the first dot.
    """
    match = _ANY_PRIORITY_WORD.search(value)
    if match:
        return _WORD_PRIORITY[match.group(1).lower()]
    spans = priority_word_spans(value)
    return spans[0][2] if spans else priority_from_emoji(value)


def status_from_emoji(text: str) -> Status | None:
    """The status of the first status emoji in the text (✅ done, ❌ todo, ⚠️ in progress)."""
    for char in text:
        if char in STATUS_EMOJI:
            return STATUS_EMOJI[char]
    return None


# Longest phrases first so that "not ready" is not read as "ready", nor "n/a" as "no".
_STATUS_WORDS: tuple[tuple[str, Status], ...] = (
    (
        r"not (?:yet )?(?:started|done|ready|implemented|configured|complete|completed|verified"
        r"|tested|deployed|signed|set up|enabled|available|working|in place|met|passed|approved"
        r"|applicable|present|defined|documented)",
        Status.TODO,
    ),
    (
        r"not applicable|n/a|won'?t (?:do|fix)|wontfix|out of scope|waived|skipped"
        r"|accepted risk|risk[- ]accepted",
        Status.WAIVED,
    ),
    (
        r"in[- ]progress|wip|partial(?:ly)?(?: done| complete| completed)?|started|ongoing"
        r"|underway|in review|needs? (?:verification|testing|review|work|attention)|partially"
        r"|in development|under review|pending review|at risk|on track|in remediation"
        r"|remediation in progress|being (?:fixed|addressed|remediated)"
        r"|in draft|drafted|draft(?: only| ready| in review)?(?=\W*$)",
        Status.IN_PROGRESS,
    ),
    (r"blocked|on hold|stuck|waiting(?: on| for)?", Status.BLOCKED),
    (
        r"done|complete|completed|finished|yes|pass|passed|passing|ok|ready|implemented"
        r"|verified|shipped|live|enabled|in place|working|works|tested|operational|functional"
        r"|configured|deployed|resolved|fixed|achieved|met|approved|signed off|active"
        r"|mitigated|remediated|migrated|merged|released|rolled out|provisioned|installed"
        r"|delivered|published|closed",
        Status.DONE,
    ),
    (
        r"to[- ]?do|no|missing|open|pending|fail|failed|failing|absent|none|tbd|planned"
        r"|incomplete|not[- ]started|broken|disabled|outstanding|scheduled|late|overdue"
        r"|never (?:done|performed|tested|run)",
        Status.TODO,
    ),
)
_STATUS_ALTERNATION = "|".join(
    f"(?P<s{index}>{words})" for index, (words, _) in enumerate(_STATUS_WORDS)
)
_STATUS_LEADING = re.compile(rf"(?:{_STATUS_ALTERNATION})(?![\w/])", re.I)
_STATUS_WHOLE = re.compile(rf"(?:{_STATUS_ALTERNATION})[.!]?", re.I)


def _status_of(match: re.Match[str]) -> Status:
    for index, (_, status) in enumerate(_STATUS_WORDS):
        if match.group(f"s{index}") is not None:
            return status
    raise AssertionError("unreachable: one alternative always matches")


def status_from_value(value: str) -> Status | None:
    """Status stated at the start of a value: a table cell, a `Status:` field, a box.

    "✅ Done", "⚠️ Partial (60%)", "In progress - vendor call on Friday", "N/A". Returns None
    when the value does not start with a status ("User manually re-enabled (needs review)").
    """
    text = value.strip().lstrip("*_`[( ").strip()
    if not text:
        return None
    if text[0] in STATUS_EMOJI:
        return STATUS_EMOJI[text[0]]
    # Marks that are not statuses of their own ("○ N/A", "• Done") leave the words to say it.
    text = text.lstrip("○◯●•·◦▪▫-–— ").strip()
    if not text:
        return None
    match = _STATUS_LEADING.match(text)
    return _status_of(match) if match else None


def status_phrase(text: str) -> Status | None:
    """Status when the whole text is a status phrase ("needs verification", "not implemented")."""
    match = _STATUS_WHOLE.fullmatch(text.strip())
    return _status_of(match) if match else None


def refine_status(box: Status, stated: Status | None) -> Status:
    """Combine a checkbox (or status emoji) with a more specific stated status.

    The box decides open versus closed, because ticking a box is the edit people make; a
    stated status only picks which open (todo, in progress, blocked) or closed (done,
    waived) state it is.
    """
    if stated is None or (stated in OPEN) != (box in OPEN):
        return box
    return stated


# Labels that rank an item without the four words: MoSCoW, severity scales, "(R)" marks.
# Only for text that *is* a label (a table cell, a `Priority:` value, a "(required)" or
# "[MUST]" tag), never for running prose, where "should" and "must" are ordinary verbs.
_LABEL_PRIORITY: tuple[tuple[re.Pattern[str], Priority], ...] = (
    (
        re.compile(
            r"^(?:must(?:[- ]have)?|m|required|mandatory|blocker|blocking|urgent|highest|p0|sev ?[01]"
            r"|showstopper)$",
            re.I,
        ),
        Priority.CRITICAL,
    ),
    (re.compile(r"^(?:should(?:[- ]have)?|s|major|important|p1|sev ?2)$", re.I), Priority.HIGH),
    (
        re.compile(r"^(?:could(?:[- ]have)?|c|recommended|normal|moderate|p2|sev ?3)$", re.I),
        Priority.MEDIUM,
    ),
    (
        re.compile(
            r"^(?:won'?t(?:[- ]have)?|w|optional|nice[- ]to[- ]have|minor|trivial|lowest|p3|p4|sev ?[45]"
            r"|informational|info)$",
            re.I,
        ),
        Priority.LOW,
    ),
)
# "(R)", "(required)", "(optional)", "[MUST]", "(Should have)" at either end of a title.
TAG_PRIORITY = re.compile(
    r"[(\[]\s*(?P<tag>r|o|required|mandatory|optional|must(?:[- ]have)?|should(?:[- ]have)?"
    r"|could(?:[- ]have)?|won'?t(?:[- ]have)?|nice[- ]to[- ]have)"
    r"(?:\s*(?:[,;:-]|but|but\b)[^()\[\]]*)?\s*[)\]]",
    re.I,
)
_TAG_WORDS = {"r": Priority.CRITICAL, "o": Priority.LOW}


def priority_from_label(value: str) -> Priority | None:
    """Priority of a value that is a label: "High", "🔴 Critical", "Must have", "P1",
    "Should have 🟡" (a colour dot beats a MoSCoW word: the dot is the author's scale),
    "Optional". None when the value says nothing about priority."""
    words = priority_from_value(value)
    text = " ".join(re.sub(r"[^\w' -]", " ", value).split())
    label = next((p for pattern, p in _LABEL_PRIORITY if pattern.match(text)), None)
    dot = priority_from_emoji(value)
    if words is not None and _ANY_PRIORITY_WORD.search(value):
        return words
    if label is not None:
        return dot or label
    return words or dot


def priority_from_tag(tag: str) -> Priority | None:
    """The priority of a "(R)" / "(optional)" / "[MUST]" tag's word."""
    word = tag.strip().casefold()
    if word in _TAG_WORDS:
        return _TAG_WORDS[word]
    return priority_from_label(word)


# GitHub emoji shortcodes that checklists use for state and priority.
SHORTCODES: dict[str, str] = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔",
    "ballot_box_with_check": "☑",
    "check": "✔",
    "x": "❌",
    "negative_squared_cross_mark": "❎",
    "heavy_multiplication_x": "✖",
    "warning": "⚠️",
    "construction": "🚧",
    "hourglass": "⏳",
    "hourglass_flowing_sand": "⏳",
    "arrows_counterclockwise": "🔄",
    "no_entry": "⛔",
    "no_entry_sign": "🚫",
    "red_circle": "🔴",
    "orange_circle": "🟠",
    "yellow_circle": "🟡",
    "green_circle": "🟢",
    "white_large_square": "⬜",
    "black_square_button": "🔲",
    "o": "⭕",
    "soon": "🔜",
}
SHORTCODE = re.compile(r"(?<![\w:]):([a-z0-9_+-]*[a-z][a-z0-9_+-]*):(?![\w:])")


def expand_shortcodes(text: str) -> str:
    """ ":white_check_mark: Done" -> "✅ Done"; other shortcodes go."""
    if text.count(":") < 2:  # a shortcode has two
        return text
    # Other shortcodes (":wrench:") are decoration and go, like the emoji they stand for.
    return SHORTCODE.sub(lambda m: SHORTCODES.get(m.group(1), ""), text)
