"""Import: the checklist an assessment document states.

`parse_assessment` repairs mojibake, then reads the document either exactly (readybot's own
format, written by `export_markdown`, see `native_format`) or heuristically (anything else,
see `freeform`). Pure: no I/O; `decode_document` turns uploaded bytes into text.
"""

from __future__ import annotations

from commands.assessment.freeform import FreeformReader
from commands.assessment.identity import import_ref
from commands.assessment.model import Assessment
from commands.assessment.naming import launch_name, stated_readiness
from commands.assessment.native_format import CANARY, marker_canary, read_native
from commands.assessment.repair import repair_mojibake

__all__ = ["import_ref", "parse_assessment"]


def parse_assessment(text: str, *, source_name: str | None = None) -> Assessment:
    """The assessment a markdown document states. Pure; linear in the size of the text.

    Items come in document order with 1-based line numbers (of the repaired text). A
    document written by `export_markdown` is read exactly: every field, duplicates and all.
    Any other document is read heuristically (`freeform`): checkboxes, status-emoji bullets,
    bold findings and status tables, categorised by their headings, one item per category
    and title. `title` is the first `# ` heading; `name` its distinctive part, or the stem
    of `source_name` (the uploaded file's name) when the title is generic ("Production
    Readiness Assessment" in "ehr-aws-assessment.md" gives "ehr-aws-assessment").
    `stated_readiness` is the "Overall Readiness: 85%" the document claims, and `repaired`
    the mojibake repair applied ("mac_roman", "cp1252" or None).
    """
    text = text.removeprefix("\ufeff")
    if marker_canary(text) == CANARY:
        # Our own file, intact: nothing in it is mojibake, whatever it looks like.
        repaired, how = text, None
    else:
        repaired, how = repair_mojibake(text)
        repaired = repaired.removeprefix("\ufeff")
    lines = [line.removesuffix("\r") for line in repaired.split("\n")]
    if marker_canary(repaired) is not None:
        assessment = read_native(lines)
    else:
        assessment = _read_freeform(lines, source_name)
    assessment.repaired = how
    return assessment


def _read_freeform(lines: list[str], source_name: str | None) -> Assessment:
    reader = FreeformReader(lines)
    items, header = reader.read()
    return Assessment(
        title=reader.title,
        name=launch_name(reader.title, source_name),
        stated_readiness=stated_readiness(lines),
        target_date=header.target_date,
        scenario=header.scenario,
        timezone=header.timezone,
        items=items,
    )
