"""Settings from a TOML file, checked at start with errors that name the key.

Secrets never live here: tokens and the anonymity master secret come from
environment variables (or, for the master secret, a key file).
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.timeparse import parse_duration

DEFAULT_DB_URL = "sqlite+aiosqlite:///roundtable.db"


class ConfigError(Exception):
    """The config file cannot be used; the message says which key and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(_Section):
    """Where data is kept."""

    url: str = DEFAULT_DB_URL

    @field_validator("url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use a sqlite+aiosqlite:/// or postgresql+asyncpg:// URL")
        return value


class AnonymityConfig(_Section):
    """Where the master secret lives when ROUNDTABLE_SECRET is not set."""

    key_file: str = "roundtable.key"


class SpaceConfig(_Section):
    """Defaults for every space."""

    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone (try Europe/London)") from None
        return value


class RemindersConfig(_Section):
    """Reminders before a poll closes, to members who have not voted."""

    before: list[str] = Field(default_factory=lambda: ["24h", "1h"], max_length=5)

    @field_validator("before")
    @classmethod
    def _durations(cls, value: list[str]) -> list[str]:
        for item in value:
            lead = parse_duration(item)
            if lead is None or lead <= timedelta(0):
                raise ValueError(f"{item!r} is not a length of time (write 24h, 90m, 2d)")
        return value

    def seconds(self) -> tuple[int, ...]:
        """The lead times in seconds, longest first."""
        leads = {int(parse_duration(item).total_seconds()) for item in self.before}
        return tuple(sorted(leads, reverse=True))


class SchedulerConfig(_Section):
    """The tick that runs due work."""

    tick_seconds: float = Field(default=1.0, ge=0.1, le=60)


class ConsoleConfig(_Section):
    """The terminal playground."""

    channel: str = Field(default="playground", min_length=1, max_length=80)
    people: list[str] = Field(default_factory=lambda: ["alice", "bob", "carol"], min_length=1)


class SlackConfig(_Section):
    """Slack (the adapter arrives with its own issue). Tokens come from the environment."""

    mode: Literal["socket", "http"] = "socket"
    port: int = Field(default=3000, ge=1, le=65535)


class DiscordConfig(_Section):
    """Discord (the adapter arrives with its own issue). The token comes from the environment."""

    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None


class Config(_Section):
    """The whole config file."""

    storage: StorageConfig = StorageConfig()
    anonymity: AnonymityConfig = AnonymityConfig()
    space: SpaceConfig = SpaceConfig()
    reminders: RemindersConfig = RemindersConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    console: ConsoleConfig = ConsoleConfig()
    slack: SlackConfig = SlackConfig()
    discord: DiscordConfig = DiscordConfig()


def load_config(path: str | Path | None) -> Config:
    """Read and check the config file; no path means all defaults.

    Raises:
        ConfigError: The file is missing, is not TOML, or has a wrong key or value.
    """
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file. Copy config.example.toml to start.") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}).") from None
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"])
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "is not a setting Roundtable knows (check the spelling)"
            problems.append(f"  {where}: {message}")
        raise ConfigError(f"{path} has problems:\n" + "\n".join(problems)) from None
