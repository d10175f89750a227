"""Shapes that word processors and converters write and markdown does not know, rewritten
line for line (the document keeps its line numbers) before markdown-it reads it:

* pandoc's attribute spans and heading ids: "[30 March]{.underline}" → "30 March";
* footnotes: "[^2]" markers leave the text, "[^2]: ..." definitions are not items;
* definition lists: "Backups" over ":   ✅ tested weekly" → "**Backups**: ✅ tested weekly",
  the shape of a bold-labelled line;
* bullets pasted from Word ("•\tEncryption at rest") are list items;
* sections numbered as plain lines ("1. Security", "2.1 Access", each a paragraph of its
  own) are headings, where the document numbers its sections at two levels;
* a document without any level-1 heading whose first line is a short title line has
  that line as its title.
"""

from __future__ import annotations

import re

_SPAN = re.compile(r"\[([^\[\]\n]*)\]\{[.#][^{}\n]*\}")
_HEADING_ATTRS = re.compile(r"^(#{1,6}\s.*?)\s*\{[#.][^{}]*\}\s*$")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]{1,20}\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^\[\^[^\]\s]{1,20}\]:")
_DEFINITION = re.compile(r"^[:~][ \t]+(?=\S)")
_WORD_BULLET = re.compile(r"^(\s*)[•◦▪‣∙](?:[ \t]+)(?=\S)")
_SECTION = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?[ \t]+(\S.{0,70})$")
_H1 = re.compile(r"^#[ \t]|^=+\s*$", re.M)
_TITLE_END = (".", ",", ";", ":", "!", "?")
_TERM_START = ("#", "|", "-", "*", "+", ">", "[", "<", "`", "!", ":", "~")


def rewrite(lines: list[str]) -> tuple[list[str], int]:
    """(the lines with these shapes in markdown's own, footnote lines taken out)."""
    out = list(lines)
    footnotes = _footnotes(out)
    text = "\n".join(out)
    if "]{" in text:
        out = [_HEADING_ATTRS.sub(r"\1", _SPAN.sub(r"\1", line)) for line in out]
    if "\n:" in text or "\n~" in text:
        _definitions(out)
    if any(char in text for char in "•◦▪‣∙"):
        out = [_WORD_BULLET.sub(r"\1- ", line) for line in out]
    _numbered_sections(out)
    if not _H1.search(text):
        _first_line_title(out)
    return out, footnotes


def _footnotes(out: list[str]) -> int:
    if "[^" not in "".join(out):
        return 0
    count, inside = 0, False
    for index, line in enumerate(out):
        if _FOOTNOTE_DEF.match(line) or (inside and line.startswith(("    ", "\t"))):
            out[index], inside = "", True
            count += 1
            continue
        inside = inside and not line.strip()
        if "[^" in line:
            out[index] = _FOOTNOTE_REF.sub("", line)
    return count


def _blank(lines: list[str], index: int) -> bool:
    return index < 0 or index >= len(lines) or not lines[index].strip()


def _definitions(out: list[str]) -> None:
    for index, line in enumerate(out):
        match = _DEFINITION.match(line)
        if match is None:
            continue
        term = index - 1 if not _blank(out, index - 1) else index - 2
        if term < 0 or _blank(out, term) or not _blank(out, term - 1):
            continue
        words = out[term].strip()
        if words.startswith(_TERM_START) or len(words) > 80 or words.endswith(_TITLE_END):
            continue
        body = [line[match.end() :].strip()]
        follow = index + 1
        while follow < len(out) and out[follow].startswith(("    ", "\t")):
            body.append(out[follow].strip())
            out[follow] = ""
            follow += 1
        out[term] = f"**{words}**: {' '.join(body)}"
        out[index] = ""
        if term == index - 2:
            out[index - 1] = ""


def _numbered_sections(out: list[str]) -> None:
    """Numbered section lines, each alone between blank lines, as headings: only where
    two-level numbers ("2.1 Access") show the document numbers its sections."""
    found = [
        (index, match)
        for index, line in enumerate(out)
        if (match := _SECTION.match(line.strip()))
        and _blank(out, index - 1)
        and _blank(out, index + 1)
        and not match.group(2).rstrip().endswith(_TITLE_END)
    ]
    if not any("." in match.group(1) for _, match in found):
        return
    tops = {match.group(1).split(".")[0] for _, match in found if "." in match.group(1)}
    last_top = 0
    for index, match in found:
        number = match.group(1)
        parts = number.split(".")
        if len(parts) == 1 and number not in tops and int(number) != last_top + 1:
            continue
        if len(parts) == 1:
            last_top = int(number)
        out[index] = "#" * (len(parts) + 1) + " " + out[index].strip()


def _first_line_title(out: list[str]) -> None:
    first = next((index for index, line in enumerate(out) if line.strip()), None)
    if first is None:
        return
    line = out[first].strip()
    after = out[first + 1].strip() if first + 1 < len(out) else ""
    if (
        len(line) > 90
        or line.startswith(_TERM_START)
        or line.endswith(_TITLE_END)
        or ": " in line
        or line[:1].isdigit()
        or not line[:1].isalpha()
        or re.fullmatch(r"[-=]+", after)
        or len(line.split()) < 2
        or (after and ": " not in after[:40])
    ):
        return
    out[first] = "# " + line
