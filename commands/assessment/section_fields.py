"""`Label: value` lines that belong to a section rather than to one item.

"**Priority:** 🔴 CRITICAL" and "**Effort:** 1-2 days" under a heading apply to the
section's items that state none; "Owner: @alice" names the section's owner; and every
field line is kept, because a heading followed by `Status:` / `Priority:` /
`Responsible:` lines and no items of its own is itself an item (`heading_items`).
"""

from __future__ import annotations

from commands.assessment.drafts import Section
from commands.assessment.fields import field_of
from commands.assessment.inline_render import Line
from commands.assessment.vocabulary import priority_from_label


def apply_section_field(section: Section, labelled: tuple[str, str], line: Line) -> bool:
    """Record a field line of `section`; False if the label is not a field."""
    label, value = labelled
    name = field_of(label)
    if name is None or not value:
        return False
    if name == "priority" and section.priority is None:
        section.priority = priority_from_label(value)
    elif name == "effort" and section.effort is None:
        section.effort = value
    elif name == "owner" and section.owner is None:
        section.owner = value
    section.fields.setdefault(label, value)
    section.field_lines.append(line)
    return True
