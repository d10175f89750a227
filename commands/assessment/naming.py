"""The launch name a document suggests.

The document's title, or its distinctive part ("Production Readiness Assessment -
Mediation Platform" gives "Mediation Platform", "Go-Live Checklist for Payments" gives
"Payments"). When the title is generic ("Production Readiness Assessment"), the product
the text names ("**Product:** Foo", "The EDMS application ..."), and only then the
uploaded file's name.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from commands.assessment.inline import plain_text

# Title words that describe the document, not the launch.
_GENERIC_TEXT = """
production readiness ready assessment assessments what whats what's is are missing gap
gaps success review report status checklist checklists analysis launch pre prelaunch go
live golive summary current state evaluation audit for the a an of to and our we need
release deployment deploy operational operations final readiness-checklist prr template
scorecard tracker plan v1 v2 draft list service services microservice application app
orr questionnaire well-architected architected well runbook gate tracking tracker check
"""
_GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
# The last word of a title part that names the kind of document ("Security review").
_KIND_TEXT = "review assessment report audit checklist plan analysis questionnaire orr runbook gate"
_KINDS = [[word] for word in _KIND_TEXT.split()]
_TITLE_PARTS = re.compile(r"\s+(?:--|[-–—|])\s+|:\s+")
_WORDS = re.compile(r"[\w’']+")
_LEADING_GENERIC = re.compile(r"^(?:[\w’'.-]+\s+)*?(?:for|of)\s+(?P<rest>.+)$", re.I)
_PRODUCT_LABEL = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*|__)?(?:product|project|application|app|service|system|platform"
    r"|product name|project name|service name)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<name>[^*_\n|]{2,60})",
    re.I | re.M,
)
_PRODUCT_PROSE = re.compile(
    r"\b(?:The|the)\s+(?P<name>[A-Z][\w.+-]*(?:\s+[A-Z][\w.+-]*){0,3})(?:\s+[a-z]+){0,2}\s+"
    r"(?:application|app|platform|system|service|portal|product|project|tool|website|site"
    r"|api|backend|frontend|solution|software)\b"
)
_PROSE_WINDOW = 4000  # the product is named near the top


def is_generic(text: str) -> bool:
    """Whether a title says nothing but "production readiness assessment"-like words."""
    words = [word.replace("’", "'") for word in _WORDS.findall(text.casefold())]
    return all(word in _GENERIC_WORDS or word.isdigit() for word in words)


# "[Tracking] ...", "[RFC] ...": an issue tracker's tag before the title.
_LEADING_TAG = re.compile(r"^\s*\[[^\[\]]{1,20}\]\s*")
# "PAY-Launch": a tracker's project key, beside the words that name the launch.
_PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9]{1,9}-\S+")


def _distinctive(title: str) -> str | None:
    plain = _LEADING_TAG.sub("", plain_text(title)) or plain_text(title)
    parts = [part.strip() for part in _TITLE_PARTS.split(plain) if part.strip()]
    distinctive = [part for part in parts if not is_generic(part)]
    if len(distinctive) > 1 and _PROJECT_KEY.fullmatch(distinctive[0]):
        distinctive = distinctive[1:]
    if not distinctive:
        return None
    if len(parts) > 1:
        # "Security review: Harbor API": the first part names the kind of document.
        named = [part for part in distinctive if _WORDS.findall(part.casefold())[-1:] not in _KINDS]
        return named[0] if named else distinctive[0]
    match = _LEADING_GENERIC.match(plain)
    if match and is_generic(plain[: match.start("rest")]) and not is_generic(match["rest"]):
        return re.sub(r"^(?:the|a|an|our)\s+", "", match["rest"].strip(), flags=re.I)
    return plain


def product_named(text: str) -> str | None:
    """The product a document names near its top, if it does."""
    head = re.sub(r"\*\*|__|`", "", text[:_PROSE_WINDOW])
    label = _PRODUCT_LABEL.search(head)
    if label:
        name = plain_text(label.group("name")).strip(" .,;")
        if name and not is_generic(name):
            return name
    for match in _PRODUCT_PROSE.finditer(head):
        name = match.group("name")
        if not is_generic(name) and name.casefold() not in ("this", "our", "your"):
            return name
    return None


def launch_name(title: str | None, source_name: str | None, text: str = "") -> str | None:
    """The launch name a document suggests (see the module docstring)."""
    if title:
        distinctive = _distinctive(title)
        if distinctive:
            return distinctive
    product = product_named(text) if text else None
    if product:
        return product
    stem = PurePath(source_name).stem if source_name else None
    return stem or (plain_text(title) if title else None) or None
