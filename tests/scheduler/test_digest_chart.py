"""The weekly trend chart and the sparkline: pictures of the score over time."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta

from bot.render.digest.chart import render_chart
from bot.render.digest.sparkline import signed, sparkline
from commands.digests.model import DayScore
from tests.scheduler.test_digest_render import make_digest


def test_a_sparkline_scales_scores_from_0_to_100() -> None:
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([10, 10, 10]) == "▂▂▂"
    assert sparkline([-5, 130]) == "▁█"


def test_an_empty_trend_has_no_sparkline() -> None:
    assert sparkline([]) == ""


def test_score_changes_are_signed() -> None:
    assert [signed(4), signed(-3), signed(0), signed(None)] == ["▲ 4", "▼ 3", "no change", ""]


def decode(png: bytes):
    from matplotlib.image import imread

    return imread(io.BytesIO(png), format="png")


def test_the_chart_is_a_900_by_600_png() -> None:
    png = render_chart(make_digest(), launch_name="Checkout v2")

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert decode(png).shape[:2] == (600, 900)


def test_the_same_data_gives_the_same_bytes() -> None:
    digest = make_digest()

    assert render_chart(digest, launch_name="Checkout v2") == render_chart(
        digest.trend, launch_name="Checkout v2"
    )


def test_awkward_names_and_little_data_still_make_a_chart() -> None:
    one_day = (DayScore(date(2026, 11, 17), 40, {"critical": 2}),)
    for trend in ((), one_day):
        png = render_chart(trend, launch_name="Price $5 → $10 🚀 <!channel>")
        assert decode(png).shape[:2] == (600, 900)


def test_gaps_in_the_trend_are_fine() -> None:
    start = date(2026, 11, 1)
    trend = tuple(DayScore(start + timedelta(days=d), d * 5, {"low": 20 - d}) for d in (0, 1, 5, 9))

    assert render_chart(trend, launch_name="Gappy").startswith(b"\x89PNG")


def test_importing_the_chart_module_does_not_import_matplotlib() -> None:
    code = "import sys, bot.render.digest.chart, bot.render.digest.digest; print('matplotlib' in sys.modules)"

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "False"
