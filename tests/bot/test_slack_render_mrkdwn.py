"""mrkdwn escaping, mentions and shortening; item references in ids."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render import ids
from bot.render import mrkdwn as md
from bot.render.blocks import Layout, pack, section, text_size
from commands.text import user


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_it_escapes_the_three_characters_slack_reserves() -> None:
    assert md.escape("<!channel> & <@U1> <http://x|y>") == (
        "&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;http://x|y&gt;"
    )
    assert md.escape("&lt;") == "&amp;lt;"  # typed entities show as typed


def test_user_markers_become_mentions_for_slack_ids_and_names_otherwise() -> None:
    text = f"{user('U0BOB')} and {user('W12AB')} and {user('alice')} and {user('U9')} <x>"
    assert md.text(text) == "<@U0BOB> and <@W12AB> and @alice and @U9 &lt;x&gt;"
    assert md.plain(text) == "@U0BOB and @W12AB and @alice and @U9 <x>"  # plain_text: as given


def test_mentions_slack_sent_stay_live_and_everything_else_is_escaped() -> None:
    typed = "ask <@U0BOB|bob> in <#C0LAUNCH|launch> not <!channel> <!here> <http://x|y> <@C0X>"
    assert md.escape(typed) == (
        "ask <@U0BOB> in <#C0LAUNCH> not &lt;!channel&gt; &lt;!here&gt; &lt;http://x|y&gt; "
        "&lt;@C0X&gt;"
    )
    assert md.plain(typed) == "ask @bob in #launch not <!channel> <!here> <http://x|y> <@C0X>"
    assert md.inline("blocked on <@U0BOB|bob>", 80) == "blocked on <@U0BOB>"


def test_a_console_name_with_markup_is_escaped_inside_its_marker() -> None:
    assert md.text(f"by {user('<!here>')}") == "by @&lt;!here&gt;"
    assert md.mention("<!here>`x`") == "@&lt;!here&gt;ˋxˋ"
    assert md.mention("U0BOB") == "<@U0BOB>"


def test_a_stray_nul_never_leaves_the_renderer() -> None:
    assert "\x00" not in md.text("a\x00b\x00@c")
    assert "\x00" not in md.escape("a\x00")


def test_bold_swaps_the_users_asterisks_for_a_look_alike() -> None:
    assert md.bold(md.inline("a *b* c", 50)) == "*a ∗b∗ c*"
    assert md.bold("") == ""


def test_inline_text_is_one_line_without_backticks_and_within_the_limit() -> None:
    assert md.inline("  a\n`b`\t c ", 50) == "a ˋbˋ c"
    shortened = md.inline("<" * 100, 20)
    assert len(shortened) <= 20 and shortened.endswith("…")
    assert "&lt;" in shortened and not shortened.removesuffix("…").endswith("&")


def test_truncate_never_splits_an_entity_or_a_mention() -> None:
    assert md.truncate("ab &amp; cd", 6) == "ab…"
    assert md.truncate("hi <@U0BOB> there", 8) == "hi…"
    assert md.truncate("short", 10) == "short"


@given(st.text(max_size=300), st.integers(min_value=2, max_value=200))
def test_inline_output_is_inert_and_fits(raw: str, limit: int) -> None:
    out = md.inline(raw, limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out and "`" not in out and "\x00" not in out
    assert "&" not in out.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")


@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(["U0BOB", "bob"])), max_size=6))
def test_text_only_emits_angle_brackets_for_real_mentions(parts: list[str]) -> None:
    raw = "".join(user(p) if p in ("U0BOB", "bob") else p.replace("\x00", "") for p in parts)
    out = md.text(raw)
    # The only live `<…>` left are our mention and mentions Slack itself could have sent.
    live = md.TYPED_MENTION.sub("", out.replace("<@U0BOB>", ""))
    assert live.count("<") == 0
    if "<@" not in raw and "<#" not in raw:
        assert unescape(out.replace("<@U0BOB>", "@U0BOB")) == raw.replace("\x00", "")


def test_pack_joins_lines_into_sections_of_at_most_the_limit() -> None:
    chunks = pack(["x" * 1000] * 7, limit=3000)
    assert [len(c) for c in chunks] == [2001, 2001, 2001, 1000]
    assert all(len(c) <= 3000 for c in chunks)


def test_a_layout_adds_all_or_nothing_and_keeps_its_reserve() -> None:
    layout = Layout(max_blocks=3, text_budget=100)
    assert layout.add(section("a" * 40), section("b" * 40))
    assert not layout.add(section("c" * 40))  # over the text budget
    assert not layout.add(section("c"), reserve_blocks=1)  # would eat the reserve
    assert layout.add(section("c"))
    assert text_size(layout.blocks) == 81


def test_layout_lines_show_a_prefix_that_fits() -> None:
    layout = Layout(max_blocks=50, text_budget=100)
    shown = layout.add_lines([f"line {n:02}" for n in range(30)])
    assert shown == 12  # 12 lines of 7 chars + 11 newlines = 95
    assert layout.blocks[0]["text"]["text"].endswith("line 11")


def test_item_references_round_trip() -> None:
    assert ids.parse_item_ref(ids.item_ref(42)) == ids.ItemRef(item_id=42)
    assert ids.parse_item_ref("item:key:7:SEC-1") == ids.ItemRef(launch_id=7, key="SEC-1")
    assert ids.parse_menu("due:key:7:SSL") == ("due", ids.ItemRef(launch_id=7, key="SSL"))
    for bad in ("", "x", "key:x:SSL", "key:7:", "12a"):
        with pytest.raises(ValueError):
            ids.parse_item_ref(bad)


def test_the_list_more_value_is_compact_json() -> None:
    value = ids.list_more_value("category", "Security", 3)
    assert json.loads(value) == {"kind": "category", "value": "Security", "page": 3}
    assert " " not in value
