"""Review questions and their answers: operational readiness reviews (ORR), AWS
Well-Architected reviews, PRR questionnaires.

"**REL-02. Are there single points of failure?**" (bold, a heading or a numbered item)
followed by "Answer:" / "Response:", "Risk: High" (or "Risk level: HRI", "MRI" for a high
or medium risk issue) and "Action:" / "Improvement plan:" lines. The question is the
item; the reviewer's risk says the rest:

* "Risk: None" is done; so is an affirmative answer ("Yes, blue/green ...") with no risk;
* a risk rated Low, Medium, High or Critical is open work of that priority (in progress
  where the answer says "partially");
* an answer of "N/A" is waived; "No" with no risk is open;
* the action line is a note, and names the owner ("owner: @tom", "@priya to ...") and
  the due date ("due 2026-03-20", "by 31 March 2026").

Shape readers put the answer lines into the item's notes, labelled as written; `settle`
reads them when the item is finished.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from commands.assessment.blocks import Block, Paragraph
from commands.assessment.fields import parse_date, split_label
from commands.assessment.inline import plain_text
from commands.assessment.vocabulary import status_from_value
from storage.vocabulary import Priority, Status

if TYPE_CHECKING:
    from commands.assessment.drafts import Draft
    from commands.assessment.inline_render import Line

_LABELS = {
    "answer": "answer",
    "answers": "answer",
    "response": "answer",
    "reply": "answer",
    "team response": "answer",
    "current state": "answer",
    "risk": "risk",
    "risk level": "risk",
    "risk rating": "risk",
    "risk rank": "risk",
    "rating": "risk",
    "hri": "hri",
    "high risk issue": "hri",
    "mri": "mri",
    "medium risk issue": "mri",
    "action": "action",
    "actions": "action",
    "action item": "action",
    "improvement plan": "action",
    "improvement": "action",
    "remediation": "action",
    "remediation plan": "action",
    "mitigation": "action",
}
_NONE = "none"
_RISK_WORDS: dict[str, Priority | str] = {
    "none": _NONE,
    "no risk": _NONE,
    "n/a": _NONE,
    "no": _NONE,
    "nil": _NONE,
    "low": Priority.LOW,
    "lri": Priority.LOW,
    "medium": Priority.MEDIUM,
    "moderate": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "mri": Priority.MEDIUM,
    "high": Priority.HIGH,
    "hri": Priority.HIGH,
    "critical": Priority.CRITICAL,
    "very high": Priority.CRITICAL,
    "severe": Priority.CRITICAL,
}
_RISK_WORD = re.compile(
    r"^(none|no risk|n/a|nil|no|low|lri|medium|moderate|med|mri|high|hri|critical|very high"
    r"|severe)\b",
    re.I,
)
_YES = re.compile(r"^(?:yes|yep|y|true|✅|✔|done|implemented|in place|we do|always|fully)\b", re.I)
_NO = re.compile(r"^(?:no|not yet|not|none|never|❌|✗|false)\b", re.I)
_PARTIAL = re.compile(
    r"^(?:partial|partially|partly|in progress|ongoing|mostly|some|⚠|work in progress)\b", re.I
)
_NOT_APPLICABLE = re.compile(r"^(?:n/a|na|not applicable)\b", re.I)
# "Q3.", "Q:", "Question 4:", and ids: "REL-02.", "OPS 6.", "SEC 3:", "A1".
_PREFIX = re.compile(r"^(?:q(?:uestion)?\s*\d{0,3}\s*[.:)-]\s*)", re.I)
_ID = re.compile(
    r"^(?P<id>[A-Z][A-Z0-9]{0,9}-\d+(?:\.\d+)*|[A-Z]{2,6} \d{1,3}(?:\.\d+)?|[A-Z]{1,3}\d+(?:\.\d+)*)"
    r"[.:)]?\s+(?=\S)"
)
_TAG = re.compile(r"\s*[\[(](?P<tag>HRI|MRI|LRI)[\])]\s*")
_DATE = (
    r"(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?|[A-Za-z]{3,9}\.?\s+\d{1,2})"
)
_DUE = re.compile(rf"[,;(—–-]?\s*\b(?:due(?: date)?|by|before|eta|target)\b\s*:?\s*{_DATE}", re.I)
_OWNER = re.compile(
    r"[,;(—–-]?\s*\b(?i:owner|owned by|assignee|assigned to|responsible)\b\s*:?\s*"
    r"(?P<owner>@[\w.-]+|[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2}|[a-z][\w-]*(?:\s+team)?)",
)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z][\w.-]*")


def question_label(label: str) -> str | None:
    """What a question's detail label names: "answer", "risk", "hri", "mri", "action"."""
    return _LABELS.get(" ".join(label.casefold().strip(" *_").split()))


def is_question(text: str) -> bool:
    """A line that asks something: it ends with a question mark and has three words."""
    plain = plain_text(text).strip().rstrip("*_ ").rstrip()
    return plain.endswith("?") and len(plain.split()) >= 3


def answer_lines(lines: list[Line]) -> bool:
    """Whether any of these lines is a question's answer, risk or action line."""
    for line in lines:
        labelled = _labelled(line.text)
        if labelled is not None and question_label(labelled[0]) is not None:
            return True
    return False


def question_title(text: str) -> tuple[str | None, str, str | None]:
    """(id, question, what follows it) of "REL-02. Are there ...? Describe how." """
    plain = " ".join(plain_text(text).split()).strip("*_ ")
    plain = _PREFIX.sub("", plain)
    key = None
    match = _ID.match(plain)
    if match:
        key, plain = match.group("id"), plain[match.end() :]
    mark = plain.find("?")
    rest = plain[mark + 1 :].strip(" *_") if mark != -1 else ""
    question = plain[: mark + 1] if mark != -1 else plain
    return key, question.strip(), rest or None


def settle(draft: Draft) -> None:
    """Read a question item's answer, risk and action lines (in its notes) into its
    status, priority, owner, due date and notes. Nothing for other items."""
    if not draft.title.rstrip().endswith("?") or not draft.notes:
        return
    answer: str | None = None
    risk: Priority | str | None = None
    kept: list[str] = []
    found = False
    for note in draft.notes:
        labelled = _labelled(note.strip())
        name = question_label(labelled[0]) if labelled else None
        if labelled is None or name is None:
            kept.append(note)
            continue
        found = True
        value = labelled[1]
        if name == "answer":
            answer = answer if answer is not None else value
            kept.append(f"{labelled[0]}: {value}")
        elif name == "risk" and _risk_of(value) is not None:
            risk = risk or _risk_of(value)
        elif name == "risk":
            kept.append(note)  # "Risk: customers may notice": a note, not a rating
        elif name in ("hri", "mri"):
            if _YES.match(value) or _risk_of(value) not in (None, _NONE):
                risk = risk or (Priority.HIGH if name == "hri" else Priority.MEDIUM)
        else:
            kept.append(f"{labelled[0]}: {_action(draft, value)}")
    tag = _TAG.search(draft.title)
    if tag is not None:
        risk = risk or _RISK_WORDS[tag.group("tag").casefold()]
        draft.title = _TAG.sub(" ", draft.title).strip()
        found = True
    if not found:
        return
    draft.notes = kept
    status = _status(answer, risk)
    if status is not None and not draft.checkbox:  # a ticked box says it itself
        draft.status = status
    if isinstance(risk, Priority):
        draft.priority = draft.priority or risk


def _labelled(text: str) -> tuple[str, str] | None:
    return split_label(text.strip("- "))


def _risk_of(value: str) -> Priority | str | None:
    match = _RISK_WORD.match(plain_text(value).strip(" *_"))
    return _RISK_WORDS[match.group(1).casefold()] if match else None


def _status(answer: str | None, risk: Priority | str | None) -> Status | None:
    said = plain_text(answer or "").strip(" *_")
    if said and _NOT_APPLICABLE.match(said):
        return Status.WAIVED
    partial = bool(said) and _PARTIAL.match(said) is not None
    if risk == _NONE:
        return Status.DONE
    if risk is not None:
        return Status.IN_PROGRESS if partial else Status.TODO
    if not said:
        return None
    if partial:
        return Status.IN_PROGRESS
    if _YES.match(said):
        return Status.DONE
    if _NO.match(said):
        return Status.TODO
    return status_from_value(said)


def _action(draft: Draft, value: str) -> str:
    """The action's text, its owner and due date taken into the draft: "Move to ElastiCache
    (owner: @tom, due 2026-03-20)", "..., owner @kemi, due 2026-03-06", "Owner: Dana. Due:
    2026-04-15.", "@priya to write the rest by 2026-03-13" (which stays as written)."""
    text = _PAREN.sub(lambda match: _take(draft, match.group(1)) or " ", value)
    text = _take(draft, text)
    if not _OWNER.search(value) and (handle := _HANDLE.search(value)) is not None:
        draft.owner = draft.owner or handle.group()
        return value
    text = re.sub(r"\s+([.,;])", r"\1", " ".join(text.split())).strip(" ,;—–-")
    text = re.sub(r"(?:\.\s*){2,}", ". ", text).strip()
    return text or value


_PAREN = re.compile(r"\(([^()]*\b(?:owner|due|by|assignee|assigned)\b[^()]*)\)", re.I)


def _take(draft: Draft, text: str) -> str:
    """`text` without the owner and due date it names, which go to the draft."""
    due = _DUE.search(text)
    if due is not None:
        when = parse_date(due.group("date"))
        if when is not None:
            draft.due = draft.due or when
            text = text[: due.start()] + text[due.end() :]
    owner = _OWNER.search(text)
    if owner is not None:
        draft.owner = draft.owner or owner.group("owner").strip().rstrip(".,;")
        text = text[: owner.start()] + text[owner.end() :]
    return text if text.strip(" ,;.") else ""


def join_answers(blocks: list[Block]) -> list[Block]:
    """A question paragraph and the answer paragraphs after it ("**SEC-2. MFA?**", a
    blank line, "Answer: No.", a blank line, "Risk: High") as one paragraph."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            isinstance(block, Paragraph)
            and isinstance(previous, Paragraph)
            and block.lines
            and answer_lines(block.lines[:1])
            and _asked_or_answered(previous)
        ):
            joined[-1] = Paragraph([*previous.lines, *block.lines])
            continue
        joined.append(block)
    return joined


def _asked_or_answered(paragraph: Paragraph) -> bool:
    lines = paragraph.lines
    if not lines:
        return False
    first = lines[0].text.rstrip(" *_")
    return (first.endswith("?") or len(lines) <= 3) and is_question(
        next((line.text for line in lines[:3] if line.text.rstrip(" *_").endswith("?")), "")
    )
