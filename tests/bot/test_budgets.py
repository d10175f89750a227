"""Every Slack surface of a 60-item launch reads at a glance: few blocks, few controls, no
item twice, no raw mention tokens or entities where they would show, and notification text
that names people instead of printing their ids."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from bot.render.check import check_message, check_view
from bot.render.messages import SlackMessage
from tests.bot import surfaces

RAW_TOKEN = re.compile(r"<[@#][UWCG][A-Z0-9]+\|")  # what Slack sends, never what it shows
BARE_ID = re.compile(r"(?<![<@#A-Z0-9])[UW]0[A-Z0-9]{3,}\b")  # a user id outside a mention
KEY = re.compile(r"`([A-Z][A-Z0-9]*-\d+)`")


@pytest.fixture
def launch(store):
    surfaces.sixty_item_launch(store)
    return store


def texts(value: Any, kind: str = "mrkdwn") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        inner = "plain" if value.get("type") == "plain_text" else kind
        for key, item in value.items():
            if key not in ("value", "action_id", "block_id", "private_metadata", "callback_id"):
                found += texts(item, inner)
    elif isinstance(value, list):
        for item in value:
            found += texts(item, kind)
    elif isinstance(value, str):
        found.append((kind, value))
    return found


def controls(blocks: list[dict[str, Any]]) -> int:
    count = 0
    for block in blocks:
        count += len(block.get("elements", [])) if block["type"] == "actions" else 0
        count += 1 if "accessory" in block else 0
    return count


def keys_shown(blocks: list[dict[str, Any]]) -> Counter[str]:
    """Item keys as rows and lines show them (in code spans), once per block. What a
    blocked item "holds up" refers to other items: a reference, not a row."""
    seen: Counter[str] = Counter()
    for block in blocks:
        text = (block.get("text") or {}).get("text", "")
        text = re.sub(r"(holds up|waits for) [^\n]*", "", text)
        seen.update(set(KEY.findall(text)))
    return seen


def assert_readable(blocks: list[dict[str, Any]], fallback: str) -> None:
    for kind, text in texts(blocks):
        assert not RAW_TOKEN.search(text), text
        if kind == "plain":
            assert "&lt;" not in text and "&amp;" not in text, text
    assert not BARE_ID.search(fallback), fallback
    assert not RAW_TOKEN.search(fallback), fallback


def assert_message(message: SlackMessage, *, blocks: int, controls_at_most: int) -> None:
    check_message(message)
    assert len(message.blocks) <= blocks, len(message.blocks)
    assert controls(message.blocks) <= controls_at_most
    assert_readable(message.blocks, message.text)
    repeated = {key: n for key, n in keys_shown(message.blocks).items() if n > 1}
    assert not repeated, repeated


def test_the_status_fits_a_laptop_screen(launch) -> None:
    message = surfaces.status(launch)
    assert_message(message, blocks=12, controls_at_most=14)
    assert message.blocks[0]["text"]["text"].endswith("NO-GO")
    assert "critical open" in message.blocks[1]["text"]["text"]  # the reasons, at the top
    assert "`" not in message.blocks[1]["text"]["text"].split("\n")[0]  # no code-span bars


def test_a_list_page_has_one_control_per_row_and_says_how_many_are_shown(launch) -> None:
    message = surfaces.listing(launch)
    assert_message(message, blocks=24, controls_at_most=21)
    assert (
        " of " in message.blocks[0]["text"]["text"] and "shown" in message.blocks[0]["text"]["text"]
    )


@pytest.mark.parametrize("user", ["U0ALICE", "U0BOB"])
def test_the_home_tab_by_role(launch, user: str) -> None:
    view = surfaces.home_tab(launch, user)
    check_view(view)
    assert len(view["blocks"]) <= 40
    assert controls(view["blocks"]) <= 30
    assert_readable(view["blocks"], "")
    assert "🎉" not in str(view)  # the launch is NO-GO
    repeated = {key: n for key, n in keys_shown(view["blocks"]).items() if n > 1}
    assert not repeated, repeated
    if user == "U0ALICE":
        assert "holds up `SEC-7` and `SEC-9`" in str(view["blocks"])
    owner_sections = "Critical, nobody owns it" in str(view) or "*Blocked" in str(view)
    assert owner_sections == (user == "U0ALICE")  # alice owns the launch


def test_the_digest_shows_each_item_once(launch) -> None:
    message = surfaces.digest(launch)
    assert_message(message, blocks=20, controls_at_most=2)
    blocked = next(b["text"]["text"] for b in message.blocks if "Blocked (2)" in str(b))
    assert "waiting on the pen test vendor · holds up SEC-7 and SEC-9" in blocked
    assert "holds up SEC-7 and SEC-9" in message.text  # the notification text too


def test_the_status_says_what_a_blocked_item_holds_up(launch) -> None:
    message = surfaces.status(launch)
    assert "holds up `SEC-7` and `SEC-9`" in str(message.blocks)


def test_a_monitor_alert_leads_with_the_impact(launch) -> None:
    message = surfaces.alert()
    assert_message(message, blocks=4, controls_at_most=6)
    headline = message.blocks[0]["text"]["text"]
    assert headline.startswith("🔴 `INF-2` blocked: GET /health returned 500")
    assert headline.endswith("<@U0BOB>")  # the item's owner is pinged
    assert str(message.blocks).count("https://api.example.com/health") == 1
    assert "verdict GO with conditions → *NO-GO*" in str(message.blocks)
