"""Slack Web API clients: base URL from settings, metered, with retries where they are safe.

Rate limits (429) are retried after Retry-After and 5xx answers with backoff, except on
the client the outbox posts with (`retries=False`): a 5xx after a post may mean the
message went out, and a 429's wait would hold up every other channel, so the outbox
reschedules such rows itself (scheduler.delivery) instead of letting the SDK sleep or post twice.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import Metrics


def _counting(
    base: type[AsyncRetryHandler], reason: str, metrics: Metrics | None, **kwargs: Any
) -> AsyncRetryHandler:
    # A subclass of a class chosen at run time: mypy cannot check a dynamic base.
    class Counting(base):  # type: ignore[misc, valid-type]
        async def prepare_for_next_attempt_async(self, **kw: Any) -> None:
            if metrics is not None:
                metrics.slack_retries.labels(reason).inc()
            await super().prepare_for_next_attempt_async(**kw)

    return Counting(**kwargs)


class MeteredWebClient(AsyncWebClient):
    """AsyncWebClient that counts every call by method and result."""

    metrics: Metrics | None = None

    async def api_call(self, api_method: str, **kwargs: Any) -> Any:
        try:
            response = await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            self._count(api_method, str(exc.response.get("error") or exc.response.status_code))
            raise
        except Exception as exc:
            self._count(api_method, type(exc).__name__)
            raise
        self._count(api_method, "ok")
        return response

    def _count(self, method: str, result: str) -> None:
        if self.metrics is not None:
            self.metrics.slack_calls.labels(method, result).inc()


def web_client(
    *,
    token: str | None,
    base_url: str,
    metrics: Metrics | None,
    retries: bool = True,
    timeout: int = 10,
) -> MeteredWebClient:
    handlers: list[AsyncRetryHandler] = []
    if retries:
        handlers += [
            _counting(AsyncRateLimitErrorRetryHandler, "ratelimited", metrics, max_retry_count=2),
            _counting(AsyncServerErrorRetryHandler, "server_error", metrics, max_retry_count=2),
            _counting(AsyncConnectionErrorRetryHandler, "connection", metrics, max_retry_count=2),
        ]
    client = MeteredWebClient(
        token=token, base_url=base_url, retry_handlers=handlers, timeout=timeout
    )
    client.metrics = metrics
    return client
