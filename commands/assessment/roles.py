"""What a section is for, from the words of its heading or label.

A readiness document mixes sections that state the checklist with sections that do
something else. The role decides how the reader treats what is under the heading:

* DONE ("What's working", "Completed features", "Current functionality snapshot"): its
  items are done unless they say otherwise, and plain bullets count as items.
* CRITICAL ("Critical gaps", "Blocking launch", "Blockers", "Must fix"): critical todo
  items; plain bullets count.
* GAPS ("Known issues", "What's missing", "Remaining work", "Open items"): todo items;
  plain bullets count.
* NEXT ("Next steps", "Action items", "To do"): numbered and plain steps are todo items,
  unless they only restate an item read elsewhere (then they are merged into it).
* PLAN (summaries, timelines, phases, costs, recommendations, FAQs, tables of contents):
  they restate or explain; only checkboxes are read in them.
* SCENARIO ("Scenario 2: Internet-facing", "Compliance required (21 CFR Part 11)"):
  conditions on other items, see `scenarios`.
"""

from __future__ import annotations

import re
from enum import Enum


class Role(Enum):
    NORMAL = "normal"
    DONE = "done"
    CRITICAL = "critical"
    GAPS = "gaps"
    NEXT = "next"
    PLAN = "plan"
    SCENARIO = "scenario"


def _words(*phrases: str) -> re.Pattern[str]:
    body = "|".join(phrases).replace("'", "['’]?")
    return re.compile(rf"\b(?:{body})\b", re.I)


_DONE = _words(
    r"what's working(?: well)?",
    r"what works",
    r"working (?:features|well)",
    r"what's done",
    r"(?<![-\w])completed? (?:features|items|tasks|work|requirements|capabilities)",
    r"(?:current|existing|implemented) (?:functionality|features|capabilities)",
    r"(?:functionality|feature|status) snapshot",
    r"snapshot",
    r"already (?:in place|done|implemented)",
    r"strengths",
    r"accomplishments",
    r"achievements",
    r"done so far",
    r"what's been done",
    r"production[- ]ready (?:features|components)",
    r"what's in place",
    r"(?:already|currently) in place",
    r"(?:controls|measures|safeguards) in place",
)
_CRITICAL = _words(
    r"critical (?:gaps?|issues?|blockers?|findings|items|problems|risks|fixes)",
    r"(?:launch|release|go[- ]live)[- ]blockers?",
    r"blocking (?:launch|release|go[- ]live|issues?|items)",
    r"blockers?",
    r"show[- ]?stoppers?",
    r"must[- ]fix",
    r"p0",
)
_GAPS = _words(
    r"gaps?",
    r"(?:known |open |outstanding |remaining )?issues",
    r"what's missing",
    r"what is missing",
    r"missing (?:features|items|pieces)",
    r"remaining (?:work|items|tasks)",
    r"open items",
    r"outstanding (?:items|work|tasks)",
    r"to[- ]?do",
    r"findings",
    r"needs? (?:attention|work|improvement)",
    r"areas? (?:for|of|needing) improvement",
    r"improvements? needed",
    r"concerns?",
    r"weaknesses",
    r"areas? of concern",
)
# "Findings Summary", "Summary of Findings": the findings themselves, not a summary.
_FINDINGS_LIST = _words(
    r"(?:findings|issues|vulnerabilities|gaps) (?:summary|overview|table|register|list)",
    r"summary of (?:findings|issues|vulnerabilities|gaps)",
)
_NEXT = _words(
    r"next steps?",
    r"action items?",
    r"action list",
    r"recommended (?:actions|steps|next steps)",
    r"immediate actions",
    r"follow[- ]ups?",
    r"to[- ]do list",
    r"what to do next",
    r"required actions",
    r"(?:prioriti[sz]ed |remediation |recommended )?action plan",
)
_PLAN = _words(
    r"executive summary",
    r"summary",
    r"conclusions?",
    r"bottom line",
    r"tl;?dr",
    r"costs?",
    r"cost analysis",
    r"budget",
    r"pricing",
    r"critical path",
    r"recommendations?",
    r"timeline",
    r"roadmap",
    r"schedule",
    r"(?:phase|week|weeks|day|sprint|stage|milestone) \d+",
    r"quick wins",
    r"mvp",
    r"minimum viable product",
    r"what i (?:just )?added",
    r"documentation created",
    r"files (?:created|changed|modified)",
    r"answers",
    r"questions",
    r"faq",
    r"table of contents",
    r"how to use(?: this)?(?: checklist| document)?",
    r"about(?: this)?(?: checklist| document)?",
    r"conventions",
    r"score bands",
    r"rollback (?:plan|procedures?)",
    r"revision history",
    r"deployment (?:plan|steps)",
    r"red flags",
    r"warning signs",
    r"anti[- ]patterns",
    r"stop if",
)
# Headings that are only this: "References", "Contents", "License" (but "Files and
# Resources" and "Data Contracts" are topics).
_PLAN_WHOLE = re.compile(
    r"(?:table of )?contents|references|resources|further reading|appendix(?: [a-z0-9]+)?"
    r"|glossary|legend|usage|introduction|changelog|contributing|license|contacts?"
    r"|methodology|scoring|about|notes|see also|links",
    re.I,
)
# Labels that introduce lists of steps, files or deliverables rather than checklist state.
_PLAN_LABEL = _words(
    r"action items?",
    r"action required",
    r"actions",
    r"steps",
    r"files(?: to (?:update|test|change))?",
    r"files (?:created|changed)",
    r"what i (?:just )?added",
    r"commands?",
    r"how to",
    r"examples?",
    r"example usage",
    r"usage",
    r"references?",
    r"see also",
    r"links",
    r"resources",
    r"artifacts",
    r"evidence required",
    r"deliverables",
)
_SETTLED = _words(r"resolved", r"fixed", r"addressed", r"closed", r"mitigated", r"remediated")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.):]?|[A-Za-z][.)])\s+")


def role_of(plain: str) -> Role:
    """The role a heading (plain text) gives its section; NORMAL when it names a topic."""
    text = _NUMBERING.sub("", plain)
    # Order matters: "Critical path" is a plan, "Critical gaps" a blocker list, "Next
    # steps" beat the "summary" in "Summary and next steps".
    if _NEXT.search(text):
        return Role.NEXT
    if _SETTLED.search(text) and (_CRITICAL.search(text) or _GAPS.search(text)):
        return Role.DONE  # "Critical Issues Resolved", "Security Gaps Fixed"
    if _CRITICAL.search(text) and not re.search(r"critical path", text, re.I):
        return Role.CRITICAL
    if _FINDINGS_LIST.search(text):
        return Role.GAPS
    if _PLAN.search(text) or _PLAN_WHOLE.fullmatch(text.strip(" .:-–—!?*#()[]")):
        return Role.PLAN
    if _DONE.search(text):
        return Role.DONE
    if _GAPS.search(text):
        return Role.GAPS
    return Role.NORMAL


def label_role(plain: str) -> Role:
    """The role a label line ("**Action Items**:", "Completed:") gives the list below it."""
    text = plain.strip().rstrip(":").strip()
    if _PLAN_LABEL.fullmatch(text):
        return Role.PLAN
    role = role_of(text)
    if role is not Role.NORMAL:
        return role
    if re.fullmatch(r"(?:completed?|done|working|implemented|in place)", text, re.I):
        return Role.DONE
    return Role.NORMAL


def strip_role_words(text: str) -> str:
    """The text without the phrases that give a role ("Security Gaps" -> "Security - ")."""
    for pattern in (_FINDINGS_LIST, _NEXT, _CRITICAL, _DONE, _GAPS):
        text = pattern.sub(" - ", text)
    return text
