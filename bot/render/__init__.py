"""Slack Block Kit rendering of reply models. Pure: no I/O, no Bolt, no network.

- `render_message(reply, *, more_value=None) -> SlackMessage` for any command reply;
- `announcement(change) -> SlackMessage`: the one-line channel post for a change;
- `item_row(item, line) -> dict`: an item's row with its one menu;
- `home_view(reply) -> dict`: the App Home tab;
- modals in `modals`; every action/callback/input id in `ids`;
- `check.check_message` / `check.check_view`: slack_sdk validation plus the limits it does not check.
"""

from bot.render.home import home_view
from bot.render.items import item_row
from bot.render.messages import SlackMessage, announcement, render_message
from bot.render.modals import (
    add_item_modal,
    block_modal,
    due_modal,
    history_modal,
    import_modal,
    import_preview_modal,
    waive_modal,
)

__all__ = [
    "SlackMessage",
    "add_item_modal",
    "announcement",
    "block_modal",
    "due_modal",
    "history_modal",
    "home_view",
    "import_modal",
    "import_preview_modal",
    "item_row",
    "render_message",
    "waive_modal",
]
