"""`/ready list` as Block Kit: items grouped by category, each with its buttons.

A page from the command layer may hold more items than one message can carry with buttons:
the first `LIST_BUTTON_ROWS` items get buttons, the rest of the page follows as plain lines
while the message's block and text budgets allow, and a context line says what was left off.
"Show more" (`list_more`) appears only when the edge passes the filter as `more_value`.
"""

from __future__ import annotations

from bot.render import blocks as b
from bot.render import ids
from bot.render import mrkdwn as md
from bot.render.items import Rows, item_line
from commands import replies as r
from commands.text import plural

LIST_BUTTON_ROWS = 15
CATEGORY_LIMIT = 100


def list_heading(reply: r.ItemListReply) -> str:
    name = md.bold(md.inline(reply.launch.name, 150))
    return f"{name}: {md.text(reply.description)} ({reply.total:,})"


def list_blocks(reply: r.ItemListReply, more_value: str | None) -> list[b.Block]:
    layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
    layout.add(b.section(list_heading(reply)))
    if not reply.items:
        layout.add(b.section("Nothing here."))
        return layout.blocks
    rows = Rows(layout, buttons=LIST_BUTTON_ROWS, reserve_blocks=2, reserve_text=400)
    category = None
    for item in reply.items:
        line = item_line(item, reply.today)
        if item.category != category:
            category = item.category
            line = f"{md.bold(md.inline(category, CATEGORY_LIMIT))}\n{line}"
        rows.item(item, line)
    shown = rows.close()
    notes = []
    if shown < len(reply.items):
        notes.append(f"{plural(len(reply.items) - shown, 'more item')} on this page not shown")
    if reply.pages > 1:
        notes.append(f"Page {reply.page:,} of {reply.pages:,}")
    if reply.pages > reply.page and not more_value:
        notes.append(f"Next: `/ready list … page {reply.page + 1}`")
    if notes:
        layout.add(b.context(" · ".join(notes)), reserve_blocks=1 if more_value else 0)
    if more_value and reply.pages > reply.page:
        more = b.button(f"Show more (page {reply.page + 1})", ids.ACTION_LIST_MORE, more_value)
        layout.add(b.actions([more], block_id=ids.BLOCK_LIST_MORE))
    return layout.blocks
