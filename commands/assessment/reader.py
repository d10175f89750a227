"""Read the checklist out of a free-form assessment: one pass over its markdown blocks.

The shape readers (`lists`, `tables`, `prose`, `heading_items`) turn blocks into drafts;
this module keeps the section stack they are read in (headings, and label lines that
group what follows), and at the end resolves the drafts: next steps and scenario
conditions against the items (`resolve`), duplicates (`merge`), categories that repeat
under different parents ("Security › Logs"), section owners and the skipped summary.
A document with no item at all is read again with plain bullets as items: a checklist
written as a plain list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from commands.assessment.blocks import (
    Block,
    Code,
    FrontMatter,
    Heading,
    Html,
    ListBlock,
    Paragraph,
    Quote,
    Table,
)
from commands.assessment.claims import read_claim
from commands.assessment.date_context import settle_dates
from commands.assessment.doc_dates import TOP_LINES, read_front_matter_date, read_stated_date
from commands.assessment.drafts import Draft, Section, category_of, label_value
from commands.assessment.heading_items import heading_item
from commands.assessment.headings import read_heading, role_heading_name, topic_words
from commands.assessment.html_blocks import html_blocks
from commands.assessment.inline import DEFAULT_CATEGORY, collapse_spaces, plain_text
from commands.assessment.inline_render import Line, strip_tags
from commands.assessment.labels import count_topical_labels, label_section
from commands.assessment.lists import read_list
from commands.assessment.model import Assessment
from commands.assessment.prose import label_of, launch_fact, plain_label, read_paragraph
from commands.assessment.questions import join_answers
from commands.assessment.resolve import resolve
from commands.assessment.roles import Role, label_role
from commands.assessment.scenarios import scenario_of
from commands.assessment.tables import read_table
from commands.assessment.text_checklist import checklist_paragraph


class Reader:
    """Reads blocks into drafts; implements `drafts.Sink` for the shape readers."""

    def __init__(self, lines: list[str], blocks: list[Block], *, plain_items: bool) -> None:
        self._lines = lines
        self._blocks = blocks
        self.plain_items = plain_items
        self.assessment = Assessment()
        self.drafts: list[Draft] = []
        self.sections: list[Section] = []  # every section, for owners and qualification
        self._root = Section(0, read_heading(""), None, None, Role.NORMAL)
        self._section = self._root
        self._label: Section | None = None  # a label line's group inside the section
        self.list_role: Role | None = None
        self.signoffs: list[tuple[str, str]] = []  # (role, person) of sign-off tables

    # --- Sink ----------------------------------------------------------------------------

    @property
    def section(self) -> Section:
        return self._label or self._section

    def emit(self, draft: Draft) -> None:
        chain = draft.section.ancestors()
        scenario = next((node.scenario for node in chain if node.scenario), None)
        if scenario is not None:
            draft.kind, draft.scenario = "condition", scenario
        draft.loose = not any(node.info.topic or node.category for node in chain[:1]) or any(
            node.role in (Role.CRITICAL, Role.NEXT, Role.PLAN) and not node.info.topic
            for node in chain[:2]
        )
        self.drafts.append(draft)
        for node in chain:
            node.item_count += 1

    def skip(self, reason: str, lines: int = 1) -> None:
        self.assessment.skipped.add(reason, lines)

    def source(self, number: int) -> str:
        return self._lines[number - 1].strip() if 0 < number <= len(self._lines) else ""

    def sign_off(self, role: str, person: str) -> None:
        self.signoffs.append((role, person))

    @contextmanager
    def grouped(self, label: str) -> Iterator[None]:
        saved = self._label
        self._label = label_section(self._section, label, force=True)
        try:
            yield
        finally:
            self._label = saved

    def fact(self, line: Line) -> bool:
        if read_claim(line.text, line.number, self.assessment.claims):
            return True
        labelled = label_value(line)
        top = self._section.level <= 1
        return bool(labelled and top and launch_fact(self.assessment, *labelled))

    # --- the pass ------------------------------------------------------------------------

    def read(self) -> Assessment:
        self._walk(self._blocks)
        self._close_to(0)
        settle_dates(self._lines, self.assessment, self.drafts)
        resolve(self)
        return self.assessment

    def _walk(self, blocks: list[Block]) -> None:
        blocks = join_answers(blocks)  # a question's answers, each a paragraph of its own
        for index, block in enumerate(blocks):
            if isinstance(block, Heading):
                self._heading(block, blocks[index + 1 :])
            elif isinstance(block, Paragraph) and (boxes := checklist_paragraph(block)):
                intro, task_list = boxes
                label = plain_label(intro.lines[-1]) if len(intro.lines) == 1 else None
                if label is not None:
                    self._open_label(label, blocks[index:])
                elif intro.lines:
                    self._paragraph(intro, blocks[index + 1 :])
                read_list(task_list, self)
            elif isinstance(block, Paragraph) and (label := _list_label(block, blocks, index)):
                self._open_label(label, blocks[index + 1 :])
            elif isinstance(block, Paragraph):
                self._paragraph(block, blocks[index + 1 :])
            elif isinstance(block, ListBlock):
                read_list(block, self)
            elif isinstance(block, Table):
                read_table(block, self)
            elif isinstance(block, Code):
                self.skip("code", block.lines)
            elif isinstance(block, Html):
                self._html(block, blocks[index + 1 :])
            elif isinstance(block, Quote):
                self._walk(block.children)
            elif isinstance(block, FrontMatter):
                self._front_matter(block.content)

    def _paragraph(self, block: Paragraph, after: list[Block]) -> None:
        if not self.drafts and block.lines and block.lines[0].number <= TOP_LINES:
            for line in block.lines:  # "Last reviewed 2026-03-09 by ...", "As of ..."
                read_stated_date(line.text, line.number, self.assessment.claims)
        for label in read_paragraph(block, self, self.assessment):
            self._open_label(label, after)
        if not block.lines or label_of(block.lines[-1]) is None:
            self.list_role = self.list_role if len(block.lines) == 1 else None

    def _heading(self, block: Heading, after: list[Block]) -> None:
        text = block.line.text
        verdict = self.assessment.claims.verdict
        read_claim(text, block.line.number, self.assessment.claims)
        says_verdict = verdict is None and self.assessment.claims.verdict is not None
        if block.level == 1 and self.assessment.title is None and not self.drafts:
            self.assessment.title = collapse_spaces(text) or None
            return
        self._close_to(block.level)
        parent = self._section
        info = read_heading(text)
        topic = info.topic if not plain_text(text).rstrip().endswith("?") else None
        parent_category = category_of(parent)
        if says_verdict or (
            topic and parent_category and topic_words(topic) <= topic_words(parent_category)
        ):
            # "### ⚠️ CRITICAL AWS ISSUES" under "## AWS Infrastructure" names no new
            # topic; "### 🔴 DO NOT GO PRODUCTION YET" is a verdict, not a topic.
            topic = None
        scenario = scenario_of(plain_text(text))
        if scenario is not None:
            topic = None
        section = Section(
            level=block.level,
            info=info,
            parent=parent,
            category=topic,
            role=Role.SCENARIO if scenario else info.role,
            scenario=scenario.value if scenario else None,
            heading_line=block.line,
        )
        if topic is None and (section.role is not Role.NORMAL or scenario is not None):
            section.role_name = role_heading_name(text)
        if section.role is Role.NORMAL and parent.role is not Role.NORMAL:
            section.role = parent.role  # a topic inside "Critical gaps" is still a gap
        elif section.role is Role.PLAN and parent.role is Role.NEXT and info.priority_word:
            # "Phase 1: Critical (Week 1)" of an action plan: its steps, ranked, no topic.
            section.role, section.category = Role.NEXT, None
        section.labels_here = count_topical_labels(after)
        self._section = section
        self.sections.append(section)
        self._label, self.list_role = None, None

    def _open_label(self, label: str, after: list[Block]) -> None:
        role = label_role(label)
        scenario = scenario_of(label)
        self.list_role = None
        if scenario is not None:
            group = label_section(self._section, label, force=True)
            assert group is not None  # forced: always a group
            group.role, group.scenario, group.category = Role.SCENARIO, scenario.value, None
            self._label = group
        elif role is not Role.NORMAL:
            self.list_role = role
            self._label = None
        else:
            # One label under a topical heading introduces its list ("South African
            # requirements:"); several, or one where no heading names a topic, group.
            alone = category_of(self._section) == DEFAULT_CATEGORY
            grouping = self._section.labels_here >= 2 or alone
            self._label = label_section(self._section, label) if grouping else None
        if self._label is not None:
            self.sections.append(self._label)

    def _html(self, block: Html, after: list[Block]) -> None:
        content = block.content.strip()
        if content.startswith("<!--"):
            return
        if "</details>" in content.lower():
            self._label, self.list_role = None, None  # a <details> group ends
        if "<summary" in content.lower():
            label = strip_tags(content.split("</summary>")[0])
            if label:
                self._open_label(label, after)
                return
        converted = html_blocks(content, block.number)
        if converted:
            self._walk(converted)
        elif strip_tags(content):
            self.skip("html")

    def _front_matter(self, content: str) -> None:
        read_front_matter_date(content, 1, self.assessment.claims)
        for raw in content.splitlines():
            key, _, value = raw.partition(":")
            if key.strip().casefold() == "title" and value.strip():
                self.assessment.title = self.assessment.title or value.strip().strip("\"'")

    def _close_to(self, level: int) -> None:
        """Close the sections at `level` and deeper: a heading that stated fields and no
        items of its own is itself an item."""
        self._label = None
        while self._section.parent is not None and self._section.level >= level:
            closing = self._section
            draft = heading_item(closing, self)
            self._section = closing.parent  # type: ignore[assignment]
            if draft is not None:
                saved = self._label
                self.emit(draft)
                self._label = saved


def _list_label(block: Paragraph, blocks: list[Block], index: int) -> str | None:
    """The label of a one-line paragraph that a list follows on the very next line
    ("Security" / "- Encryption at rest"): a plain-text document's group name."""
    after = blocks[index + 1] if index + 1 < len(blocks) else None
    if len(block.lines) != 1 or label_of(block.lines[0]) is not None:
        return None
    if not isinstance(after, ListBlock) or after.items[0].number != block.lines[0].number + 1:
        return None
    return plain_label(block.lines[0])


def read_freeform(lines: list[str], blocks: list[Block]) -> Assessment:
    """The assessment of a free-form document (already parsed into blocks)."""
    assessment = Reader(lines, blocks, plain_items=False).read()
    if not assessment.items:
        again = Reader(lines, blocks, plain_items=True).read()
        if again.items:
            return again
    return assessment
