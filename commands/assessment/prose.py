"""Paragraph lines: claims, label lines, field lines, launch facts and bold findings.

A paragraph is read line by line, because generated documents stack one-line facts
("**Priority:** 🔴 CRITICAL" / "**Effort:** 1-2 days") in one paragraph:

* a claim about the document's result ("Overall Readiness: 75%") goes to `claims`;
* a label alone on a line ("**Communications**", "Technical:", "**Action Items**:")
  opens a group for what follows: a category, or a role for the list below it;
* `Label: value` lines with a field label belong to the section (`section_fields`);
* "Target date:", "Scenario:", "Timezone:" are launch facts;
* "**Missing rate limiting**: the API ..." is a bold-titled finding, an item, when it
  states a status or priority or stands in a findings section;
* anything else is prose, counted as skipped.
"""

from __future__ import annotations

import re

from commands.assessment.blocks import Paragraph
from commands.assessment.claims import read_claim
from commands.assessment.drafts import Draft, Sink, apply_field, label_value, section_blocker
from commands.assessment.fields import field_of, parse_date
from commands.assessment.inline_render import Line
from commands.assessment.model import Assessment
from commands.assessment.questions import answer_lines, is_question, question_label, question_title
from commands.assessment.roles import Role
from commands.assessment.scenarios import stated_scenario
from commands.assessment.section_fields import apply_section_field
from commands.assessment.titles import is_real_title, split_title
from commands.assessment.vocabulary import (
    PRIORITY_EMOJI,
    STATUS_EMOJI,
    priority_from_emoji,
    priority_from_words,
    status_from_emoji,
    status_from_value,
)

_LABEL_MAX = 80
_FINDING_ROLES = (Role.CRITICAL, Role.GAPS, Role.DONE, Role.NEXT)
_SENTENCE = re.compile(r"[.!?]\s+\S")
_TARGET_LABELS = frozenset(
    {"target date", "launch date", "go-live date", "target launch date", "release date"}
)
# Labels that name the target only when a date follows ("Target: 99.9% uptime" does not).
_LOOSE_TARGET_LABELS = frozenset(
    {"target", "target release", "go live", "go-live", "launch", "cut-over date", "cutover date"}
)
_SCENARIO_LABELS = frozenset({"scenario", "deployment scenario", "deployment", "exposure"})


def label_of(line: Line) -> str | None:
    """The label of a line that is only a label: "**Communications**", "Technical:",
    "**Action Items**:". None for anything else (a sentence, a `Label: value` line)."""
    text = line.text.strip()
    if not text or len(text) > _LABEL_MAX or _SENTENCE.search(text):
        return None
    words = len(text.split())
    if line.lead is not None and line.lead.rstrip(":") == text.rstrip(":").strip() and words <= 8:
        return text.rstrip(":").strip()
    if text.endswith(":") and not line.links and text.count(":") == 1 and words <= 5:
        return text[:-1].strip()
    return None


def plain_label(line: Line) -> str | None:
    """A short line that names what comes right under it ("Infrastructure" over its
    boxes, "Security" over a list): a label without the colon or the bold."""
    text = line.text.strip()
    if (
        not text
        or len(text) > 40
        or len(text.split()) > 5
        or not text[:1].isalpha()
        or text.endswith((".", ",", ";", "!", "?"))
        or ": " in text
        or line.links
        or line.box is not None
    ):
        return None
    return text.rstrip(":").strip()


def read_paragraph(paragraph: Paragraph, sink: Sink, assessment: Assessment) -> list[str]:
    """Read a paragraph; returns the label lines it opens (the reader groups by them)."""
    labels: list[str] = []
    if _question(paragraph, sink):
        return labels
    if (
        len(paragraph.lines) >= 2
        and not _asks(sink)
        and all(_states_itself(line) for line in paragraph.lines)
    ):
        # "**Backups**: ✅ tested weekly" / "**Monitoring**: ✅ live": a finding a line.
        for line in paragraph.lines:
            if not _finding(Paragraph([line]), sink):
                sink.skip(_reason(sink))
        return labels
    for index, line in enumerate(paragraph.lines):
        if read_claim(line.text, line.number, assessment.claims):
            continue
        label = label_of(line)
        if label is not None and len(paragraph.lines) == 1:
            labels.append(label)
            continue
        labelled = label_value(line)
        if labelled is not None and launch_fact(assessment, *labelled):
            continue
        if (
            labelled is not None
            and field_of(labelled[0])
            and apply_section_field(sink.section, labelled, line)
        ):
            continue
        if labelled is not None and question_label(labelled[0]) and _asks(sink):
            sink.section.notes.append(line.note)  # "**Response:** ..." under a question
            sink.skip(_reason(sink))
            continue
        if index == 0 and _finding(paragraph, sink):
            return labels
        blocker = section_blocker(line.text) if len(paragraph.lines) <= 2 else None
        if blocker is not None:
            sink.section.blocked = sink.section.blocked or blocker
            sink.section.notes.append(line.note)  # a heading item's own blocker, too
            continue
        sink.skip("links" if line.is_link_only else _reason(sink))
        if line.text and (not labelled or question_label(labelled[0])):
            sink.section.notes.append(line.note)  # "Answer: ..." of a question heading too
            sink.section.evidence += [*line.evidence, *line.links]
    return labels


def _reason(sink: Sink) -> str:
    if sink.section.role is Role.PLAN:
        return "plan/summary sections"
    if sink.section.role is Role.SCENARIO:
        return "scenario conditions"
    return "prose"


def launch_fact(assessment: Assessment, label: str, value: str) -> bool:
    name = " ".join(label.casefold().split())
    if name in _TARGET_LABELS or name in _LOOSE_TARGET_LABELS:
        # "March 28, 2026 · Decision meeting: March 26": the first of several facts.
        first = re.split(r"\s+[·|•]\s+|;\s+", value.strip(), maxsplit=1)[0]
        when = parse_date(first)
        assessment.target_date = assessment.target_date or when
        return name in _TARGET_LABELS or when is not None
    if name in _SCENARIO_LABELS and stated_scenario(value) is not None:
        scenario = stated_scenario(value)
        assessment.scenario = assessment.scenario or (scenario.value if scenario else None)
        return True
    if name in ("timezone", "time zone"):
        assessment.timezone = assessment.timezone or value.strip() or None
        return True
    return False


def _states_itself(line: Line) -> bool:
    """A bold-labelled line whose value opens with a status: "**Backups**: ✅ weekly"."""
    if line.lead is None or field_of(line.lead.rstrip(":").strip()) is not None:
        return False
    rest = line.rest.lstrip(":-–— ").strip()
    return bool(rest) and (rest[:1] in STATUS_EMOJI or status_from_value(rest) is not None)


def _asks(sink: Sink) -> bool:
    heading = sink.section.heading_line
    return heading is not None and is_question(heading.text)


def _question(paragraph: Paragraph, sink: Sink) -> bool:
    """A review question and its answer lines: "**REL-02. Any single points of failure?**"
    over "Answer: ...", "Risk: High", "Action: ..." (`questions`)."""
    lines = paragraph.lines
    asked = next((index for index, line in enumerate(lines[:3]) if is_question(line.text)), None)
    if asked is None or sink.section.role in (Role.PLAN, Role.SCENARIO):
        return False
    if any(label_value(line) for line in lines[:asked]) or not answer_lines(lines[asked + 1 :]):
        return False
    first = lines[0]
    key, title, rest = question_title(" ".join(line.text for line in lines[: asked + 1]))
    if not is_real_title(title):
        return False
    draft = Draft(title=title, line=first.number, section=sink.section, key=key)
    draft.source = sink.source(first.number)
    draft.notes += [rest] if rest else []
    for line in lines[asked + 1 :]:
        labelled = label_value(line)
        if labelled and not question_label(labelled[0]) and apply_field(draft, *labelled):
            continue  # "Owner: @tom" under the question
        draft.notes.append(line.note)
    for line in lines:
        draft.evidence += [*line.evidence, *line.links]
    sink.emit(draft)
    return True


def _finding(paragraph: Paragraph, sink: Sink) -> bool:
    """A bold-titled finding: "**No rate limiting**: the API accepts ..." (first line)."""
    first = paragraph.lines[0]
    if first.lead is None or sink.section.role in (Role.PLAN, Role.SCENARIO):
        return False
    lead = first.lead.rstrip(":").strip()
    rest = first.rest.lstrip(":-–— ").strip()
    if field_of(lead) is not None:
        return False
    lead_status = status_from_emoji(lead)
    signal = (
        lead_status is not None
        or any(char in PRIORITY_EMOJI for char in lead)
        or (rest and (status_from_value(rest) is not None or rest[:1] in STATUS_EMOJI))
        or sink.section.role in _FINDING_ROLES
    )
    if not signal or (not rest and sink.section.role not in _FINDING_ROLES):
        return False
    parts = split_title(lead)
    if not is_real_title(parts.title) or lead.endswith("?"):
        return False
    draft = Draft(title=parts.title, line=first.number, section=sink.section)
    draft.source = sink.source(first.number)
    draft.status = lead_status or (status_from_value(rest) if rest else None)
    draft.stated_status = parts.status
    draft.priority = priority_from_words(lead) or parts.priority or priority_from_emoji(lead)
    draft.effort, draft.key = parts.effort, parts.key
    draft.notes += [part for part in (parts.note, rest) if part]
    draft.notes += [line.note for line in paragraph.lines[1:] if line.note]
    for line in paragraph.lines:
        draft.evidence += [*line.evidence, *line.links]
    sink.emit(draft)
    return True
