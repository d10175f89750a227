"""Structured logs with a request id; secrets never reach a log line.

Every record carries the id of the Slack request being served (a contextvar set by the
Bolt middleware), and a filter masks anything shaped like a Slack token or a signing
secret, passwords in URLs (whatever their form: `user:pass@`, an unencoded `@`,
`?password=`), and the values of the configured secrets, wherever they appear.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime

from storage.urls import redact_urls

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")


class Redactor(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def redact(self, text: str) -> str:
        text = _TOKEN.sub(lambda m: f"{m[1]}-***", text)
        text = redact_urls(text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record.request_id = request_id.get()
        return True


class Throttle:
    """At most `burst` log lines per `period` seconds for one kind of event, so traffic nobody
    authenticated cannot flood the log. What was held back is counted and said once the
    next line is allowed ("… and 4,211 more like it").

    `allow(now)` says whether to log a line now; `held()` how many were held back since the
    last line that was logged (and resets the count)."""

    def __init__(self, *, burst: int = 10, period: float = 10.0) -> None:
        self.burst = burst
        self.period = period
        self._window_start = float("-inf")
        self._in_window = 0
        self._held = 0

    def allow(self, now: float) -> bool:
        if now - self._window_start >= self.period:
            self._window_start, self._in_window = now, 0
        if self._in_window < self.burst:
            self._in_window += 1
            return True
        self._held += 1
        return False

    def held(self) -> int:
        held, self._held = self._held, 0
        return held

    def log(self, logger: logging.Logger, level: int, message: str, *args: object) -> None:
        """Log `message` (never with a traceback) unless over the limit."""
        if not self.allow(time.monotonic()):
            return
        held = self.held()
        suffix = f" (and {held:,} more like it before this)" if held else ""
        logger.log(level, message + suffix, *args)


class QuietInvalidRequests(logging.Filter):
    """uvicorn logs every unparseable HTTP request with a traceback: keep one short line,
    and at most a few of them every few seconds."""

    def __init__(self, throttle: Throttle | None = None) -> None:
        super().__init__()
        self.throttle = throttle or Throttle()

    def filter(self, record: logging.LogRecord) -> bool:
        if "Invalid HTTP request" not in record.getMessage():
            return True
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        if not self.throttle.allow(time.monotonic()):
            return False
        held = self.throttle.held()
        if held:
            record.msg, record.args = f"{record.getMessage()} (and {held:,} more)", None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": record.getMessage(),
        }
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def configure(level: str, *, fmt: str = "json", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(Redactor(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Bolt logs every request body at DEBUG; keep its chatter at our level or above.
    logging.getLogger("apscheduler").setLevel(max(logging.getLevelName(level), logging.WARNING))
    for noisy in ("slack_bolt", "slack_sdk", "uvicorn.access", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.INFO))
    uvicorn_errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, QuietInvalidRequests) for f in uvicorn_errors.filters):
        uvicorn_errors.addFilter(QuietInvalidRequests())
