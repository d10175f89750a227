"""One validated settings object, read from the environment (and `.env`) once at start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.engine import Timeouts

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_TOKEN_SHAPES = {
    "SLACK_BOT_TOKEN": re.compile(r"^xoxb-[\w-]+$"),
    "SLACK_APP_TOKEN": re.compile(r"^xapp-[\w-]+$"),
    "SLACK_SIGNING_SECRET": re.compile(r"^[0-9a-f]{16,}$"),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default="sqlite:///readybot.db", validation_alias="DATABASE_URL")

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, validation_alias="SLACK_API_URL")
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_CLIENT_SECRET"
    )

    port: int = Field(default=3000, ge=1, le=65535, validation_alias="PORT")
    host: str = Field(default="0.0.0.0", validation_alias="HOST")  # noqa: S104  (a server in a container)
    admins: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), validation_alias="READYBOT_ADMINS"
    )
    default_timezone: str = Field(default="UTC", validation_alias="READYBOT_TIMEZONE")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    log_format: str = Field(default="json", validation_alias="LOG_FORMAT")
    templates_dir: Path | None = Field(default=None, validation_alias="READYBOT_TEMPLATES")
    slack_rate: float = Field(default=4.0, gt=0, le=100, validation_alias="READYBOT_SLACK_RATE")
    delivery_concurrency: int = Field(
        default=8, ge=1, le=200, validation_alias="READYBOT_DELIVERY_CONCURRENCY"
    )
    uncertain_give_up: float = Field(
        default=3600.0, ge=60, le=7 * 86400, validation_alias="READYBOT_UNCERTAIN_GIVE_UP"
    )
    public_url: str | None = Field(default=None, validation_alias="READYBOT_PUBLIC_URL")
    monitor_allow: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias="READYBOT_MONITOR_ALLOW"
    )
    monitor_concurrency: int = Field(
        default=50, ge=1, le=1000, validation_alias="READYBOT_MONITOR_CONCURRENCY"
    )
    monitors_file: Path | None = Field(default=None, validation_alias="READYBOT_MONITORS")
    backup_paths: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias="READYBOT_BACKUP_PATHS"
    )
    add_reaction: str = Field(default="clipboard", validation_alias="READYBOT_ADD_REACTION")

    db_connect_timeout: float = Field(
        default=3.0, ge=2, le=300, validation_alias="READYBOT_DB_CONNECT_TIMEOUT"
    )
    db_statement_timeout: float = Field(
        default=5.0, gt=0, le=3600, validation_alias="READYBOT_DB_STATEMENT_TIMEOUT"
    )
    db_pool_timeout: float = Field(
        default=3.0, gt=0, le=300, validation_alias="READYBOT_DB_POOL_TIMEOUT"
    )
    db_busy_timeout: float = Field(
        default=10.0, ge=0, le=300, validation_alias="READYBOT_DB_BUSY_TIMEOUT"
    )

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        from storage.urls import check_url

        return check_url(value)  # raises ValueError with the password masked

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(
                part.strip() for part in value.replace(";", ",").split(",") if part.strip()
            )
        return value

    @field_validator("add_reaction")
    @classmethod
    def _emoji_name(cls, value: str) -> str:
        name = value.strip().strip(":").lower()
        if not re.fullmatch(r"[a-z0-9_+'-]{1,100}", name):
            raise ValueError(
                "READYBOT_ADD_REACTION is an emoji's name, such as clipboard or "
                "heavy_plus_sign (with or without the colons)"
            )
        return name

    @field_validator("monitor_allow", mode="before")
    @classmethod
    def _split_allow(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in re.split(r"[,\s]+", value) if part.strip())
        return value

    @field_validator("backup_paths", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("backup_paths")
    @classmethod
    def _absolute_paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from scheduler.monitors.paths import BackupRoots

        BackupRoots(value)  # raises ValueError naming a relative entry
        return value

    @field_validator("monitor_allow")
    @classmethod
    def _valid_allow(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from scheduler.monitors.net import AddressPolicy

        AddressPolicy(value)  # raises ValueError naming the bad entry
        return value

    @field_validator("monitors_file")
    @classmethod
    def _existing_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file (it should declare monitors in YAML)")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name such as Europe/London"
            ) from exc
        return value

    @field_validator("templates_dir")
    @classmethod
    def _existing_folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(
                f"{value} is not a folder (it should hold digest templates to override)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value.lower() not in {"json", "text"}:
            raise ValueError("LOG_FORMAT must be json or text")
        return value.lower()

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/")
        # slack_sdk joins method names onto the base URL, so it must end with "/".
        return value if value.endswith("/") else value + "/"

    # -- what is configured ----------------------------------------------------------------
    @property
    def db_timeouts(self) -> Timeouts:
        return Timeouts(
            connect=self.db_connect_timeout,
            statement=self.db_statement_timeout,
            pool=self.db_pool_timeout,
            busy=self.db_busy_timeout,
        )

    @property
    def multi_workspace(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def has_slack(self) -> bool:
        return any(
            (
                self.slack_bot_token,
                self.slack_signing_secret,
                self.slack_app_token,
                self.multi_workspace,
            )
        )

    def slack_problems(self) -> list[str]:
        """What stops `readybot serve`: each missing or malformed variable, by name."""
        problems = []
        needed = {"SLACK_SIGNING_SECRET": self.slack_signing_secret}
        if not self.multi_workspace:
            needed["SLACK_BOT_TOKEN"] = self.slack_bot_token
        if self.slack_client_id and not self.slack_client_secret:
            problems.append("SLACK_CLIENT_SECRET is missing (SLACK_CLIENT_ID is set)")
        if self.socket_mode:  # Socket Mode has no signed requests, but a token per workspace
            needed.pop("SLACK_SIGNING_SECRET")
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        for name, value in needed.items():
            if value is None or not value.get_secret_value().strip():
                problems.append(f"{name} is missing")
            elif not _TOKEN_SHAPES[name].match(value.get_secret_value().strip()):
                problems.append(f"{name} does not look right ({_expected(name)})")
        return problems


def _expected(name: str) -> str:
    return {
        "SLACK_BOT_TOKEN": "a bot token starts with xoxb-",
        "SLACK_APP_TOKEN": "an app-level token starts with xapp-",
        "SLACK_SIGNING_SECRET": "the signing secret is a hex string from Basic Information",
    }[name]
