"""The weekly trend chart: a PNG with the readiness score and open items by priority.

`render_chart(digest_or_trend, *, launch_name) -> bytes`. matplotlib is imported inside
the function (importing this module stays cheap) and used without pyplot (no global
figure state, safe in threads) on the Agg canvas. Only matplotlib's bundled DejaVu font
is used; the PNG carries no software or time metadata, so the same data gives the same
bytes. 900×600 px.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import Any, cast

from commands.digests.model import DayScore, Digest

WIDTH_IN, HEIGHT_IN, DPI = 9, 6, 100
PRIORITIES = (  # bottom to top of the stack
    ("critical", "#c0392b"),
    ("high", "#e67e22"),
    ("medium", "#f1c40f"),
    ("low", "#95a5a6"),
)
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "path.simplify": False,
}


def render_chart(digest_or_trend: Digest | Sequence[DayScore], *, launch_name: str) -> bytes:
    """PNG bytes: score over time (0–100) above a stacked burn-down of open items by
    priority, titled with `launch_name`. An empty trend gives a chart saying so."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.figure import Figure

    trend = digest_or_trend.trend if isinstance(digest_or_trend, Digest) else digest_or_trend
    days = [day.day for day in trend]
    with matplotlib.rc_context(cast(Any, STYLE)):  # matplotlib types rc keys as literals
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        score_ax, open_ax = figure.subplots(2, 1, sharex=True, height_ratios=(1, 1.2))
        figure.suptitle(f"{launch_name} — readiness", fontsize=14, parse_math=False)

        score_ax.set_ylim(0, 100)
        score_ax.set_title("Readiness score", loc="left", fontsize=10)
        open_ax.set_title("Open items by priority", loc="left", fontsize=10)
        if not days:
            score_ax.text(
                0.5, 0.5, "no data yet", ha="center", va="center", transform=score_ax.transAxes
            )
        else:
            score_ax.plot(days, [day.score for day in trend], marker="o", color="#2c7be5")
            score_ax.annotate(
                f"{trend[-1].score}",
                (days[-1], trend[-1].score),
                textcoords="offset points",
                xytext=(6, 6),
            )
            series = [[day.open_by_priority.get(p, 0) for day in trend] for p, _ in PRIORITIES]
            open_ax.stackplot(
                days,
                *series,
                labels=[p for p, _ in PRIORITIES],
                colors=[c for _, c in PRIORITIES],
                alpha=0.85,
            )
            open_ax.set_ylim(bottom=0)
            open_ax.legend(loc="upper right", fontsize=8, ncols=4)
            open_ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))
            open_ax.xaxis.set_major_formatter(DateFormatter("%b %d"))
        buffer = io.BytesIO()
        with warnings.catch_warnings():  # emoji in a launch name: no glyph, not an error
            warnings.filterwarnings("ignore", message="Glyph .* missing", category=UserWarning)
            figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
