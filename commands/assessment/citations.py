"""Citations that assistants leave in generated assessments, and links, as evidence.

`【F:backend/src/routes/index.ts†L1-L35】` is a pointer into the repository the assessment
was written from. It is noise in a title or a note, but it is evidence for the item, so
it leaves the text and comes back human-readably: "backend/src/routes/index.ts, lines
1–35". Other bracketed source markers (`【12†source】`, `[cite: 3]`) carry no location and
are dropped.
"""

from __future__ import annotations

import re

# 【F:path†L1-L35】, 【F:path†L7】, 【F:path】; the "F:" (file) prefix is optional. A
# repaired "â€ L1" is "” L1": the dagger's last byte (a no-break space) became a space.
_FILE_CITATION = re.compile(
    r"【\s*(?:F:)?(?P<path>[^†】\s][^†】]*?)\s*"
    r"(?:[†”]\s*L(?P<start>\d+)(?:\s*-\s*L?(?P<end>\d+))?\s*)?】"
)
# Markers without a file: 【12†source】, 【4:2†report.pdf】, [cite: 3], [cite_start].
_BARE_MARKER = re.compile(r"【[^】]*】|\[cite(?:_start|_end)?(?::\s*[\d,\s]+)?\]")


def render_citation(path: str, start: str | None, end: str | None) -> str:
    """ "backend/src/a.ts, lines 1–35" / ", line 7" / just the path."""
    if start and end and end != start:
        return f"{path}, lines {start}–{end}"
    if start:
        return f"{path}, line {start}"
    return path


def take_citations(text: str) -> tuple[str, list[str]]:
    """The text without citation markers, and the citations it had, rendered."""
    if "【" not in text and "[cite" not in text:
        return text, []
    found: list[str] = []

    def keep(match: re.Match[str]) -> str:
        path = match.group("path").strip()
        if "/" in path or "." in path:  # a file, not a search-result number
            found.append(render_citation(path, match.group("start"), match.group("end")))
        return " "

    text = _FILE_CITATION.sub(keep, text)
    text = _BARE_MARKER.sub(" ", text)
    # "behind the load balancer 【F:nginx.conf†L1】." : no space left before the full stop.
    text = re.sub(r"[ \t]+(?=[.,;:!?)])", "", text)
    return text, found
