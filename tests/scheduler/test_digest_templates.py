"""Digest templates: a deployment's folder overrides the packaged files one by one, values
are escaped for Slack, and marker lines become blocks within Slack's limits."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from bot.render.blocks import MESSAGE_TEXT_BUDGET, text_size
from bot.render.digest.blockify import TemplateProblem, to_blocks
from bot.render.digest.digest import render_digest, render_digest_text, render_unchanged
from bot.render.digest.templating import PACKAGED, Mrkdwn, load_templates
from tests.scheduler.test_digest_render import EVIL, make_digest, quiet_digest

NAMES = ("digest", "unchanged", "reminder")


def render_string(source: str, tmp_path: Path, kind: str = "mrkdwn", **context: object) -> str:
    (tmp_path / f"t.{kind}.j2").write_text(source)
    return load_templates(tmp_path).render("t", kind, context)  # type: ignore[arg-type]


# -- loading ---------------------------------------------------------------------------------


def test_every_template_is_packaged_in_both_forms() -> None:
    for name in NAMES:
        for kind in ("mrkdwn", "text"):
            assert (PACKAGED / f"{name}.{kind}.j2").is_file()
    assert (PACKAGED / "__init__.py").is_file()  # so that setuptools ships the folder


def test_an_override_folder_wins_for_the_files_it_has(tmp_path: Path) -> None:
    (tmp_path / "unchanged.mrkdwn.j2").write_text("Still {{ score }}/100 at {{ launch.name }}.")
    templates = load_templates(tmp_path)

    message = render_unchanged(quiet_digest(), templates)

    assert message.blocks[0]["text"]["text"] == "Still 62/100 at Checkout v2."
    assert templates.source_of("unchanged", "mrkdwn") == str(tmp_path / "unchanged.mrkdwn.j2")


def test_files_missing_from_the_override_folder_come_from_the_package(tmp_path: Path) -> None:
    (tmp_path / "unchanged.mrkdwn.j2").write_text("Still {{ score }}/100.")
    templates = load_templates(tmp_path)

    assert render_unchanged(quiet_digest(), templates).text.startswith("Checkout v2: no change")
    assert render_digest(make_digest(), templates) == render_digest(make_digest(), load_templates())
    assert templates.source_of("digest", "mrkdwn") == str(PACKAGED / "digest.mrkdwn.j2")


def test_an_override_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="READYBOT_TEMPLATES"):
        load_templates(tmp_path / "missing")


def test_a_template_using_an_unknown_variable_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "digest.text.j2").write_text("{{ scroe }}")

    with pytest.raises(jinja2.UndefinedError):
        render_digest_text(make_digest(), load_templates(tmp_path))


# -- escaping --------------------------------------------------------------------------------


def test_plain_values_are_escaped_and_kept_on_one_line(tmp_path: Path) -> None:
    out = render_string("{{ value }}", tmp_path, value=f"{EVIL}\nsecond line")

    assert out == "&lt;!channel&gt; <@U123> &lt;http://evil|ok&gt; &amp; *x* ˋyˋ second line"


def test_filters_build_mentions_and_code_that_go_in_as_they_are(tmp_path: Path) -> None:
    source = "{{ 'U0ALICE'|mention }} {{ 'alice'|mention }} {{ key|code }} {{ title|shorten(12) }}"

    out = render_string(source, tmp_path, key="<K>", title="A & B & C & D")

    assert out == "<@U0ALICE> @alice `&lt;K&gt;` A &amp; B…"


def test_the_safe_filter_is_not_available(tmp_path: Path) -> None:
    with pytest.raises(jinja2.TemplateAssertionError):
        render_string("{{ value|safe }}", tmp_path, value=EVIL)


def test_macros_are_not_escaped_twice(tmp_path: Path) -> None:
    source = "{% macro line(who) %}{{ who|mention }} & {{ note }}{% endmacro %}{{ line('U0BOB') }}"

    assert render_string(source, tmp_path, note="<b>") == "<@U0BOB> & &lt;b&gt;"


def test_mrkdwn_values_pass_and_user_markers_become_mentions(tmp_path: Path) -> None:
    source = "{{ fragment }} {{ reason }}"

    out = render_string(source, tmp_path, fragment=Mrkdwn("<@U1>"), reason="asked \x00@U0EVE\x00")

    assert out == "<@U1> asked <@U0EVE>"


def test_text_templates_insert_values_as_they_are(tmp_path: Path) -> None:
    out = render_string(
        "{{ v }} {{ 'U0A'|mention }} {{ m }}", tmp_path, "text", v=EVIL, m="\x00@U0B\x00"
    )

    assert out == f"{EVIL} @U0A @U0B"


def test_the_date_and_number_filters(tmp_path: Path) -> None:
    source = "{{ d|day }}|{{ d|day(t) }}|{{ 4|signed }}|{{ -3|signed }}|{{ 0|signed }}|{{ 1234|number }}|{{ 2|plural('day') }}"
    from datetime import date

    assert render_string(source, tmp_path, d=date(2026, 11, 17), t=date(2026, 11, 14)) == (
        "Tue Nov 17|Tue Nov 17 (in 3 d)|▲ 4|▼ 3|no change|1,234|2 days"
    )


# -- markers → blocks ------------------------------------------------------------------------


def test_markers_make_header_sections_context_and_divider() -> None:
    output = "<<header>> Title\n<<section>>\n*a*\nb\n<<divider>>\n<<context>>\none\ntwo\n"

    assert to_blocks(output) == [
        {"type": "header", "text": {"type": "plain_text", "text": "Title"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*a*\nb"}},
        {"type": "divider"},
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "one"}, {"type": "mrkdwn", "text": "two"}],
        },
    ]


def test_text_without_markers_is_one_section() -> None:
    assert to_blocks("\n\nhello\n\n\nworld\n") == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "hello\n\nworld"}}
    ]


def test_empty_blocks_and_stray_dividers_are_dropped() -> None:
    output = (
        "<<divider>>\n<<section>>\n  \n<<header>>\n<<section>> kept\n<<divider>>\n<<divider>>\n"
    )

    assert to_blocks(output) == [{"type": "section", "text": {"type": "mrkdwn", "text": "kept"}}]


def test_an_unknown_marker_is_a_template_problem() -> None:
    with pytest.raises(TemplateProblem, match="sectoin"):
        to_blocks("<<sectoin>>\nx")


def test_actions_need_a_renderer_that_offers_them() -> None:
    with pytest.raises(TemplateProblem):
        to_blocks("<<actions 1>>")


def test_long_sections_are_split_at_line_breaks() -> None:
    output = "\n".join(f"line {n} " + "x" * 90 for n in range(60))

    blocks = to_blocks(output)

    assert len(blocks) == 2
    assert all(len(block["text"]["text"]) <= 3000 for block in blocks)
    assert blocks[1]["text"]["text"].startswith("line ")


def test_too_many_blocks_are_merged_then_cut() -> None:
    merged = to_blocks("\n".join(f"<<section>> s{n}" for n in range(80)))
    cut = to_blocks("\n".join(f"<<context>> c{n}" for n in range(80)))

    assert len(merged) <= 50
    assert "s79" in merged[-1]["text"]["text"]
    assert len(cut) == 50
    assert cut[-1]["elements"][0]["text"] == "_… 31 more blocks not shown_"


def test_over_the_text_budget_long_sections_shrink_and_short_ones_stay() -> None:
    long = "\n".join(
        ["*Overdue (900)*", *(f"• item {n} " + "y" * 150 for n in range(30)), "… and 870 more"]
    )
    output = "<<section>>\nshort verdict\n" + f"<<section>>\n{long}\n" * 3 + "<<context>> trend"

    blocks = to_blocks(output)

    assert text_size(blocks) <= MESSAGE_TEXT_BUDGET
    assert blocks[0]["text"]["text"] == "short verdict"
    assert blocks[-1]["elements"][0]["text"] == "trend"
    trimmed = blocks[1]["text"]["text"].split("\n")
    assert trimmed[0] == "*Overdue (900)*"
    assert trimmed[-1] == f"… and {870 + 30 - (len(trimmed) - 2)} more"


def test_a_section_without_a_more_line_says_how_many_lines_were_cut() -> None:
    long = "\n".join(f"line {n} " + "z" * 200 for n in range(14))

    blocks = to_blocks(f"<<section>>\n{long}\n<<section>>\n{long}\n<<section>>\n{long}")

    assert text_size(blocks) <= MESSAGE_TEXT_BUDGET
    assert blocks[0]["text"]["text"].endswith(" more lines not shown_")


def test_the_loader_is_importable_from_the_templates_package() -> None:
    from bot.render.digest import templates

    assert templates.load_templates is load_templates
