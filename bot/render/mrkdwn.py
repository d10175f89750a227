"""Turning plain text into safe Slack mrkdwn and plain_text.

Contract:

- Everything that did not come from this package is *text*, never markup: in mrkdwn `&`, `<`
  and `>` become `&amp;`, `&lt;` and `&gt;`, so `<!channel>` or `<http://evil|ok>` show as
  typed and ping or link nothing. plain_text objects (headers, buttons, options, inputs) are
  never parsed, so they are never entity-escaped: `&lt;` there would show literally.
- People: reply strings mark them with `commands.text.user()`. `text()` turns a marker into
  `<@U…>` when the id looks like a Slack user id, else into a visible `@name` (console users).
- Mentions people typed: Slack sends a typed `@bob` as `<@U123|bob>` and `#launch` as
  `<#C123|launch>`. Those two forms, and only those, stay live (as `<@U123>`, `<#C123>`);
  every other `<…>` (`<!channel>`, `<!here>`, `<http://x|y>`) is escaped like any text. On
  plain-text surfaces they read `@bob` / `#launch` (or the id when Slack gave no name).
- Formatting characters: Slack mrkdwn has no escape character. Where we wrap user text in our
  own markup we swap the wrapper character for a look-alike inside it (the same trick as
  jsx-slack): `*` → `∗` inside `bold()`, and backticks → `ˋ` in every inline user fragment,
  because a stray backtick would open a code span that swallows our formatting and mentions.
  `*`, `_` and `~` outside our wrappers stay as typed: at worst they style the user's own
  words, they cannot hide or forge anything.
- Length: helpers take a limit for the *escaped* result and shorten the raw text first, so an
  entity or mention is never cut in half.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from commands.text import replace_users, shorten

SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
SLACK_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
_SPACES = re.compile(r"\s+")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


# What Slack sends for a person or channel someone typed; the label is optional.
TYPED_MENTION = re.compile(r"<([@#])((?:[UW]|[CG])[A-Z0-9]{2,})(?:\|([^<>|]{0,80}))?>")


def _escape_plain(raw: str) -> str:
    return raw.translate(_ESCAPES).replace("\x00", "")


def escape(raw: str) -> str:
    """`&`, `<`, `>` as entities, except Slack's own user and channel mentions, which stay
    live; NUL (user markers' delimiter) never leaves this package."""
    if "<" not in raw:
        return _escape_plain(raw)
    parts: list[str] = []
    at = 0
    for m in TYPED_MENTION.finditer(raw):
        sigil, ident = m[1], m[2]
        if not _is_mention(m):
            continue  # `<@C…>` or `<#U…>`: not a mention Slack would send
        parts.append(_escape_plain(raw[at : m.start()]))
        parts.append(f"<{sigil}{ident}>")
        at = m.end()
    parts.append(_escape_plain(raw[at:]))
    return "".join(parts)


def _is_mention(m: re.Match[str]) -> bool:
    return (m[1] == "@") == bool(SLACK_USER_ID.fullmatch(m[2]))


def unmention(raw: str) -> str:
    """Typed mentions as readable plain words: `<@U123|bob>` → `@bob`, `<#C1|x>` → `#x`."""
    return TYPED_MENTION.sub(lambda m: f"{m[1]}{m[3] or m[2]}" if _is_mention(m) else m[0], raw)


def _mention_escaped(user_id: str) -> str:
    if SLACK_USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return "@" + user_id.replace("`", "ˋ").replace("\n", " ")


def mention(user_id: str) -> str:
    """`<@U123>` for a Slack user id, else the escaped `@name` (one line, ≤ 65 chars)."""
    if SLACK_USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return "@" + inline(user_id, 64)


def channel(channel_id: str) -> str:
    """`<#C123>` for a Slack channel id, else the escaped name."""
    return f"<#{channel_id}>" if SLACK_CHANNEL_ID.fullmatch(channel_id) else escape(channel_id)


_MARKER = re.compile(r"\x00@([^\x00]{1,64})\x00")


def text(raw: str) -> str:
    """A reply string (plain text with user markers) as mrkdwn: escaped, markers → mentions.

    Backticks are kept: command replies use them on purpose (`/ready help`)."""
    parts: list[str] = []
    at = 0
    for m in _MARKER.finditer(raw):
        parts.append(escape(raw[at : m.start()]))
        parts.append(_mention_escaped(escape(m[1])))
        at = m.end()
    parts.append(escape(raw[at:]))
    return "".join(parts)


def plain(raw: str) -> str:
    """A reply string for a plain-text surface: markers → `@id`, typed mentions → `@name`;
    `&`, `<`, `>` stay as they are (plain_text is never entity-escaped: Slack shows it as
    given, so `&lt;` would show literally)."""
    return unmention(replace_users(raw, lambda user_id: f"@{user_id}")).replace("\x00", "")


def fit(raw: str, limit: int, convert: Callable[[str], str] = escape) -> str:
    """`convert(raw)` shortened (with `…`) so the converted result is at most `limit` chars."""
    keep = limit
    result = convert(shorten(raw, keep))
    while len(result) > limit and keep > 1:
        # Entities make the result longer than the raw text: shrink in proportion.
        keep = max(1, min(keep - 1, keep * limit // len(result)))
        result = convert(shorten(raw, keep))
    return result if len(result) <= limit else ""


def _inline_convert(raw: str) -> str:
    return escape(_SPACES.sub(" ", raw).strip().replace("`", "ˋ"))


def inline(raw: str, limit: int) -> str:
    """User text on one line (title, reason, category, name): escaped, no line breaks,
    no backticks, at most `limit` chars."""
    return fit(_SPACES.sub(" ", raw).strip(), limit, _inline_convert)


def block_text(raw: str, limit: int) -> str:
    """Multi-line user text (notes, evidence): escaped, backticks neutralised, ≤ `limit`."""
    return fit(raw.strip(), limit, lambda s: escape(s.replace("`", "ˋ")))


def plain_text(raw: str, limit: int) -> str:
    """Text for a plain_text object (header, button, option): one line, ≤ `limit`, typed
    mentions as `@name`, never entity-escaped (Slack shows plain_text as given)."""
    return fit(_SPACES.sub(" ", unmention(raw)).strip(), limit, _one_line_plain) or "…"


def _one_line_plain(raw: str) -> str:
    return raw.replace("\x00", "")


def bold(escaped: str) -> str:
    """`*…*` around already-escaped text; its own asterisks become `∗` so they cannot end it."""
    inner = escaped.replace("*", "∗").strip()
    return f"*{inner}*" if inner else ""


def code(escaped: str) -> str:
    """Inline code around already-escaped text (keys, usage lines)."""
    inner = escaped.replace("`", "ˋ")
    return f"`{inner}`" if inner else ""


def quote(escaped: str) -> str:
    """A block quote of already-escaped text: our own `>` (user `>` is `&gt;` by now)."""
    return "\n".join(f">{line}" for line in escaped.splitlines() or [""])


def truncate(mrkdwn: str, limit: int) -> str:
    """Cut finished mrkdwn to `limit` chars without splitting an entity or a `<…>` token."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: max(0, limit - 1)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    angle = cut.rfind("<")
    if angle != -1 and ">" not in cut[angle:]:
        cut = cut[:angle]
    return cut.rstrip() + "…"


# -- Slack's own message markup, read back as plain words ----------------------------------
# A message's `text` is mrkdwn as Slack stores it: `&`, `<`, `>` as entities, and
# `<…>` tokens for people, channels, groups, broadcasts, dates and links.
_SLACK_TOKEN = re.compile(r"<([^<>]{1,2000})>")
_BARE_USER = re.compile(r"<@([UW][A-Z0-9]{2,})>")
_BROADCASTS = {"here", "channel", "everyone"}


def _readable_token(token: str, names: dict[str, str]) -> str:
    body, _, label = token.partition("|")
    if body[:1] in "@#":
        ident = body[1:]
        return body[0] + (label or names.get(ident) or ident)
    if body.startswith("!"):
        name = body[1:].split("^", 1)[0]
        if name in _BROADCASTS:
            return "@" + name
        if label:
            return label if name == "date" or label.startswith("@") else "@" + label
        return "@" + (body[1:].split("^", 1)[-1] if name == "subteam" else name)
    return label or body  # a link: its label, else the address


def mentioned_users(slack_text: str) -> list[str]:
    """The people a message mentions without a name beside the id (`<@U123>`), first ten."""
    return list(dict.fromkeys(_BARE_USER.findall(slack_text)))[:10]


def readable(slack_text: str, names: dict[str, str] | None = None) -> str:
    """A message's text as the words a person reads: `<@U1>` → `@alice` (from `names`, else
    the id), `<#C1|launch>` → `#launch`, `<!here>` → `@here`, `<https://x|docs>` → `docs`,
    entities back to `&`, `<`, `>`. The result is plain text, to be escaped again wherever it
    goes into mrkdwn."""
    known = names or {}
    words = _SLACK_TOKEN.sub(lambda m: _readable_token(m[1], known), slack_text)
    return words.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
