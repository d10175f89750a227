"""The one entry point: `/ready` text in, a reply model out. Errors become replies here.

Every command runs in its own transaction; a CommandError raised anywhere inside
rolls it back, so rejected input changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace

from commands.context import Context
from commands.errors import AmbiguousItem, CommandError, NoLaunch, NotAllowed, UnknownItem
from commands.parse.text import parse
from commands.refs import ID_MARK
from commands.replies import AlreadyApplied, ErrorReply, Reply
from commands.text import clean, clean_fields
from commands.verbs import REGISTRY, Command
from commands.writes import Duplicate
from storage.engine import DatabaseUnavailable, Store

log = logging.getLogger(__name__)

INTERNAL_ERROR_PREFIX = "Something went wrong on readybot's side"
DATABASE_DOWN = "The database is not answering; nothing was changed. Try again in a minute."
# It stopped answering after the change was sent to be committed: it may have been saved.
DATABASE_LOST = (
    "The database stopped answering while saving this change, so it may or may not have "
    "been made. Check with `/ready status` in a minute before trying again."
)


def execute(store: Store, ctx: Context, text: str) -> Reply:
    """Parse and run `text`; never raises for anything a user can type. An ambiguous item
    reference comes back with the command retyped for each candidate (`retries`)."""
    return with_retries(_guarded(store, ctx, lambda: parse(clean(text))), text)


def with_retries(reply: Reply, text: str) -> Reply:
    """An ambiguous reference's error, with `text` retyped for each candidate."""
    if isinstance(reply, ErrorReply) and reply.candidates and reply.ambiguous:
        retries = [retyped(text, reply.ambiguous, c.key) for c in reply.candidates]
        if all(retries):
            return replace(reply, retries=tuple(r for r in retries if r))
    return reply


def retyped(text: str, ref: str, key: str) -> str | None:
    """`text` with the item reference `ref` replaced by `key` (None if `ref` is not in it)."""
    at = text.casefold().find(ref.casefold())
    if at < 0 or not ref:
        return None
    return text[:at] + key + text[at + len(ref) :]


def execute_command(store: Store, ctx: Context, command: Command) -> Reply:
    """Run an already-typed command (buttons and modals build these); never raises. Its text
    fields are cleaned as typed text is (no control, bidirectional or zero-width characters),
    except for the mark of the item references buttons make."""
    return _guarded(store, ctx, lambda: clean_fields(command, keep=ID_MARK))


def _guarded(store: Store, ctx: Context, make: Callable[[], Command]) -> Reply:
    verb = None  # the verb running, once the text is parsed
    try:
        command = make()
        spec = REGISTRY.spec_of(command)
        verb = spec.help.name
        return spec.run(store, ctx, command)
    except Duplicate:
        return AlreadyApplied()
    except CommandError as exc:
        return error_reply(exc, verb=verb)
    except DatabaseUnavailable as exc:
        log.warning("database unavailable while running a command: %s", exc)
        return ErrorReply(DATABASE_LOST if exc.maybe_committed else DATABASE_DOWN)
    except Exception:
        # A bug, not bad input: logged with its traceback; the user sees no internals.
        incident = uuid.uuid4().hex[:8]
        log.exception("command failed (incident %s)", incident)
        return ErrorReply(
            f"{INTERNAL_ERROR_PREFIX} (incident {incident}); it has been logged. Nothing was changed."
        )


def error_reply(exc: CommandError, *, verb: str | None = None) -> ErrorReply:
    """The reply for `exc`. An error that wants a usage line gets the running `verb`'s:
    `status 🚀` fails in code shared with `launch`, and its usage is still `status`'s."""
    spec = REGISTRY.find(verb or exc.usage_verb or "") if exc.usage_verb else None
    name = spec.help.name if spec else None
    return ErrorReply(
        exc.message,
        REGISTRY.usage_of(name) if name else None,
        candidates=exc.candidates if isinstance(exc, AmbiguousItem) else (),
        suggestions=exc.suggestions if isinstance(exc, UnknownItem) else (),
        unknown=exc.ref if isinstance(exc, UnknownItem) else None,
        ambiguous=exc.ref if isinstance(exc, AmbiguousItem) else None,
        verb=name,
        launch_hint=exc.hint if isinstance(exc, NoLaunch) else None,
        refused=isinstance(exc, NotAllowed),
    )
