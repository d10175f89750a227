"""Deployment scenarios a document distinguishes, mapped onto readybot's three.

"Scenario 1: Internal Network Only", "Scenario 2: Internet-Facing", "If deployed on the
public internet", "Compliance required (21 CFR Part 11)": such sections do not list more
work, they say which of the work matters where. readybot knows three scenarios
(`storage.vocabulary.Scenario`); a launch has one, and its scenario decides what counts.

Representation (the integration needs nothing else):

* `ParsedItem.scenarios`: the scenarios an item is required in; None means all. A
  condition that calls an item optional or not needed in a scenario takes that scenario
  out; an item that exists only in a scenario's section is required only there.
* `ParsedItem.critical_in`: scenarios in which the document calls the item mandatory or
  critical; the integration raises the item to critical when the launch's scenario is one
  of them, and leaves the stated priority otherwise.
"""

from __future__ import annotations

import re

from storage.vocabulary import Scenario

_CUE = re.compile(
    r"^\s*(?:scenario\b|deployment (?:scenario|option|mode|model|type)\b|option [a-z0-9]\b"
    r"|(?:if|when|for) (?:the |an? |you |it )?(?:app |system |service |product )?"
    r"(?:is |are |deploy|run|host|go|must|need|handle|process|store)"
    r"|(?:if|when|for) (?:\w+[- ])?(?:internal|internet|public|regulated|external|on-?prem)"
    r")|\b(?:compliance|regulat\w*|validation) (?:is )?(?:required|mandatory|mode|scenario)\b"
    r"|\b(?:required|mandatory) (?:for|when|if) (?:regulated|internet|public|internal)",
    re.I,
)
_SCENARIO_WORDS: tuple[tuple[Scenario, re.Pattern[str]], ...] = (
    (
        Scenario.REGULATED,
        re.compile(
            r"\b(?:regulated|regulatory|compliance|hipaa|pci(?:[- ]dss)?|sox|gxp|fda|fedramp"
            r"|21 ?cfr|part 11|soc ?2|iso ?27001|gdpr|validated)\b",
            re.I,
        ),
    ),
    (
        Scenario.INTERNET_FACING,
        re.compile(
            r"\b(?:internet[- ]facing|public[- ]facing|customer[- ]facing|internet|public"
            r"|external(?:ly)?|exposed|saas|online)\b",
            re.I,
        ),
    ),
    (
        Scenario.INTERNAL,
        re.compile(
            r"\b(?:internal(?:ly)?|intranet|private network|on-?prem(?:ise|ises)?|behind (?:the |a )?"
            r"(?:firewall|vpn)|vpn[- ]only|lan|employees only|in-house)\b",
            re.I,
        ),
    ),
)
_MANDATORY = re.compile(
    r"\b(?:mandatory|critical|must(?: have| be)?|required|essential|non-negotiable|blocker"
    r"|blocking)\b",
    re.I,
)
_OPTIONAL = re.compile(
    r"\b(?:optional|not (?:required|needed|necessary|mandatory)|nice[- ]to[- ]have|can skip"
    r"|skip(?:ped)?|unnecessary|not applicable|n/a|recommended)\b",
    re.I,
)
ORDER = (Scenario.INTERNAL, Scenario.INTERNET_FACING, Scenario.REGULATED)


def scenario_of(heading: str) -> Scenario | None:
    """The scenario a heading (or label) sets as a condition, or None for any other heading.

    Both a cue ("Scenario 2:", "If ...", "... required") and a scenario word are needed,
    so "HIPAA Compliance Assessment" stays a topic.
    """
    if not _CUE.search(heading):
        return None
    for scenario, words in _SCENARIO_WORDS:
        if words.search(heading):
            return scenario
    return None


def stated_scenario(value: str) -> Scenario | None:
    """The scenario a "Scenario: ..." / "Deployment: ..." header value names."""
    for scenario, words in _SCENARIO_WORDS:
        if words.search(value):
            return scenario
    return None


def modality(text: str) -> str:
    """ "optional", "mandatory" or "required": what a condition line says of its item."""
    if _OPTIONAL.search(text):
        return "optional"
    if _MANDATORY.search(text):
        return "mandatory"
    return "required"


def required_scenarios(optional_in: set[str], only_in: set[str]) -> tuple[str, ...] | None:
    """`ParsedItem.scenarios` from the scenarios an item is optional in and, for items
    found only under scenario sections, the scenarios that name it."""
    if only_in:
        return tuple(s.value for s in ORDER if s.value in only_in - optional_in) or None
    if optional_in:
        return tuple(s.value for s in ORDER if s.value not in optional_in) or None
    return None
