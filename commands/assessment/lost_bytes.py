"""UTF-8 whose Windows-1252 reading lost the five bytes Windows-1252 does not define.

Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined, and many tools drop them
when they read UTF-8 as Windows-1252: "❌" (E2 9D 8C) arrives as "âŒ", "⚠️" (E2 9A A0 EF
B8 8F) as "âš ï¸". Those bytes are all UTF-8 continuation bytes, and a lead byte says how
many continuation bytes follow, so a short sequence shows where one went missing. The
candidates are few (five bytes, a position or two) and usually several decode; the
choice prefers readybot's status and priority symbols, then emoji and dingbats, so "âŒ"
becomes ❌ and never ⌠ or ⌍. Only symbols are accepted: a short sequence that would
decode to a letter ("ã" read as a lost-byte "ぁ") is text, not mojibake.
"""

from __future__ import annotations

import unicodedata
from itertools import product

from commands.assessment.vocabulary import PRIORITY_EMOJI, STATUS_EMOJI

LOST = (0x9D, 0x8F, 0x81, 0x8D, 0x90)
_FAVOURED = (
    set(STATUS_EMOJI)
    | set(PRIORITY_EMOJI)
    | set("❗❓❕❔➡⬅⬆⬇⭐✨⚡⚙⏰⌛✏✍❤✳✴❇➕➖➗➜➤▶◀⚪⚫⬛⬜\ufe0f\u200d")
    # The brackets of an assistant's citation ("【F:src/a.ts†L1-L9】"): 【 is E3 80 90.
    | set("【】")
)
# A joiner only joins emoji: "”" (E2 80 9D, the commonest lost byte of all: every closing
# quote of a Word or Docs text) is what "â€" stood for anywhere else.
_JOINER = "\u200d"
_CLOSING_QUOTE = "\u201d"
_MAX_MISSING = 2


def _length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def score(char: str, *, joins: bool = True) -> int:
    """How plausible a repaired character is; 0: not acceptable as a repair. `joins`:
    whether an emoji follows, so that a zero-width joiner is plausible."""
    if char == _JOINER:
        return 4 if joins else 0
    if char == _CLOSING_QUOTE:
        return 3
    if char in _FAVOURED:
        return 3
    code = ord(char)
    symbol = unicodedata.category(char) in ("So", "Sm")
    alchemical = 0x1F700 <= code <= 0x1F7DF
    if symbol and (0x2600 <= code <= 0x27BF or 0x1F300 <= code <= 0x1FAFF) and not alchemical:
        return 2  # dingbats, miscellaneous symbols, emoji
    if symbol and (0x2190 <= code <= 0x23FF or 0x2B00 <= code <= 0x2BFF or code >= 0x1F000):
        return 1  # arrows, technical symbols, other pictographs
    return 0


def _repair_sequence(seq: bytes, expected: int, *, joins: bool = True) -> str | None:
    """The best character `seq` (a lead and too few continuation bytes) can have been."""
    missing = expected - len(seq)
    # A lead byte with none of its continuation bytes is too little to go on ("â" is
    # also just "â").
    if not 0 < missing <= _MAX_MISSING or len(seq) < 2:
        return None
    best, best_score = None, 0
    for positions in product(range(1, expected), repeat=missing):
        if list(positions) != sorted(positions):
            continue
        for fill in product(LOST, repeat=missing):
            candidate = bytearray(seq)
            for position, byte in zip(positions, fill, strict=True):
                candidate.insert(position, byte)
            try:
                char = bytes(candidate).decode("utf-8")
            except UnicodeDecodeError:
                continue
            value = score(char, joins=joins)
            if value > best_score:
                best, best_score = char, value
    return best


def decode_with_lost_bytes(raw: bytes) -> str | None:
    """`raw` as UTF-8 with dropped undefined bytes restored, or None if it cannot be."""
    out: list[str] = []
    index = 0
    repaired = False
    while index < len(raw):
        expected = _length(raw[index])
        if not expected:
            return None
        end = index + 1
        while end < len(raw) and end - index < expected and 0x80 <= raw[end] <= 0xBF:
            end += 1
        seq = raw[index:end]
        if len(seq) == expected:
            try:
                out.append(seq.decode("utf-8"))
            except UnicodeDecodeError:
                return None
        else:
            joins = end < len(raw) and raw[end] in (0xE2, 0xF0)
            char = _repair_sequence(seq, expected, joins=joins)
            if char is None:
                return None
            out.append(char)
            repaired = True
        index = end
    return "".join(out) if repaired else None


def nbsp_completion(raw: bytes) -> str | None:
    """`raw` + 0xA0 as UTF-8 (lost bytes restored) when `raw` ends one byte short; the
    editor that turned a no-break space into a space took that byte."""
    lead = max((i for i, byte in enumerate(raw) if byte >= 0xC0), default=None)
    if lead is None or _length(raw[lead]) - (len(raw) - lead) != 1:
        return None
    head = raw + b"\xa0"
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        return decode_with_lost_bytes(head)
