"""Turn uploaded bytes into text, and undo mojibake.

Assessment files reach readybot after a trip through editors and chat tools, and the usual
accident is UTF-8 text that was read as Mac Roman or as Windows-1252 and saved again as UTF-8:
✅ arrives as "‚úÖ" (Mac Roman) or "âœ…" (Windows-1252), 🔴 as "\\uf8ffüî¥" or "ðŸ”´".

The repair works per *run*: a maximal stretch of non-ASCII characters. UTF-8 encodes every
non-ASCII character with bytes >= 0x80 only, and both codecs map those bytes to non-ASCII
characters, so each character of the original text becomes exactly one run of mojibake and the
runs can be repaired independently: encode the run with the codec that broke it and decode the
bytes as strict UTF-8. That is also what makes mixed documents (some lines broken, some fine)
work, and why ftfy alone is not enough (it leaves Mac Roman's 0xF0 as U+F8FF in "\\uf8ffüü°").

Legitimate text must survive. A lone accented letter or typographic character ("café",
"naïve", "—", "“quotes”") encodes to a single byte >= 0x80, which is never valid UTF-8 on
its own, and emoji, arrows or CJK are not in either codec at all, so ordinary text does not
decode. Runs of two or more such characters *can* accidentally be valid UTF-8 ("“École" is Mac
Roman mojibake of U+0483), so a run is only repaired on evidence:

* it decodes to a symbol beyond U+07FF (three or four UTF-8 bytes: emoji, arrows, ✅), or
  to several letters there (a CJK word) - special characters in prose do not happen to form
  those ("é”…" does form one ideograph, which is why one letter is not enough);
* or ftfy, on its own, calls it mojibake and repairs it the same way ("Ã©" and "√©" are
  "é"), which it does for the common two-byte cases and not for "“É" or "ß“";
* or every non-ASCII run of the document decodes and one of them is such evidence: the whole
  file went through the same accident.

A codec without any evidence in the document is not used at all. In Windows-1252 documents,
runs that still do not decode are shown to ftfy, which knows editors' other habit: turning the
no-break space of "âš\\xa0ï¸" or "Ã\\xa0" into a plain space (see `_ftfy_window`).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import ftfy
import ftfy.bad_codecs
from ftfy.badness import is_bad

from commands.assessment.lost_bytes import decode_with_lost_bytes, nbsp_completion, score

MAC_ROMAN = "mac_roman"
CP1252 = "cp1252"

# Windows-1252 leaves five bytes undefined; Windows itself maps them to C1 controls, and so
# does ftfy's "sloppy" variant, which strict cp1252 would refuse to encode.
_CODECS: tuple[tuple[str, str], ...] = ((MAC_ROMAN, "mac_roman"), (CP1252, "sloppy-windows-1252"))

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Runs joined by spaces, and the spaces after them: where a lost no-break space would be.
_WINDOW = re.compile(r"[^\x00-\x7f]+(?: +[^\x00-\x7f]+)* *")
_REPLACEMENT = "\ufffd"
# The ftfy repairs that mean "UTF-8 read as Windows-1252, no-break space lost" (Latin-1 is
# ftfy's name for the same reading when no Windows-only byte is involved).
_WINDOWS_1252_PLAN = frozenset(
    {
        ("encode", "sloppy-windows-1252"),
        ("encode", "windows-1252"),
        ("encode", "latin-1"),
        ("transcode", "restore_byte_a0"),
        ("decode", "utf-8"),
    }
)


def decode_document(data: bytes) -> str:
    """Text of an uploaded file.

    UTF-8 (a byte-order mark is dropped), or UTF-16 when it starts with a UTF-16 byte-order
    mark. Bytes that are not UTF-8 are read as Windows-1252, the usual legacy encoding, or,
    when they use one of the five bytes Windows-1252 does not define, as Mac Roman, which
    defines all 256. Decoding never fails; mojibake is `repair_mojibake`'s job.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("mac_roman")


def _decode_run(run: str, codec: str) -> str | None:
    """The run read back as the UTF-8 it was, or None if it cannot have been mojibake."""
    try:
        raw = run.encode(codec)
    except UnicodeEncodeError:
        return None
    if raw.isascii() or min(raw) < 0x80:
        # Only bytes >= 0x80 can come from UTF-8 multi-byte sequences. (ftfy's sloppy codec
        # maps U+FFFD to 0x1A, and a replacement character is not mojibake.)
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec != _CODECS[1][1]:
        return None
    # Windows-1252 readers drop its five undefined bytes: "âŒ" was ❌ (see lost_bytes).
    return decode_with_lost_bytes(raw)


def _is_strong(decoded: str) -> bool:
    """Whether a repair is evidence on its own: it produced a symbol (✅ → 🔴) that needs
    three or more UTF-8 bytes, or several such letters (a CJK word).

    A single far-away letter is not: "é”…" is legitimate French punctuation and also
    Windows-1252 mojibake of the ideograph U+9505.
    """
    wide = [char for char in decoded if ord(char) > 0x7FF]
    return len(wide) > 1 or any(not unicodedata.category(char).startswith("L") for char in wide)


@dataclass
class _Reading:
    """What one codec makes of the document's distinct runs."""

    label: str
    codec: str
    accepted: dict[str, str]  # run -> repair, for the runs this codec may repair
    score: int  # occurrences of accepted runs


def _ftfy_agrees(run: str, repaired: str) -> bool:
    """Whether ftfy, on its own, calls the run mojibake and repairs it the same way."""
    return is_bad(run) and ftfy.fix_encoding(run) == repaired


def _read_with(label: str, codec: str, runs: Counter[str]) -> _Reading:
    decoded = {run: _decode_run(run, codec) for run in runs}
    evidence = {
        run
        for run, text in decoded.items()
        if text is not None and (_is_strong(text) or _ftfy_agrees(run, text))
    }
    if not evidence:
        return _Reading(label, codec, {}, 0)
    whole_file = all(text is not None for text in decoded.values())
    accepted = {
        run: text
        for run, text in decoded.items()
        if text is not None and (whole_file or run in evidence)
    }
    return _Reading(label, codec, accepted, sum(runs[run] for run in accepted))


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Undo Mac Roman or Windows-1252 mojibake of UTF-8 text.

    Returns the repaired text and the repair applied: "mac_roman", "cp1252" or None when the
    text was left alone. Text that is not mojibake is returned unchanged (see the module
    docstring for the evidence required). Linear in the length of the text.
    """
    runs = Counter(match.group() for match in _NON_ASCII_RUN.finditer(text))
    if not runs:
        return text, None
    readings = [_read_with(label, codec, runs) for label, codec in _CODECS]
    # Best-supported codec first; on a tie Mac Roman, the one the real files used.
    readings = [r for r in sorted(readings, key=lambda r: -r.score) if r.score]
    if not readings:
        return text, None

    applied: Counter[str] = Counter()
    may_use_ftfy = any(reading.label == CP1252 for reading in readings)

    def repair_run(match: re.Match[str]) -> str:
        run = match.group()
        for reading in readings:
            fixed = reading.accepted.get(run)
            if fixed is not None:
                applied[reading.label] += 1
                return fixed
        return run

    def repair_window(match: re.Match[str]) -> str:
        window = match.group()
        if may_use_ftfy and " " in window:
            joined = _as_one_character(window)
            if joined is not None:
                applied[CP1252] += 1
                return joined
        if may_use_ftfy and any(
            all(run not in reading.accepted for reading in readings)
            for run in _NON_ASCII_RUN.findall(window)
        ):
            fixed = _ftfy_window(window)
            if fixed is not None:
                applied[CP1252] += 1
                return fixed
        return _NON_ASCII_RUN.sub(repair_run, window)

    repaired = _WINDOW.sub(repair_window, text)
    if not applied:
        return text, None
    return repaired, applied.most_common(1)[0][0]


def _as_one_character(window: str) -> str | None:
    """Runs split by spaces that were no-break spaces ("âš ï¸": the 0xA0 of ⚠️ became a
    space and its 0x8F was lost), read again; None unless some space was such a byte.

    A space is taken for 0xA0 only where the run before it ends one byte short and 0xA0
    makes a better character there than a lost undefined byte would ("âš" + 0xA0 is ⚠,
    while "ï¸" + 0x8F is the variation selector, not "ï¸" + 0xA0)."""
    parts = re.split(r"( +)", window)  # runs at even indexes, spaces at odd ones
    joined = False
    for index in range(0, len(parts) - 1, 2):
        if parts[index] and _nbsp_fits(parts[index]):
            parts[index] += "\xa0"
            parts[index + 1] = parts[index + 1][1:]
            joined = True
    if not joined:
        return None
    pieces = re.split(r"( +)", "".join(parts))
    fixed = [_decode_run(piece, _CODECS[1][1]) if piece.strip() else piece for piece in pieces]
    if any(piece is None for piece in fixed):
        return None
    return "".join(piece for piece in fixed if piece is not None)


def _nbsp_fits(run: str) -> bool:
    try:
        raw = run.encode(_CODECS[1][1])
    except UnicodeEncodeError:
        return False
    with_nbsp = nbsp_completion(raw)
    lossy = decode_with_lost_bytes(raw)
    if with_nbsp is None or not score(with_nbsp[-1]):
        return False
    return lossy is None or score(with_nbsp[-1]) > score(lossy[-1])


def _ftfy_window(window: str) -> str | None:
    """ftfy's repair of non-ASCII runs (and the spaces between and after them) that no codec
    could read, in a Windows-1252 document; None if it has none.

    Editors that turn the no-break space of "âš\\xa0ï¸" or "Ã\\xa0" into a plain space
    break a character's run in two, and neither half decodes alone; ftfy knows that pattern.
    Only a repair that reads the window as Windows-1252 (the document's accident) is
    taken, and a repair always makes text shorter, so a "fix" that does not, or that adds
    replacement characters, is refused: that keeps legitimate text (and C1 controls) as is.
    """
    result = ftfy.fix_encoding_and_explain(window, fix_c1_controls=False)
    fixed, steps = result.text, result.explanation or []
    plan = [(action, argument) for action, argument in steps]
    if not plan or any(step not in _WINDOWS_1252_PLAN for step in plan) or len(plan) > 3:
        return None  # ftfy suspects some other accident (Windows-1257, double mojibake, ...)
    if plan[0][0] != "encode" or plan[-1] != ("decode", "utf-8"):
        return None
    if len(fixed) >= len(window) or fixed.count(_REPLACEMENT) > window.count(_REPLACEMENT):
        return None
    return fixed
