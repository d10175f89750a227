"""Every action_id, callback_id and input block/action id the renderer emits, and the value formats.

The Bolt listeners match on these constants; nothing else in readybot should spell them.

Item references (button `value`, the part after `verb:` in overflow values, and the part
after `item:` in a block_id) come in two forms:

- `"<item id>"`, e.g. `"42"`: rows rendered from an `ItemView` (lists, changes, Home).
- `"key:<launch id>:<KEY>"`, e.g. `"key:7:SSL"`: rows rendered from an `ItemBrief` (status
  reasons, Home blockers), which carry no id. The launch id is there because the message
  may show a launch other than the channel's (`/ready status <launch>`).

`parse_item_ref` turns either form back into an `ItemRef`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# -- the one control on every item row: an overflow menu, values `<choice>:<item ref>` ----
ACTION_ITEM_MENU = "item_menu"
MENU_DONE = "done"  # marks it done
MENU_REOPEN = "reopen"  # done and waived items
MENU_BLOCK = "block"  # opens block_modal
MENU_UNBLOCK = "unblock"  # blocked items
MENU_ASSIGN = "assign"  # opens assign_modal
MENU_DUE = "due"  # opens due_modal
MENU_MORE = "more"  # opens item_modal: history, waive
MENU_VERIFY = "verify"  # done items only claimed: a person confirms them
BLOCK_ITEM_PREFIX = "item:"
# Buttons inside the item modal (views.push the next modal).
ACTION_ITEM_WAIVE = "item_waive"  # value: item ref; opens waive_modal
ACTION_ITEM_DONE = "item_done"  # value: item ref (reminder DMs and the item modal)
ACTION_ITEM_VERIFY = "item_verify"  # value: item ref (an expired evidence DM)

# -- message-level buttons -------------------------------------------------------------
ACTION_UNDO = "undo"  # value: the audit event id of the change to undo
ACTION_CANDIDATE = "candidate"  # `candidate:<n>`; value: the command text, with the chosen item
ACTION_CATEGORIES = "status_categories"  # value: launch id; shows the whole breakdown
ACTION_OPEN_STATUS = "open_status"  # value: launch id; shows the status to the clicker

# -- message-level buttons -------------------------------------------------------------
ACTION_STATUS_REFRESH = "status_refresh"  # value: launch id
ACTION_OPEN_ADD_ITEM = "open_add_item"  # value: launch id; opens add_item_modal
ACTION_LIST_MORE = "list_more"  # value: list_more_value(...)
BLOCK_STATUS_ACTIONS = "status_actions"
BLOCK_LAUNCH_ACTIONS = "launch_actions"
BLOCK_LIST_MORE = "list_more"

# -- modal callbacks -------------------------------------------------------------------
CALLBACK_ADD_ITEM = "add_item"
CALLBACK_BLOCK = "block_item"
CALLBACK_WAIVE = "waive_item"
CALLBACK_DUE = "due_item"
CALLBACK_IMPORT = "import"
CALLBACK_IMPORT_CONFIRM = "import_confirm"
CALLBACK_HISTORY = "history"
CALLBACK_ASSIGN = "assign_item"

# -- shortcuts (manifest.yml `features.shortcuts`) --------------------------------------------
# The message shortcut "Add to launch checklist": opens add_item_modal prefilled from the
# message; submitting it is CALLBACK_ADD_ITEM with the message in the metadata.
SHORTCUT_ADD_MESSAGE = "add_message_to_checklist"

# -- modal inputs: view.state.values[BLOCK_*][ACTION_*] ---------------------------------
BLOCK_TITLE, ACTION_TITLE = "title", "title_input"  # .value
BLOCK_CATEGORY, ACTION_CATEGORY = "category", "category_select"  # .selected_option.value
BLOCK_NEW_CATEGORY, ACTION_NEW_CATEGORY = "new_category", "new_category_input"  # .value
BLOCK_PRIORITY, ACTION_PRIORITY = "priority", "priority_select"  # .selected_option.value
BLOCK_OWNER, ACTION_OWNER = "owner", "owner_select"  # .selected_user (add item, assign)
BLOCK_DUE, ACTION_DUE = "due", "due_input"  # .selected_date ("YYYY-MM-DD" or None)
BLOCK_KEY, ACTION_KEY = "key", "key_input"  # .value
BLOCK_REASON, ACTION_REASON = "reason", "reason_input"  # .value
BLOCK_UNTIL, ACTION_UNTIL = "until", "until_input"  # .selected_date
BLOCK_MARKDOWN, ACTION_MARKDOWN = "markdown", "markdown_input"  # .value
BLOCK_DRY_RUN, ACTION_DRY_RUN = "dry_run", "dry_run_input"  # .selected_options
BLOCK_LAUNCH, ACTION_LAUNCH = "launch", "launch_select"  # .selected_option.value (a launch id)
DRY_RUN_VALUE = "dry_run"  # the checkbox option's value when "preview first" is ticked


@dataclass(frozen=True)
class ItemRef:
    """Which item a button points at: by id, or by key within a launch."""

    item_id: int | None = None
    launch_id: int | None = None
    key: str | None = None


def item_ref(item_id: int) -> str:
    return str(item_id)


def brief_ref(launch_id: int, key: str) -> str:
    return f"key:{launch_id}:{key}"


def parse_item_ref(value: str) -> ItemRef:
    """`"42"`, `"key:7:SSL"` or a block_id `"item:…"` → ItemRef; ValueError for anything else."""
    value = value.removeprefix(BLOCK_ITEM_PREFIX)
    if value.startswith("key:"):
        launch, _, key = value[4:].partition(":")
        if not launch.isdigit() or not key:
            raise ValueError(f"not an item reference: {value!r}")
        return ItemRef(launch_id=int(launch), key=key)
    if not value.isdigit():
        raise ValueError(f"not an item reference: {value!r}")
    return ItemRef(item_id=int(value))


def menu_value(choice: str, ref: str) -> str:
    return f"{choice}:{ref}"


def parse_menu(value: str) -> tuple[str, ItemRef]:
    """`"due:42"` / `"block:key:7:SSL"` → (`"due"`, ItemRef)."""
    choice, _, ref = value.partition(":")
    return choice, parse_item_ref(ref)


def list_more_value(kind: str, value: str | None, page: int, launch_id: int | None = None) -> str:
    """The `list_more` button value: the list filter (a `ListKind` value and its argument) and
    the page to show. `launch` is present when the button came from a specific launch's status."""
    data: dict[str, object] = {"kind": kind, "value": value, "page": page}
    if launch_id is not None:
        data["launch"] = launch_id
    return json.dumps(data, separators=(",", ":"))


ACTION_SIGN_OFF = "signoff_category"  # a category's Sign off button (also "Sign off again")


def signoff_value(launch_id: int, category: str) -> str:
    return json.dumps({"launch": launch_id, "category": category[:100]}, ensure_ascii=False)


def parse_signoff(value: str) -> tuple[int, str] | None:
    """(launch id, category) from a Sign off button; None for anything else."""
    try:
        data = json.loads(value)
        launch, category = data["launch"], data["category"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(launch, int) or not isinstance(category, str) or not category:
        return None
    return launch, category
