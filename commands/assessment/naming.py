"""The launch name and stated readiness a document suggests."""

from __future__ import annotations

import re
from pathlib import PurePath

from commands.assessment.inline import plain_text

# Title words that describe the document, not the launch.
_GENERIC_TEXT = """
production readiness ready assessment assessments what whats what's is are missing gap
gaps success review report status checklist analysis launch pre prelaunch go live golive
summary current state evaluation audit for the a an of to and our we need
"""
_GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
_TITLE_PARTS = re.compile(r"\s+[-–—|]\s+|:\s+")
_WORDS = re.compile(r"[\w’']+")

_READINESS_LINE = re.compile(r"readiness|\bready\b", re.I)
_PERCENT = re.compile(r"(?<![\d.])(\d{1,3})(?:\.\d+)?\s*%")


def is_generic(text: str) -> bool:
    """Whether a title says nothing but "production readiness assessment"-like words."""
    words = [word.replace("’", "'") for word in _WORDS.findall(text.casefold())]
    return all(word in _GENERIC_WORDS for word in words)


def launch_name(title: str | None, source_name: str | None) -> str | None:
    """The launch name a document suggests.

    The distinctive part of the title ("Production Readiness Assessment - Mediation
    Platform" gives "Mediation Platform"); for a generic title ("What's Missing for
    Production Success") the file's stem ("school-portal-gaps"); otherwise the title.
    """
    stem = PurePath(source_name).stem if source_name else None
    if not title:
        return stem or None
    plain = plain_text(title)
    parts = [part.strip() for part in _TITLE_PARTS.split(plain) if part.strip()]
    distinctive = [part for part in parts if not is_generic(part)]
    if len(parts) > 1 and distinctive:
        return distinctive[0]
    if not distinctive and stem:
        return stem
    return plain or stem or None


def stated_readiness(lines: list[str]) -> int | None:
    """The readiness percentage the document claims: "Overall Readiness: 85%",
    "~45% Production Ready". The first line that mentions readiness and a percentage wins."""
    for line in lines:
        if _READINESS_LINE.search(line):
            match = _PERCENT.search(line)
            if match and int(match.group(1)) <= 100:
                return int(match.group(1))
    return None
