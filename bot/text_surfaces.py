"""How a reader types commands where readybot's text is read (the `Surface`), and the text
of errors and help for it. Pure, and light: the command line answers `readybot ready help`
from this and commands.verb_help without importing the ORM (bot.render.text has the rest).

Commands are written as the reader would type them there: `/ready block SSL` in Slack,
`block SSL` in the console, `readybot ready "block SSL"` on the command line. readybot's
own sentences name commands as `` `/ready …` `` code spans, and those are rewritten too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from commands.basic_replies import ErrorReply, HelpReply
from commands.errors import LaunchHint, Missing
from commands.model import Verb
from commands.text import replace_users, shorten


def at_user(user_id: str) -> str:
    """A person as text: `@alice`."""
    return f"@{user_id}"


def plain(text: str) -> str:
    return replace_users(text, at_user)


_COMMAND_SPAN = re.compile(r"`/ready ([^`]+)`")
_SHELL_SAFE = re.compile(r"[A-Za-z0-9_./:@%+=,-]+")


class Surface:
    """Slack: commands are `/ready …`. The base of the console's and the CLI's surfaces."""

    def command(self, text: str) -> str:
        """A command as the reader types it, set off from the sentence around it."""
        return f"`/ready {text}`"

    def usage(self, form: str) -> str:
        return f"/ready {form}"

    def example(self, text: str) -> str:
        return f"/ready {text}"

    def choose_launch(self, hint: LaunchHint) -> str | None:
        """How to name a launch when the command found none, or None to keep the message."""
        return None

    def more_rights(self) -> str | None:
        """How to act with more rights after a refusal, where the reader can."""
        return None

    def rewrite(self, text: str) -> str:
        """readybot's sentence with its `/ready …` code spans written for this surface."""
        return _COMMAND_SPAN.sub(lambda m: self.command(m[1]), text)


SLACK = Surface()


class Console(Surface):
    """The console: lines are typed as in Slack, without `/ready`."""

    def command(self, text: str) -> str:
        return f"`{text}`"

    def usage(self, form: str) -> str:
        return form

    def example(self, text: str) -> str:
        return text

    def more_rights(self) -> str:
        return "Full rights: start the console with --admin (`:whoami` shows yours)."


CONSOLE = Console()


def shell_word(word: str, *, always: bool = False) -> str:
    """`word` for a POSIX shell: as is when nothing in it is special (unless `always`), else in
    double quotes, or single quotes when double ones would expand something (`$`, `!`)."""
    if not always and _SHELL_SAFE.fullmatch(word):
        return word
    if not any(c in word for c in '"$`\\!'):
        return f'"{word}"'
    return "'" + word.replace("'", "'\\''") + "'"


@dataclass(frozen=True)
class Cli(Surface):
    """The one-shot command line: `readybot <subcommand> [options] ["<text>"]`.

    `options` are those given (`--user bob`), repeated in every command it suggests, so a
    suggestion acts as the same person in the same place; `text` is the `/ready` text that
    was run, for the `--launch` fix."""

    subcommand: str = "ready"
    options: tuple[str, ...] = ()
    text: str | None = None

    def line(
        self,
        text: str | None,
        *,
        launch: str | None = None,
        subcommand: str = "",
        options: bool = True,
        admin: bool = False,
    ) -> str:
        """A whole command line; `options` repeats the ones given."""
        words = ["readybot", subcommand or self.subcommand]
        if launch is not None:
            words += ["--launch", shell_word(launch)]
        if admin:
            words.append("--admin")
        if options:
            words += [shell_word(option) for option in self.options]
        if text is not None:
            words.append(shell_word(text, always=True))
        return " ".join(words)

    def command(self, text: str) -> str:
        if text.split(None, 1)[0] == "import":
            return "readybot import FILE"  # markdown is read from a file, not typed
        return self.line(text, subcommand="ready")

    def usage(self, form: str) -> str:
        return self.line(form, subcommand="ready", options=False)

    def example(self, text: str) -> str:
        return self.line(text, subcommand="ready", options=False)

    def more_rights(self) -> str | None:
        if self.subcommand != "ready" or self.text is None or "--admin" in self.options:
            return None
        return f"Full rights: add --admin, {self.line(self.text, admin=True)}"

    def choose_launch(self, hint: LaunchHint) -> str | None:
        if hint.missing is not Missing.UNBOUND or not hint.launches:
            return None
        names = ", ".join(hint.launches) + (f" and {hint.more:,} more" if hint.more else "")
        return (
            f"Which launch? There are several ({names}) and none is chosen here.\n"
            f"  Choose one with --launch NAME: {self.line(self.text, launch=hint.launches[0])}"
        )


def error_text(
    reply: ErrorReply, surface: Surface = SLACK, *, find: Callable[[str], Verb | None]
) -> str:
    """The error for `surface`; `find` looks up the verb the usage line belongs to."""
    fix = surface.choose_launch(reply.launch_hint) if reply.launch_hint else None
    lines = [f"✗ {fix or surface.rewrite(plain(reply.message))}"]
    if reply.refused and (rights := surface.more_rights()):
        lines.append(f"  {rights}")
    if reply.candidates:
        lines.append("  It could be:")
        lines += [f"    {c.key:<10} {shorten(c.title, 70)}" for c in reply.candidates[:10]]
        if reply.retries and surface is not SLACK:  # Slack offers a button per candidate
            lines.append(f"  Again with its key, e.g. {surface.command(reply.retries[0])}")
    if reply.suggestions:
        lines.append("  Did you mean:")
        lines += [f"    {c.key:<10} {shorten(c.title, 70)}" for c in reply.suggestions]
    usage = _usage(reply, surface, find)
    if usage:
        lines.append(f"  Usage: {usage}")
    return "\n".join(lines)


def _usage(reply: ErrorReply, surface: Surface, find: Callable[[str], Verb | None]) -> str | None:
    verb = find(reply.verb) if reply.verb else None
    if verb is None or surface is SLACK:
        return reply.usage
    return surface.usage(verb.usage)


def help_text(reply: HelpReply, surface: Surface = SLACK) -> str:
    if reply.detail:
        verb = reply.detail
        lines = [surface.usage(verb.usage), "", verb.summary]
        if verb.details:
            lines += ["", surface.rewrite(verb.details)]
        if verb.examples:
            lines += ["", "Examples:"] + [f"  {surface.example(e)}" for e in verb.examples]
        if verb.aliases:
            lines += ["", "Also: " + ", ".join(verb.aliases)]
        return "\n".join(lines)
    lines = ["readybot: the launch checklist, live. Commands:"]
    groups: dict[str, list[str]] = {}
    for verb in reply.verbs:
        groups.setdefault(verb.group, []).append(f"  {verb.name:<9} {verb.summary}")
    for group, entries in groups.items():
        lines += ["", group, *entries]
    lines += ["", f"{surface.command('help <command>')} shows details and examples."]
    return "\n".join(lines)
