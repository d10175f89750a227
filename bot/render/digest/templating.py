"""Jinja2 templates for digests and reminders: loading, overriding and safe insertion.

`load_templates(override_dir)` returns `Templates` holding two environments over the same
files: one for Slack mrkdwn (`<name>.mrkdwn.j2`, turned into blocks by `blockify`) and one
for plain text (`<name>.text.j2`: the console and the notification fallback). A file in
`override_dir` (a deployment's `READYBOT_TEMPLATES` folder) wins over the packaged one of
the same name in `scheduler/digest/templates/`; anything it lacks comes from the package.

Safety contract of the mrkdwn environment: every `{{ value }}` is escaped for Slack (`&`,
`<`, `>` as entities), put on one line, and its backticks become `ˋ`, so user text can
neither ping (`<!channel>`), link (`<http://x|y>`), open a code span, nor start a block
marker line. Only `Mrkdwn` values (what the filters below return: mentions, code spans,
shortened titles) and the output of macros and `{% set %}` blocks go in as they are. The
`safe` filter is removed. Write fixed text outside `{{ }}`: a string constant inside
`{{ }}` is HTML-escaped by Jinja at compile time (`{{ "it's" }}` shows `it&#39;s`).

Filters (both environments; in text templates they produce plain text, `@id` for people):
`mention` (`<@U123>`, or `@name` for a non-Slack id; `""` for None), `escape`/`e`,
`shorten(limit=120)` (one line, ≤ limit chars), `code(limit=40)` (`KEY` in a code span),
`bold(limit=200)`, `day(today=None)` (`Fri Dec 4`, `Fri Dec 4 (in 3 d)`), `due(today)`
(`overdue 3 d (due Mon Nov 30)`),
`signed` (`▲ 4` / `▼ 3` / `no change`), `sparkline` (numbers or `DayScore`s),
`number` (`1,234`), `plural(word, plural_word=None)` (`3 items`).

Templates come from the deployment's operator and are trusted code (no sandbox); a missing
variable is an error (`StrictUndefined`), so a broken override fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bot.render import mrkdwn as md
from bot.render.digest.sparkline import signed, sparkline
from bot.render.items import due_text
from commands import wording
from commands.digests.model import DayScore
from commands.text import plural, replace_users, shorten

PACKAGED = Path(__file__).parent / "templates"
Kind = Literal["mrkdwn", "text"]
_SPACES = re.compile(r"\s+")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "ˋ"})


class Mrkdwn(Markup):
    """Finished Slack mrkdwn built by our code: the mrkdwn environment inserts it as is."""

    __slots__ = ()


@dataclass(frozen=True)
class Templates:
    """The digest and reminder templates; build with `load_templates`."""

    mrkdwn: Environment
    text: Environment

    def render(self, name: str, kind: Kind, context: Mapping[str, Any]) -> str:
        """Render `<name>.<kind>.j2`. Raises jinja2's TemplateNotFound / TemplateError."""
        env = self.mrkdwn if kind == "mrkdwn" else self.text
        return env.get_template(f"{name}.{kind}.j2").render(context)

    def source_of(self, name: str, kind: Kind) -> str | None:
        """The file `<name>.<kind>.j2` is read from (for diagnostics)."""
        env = self.mrkdwn if kind == "mrkdwn" else self.text
        return env.get_template(f"{name}.{kind}.j2").filename


def load_templates(override_dir: Path | None = None) -> Templates:
    """Templates from `override_dir` where it has them, else the packaged ones.

    Raises ValueError when `override_dir` is given but is not a directory."""
    if override_dir is not None and not Path(override_dir).is_dir():
        raise ValueError(f"READYBOT_TEMPLATES: {override_dir} is not a directory")
    folders = [PACKAGED] if override_dir is None else [Path(override_dir), PACKAGED]
    loader = ChoiceLoader([FileSystemLoader(folder) for folder in folders])
    return Templates(mrkdwn=_mrkdwn_env(loader), text=_text_env(loader))


def _environment(
    loader: ChoiceLoader, *, autoescape: bool, finalize: Callable[[Any], Any]
) -> Environment:
    # Slack escaping is done by `finalize` (text templates are escaped later by `fallback`).
    return Environment(
        loader=loader,
        autoescape=autoescape,  # noqa: S701
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


# -- mrkdwn --------------------------------------------------------------------------------


def _mention_of(user_id: str) -> str:
    return f"<@{user_id}>" if md.SLACK_USER_ID.fullmatch(user_id) else "@" + user_id


def inline_mrkdwn(raw: str) -> Mrkdwn:
    """Any text as one line of inert mrkdwn: user markers and the mentions Slack sends
    become mentions; everything else is escaped, backticks included."""
    return Mrkdwn(md.text(_SPACES.sub(" ", raw).replace("`", "ˋ")))


def _finalize_mrkdwn(value: Any) -> Markup:
    # With autoescape on, Jinja wraps this in markupsafe.escape(), which leaves Markup alone:
    # so plain values get Slack's escaping here, never HTML's.
    if isinstance(value, Markup):
        return value
    return inline_mrkdwn("" if value is None else str(value))


def _mrkdwn_env(loader: ChoiceLoader) -> Environment:
    env = _environment(loader, autoescape=True, finalize=_finalize_mrkdwn)
    env.filters.pop("safe", None)
    env.filters.update(
        _COMMON,
        mention=lambda user_id: Mrkdwn(md.mention(str(user_id))) if user_id else Mrkdwn(""),
        escape=inline_mrkdwn,
        e=inline_mrkdwn,
        shorten=lambda raw, limit=120: Mrkdwn(md.inline(str(raw or ""), limit)),
        code=lambda raw, limit=40: Mrkdwn(md.code(md.inline(str(raw or ""), limit))),
        bold=lambda raw, limit=200: Mrkdwn(md.bold(md.inline(str(raw or ""), limit))),
    )
    return env


# -- plain text ----------------------------------------------------------------------------


def _finalize_text(value: Any) -> str:
    if value is None:
        return ""
    return replace_users(str(value), lambda user_id: f"@{user_id}").replace("\x00", "")


def _one_line(raw: Any, limit: int) -> str:
    return shorten(_SPACES.sub(" ", str(raw or "")).strip(), limit)


def _text_env(loader: ChoiceLoader) -> Environment:
    env = _environment(loader, autoescape=False, finalize=_finalize_text)
    env.filters.update(
        _COMMON,
        mention=lambda user_id: f"@{user_id}" if user_id else "",
        escape=lambda raw: raw,
        e=lambda raw: raw,
        shorten=lambda raw, limit=120: _one_line(raw, limit),
        code=lambda raw, limit=40: _one_line(raw, limit),
        bold=lambda raw, limit=200: _one_line(raw, limit),
    )
    return env


# -- shared --------------------------------------------------------------------------------


def _scores(values: Iterable[int | float | DayScore]) -> list[float]:
    return [v.score if isinstance(v, DayScore) else v for v in values]


def _day(value: date | None, today: date | None = None) -> str:
    return "" if value is None else wording.day(value, today)


_COMMON: dict[str, Callable[..., Any]] = {
    "day": _day,
    "due": lambda due, today: due_text(due, today),
    "signed": signed,
    "sparkline": lambda values: sparkline(_scores(values)),
    "number": lambda n: f"{n:,}",
    "plural": plural,
}
