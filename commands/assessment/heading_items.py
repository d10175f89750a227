"""Items written as headings: "#### GL-004 Backups verified ❌ 🔴" followed by
"Priority:", "Status:", "Responsible:", "Due:" or "Effort:" lines.

A section is such an item when it produced no items of its own and its heading gives an
id, or its field lines give a status, owner, priority or due date. Its prose becomes
the notes, its id the key; the category is that of the section above it.
"""

from __future__ import annotations

from commands.assessment.drafts import Draft, Section, Sink, apply_field, label_value
from commands.assessment.fields import field_of, split_label
from commands.assessment.questions import is_question, question_label, question_title
from commands.assessment.roles import Role
from commands.assessment.titles import is_real_title, split_title
from commands.assessment.vocabulary import (
    priority_from_emoji,
    priority_from_words,
    status_from_emoji,
)

_SIGNALS = frozenset({"status", "owner", "priority", "due", "key"})


def heading_item(section: Section, sink: Sink) -> Draft | None:
    """The item a closing section states as a heading, or None."""
    line = section.heading_line
    if line is None or section.item_count or section.parent is None:
        return None
    names = {field_of(label) for label in section.fields}
    # "### Helpdesk FAQ published" / "Status: Not started" among other heading items is
    # one too, whatever its words suggest.
    among_items = section.parent.heading_items > 0 and "status" in names
    if section.role is Role.SCENARIO or (section.role is Role.PLAN and not among_items):
        return None
    parts = split_title(line.text)
    if _answered(section):
        # "### OPS 6. How do you mitigate deployment risks?" over "Response:" / "Risk level:"
        key, parts.title, rest = question_title(line.text)
        parts.key, parts.note = key or parts.key, rest
    elif not (parts.key or names & _SIGNALS or _finding(section)) or not is_real_title(parts.title):
        return None
    draft = Draft(title=parts.title, line=line.number, section=section.parent)
    draft.source = sink.source(line.number)
    draft.key, draft.effort = parts.key, parts.effort
    draft.status = status_from_emoji(line.text)
    draft.stated_status = parts.status
    for label, value in section.fields.items():
        apply_field(draft, label, value)
    draft.priority = (
        draft.priority
        or priority_from_words(line.text)
        or parts.priority
        or priority_from_emoji(line.text)
    )
    draft.notes += [note for note in section.notes if note]
    draft.notes = [note for note in [parts.note, *draft.notes] if note]
    draft.evidence += [*line.evidence, *line.links, *section.evidence]
    for field_line in section.field_lines:  # "- Evidence: [Q1 review](https://...)"
        links = [*field_line.evidence, *field_line.links]
        labelled = label_value(field_line)
        if links and labelled and labelled[1] in draft.evidence:
            draft.evidence.remove(labelled[1])  # the link's words: its target is the evidence
        draft.evidence += links
    section.parent.heading_items += 1
    return draft


def _finding(section: Section) -> bool:
    """ "### 1. TLS Not Configured ❌" over a paragraph, among "Critical gaps" (or marked
    with a status of its own): a finding written as a heading, explained in prose."""
    line, parent = section.heading_line, section.parent
    if line is None or parent is None or not any(section.notes):
        return False
    gap = any(node.role in (Role.CRITICAL, Role.GAPS) for node in parent.ancestors()[:2])
    return gap or (status_from_emoji(line.text) is not None and parent.heading_items > 0)


def _answered(section: Section) -> bool:
    """A question heading whose section answers it (`questions`)."""
    if section.heading_line is None or not is_question(section.heading_line.text):
        return False
    for note in section.notes:
        labelled = split_label(note)
        if labelled is not None and question_label(labelled[0]) is not None:
            return True
    return False
