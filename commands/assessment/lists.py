"""Items written as list items: checkboxes, status-emoji bullets, bold findings, steps.

* `- [ ] Thing` / `* [x] Thing` (also `[~]` in progress, `[!]` blocked, `[-]` waived) is
  an item wherever it is, nested checkboxes too (under their parent: `parent`).
* `- ✅ Encryption at rest`, `- 🔴 No backups`, `1. **Database Deletion Protection**:
  Currently DISABLED` are items outside plan sections.
* Plain bullets are items only where the section says so (what's working, critical gaps,
  known issues, next steps: `roles`) or in a document that has no other items.
* `- Owner: Dana` / `- **Priority:** High` are fields of the item or section above.

Everything nested under an item belongs to it: field lines fill fields, other lines
become notes, indented by depth; a title wrapped onto the next line stays one title.
"""

from __future__ import annotations

import re

from commands.assessment.blocks import Code, ListBlock, ListItem, Paragraph, Quote, Table
from commands.assessment.drafts import Draft, Sink, apply_field, label_value
from commands.assessment.fields import field_of
from commands.assessment.inline_render import Line
from commands.assessment.questions import answer_lines, is_question, question_title
from commands.assessment.roles import Role
from commands.assessment.section_fields import apply_section_field
from commands.assessment.titles import comment_after_dash, is_real_title, split_title
from commands.assessment.vocabulary import (
    CHECKBOX_STATUS,
    PRIORITY_EMOJI,
    STATUS_EMOJI,
    VARIATION_SELECTORS,
    priority_from_emoji,
    priority_from_label,
    priority_from_words,
    refine_status,
    status_from_value,
)
from storage.vocabulary import Priority, Status

_STATUS_DASH = re.compile(r"\s[-–—]\s+\S")
_PLAIN_ROLES = (Role.DONE, Role.CRITICAL, Role.GAPS)
_SEPARATORS = (":", "-", "–", "—")


def read_list(block: ListBlock, sink: Sink, parent: Draft | None = None) -> None:
    """Read a top-level (or item-nested) list into drafts, fields and notes."""
    for item in block.items:
        _read_item(item, block.ordered, sink, parent, depth=0)


def _role(sink: Sink) -> Role:
    # A label's role ("Critical Blockers:") does not lift a plan section's list.
    if sink.section.role in (Role.PLAN, Role.SCENARIO):
        return sink.section.role
    return sink.list_role or sink.section.role


def _read_item(item: ListItem, ordered: bool, sink: Sink, parent: Draft | None, depth: int) -> None:
    first = item.lines[0]
    labelled = label_value(first)
    if parent is None and first.box is None and labelled and sink.fact(first):
        _read_children(item, sink, None, 0)
        return
    if labelled and field_of(labelled[0]) and first.box is None:
        if parent is not None:
            if not apply_field(parent, *labelled):
                parent.notes.append("  " * depth + first.note)
        elif not apply_section_field(sink.section, labelled, first):
            sink.skip("prose")
        _read_children(item, sink, parent, depth + 1)
        return
    draft = _draft_of(item, ordered, sink, parent)
    if draft is not None and draft.kind == "step" and _is_step_group(item):
        # "1. **Immediate** (this week):" over the steps themselves: a group, not a step.
        _read_children(item, sink, None, 0)
        return
    if draft is None:
        if parent is not None:
            parent.notes += ["  " * depth + line.note for line in item.lines if line.note]
            parent.evidence += [e for line in item.lines for e in (*line.evidence, *line.links)]
            _read_children(item, sink, parent, depth + 1)
        elif not sink.fact(first):
            sink.skip(
                "links" if all(line.is_link_only for line in item.lines) else _skip_reason(sink)
            )
            _read_children(item, sink, None, 0, label=first.text)
        else:
            _read_children(item, sink, None, 0, label=first.text)
        return
    if draft.title:
        sink.emit(draft)
        _read_children(item, sink, draft, 0)
    else:  # a junk title ("Risk", a path): its details go with it
        sink.skip(_skip_reason(sink), len(item.lines))


def _is_step_group(item: ListItem) -> bool:
    nested = any(isinstance(child, ListBlock) for child in item.children)
    text = item.lines[0].text.rstrip()
    return nested and (text.endswith(":") or item.lines[0].lead is not None)


def _skip_reason(sink: Sink) -> str:
    role = _role(sink)
    if role is Role.PLAN:
        return "plan/summary sections"
    return "prose"


def _read_children(
    item: ListItem, sink: Sink, draft: Draft | None, depth: int, label: str | None = None
) -> None:
    for child in item.children:
        if isinstance(child, ListBlock):
            if draft is None and label is not None:
                _read_grouped(child, sink, label)
            else:
                for sub in child.items:
                    _read_item(sub, child.ordered, sink, draft, depth)
        elif isinstance(child, Paragraph) and draft is not None:
            for line in child.lines:
                labelled = label_value(line)
                if not (labelled and apply_field(draft, *labelled)):
                    draft.notes.append("  " * depth + line.note)
                draft.evidence += line.evidence
        elif isinstance(child, Quote) and draft is not None:
            for block in child.children:
                if isinstance(block, Paragraph):
                    draft.notes += ["  " * max(depth - 1, 0) + line.note for line in block.lines]
        elif isinstance(child, Code):
            sink.skip("code", child.lines)
        elif isinstance(child, Table) and draft is not None:
            draft.notes.append(f"(table of {len(child.rows)} rows)")
        else:
            sink.skip("prose")


def _read_grouped(block: ListBlock, sink: Sink, label: str) -> None:
    """A plain bullet with a nested list: "- Security" over "  - [ ] TLS". The bullet is
    a label; the nested items are read as its group."""
    with sink.grouped(label):
        for sub in block.items:
            _read_item(sub, block.ordered, sink, None, 0)


def _title_lines(lines: list[Line]) -> tuple[str, list[Line]]:
    """The item's text (its first line and the continuation lines of a wrapped title),
    and the lines after it: a field line or a new statement ends the title."""
    parts: list[str] = []
    for index, line in enumerate(lines):
        if index:
            labelled = label_value(line)
            if (labelled and field_of(labelled[0])) or _lead_symbols(line.text):
                return " ".join(part for part in parts if part), lines[index:]
        parts.append(line.text)
    return " ".join(part for part in parts if part), []


def _lead_symbols(text: str) -> str:
    """The status/priority emoji an item text starts with ("✅ ", "🔴⚠️ ")."""
    lead = []
    for char in text:
        if char in STATUS_EMOJI or char in PRIORITY_EMOJI:
            lead.append(char)
        elif not (char.isspace() or char in VARIATION_SELECTORS or char == "\u200d"):
            break
    return "".join(lead)


def _draft_of(item: ListItem, ordered: bool, sink: Sink, parent: Draft | None) -> Draft | None:
    """The item a list item states, a Draft with an empty title for a junk one, or None
    when the list item is not an item (a plain bullet, a step in a plan)."""
    first = item.lines[0]
    box = CHECKBOX_STATUS.get(first.box) if first.box is not None else None
    text, details = _title_lines(item.lines)
    own_lead = first.lead is not None and not text.startswith(first.lead)
    symbols = _lead_symbols(first.lead) if own_lead and first.lead is not None else ""
    symbols = symbols or _lead_symbols(text) or _trailing_symbols(text)
    bold = first.lead is not None
    if bold and not (ordered or symbols or box is not None) and not _stated_here(sink, first):
        # "- **Uptime monitoring**: real-time checks" under a plain heading describes;
        # numbered, marked or in a findings section, a bold title is a finding.
        bold = False
    role = _role(sink)
    kind = "item"
    asked = box is None and parent is None and is_question(text) and _answered(item)
    if box is None:
        if parent is not None:
            return None  # under an item only checkboxes are items; the rest are notes
        if role is Role.PLAN:
            return None
        if role is Role.SCENARIO:
            kind = "condition"
        elif not (symbols or bold or asked or _states_status(text)):
            if role is Role.NEXT:
                kind = "step"
            elif not (role in _PLAIN_ROLES or sink.plain_items):
                return None
            elif _opens_with_link(first):
                return None  # "- [Design checklist](design.md) (...)": a pointer
        elif role is Role.NEXT:
            kind = "step"
    elif role is Role.SCENARIO:
        kind = "condition"
    draft = Draft(title="", line=first.number, section=sink.section, kind=kind)
    draft.source = sink.source(first.number)
    draft.checkbox = box is not None
    draft.parent = parent.title if parent is not None else None
    head, note = text, None
    lead_rank = _rank_only(first.lead) if first.lead else None
    if lead_rank is not None and first.rest:
        # "**CRITICAL**: Add test scripts": the bold word ranks, the rest is the title.
        head, bold = first.rest.lstrip(":-–— "), False
    if bold and first.lead and (box is None or first.rest[:1] in _SEPARATORS):
        head, note = _split_bold(first.lead, first.rest)
        if box is not None and not is_real_title(split_title(head).title):
            head, note = text, None  # "- [ ] **Readme.md** - how to run it": all of it
    title = split_title(head, leading_word_ok=bool(symbols))
    if asked:  # "3. Are logs kept 90 days?" over "- Answer: ..." / "- Risk: Low"
        title.key, title.title, rest = question_title(head)
        note = note or rest
    status = _status_of(symbols)
    draft.status = refine_status(box, status) if box is not None else status
    if first.struck and draft.status in (Status.TODO, None) and box is not None:
        draft.status = Status.WAIVED  # "- [ ] ~~Multi-region failover~~ — not needed"
    draft.stated_status = title.status
    draft.priority = (
        lead_rank
        or priority_from_words(head)
        or title.priority
        or _badge_priority(first)
        or priority_from_emoji(symbols)
    )
    draft.title, draft.effort, draft.key = title.title, title.effort, title.key
    if (box is not None or symbols) and not asked:
        # "⚠️ Rate limiting — only on /api/pay so far": the remark is a note.
        draft.title, remark = comment_after_dash(draft.title)
        note = " — ".join(part for part in (remark, note) if part) or None
    draft.notes += [part for part in (title.note, note) if part]
    draft.evidence += [*first.evidence, *first.links]
    for line in details:
        labelled = label_value(line)
        links = [*line.evidence, *line.links]
        if labelled and links and field_of(labelled[0]) == "evidence":
            draft.evidence += links  # "Evidence: [report](https://...)": the target
        elif not (labelled and apply_field(draft, *labelled)):
            draft.notes.append(line.note)
    if not is_real_title(draft.title):
        draft.title = ""
    return draft


def _answered(item: ListItem) -> bool:
    """Whether a list item's own lines or nested ones answer it (`questions`)."""
    lines = list(item.lines[1:])
    for child in item.children:
        if isinstance(child, ListBlock):
            lines += [sub.lines[0] for sub in child.items]
        elif isinstance(child, Paragraph):
            lines += child.lines
    return answer_lines(lines)


def _states_status(text: str) -> bool:
    """ "Encryption at rest – complete": a bullet that ends in its status is a check."""
    return bool(_STATUS_DASH.search(text)) and split_title(text).status is not None


def _opens_with_link(line: Line) -> bool:
    """Whether a line starts with a link: its first letter is not outside links."""
    first = next((char for char in line.text if char.isalnum()), "")
    return bool(line.links) and bool(first) and line.residue[:1] != first


def _trailing_symbols(text: str) -> str:
    """A status mark closing the line: "- **LCP**: < 2.5 seconds ✅"."""
    return _lead_symbols(text.rstrip()[::-1])[::-1] if text.rstrip()[-1:] in _MARKS else ""


_MARKS = frozenset(STATUS_EMOJI) | frozenset(PRIORITY_EMOJI) | set(VARIATION_SELECTORS)


def _stated_here(sink: Sink, line: Line) -> bool:
    """Whether a bold bullet's section or its own text says it is a finding."""
    if sink.section.role is not Role.NORMAL or _role(sink) is not Role.NORMAL:
        return True
    if status_from_value(line.rest.lstrip(":-–— ")) is not None:
        return True
    return any(
        node.info.status or node.info.priority_word or node.info.priority_emoji
        for node in sink.section.ancestors()
    )


def _rank_only(lead: str) -> Priority | None:
    """The priority of a bold lead that is nothing but a rank ("CRITICAL", "P1", "High")."""
    words = lead.strip(" :").split()
    if not words or len(words) > 2:
        return None
    return priority_from_label(" ".join(words))


def _status_of(symbols: str) -> Status | None:
    for char in symbols:
        if char in STATUS_EMOJI:
            return STATUS_EMOJI[char]
    return None


def _badge_priority(line: Line) -> Priority | None:
    """The priority a badge image's alt text states (`![High][high_img]`)."""
    for alt in line.images:
        priority = priority_from_label(alt) or priority_from_words(alt.upper())
        if priority is not None:
            return priority
    return None


def _split_bold(bold: str, rest: str) -> tuple[str, str | None]:
    """Title and notes of "**Title**: notes", "**Title:** notes", "**Title** (1-2 days)"."""
    rest = rest.strip()
    if rest[:1] in _SEPARATORS:
        return bold, rest[1:].strip() or None
    if bold.rstrip().endswith(":"):  # "**Backups:** nightly"
        return bold.rstrip()[:-1], rest or None
    if rest.startswith("("):
        close = rest.find(")")
        if close != -1:
            # "(1-2 days)" is taken out as effort by split_title; "(Business ...)" stays.
            tail = rest[close + 1 :].strip().lstrip(":-–— ").strip()
            return f"{bold} {rest[: close + 1]}", tail or None
    return (f"{bold} {rest}" if rest else bold), None
