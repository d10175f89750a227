"""The one entry point: `/ready` text in, a reply model out. Errors become replies here.

Every command runs in its own transaction; a CommandError raised anywhere inside
rolls it back, so rejected input changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

from commands import importing, items, launching, status
from commands import verbs as v
from commands.context import Context
from commands.digests import verbs as digests
from commands.errors import AmbiguousItem, CommandError, UnknownItem
from commands.monitors import verbs as monitors
from commands.parse import parse
from commands.replies import AlreadyApplied, ErrorReply, HelpReply, Reply
from commands.text import clean
from commands.writes import Duplicate
from storage.engine import Store

log = logging.getLogger(__name__)

SLOW_VERBS = frozenset({"import", "export"})
INTERNAL_ERROR_PREFIX = "Something went wrong on readybot's side"


def execute(store: Store, ctx: Context, text: str) -> Reply:
    """Parse and run `text`; never raises for anything a user can type."""
    return _guarded(store, ctx, lambda: parse(clean(text)))


def execute_command(store: Store, ctx: Context, command: v.Command) -> Reply:
    """Run an already-typed command (buttons and modals build these); never raises."""
    return _guarded(store, ctx, lambda: command)


def _guarded(store: Store, ctx: Context, make: Callable[[], v.Command]) -> Reply:
    try:
        return dispatch(store, ctx, make())
    except Duplicate:
        return AlreadyApplied()
    except CommandError as exc:
        return error_reply(exc)
    except OperationalError:
        log.exception("database error while running a command")
        return ErrorReply(
            "The checklist database is not answering right now. Try again in a moment."
        )
    except Exception:
        # A bug, not bad input: logged with its traceback; the user sees no internals.
        incident = uuid.uuid4().hex[:8]
        log.exception("command failed (incident %s)", incident)
        return ErrorReply(
            f"{INTERNAL_ERROR_PREFIX} (incident {incident}); it has been logged. Nothing was changed."
        )


def dispatch(store: Store, ctx: Context, command: v.Command) -> Reply:
    match command:
        case v.Help(verb):
            return HelpReply(v.VERBS, v.VERBS_BY_NAME[verb] if verb else None)
        case v.Status():
            return status.status(store, ctx, command)
        case v.ListItems():
            return items.list_items(store, ctx, command)
        case v.Add():
            return items.add(store, ctx, command)
        case v.History():
            return items.history(store, ctx, command)
        case v.Remove():
            return items.remove(store, ctx, command)
        case v.LaunchNew():
            return launching.launch_new(store, ctx, command)
        case v.LaunchUse():
            return launching.launch_use(store, ctx, command)
        case v.LaunchShow():
            return launching.launch_show(store, ctx)
        case v.LaunchSet():
            return launching.launch_set(store, ctx, command)
        case v.Launches():
            return launching.launches(store, ctx)
        case v.Import(text, dry_run):
            return importing.import_text(store, ctx, text, dry_run=dry_run)
        case v.Export():
            return importing.export(store, ctx)
        case v.Digest():
            return digests.digest(store, ctx, command)
        case v.Remind():
            return digests.remind(store, ctx, command)
        case v.Monitor():
            return monitors.monitor(store, ctx, command, public_url=ctx.public_url)
        case _:
            return items.run_item_verb(store, ctx, command)


def error_reply(exc: CommandError) -> ErrorReply:
    usage = v.usage_of(exc.usage_verb) if exc.usage_verb else None
    if isinstance(exc, AmbiguousItem):
        return ErrorReply(exc.message, usage, candidates=exc.candidates)
    if isinstance(exc, UnknownItem):
        return ErrorReply(exc.message, usage, suggestions=exc.suggestions)
    return ErrorReply(exc.message, usage)


def verb_of(text: str) -> str | None:
    """The verb `text` starts with, for routing slow commands before parsing them fully."""
    word = clean(text).strip().removeprefix("/ready").strip().split(None, 1)
    found = v.VERBS_BY_NAME.get(word[0].lower()) if word else None
    return found.name if found else None
