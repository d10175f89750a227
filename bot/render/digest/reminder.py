"""The overdue-items reminder: one DM per person listing their overdue items, each with
Done and Snooze (1 day / 3 days / 1 week) controls. Pure.

`render_reminder(user_id, items, today, templates)` takes the items as `ItemView`s or as
`(launch name, ItemView)` pairs (a person's items may span launches; the name is shown when
given). Items appear in the order given; the first `REMINDER_ITEMS` get a line and controls
(two blocks each), the rest are counted ("… and N more"). Ids and values: `ids.py`.
Templates: `reminder.mrkdwn.j2` (with `<<actions <item id>>>` markers) and `reminder.text.j2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.render import blocks as b
from bot.render.digest import ids
from bot.render.digest.context import capped
from bot.render.digest.output import message, tidy
from bot.render.digest.templating import Templates
from bot.render.messages import SlackMessage
from commands.replies import ItemView

REMINDER_ITEMS = 15  # 2 blocks each: with the heading and footer, well under 50
ReminderItem = ItemView | tuple[str | None, ItemView]


@dataclass(frozen=True)
class ReminderRow:
    item: ItemView
    launch: str | None = None


def _rows(items: Sequence[ReminderItem]) -> list[ReminderRow]:
    return [ReminderRow(i[1], i[0]) if isinstance(i, tuple) else ReminderRow(i) for i in items]


def reminder_context(user_id: str, items: Sequence[ReminderItem], today: date) -> dict[str, Any]:
    return {"user_id": user_id, "today": today, "items": capped(_rows(items), REMINDER_ITEMS)}


def reminder_actions(item_id: int) -> b.Block:
    """Done (`reminder_done`, value `<id>`) and a Snooze select (`reminder_snooze`)."""
    value = str(item_id)
    snooze = {
        "type": "static_select",
        "action_id": ids.ACTION_REMINDER_SNOOZE,
        "placeholder": b.plain("Snooze…", 150),
        "options": [b.option(label, ids.snooze_value(item_id, d)) for d, label in ids.SNOOZE_DAYS],
    }
    done = b.button("Done", ids.ACTION_REMINDER_DONE, value, style="primary")
    return b.actions([done, snooze], block_id=ids.BLOCK_REMINDER_PREFIX + value)


def render_reminder(
    user_id: str, items: Sequence[ReminderItem], today: date, templates: Templates
) -> SlackMessage:
    """The DM; `<<actions X>>` markers make controls only for the ids of the shown items."""
    context = reminder_context(user_id, items, today)
    shown = {str(row.item.id): row.item.id for row in context["items"].items}

    def actions(arg: str) -> b.Block | None:
        return reminder_actions(shown[arg]) if arg in shown else None

    return message(templates, "reminder", context, actions=actions)


def render_reminder_text(
    user_id: str, items: Sequence[ReminderItem], today: date, templates: Templates
) -> str:
    return tidy(templates.render("reminder", "text", reminder_context(user_id, items, today)))
