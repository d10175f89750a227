"""`/ready list` as Block Kit: a header line ("20 of 35 shown"), the page's items grouped by
category, each row with its one menu, and paging that carries the real filter."""

from __future__ import annotations

from bot.render import blocks as b
from bot.render import ids
from bot.render import mrkdwn as md
from bot.render.items import Rows, item_line
from commands import replies as r

CATEGORY_LIMIT = 100


def list_heading(reply: r.ItemListReply, shown: int) -> str:
    name = md.bold(md.inline(reply.launch.name, 150))
    first = (reply.page - 1) * reply.page_size + 1
    if reply.total <= shown and reply.page == 1:
        counts = f"all {reply.total:,} shown" if reply.total != 1 else "1 item"
    else:
        counts = f"{first:,}–{first + shown - 1:,} of {reply.total:,} shown"
    return f"{name}: {md.text(reply.description)} · {counts}"


def page_command(reply: r.ItemListReply, page: int) -> str:
    words = " ".join(part for part in ("list", reply.command_words, f"page {page}") if part)
    return f"/ready {words}"


def list_blocks(reply: r.ItemListReply, more_value: str | None) -> list[b.Block]:
    layout = b.Layout(b.MAX_MESSAGE_BLOCKS, b.MESSAGE_TEXT_BUDGET)
    if not reply.items:
        layout.add(b.section(f"{md.bold(md.inline(reply.launch.name, 150))}: nothing here."))
        return layout.blocks
    heading_at = len(layout.blocks)
    layout.add(b.section(""))  # the heading, filled in once we know how many rows fit
    rows = Rows(layout, reserve_blocks=2, reserve_text=400)
    category = None
    for item in reply.items:
        line = item_line(item, reply.today)
        if item.category != category:
            category = item.category
            line = f"{md.bold(md.inline(category, CATEGORY_LIMIT))}\n{line}"
        if not rows.item(item, line):
            break
    shown = rows.close()
    layout.blocks[heading_at] = b.section(list_heading(reply, shown))
    last_page = reply.page >= reply.pages
    if not last_page:
        hint = f"Page {reply.page:,} of {reply.pages:,} · next: {md.code(md.inline(page_command(reply, reply.page + 1), 200))}"
        layout.add(b.context(hint), reserve_blocks=1 if more_value else 0)
        if more_value:
            more = b.button(f"Next page ({reply.page + 1})", ids.ACTION_LIST_MORE, more_value)
            layout.add(b.actions([more], block_id=ids.BLOCK_LIST_MORE))
    elif reply.pages > 1:
        layout.add(b.context(f"Page {reply.page:,} of {reply.pages:,} (the last)"))
    return layout.blocks
