"""Modal views for `views.open` / `views.update`. Pure: each function returns a view dict.

`metadata` is the edge's own JSON string, passed through as `private_metadata` unchanged;
a ValueError is raised if it is over Slack's 3,000-character limit. Inputs use the
`BLOCK_*` / `ACTION_*` ids in `ids.py`, so a submission reads
`view["state"]["values"][BLOCK_X][ACTION_X]`. Nothing a user typed is put back into an
input's initial value, except the title the message shortcut suggests (the message's words,
made readable: plain_text inputs show text as given); the only other raw user text in a view
is a category option's `value` (the category name itself, ≤ 100 chars), which Slack never
renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.render import blocks as b
from bot.render import ids, info
from bot.render import mrkdwn as md
from commands import replies as r
from storage.vocabulary import Priority

View = dict[str, Any]
METADATA_LIMIT = 3000
TITLE_LIMIT = 24
HINT_LIMIT = 150
MAX_CATEGORIES = 100
ITEM_TITLE_LIMIT = 500
KEY_LIMIT = 32
REASON_LIMIT = 2000
MARKDOWN_LIMIT = 3000  # Slack's maximum for a plain_text_input


def _modal(
    title: str,
    callback_id: str,
    blocks: list[b.Block],
    metadata: str,
    *,
    submit: str | None = None,
    close: str = "Cancel",
) -> View:
    if len(metadata) > METADATA_LIMIT:
        raise ValueError(f"private_metadata is {len(metadata)} chars; Slack allows 3000")
    view: View = {
        "type": "modal",
        "callback_id": callback_id,
        "title": b.plain(title, TITLE_LIMIT),
        "close": b.plain(close, TITLE_LIMIT),
        "blocks": blocks[: b.MAX_VIEW_BLOCKS],
        "private_metadata": metadata,
    }
    if submit:
        view["submit"] = b.plain(submit, TITLE_LIMIT)
    return view


def _input(
    block_id: str,
    label: str,
    element: b.Block,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> b.Block:
    block: b.Block = {
        "type": "input",
        "block_id": block_id,
        "label": b.plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": md.truncate(hint, HINT_LIMIT)}
    return block


def _text_input(
    action_id: str, *, max_length: int, multiline: bool = False, initial: str | None = None
) -> b.Block:
    element: b.Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def _date_input(action_id: str, initial: Any = None) -> b.Block:
    element: b.Block = {"type": "datepicker", "action_id": action_id}
    if initial:
        element["initial_date"] = f"{initial:%Y-%m-%d}"
    return element


def _item_context(item: r.ItemView) -> b.Block:
    return b.context(md.code(md.inline(item.key, 40)) + " " + md.inline(item.title, 300))


# -- add item --------------------------------------------------------------------------


def _category_inputs(categories: list[str]) -> list[b.Block]:
    new = _text_input(ids.ACTION_NEW_CATEGORY, max_length=100)
    if not categories:
        return [
            _input(ids.BLOCK_NEW_CATEGORY, "Category", new, optional=True, hint="e.g. Security")
        ]
    options = [b.option(c, c) for c in categories[:MAX_CATEGORIES] if len(c) <= 150]
    select = {"type": "static_select", "action_id": ids.ACTION_CATEGORY, "options": options}
    return [
        _input(ids.BLOCK_CATEGORY, "Category", select, optional=True),
        _input(
            ids.BLOCK_NEW_CATEGORY,
            "…or a new category",
            new,
            optional=True,
            hint="A new category wins over the one picked above.",
        ),
    ]


@dataclass(frozen=True)
class FromMessage:
    """What the message shortcut suggests: the message's words as the title (plain text,
    already readable), its author as the owner, its permalink as evidence (None when Slack
    gave none: then the modal says the item will have no link)."""

    title: str
    author: str | None
    permalink: str | None
    channel_id: str | None = None


def _from_message_context(found: FromMessage) -> b.Block:
    where = f" in {md.channel(found.channel_id)}" if found.channel_id else ""
    if found.permalink and _safe_link(found.permalink):
        return b.context(f"Evidence: <{found.permalink}|the message>{where} (kept with the item)")
    return b.context(
        f"Slack did not give this message's link, so the item will have no evidence link. "
        f"Add one later with {md.code(md.escape('/ready evidence <item> <link>'))}."
    )


def _safe_link(url: str) -> bool:
    """A link Slack gave that can go inside `<…|…>` as it is."""
    return url.startswith("https://") and not any(c in url for c in "<>| \n")


def _launch_input(launches: list[tuple[int, str]]) -> b.Block:
    options = [b.option(name, str(launch_id)) for launch_id, name in launches[:MAX_CATEGORIES]]
    select = {
        "type": "static_select",
        "action_id": ids.ACTION_LAUNCH,
        "placeholder": b.plain("Pick a launch", 150),
        "options": options,
    }
    return _input(
        ids.BLOCK_LAUNCH,
        "Launch",
        select,
        hint="This channel has no launch. To link one: /ready launch use <name>",
    )


def add_item_modal(
    launch: r.LaunchView | None,
    categories: list[str],
    metadata: str,
    *,
    found: FromMessage | None = None,
    launches: list[tuple[int, str]] | None = None,
) -> View:
    """Title (required); category (pick one of `categories` or type a new one); priority
    (default medium); owner (users_select); due date; key. All but the title optional.

    From the message shortcut (`found`): the title and owner are suggested and a context line
    says what evidence the item keeps. Without a `launch` (the channel has none), a required
    picker of `launches` (id, name) comes first."""
    priorities = [b.option(p.value.title(), p.value) for p in Priority]
    medium = next(o for o in priorities if o["value"] == Priority.MEDIUM.value)
    owner: b.Block = {"type": "users_select", "action_id": ids.ACTION_OWNER}
    if found and found.author and md.SLACK_USER_ID.fullmatch(found.author):
        owner["initial_user"] = found.author
    title = _text_input(
        ids.ACTION_TITLE,
        max_length=ITEM_TITLE_LIMIT,
        initial=md.plain_text(found.title, ITEM_TITLE_LIMIT) if found else None,
    )
    head = (
        b.context("Launch: " + md.bold(md.inline(launch.name, 200)))
        if launch is not None
        else _launch_input(launches or [])
    )
    blocks = [
        head,
        _input(ids.BLOCK_TITLE, "Title", title),
        *([_from_message_context(found)] if found else []),
        *_category_inputs(categories),
        _input(
            ids.BLOCK_PRIORITY,
            "Priority",
            {
                "type": "static_select",
                "action_id": ids.ACTION_PRIORITY,
                "options": priorities,
                "initial_option": medium,
            },
        ),
        _input(
            ids.BLOCK_OWNER,
            "Owner",
            owner,
            optional=True,
            hint="Suggested: who wrote the message." if "initial_user" in owner else None,
        ),
        _input(ids.BLOCK_DUE, "Due date", _date_input(ids.ACTION_DUE), optional=True),
        _input(
            ids.BLOCK_KEY,
            "Key",
            _text_input(ids.ACTION_KEY, max_length=KEY_LIMIT),
            optional=True,
            hint="Upper case letters, digits and dashes, e.g. SSL. Empty: made from the category.",
        ),
    ]
    return _modal("Add item", ids.CALLBACK_ADD_ITEM, blocks, metadata, submit="Add")


# -- one item --------------------------------------------------------------------------


def block_modal(item: r.ItemView, metadata: str) -> View:
    """Reason (required, multi-line): blocked items make the verdict NO-GO."""
    reason = _text_input(ids.ACTION_REASON, max_length=REASON_LIMIT, multiline=True)
    blocks = [
        _item_context(item),
        _input(
            ids.BLOCK_REASON,
            "What is it waiting on?",
            reason,
            hint="The channel sees this. Blocked items make the verdict NO-GO.",
        ),
    ]
    return _modal("Block item", ids.CALLBACK_BLOCK, blocks, metadata, submit="Block")


def waive_modal(item: r.ItemView, metadata: str) -> View:
    """Reason (required) and an optional `until` date (initially the current waiver's)."""
    reason = _text_input(ids.ACTION_REASON, max_length=REASON_LIMIT, multiline=True)
    blocks = [
        _item_context(item),
        _input(
            ids.BLOCK_REASON,
            "Why is the risk accepted?",
            reason,
            hint="Who accepted the risk, and why. Waived items count as done.",
        ),
        _input(
            ids.BLOCK_UNTIL,
            "Until",
            _date_input(ids.ACTION_UNTIL, item.waiver_until),
            optional=True,
            hint="After this date the item counts as open again.",
        ),
    ]
    return _modal("Waive item", ids.CALLBACK_WAIVE, blocks, metadata, submit="Waive")


def due_modal(item: r.ItemView, metadata: str) -> View:
    """A date picker starting at the current due date; submitting it empty clears the date."""
    blocks = [
        _item_context(item),
        _input(
            ids.BLOCK_DUE,
            "Due date",
            _date_input(ids.ACTION_DUE, item.due_date),
            optional=True,
            hint="Leave empty to clear the due date.",
        ),
    ]
    return _modal("Set due date", ids.CALLBACK_DUE, blocks, metadata, submit="Save")


def assign_modal(item: r.ItemView, metadata: str) -> View:
    """A person picker, starting at the current owner; submitting it empty unassigns."""
    picker: b.Block = {"type": "users_select", "action_id": ids.ACTION_OWNER}
    if item.owner and md.SLACK_USER_ID.fullmatch(item.owner):
        picker["initial_user"] = item.owner
    blocks = [
        _item_context(item),
        _input(
            ids.BLOCK_OWNER,
            "Owner",
            picker,
            optional=True,
            hint="Leave empty for nobody.",
        ),
    ]
    return _modal("Assign item", ids.CALLBACK_ASSIGN, blocks, metadata, submit="Save")


def item_modal(reply: r.HistoryReply, metadata: str) -> View:
    """The item, its history, and what the row's menu has no room for: Waive… (and Done)."""
    item = reply.item
    layout = b.Layout(b.MAX_VIEW_BLOCKS, b.VIEW_TEXT_BUDGET)
    buttons = []
    if item.is_open:
        buttons.append(
            b.button("Done", ids.ACTION_ITEM_DONE, ids.item_ref(item.id), style="primary")
        )
    if item.status.value != "done":
        buttons.append(b.button("Waive…", ids.ACTION_ITEM_WAIVE, ids.item_ref(item.id)))
    if buttons:
        layout.add(b.actions(buttons, block_id=f"item_modal:{item.id}"), reserve_blocks=2)
    info.history_blocks(reply, layout)
    return _modal(item.key, ids.CALLBACK_HISTORY, layout.blocks, metadata, close="Close")


def history_modal(reply: r.HistoryReply) -> View:
    """Read-only: no submit button, no metadata."""
    layout = b.Layout(b.MAX_VIEW_BLOCKS, b.VIEW_TEXT_BUDGET)
    info.history_blocks(reply, layout)
    return _modal(
        f"History of {reply.item.key}", ids.CALLBACK_HISTORY, layout.blocks, "", close="Close"
    )


def message_modal(title: str, blocks: list[b.Block]) -> View:
    """A message's blocks shown in a read-only modal (the status from the App Home)."""
    return _modal(title, ids.CALLBACK_HISTORY, blocks, "", close="Close")


# -- import ----------------------------------------------------------------------------


def import_modal(launch_name: str | None, metadata: str) -> View:
    """The markdown (≤ 3,000 chars: Slack's input limit) and "preview first" (ticked)."""
    into = (
        f"Into {md.bold(md.inline(launch_name, 200))}."
        if launch_name
        else "Into a new launch named after the document."
    )
    preview = b.option("Preview first (dry run)", ids.DRY_RUN_VALUE)
    blocks = [
        b.section(
            f"{into} Sections become categories; checkboxes, ✅/❌/⚠️ and priority words are "
            "understood. Importing the same document again updates items."
        ),
        _input(
            ids.BLOCK_MARKDOWN,
            "Assessment (markdown)",
            _text_input(ids.ACTION_MARKDOWN, max_length=MARKDOWN_LIMIT, multiline=True),
            hint="Up to 3,000 characters here. For longer documents: readybot import FILE",
        ),
        _input(
            ids.BLOCK_DRY_RUN,
            "Options",
            {
                "type": "checkboxes",
                "action_id": ids.ACTION_DRY_RUN,
                "options": [preview],
                "initial_options": [preview],
            },
            optional=True,
        ),
    ]
    return _modal("Import checklist", ids.CALLBACK_IMPORT, blocks, metadata, submit="Import")


def import_preview_modal(reply: r.ImportReply, metadata: str) -> View:
    """The dry run's counts; submitting (`import_confirm`) imports for real."""
    layout = b.Layout(b.MAX_VIEW_BLOCKS, b.VIEW_TEXT_BUDGET)
    info.import_blocks(reply, layout)
    return _modal(
        "Import preview", ids.CALLBACK_IMPORT_CONFIRM, layout.blocks, metadata, submit="Import"
    )
