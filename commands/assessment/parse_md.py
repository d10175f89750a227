"""Import: the checklist an assessment document states.

`parse_assessment` repairs mojibake, then reads the document either exactly (readybot's own
format, written by `export_markdown`, see `native_format`) or as markdown (anything else:
markdown-it-py parses it into blocks, see `blocks`, and `reader` reads the checklist out of
them). Pure: no I/O; `decode_document` turns uploaded bytes into text.
"""

from __future__ import annotations

from commands.assessment import pandoc_tables, text_shapes
from commands.assessment.blocks import parse_blocks
from commands.assessment.identity import import_ref
from commands.assessment.model import Assessment
from commands.assessment.naming import launch_name
from commands.assessment.native_format import CANARY, marker_canary, read_native
from commands.assessment.reader import read_freeform
from commands.assessment.repair import repair_mojibake

__all__ = ["import_ref", "parse_assessment"]


def parse_assessment(text: str, *, source_name: str | None = None) -> Assessment:
    """The assessment a markdown document states. Pure; linear in the size of the text.

    Items come in document order with 1-based line numbers (of the repaired text) and the
    text of that line (`source`). A document written by `export_markdown` is read
    exactly: every field, duplicates and all. Any other document is read as markdown
    (`reader`): checkboxes (nested too), status-emoji bullets, bold findings, checklist
    tables, items written as headings, steps under "Next steps", categorised by headings
    and label lines; statements of the same item are merged (`merges`), what was not read
    is counted (`skipped`), and what the document claims about itself is in `claims`.
    `title` is the first `# ` heading; `name` its distinctive part, else the product the
    text names, else the stem of `source_name`. `repaired` is the mojibake repair applied
    ("mac_roman", "cp1252" or None).
    """
    text = text.removeprefix("\ufeff")
    if marker_canary(text) == CANARY:
        # Our own file, intact: nothing in it is mojibake, whatever it looks like.
        repaired, how = text, None
    else:
        repaired, how = repair_mojibake(text)
        repaired = repaired.removeprefix("\ufeff")
    # Lines are "\n" lines; a stray "\r" inside one would end a line for markdown-it.
    lines = [line.removesuffix("\r").replace("\r", " ") for line in repaired.split("\n")]
    if marker_canary(repaired) is not None:
        assessment = read_native(lines)
    else:
        # Pandoc's tables first: their columns are where the source puts them.
        shaped, origin = lines, dict[int, int]()
        if pandoc_tables.may_have_tables(repaired):
            shaped, origin = pandoc_tables.rewrite(lines)
        shaped, footnotes = text_shapes.rewrite(shaped)
        blocks = parse_blocks("\n".join(shaped))
        pandoc_tables.remap_tables(blocks, origin)
        assessment = read_freeform(lines, blocks)
        assessment.skipped.add("footnotes", footnotes)
        assessment.name = launch_name(assessment.title, source_name, repaired)
    assessment.repaired = how
    return assessment
