"""Fixtures for tests that serve readybot to the fake Slack."""

from __future__ import annotations

import pytest

from tests.bot.harness import BOT_TOKEN
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def fake():
    """The fake Slack Web API, over real HTTP, answering to the bot token `serve` uses."""
    with FakeSlack(token=BOT_TOKEN) as slack:
        yield slack
