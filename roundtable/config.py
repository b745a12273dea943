"""Settings from a TOML file, checked at start with errors that name the key.

Secrets never live here: tokens and the anonymity master secret come from
environment variables (or, for the master secret, a key file).
"""

from __future__ import annotations

import tomllib
from datetime import time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from adapters.base import ConfigError
from bot.i18n import LANGUAGES, known
from bot.timeparse import parse_duration
from bot.voice_model import BalancePolicy, NudgePolicy

DEFAULT_DB_URL = "sqlite+aiosqlite:///roundtable.db"


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
    #: "en" or "cy": public posts, and private messages to people who did not choose.
    language: str = "en"
    #: Public posts in both English and Welsh, ``language`` first.
    bilingual: bool = False

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        code = known(value)
        if code is None:
            raise ValueError(f"{value!r} is not a language Roundtable speaks "
                             f"(choose one of: {', '.join(LANGUAGES)})")
        return code

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


class NudgesConfig(_Section):
    """Private nudges to quieter members (see docs/voices.md)."""

    enabled: bool = True
    #: True: only members who said ``nudges on`` get nudges.
    opt_in: bool = False
    #: At most one nudge per member this often.
    every: str = "3d"
    #: No nudges between these local times, e.g. "21:00-09:00"; "" for none.
    quiet_hours: str = "21:00-09:00"
    #: A poll must be open this long before its non-voters are nudged.
    after_open: str = "24h"
    #: At most this many private messages to one person in any 24 hours: reminders,
    #: nudges and notes together (docs/voices.md). 0 means no cap.
    messages_per_day: int = Field(default=3, ge=0, le=100)

    @field_validator("every", "after_open")
    @classmethod
    def _duration(cls, value: str) -> str:
        length = parse_duration(value)
        if length is None or length <= timedelta(0):
            raise ValueError(f"{value!r} is not a length of time (write 3d, 24h, 90m)")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if value.strip():
            _quiet_hours(value)
        return value

    def policy(self) -> NudgePolicy:
        """The policy the core applies."""
        start, end = _quiet_hours(self.quiet_hours) if self.quiet_hours.strip() else (
            time(0), time(0))
        return NudgePolicy(enabled=self.enabled, opt_in=self.opt_in,
                           every=parse_duration(self.every), quiet_start=start, quiet_end=end,
                           after_open=parse_duration(self.after_open),
                           per_day=self.messages_per_day)


def _quiet_hours(value: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(f"{value!r} is not a range of times (write 21:00-09:00)") from None
    return start, end


class BalanceConfig(_Section):
    """The balance of voices, and the note to facilitators (see docs/voices.md)."""

    #: The window ``balance`` shows unless given --days.
    days: int = Field(default=14, ge=1, le=365)
    #: A group's voice ratio above this, during an open poll, prompts a note to
    #: facilitators; 0 turns the note off.
    threshold: float = Field(default=1.5, ge=0)
    #: Groups with fewer members show no figures, so nobody is singled out.
    min_group_size: int = Field(default=3, ge=1)
    #: No note before the window holds this many contributions.
    min_contributions: int = Field(default=10, ge=0)

    def policy(self) -> BalancePolicy:
        """The policy the core applies."""
        return BalancePolicy(days=self.days, threshold=self.threshold,
                             min_group_size=self.min_group_size,
                             min_contributions=self.min_contributions)


class PaymentsConfig(_Section):
    """Involvement payments (docs/voices.md)."""

    #: Ask each person once, privately, after their first contribution, whether they want
    #: to be paid for taking part. Turn off where nobody is paid.
    ask: bool = True


class GroupsConfig(_Section):
    """Groups in outcomes."""

    #: Groups with fewer ballots than this get no figures of their own in an outcome (their
    #: rule still counts them), so a small group's ballots can't be told apart.
    min_group_size: int = Field(default=5, ge=1, le=1000)


class SchedulerConfig(_Section):
    """The tick that runs due work."""

    tick_seconds: float = Field(default=1.0, ge=0.1, le=60)


class ConsoleConfig(_Section):
    """The terminal playground."""

    channel: str = Field(default="playground", min_length=1, max_length=80)
    people: list[str] = Field(default_factory=lambda: ["alice", "bob", "carol"], min_length=1)


class SlackConfig(_Section):
    """Slack (docs/slack.md). Tokens and the signing secret come from the environment."""

    mode: Literal["socket", "http"] = "socket"
    port: int = Field(default=3000, ge=1, le=65535)


class DiscordConfig(_Section):
    """Discord (docs/discord.md). The token comes from the environment."""

    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None
    #: Ask for the privileged Server Members intent (role-mapped groups follow role changes,
    #: and everyone who can see a channel counts as eligible). Turn off if it is not enabled
    #: for the bot in the developer portal.
    members_intent: bool = True


class OpsConfig(_Section):
    """Health checks and Prometheus metrics over HTTP (docs/operations.md); off without a
    port."""

    #: Where /healthz, /readyz and /metrics are served; None (the default) serves nothing.
    #: 0 takes any free port (logged at start).
    port: int | None = Field(default=None, ge=0, le=65535)
    #: Loopback by default: metrics are for a scraper on the same host or network, not the
    #: internet.
    host: str = Field(default="127.0.0.1", min_length=1)


class Config(_Section):
    """The whole config file."""

    storage: StorageConfig = StorageConfig()
    anonymity: AnonymityConfig = AnonymityConfig()
    space: SpaceConfig = SpaceConfig()
    reminders: RemindersConfig = RemindersConfig()
    groups: GroupsConfig = GroupsConfig()
    nudges: NudgesConfig = NudgesConfig()
    balance: BalanceConfig = BalanceConfig()
    payments: PaymentsConfig = PaymentsConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    console: ConsoleConfig = ConsoleConfig()
    slack: SlackConfig = SlackConfig()
    discord: DiscordConfig = DiscordConfig()
    ops: OpsConfig = OpsConfig()


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
