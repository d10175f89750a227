"""Label lines as groups: "**Communications**" or "Technical:" alone on a line.

A label names a category for what follows it until the next label or heading, when it
is one of several labels in its section, or when no heading above names a topic. A
single label under a topical heading only introduces its list ("**Required:**",
"**South African Requirements:**"), and questions are never categories.
"""

from __future__ import annotations

from commands.assessment.blocks import Block, Heading, Html, Paragraph
from commands.assessment.drafts import Section
from commands.assessment.headings import read_heading
from commands.assessment.inline_render import strip_tags
from commands.assessment.prose import label_of
from commands.assessment.roles import Role, label_role
from commands.assessment.scenarios import scenario_of


def label_section(parent: Section, label: str, *, force: bool = False) -> Section | None:
    """The group a label opens under `parent`, or None when it names no topic (unless
    `force`: then a group without a category of its own, keeping the parent's)."""
    info = read_heading(label)
    topic = None if label.rstrip().endswith("?") else info.topic
    if topic is None and not force:
        return None
    keeps = info.role is Role.NORMAL or parent.role in (Role.PLAN, Role.SCENARIO)
    role = parent.role if keeps else info.role
    return Section(parent.level, info, parent, topic, role)


def _is_topical(label: str) -> bool:
    return (
        label_role(label) is Role.NORMAL
        and scenario_of(label) is None
        and not label.rstrip().endswith("?")
        and read_heading(label).topic is not None
    )


def count_topical_labels(blocks: list[Block]) -> int:
    """Topical label lines before the next heading."""
    count = 0
    for block in blocks:
        if isinstance(block, Heading):
            break
        if isinstance(block, Paragraph) and len(block.lines) == 1:
            label = label_of(block.lines[0])
            count += bool(label and _is_topical(label))
        elif isinstance(block, Html) and "<summary" in block.content.lower():
            count += _is_topical(strip_tags(block.content.split("</summary>")[0]))
    return count
