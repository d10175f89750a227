"""psycopg connections that give up on a server that stops answering (storage.engine's
PostgreSQL engines use them). Its own module so that SQLite never imports psycopg."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors as pg_errors

from storage.engine import _patient


class NotAnswering(psycopg.OperationalError):
    """The server did not answer within the connection's answer timeout; the connection has
    been closed (its protocol state is unknown)."""

    def __init__(self, seconds: float, *, committing: bool) -> None:
        super().__init__(f"the database did not answer within {seconds:.1f} s")
        self.committing = committing


class AnsweringConnection(psycopg.Connection[Any]):
    """A psycopg connection that waits at most `answer_timeout` seconds for any answer
    (unless inside `patient()`), then closes itself and raises NotAnswering."""

    answer_timeout: float | None = None
    _committing = False

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = timeout if timeout is not None or _patient.get() else self.answer_timeout
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        # psycopg's own (private) signal that `timeout` passed: the one way to learn it.
        except pg_errors._WaitTimeout:
            if timeout is not None:
                raise  # a limit psycopg set itself (cancelling, notifies): its business
            self.pgconn.finish()
            raise NotAnswering(limit or 0.0, committing=self._committing) from None

    def commit(self) -> None:
        self._committing = True
        try:
            super().commit()
        finally:
            self._committing = False
