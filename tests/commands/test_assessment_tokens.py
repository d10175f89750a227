"""The importer's markdown-it shortcuts (plain_inline, block_gates) give the very tokens
markdown-it's own rules give: on every document we hold, and on generated markup."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from commands.assessment.blocks import _parser

DATA = Path(__file__).parent / "data"


def plain_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(tasklists_plugin).use(front_matter_plugin)


def shape(tokens: list[Token]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for token in tokens:
        out.append((token.type, token.tag, token.nesting, token.content, token.markup, token.map))
        if token.children:
            out.append(("children", tuple(shape(token.children))))
    return out


def same(text: str) -> None:
    assert shape(_parser().parse(text)) == shape(plain_parser().parse(text))


def test_every_document_we_hold_parses_to_the_same_tokens() -> None:
    documents = sorted(DATA.rglob("*.md"))
    assert len(documents) >= 10
    for document in documents:
        same(document.read_text(encoding="utf-8"))


_PIECES = st.sampled_from(
    [
        "**",
        "*",
        "__",
        "_",
        "`",
        "~~",
        " ",
        "\n",
        "\n\n",
        "- ",
        "1. ",
        "[ ] ",
        "[x] ",
        "# ",
        "> ",
        "| a | b |\n|---|---|\n",
        "<b>",
        "&amp;",
        "\\",
        "word",
        "✅",
        "(",
        ")",
        "[link](http://x.example)",
        "    ",
        "---",
        "```",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_generated_markup_parses_to_the_same_tokens(text: str) -> None:
    same(text)


def test_bold_runs_open_and_close_as_commonmark_says() -> None:
    for text in [
        "a **b** c",
        "a ** b** c",
        "**b**",
        "a**b**c",
        "x **(b)** y",
        "**a** and b**",
        "*a**b*",
    ]:
        same(text)
