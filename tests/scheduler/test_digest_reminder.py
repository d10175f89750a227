"""The overdue-items reminder DM: each item with Done and Snooze, within Slack's limits."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.render.check import check_message
from bot.render.digest import ids
from bot.render.digest.reminder import REMINDER_ITEMS, render_reminder, render_reminder_text
from bot.render.digest.templating import Templates, load_templates
from commands.replies import ItemView
from storage.vocabulary import Priority, Status

TODAY = date(2026, 11, 17)
EVIL = "<!channel> <@U123|x> <http://evil|ok> & *x* `y`"


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates()


def item(n: int, title: str = "Database backups", key: str | None = None) -> ItemView:
    return ItemView(
        id=n,
        key=key or f"K{n}",
        title=title,
        category="Ops",
        priority=Priority.HIGH,
        status=Status.TODO,
        owner="U0ME",
        due_date=TODAY - timedelta(days=n % 5 + 1),
    )


def actions_blocks(message) -> list[dict]:
    return [block for block in message.blocks if block["type"] == "actions"]


def test_each_overdue_item_gets_done_and_snooze(templates: Templates) -> None:
    message = render_reminder("U0ME", [item(41), item(42)], TODAY, templates)

    check_message(message)
    first = actions_blocks(message)[0]
    assert first["block_id"] == "reminder:41"
    done, snooze = first["elements"]
    assert (done["action_id"], done["value"], done["style"]) == ("reminder_done", "41", "primary")
    assert snooze["action_id"] == "reminder_snooze"
    assert [(o["text"]["text"], o["value"]) for o in snooze["options"]] == [
        ("1 day", "41:1"),
        ("3 days", "41:3"),
        ("1 week", "41:7"),
    ]


def test_the_message_lists_the_items_and_how_to_turn_reminders_off(templates: Templates) -> None:
    message = render_reminder("U0ME", [("Checkout v2", item(41)), item(42)], TODAY, templates)

    assert message.blocks[0]["text"]["text"] == "*⏰ 2 of your items are overdue*"
    assert message.blocks[1]["text"]["text"] == (
        "`K41` Database backups · _Checkout v2_ · high · overdue 2 d (due Sun Nov 15)"
    )
    assert (
        message.blocks[3]["text"]["text"]
        == "`K42` Database backups · high · overdue 3 d (due Sat Nov 14)"
    )
    assert message.blocks[-1]["elements"][0]["text"] == "Turn these off: `/ready remind off`"
    assert message.text.startswith(
        "2 of your items are overdue:\n  K41  Database backups (Checkout v2)"
    )


def test_many_items_are_cut_with_a_count(templates: Templates) -> None:
    message = render_reminder("U0ME", [item(n) for n in range(1, 101)], TODAY, templates)

    check_message(message)
    assert len(actions_blocks(message)) == REMINDER_ITEMS
    assert "… and 85 more: `/ready list mine`" in json.dumps(message.blocks, ensure_ascii=False)
    assert "… and 85 more: /ready list mine" in render_reminder_text(
        "U0ME", [item(n) for n in range(1, 101)], TODAY, templates
    )


def test_an_item_listed_twice_gets_its_controls_once(templates: Templates) -> None:
    message = render_reminder("U0ME", [item(7), ("Other", item(7))], TODAY, templates)

    check_message(message)
    assert [block["block_id"] for block in actions_blocks(message)] == ["reminder:7"]


def test_hostile_titles_stay_text(templates: Templates) -> None:
    items = [(EVIL, item(n, title=EVIL * 10, key=EVIL)) for n in range(1, 30)]
    message = render_reminder("U0ME", items, TODAY, templates)

    check_message(message)
    for forbidden in ("<!channel>", "<@U123|", "<http"):
        assert forbidden not in json.dumps(message.blocks)
        assert forbidden not in message.text


def test_a_template_cannot_make_controls_for_items_not_in_the_reminder(tmp_path: Path) -> None:
    (tmp_path / "reminder.mrkdwn.j2").write_text(
        "Overdue\n{% for row in items.items %}<<actions {{ row.item.id }}>>\n{% endfor %}<<actions 999>>\n"
    )

    message = render_reminder("U0ME", [item(1)], TODAY, load_templates(tmp_path))

    assert [block["block_id"] for block in actions_blocks(message)] == ["reminder:1"]


def test_snooze_values_round_trip_and_odd_ones_are_refused() -> None:
    assert ids.parse_snooze(ids.snooze_value(42, 7)) == (42, 7)
    for bad in ("42", "42:2", "x:1", ":3", "42:-1"):
        with pytest.raises(ValueError):
            ids.parse_snooze(bad)
