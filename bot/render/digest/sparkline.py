"""Small pure formatters the digest templates use: sparklines and signed score changes."""

from __future__ import annotations

from collections.abc import Iterable

BARS = "▁▂▃▄▅▆▇█"


def sparkline(scores: Iterable[int | float]) -> str:
    """One bar per value, scaled to a fixed 0–100 range (not to the values' own range, so
    a flat 90 looks high and a flat 10 looks low); values outside it are clamped.

    `sparkline([0, 50, 100]) == "▁▅█"`; `sparkline([]) == ""`."""
    top = len(BARS) - 1
    return "".join(BARS[int(min(100, max(0, s)) * top / 100 + 0.5)] for s in scores)


def signed(delta: int | None) -> str:
    """`▲ 4`, `▼ 3`, `no change`; `""` when there is nothing to compare with (None)."""
    if delta is None:
        return ""
    if delta > 0:
        return f"▲ {delta:,}"
    if delta < 0:
        return f"▼ {-delta:,}"
    return "no change"
