"""Prometheus metrics, served as text on GET /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    """One registry per app instance (tests build many apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "readybot_commands_total",
            "Commands served, by verb and outcome",
            ["verb", "outcome"],
            registry=self.registry,
        )
        self.answers_reused = Counter(
            "readybot_answers_reused_total",
            "Read-only commands answered again while the database was unchanged (bot.answers)",
            ["verb"],
            registry=self.registry,
        )
        self.misses_answered = Counter(
            "readybot_misses_answered_total",
            "Change commands naming no item, answered while the database was unchanged "
            "(bot.misses)",
            ["verb"],
            registry=self.registry,
        )
        self.requests = Counter(
            "readybot_requests_total",
            "Slack requests handled, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.errors = Counter(
            "readybot_errors_total",
            "Requests that ended in an internal error",
            ["kind"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "readybot_ack_seconds",
            "Time from receiving a Slack request to acknowledging it",
            ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
            registry=self.registry,
        )
        self.slack_calls = Counter(
            "readybot_slack_api_calls_total",
            "Slack Web API calls, by method and result",
            ["method", "result"],
            registry=self.registry,
        )
        self.slack_retries = Counter(
            "readybot_slack_api_retries_total",
            "Slack Web API retries, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.outbox = Counter(
            "readybot_outbox_total",
            "Outbox deliveries, by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "readybot_outbox_rows", "Outbox rows by status", ["status"], registry=self.registry
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
