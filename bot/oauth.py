"""Multi-workspace installs: slack_sdk's SQLAlchemy stores on readybot's own database,
wrapped for the async app (their calls are short and run off the event loop)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.settings import Settings
from storage.engine import Store

log = logging.getLogger(__name__)

BOT_SCOPES = [
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:join",  # join a public channel before posting, so its history can be read
    "channels:history",  # look for a message whose first attempt may have landed
    "groups:history",
    "im:history",  # the same, for direct messages
    "im:write",
    "users:read",
    "files:write",
    "reactions:read",  # the add-item reaction (READYBOT_ADD_REACTION)
    "links:read",  # link_shared: readybot's own links posted in a channel
    "links:write",  # chat.unfurl: their status under them
]


class AsyncInstallations(AsyncInstallationStore):
    def __init__(self, store: SQLAlchemyInstallationStore) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.store.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )


class AsyncStates(AsyncOAuthStateStore):
    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)


def installations(settings: Settings, store: Store) -> AsyncInstallations:
    assert settings.slack_client_id
    return AsyncInstallations(
        SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=store.writer_engine)
    )


def oauth_settings(settings: Settings, store: Store) -> AsyncOAuthSettings:
    assert settings.slack_client_id and settings.slack_client_secret
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=BOT_SCOPES,
        installation_store=installations(settings, store),
        state_store=AsyncStates(
            SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=store.writer_engine)
        ),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
    )
