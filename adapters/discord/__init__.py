"""The Discord adapter: ``/roundtable`` app commands, persistent buttons, modals and DMs.

``create(app, env)`` is the whole contract with the wiring; see docs/discord.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from adapters.base import ConfigError, Host

if TYPE_CHECKING:
    from adapters.discord.adapter import DiscordAdapter


def create(app: Host, env: Mapping[str, str]) -> DiscordAdapter:
    """Build the Discord adapter from the app and the environment.

    Reads ``DISCORD_TOKEN`` (required) from the environment, and ``[discord]`` from the
    config (shards, and ``members_intent``).

    Raises:
        ConfigError: The token is missing, or the shard settings do not fit together.
    """
    from adapters.discord.adapter import DiscordAdapter

    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise ConfigError("DISCORD_TOKEN is not set: put the bot token from the Discord "
                          "developer portal (Bot > Token) in the environment.")
    shards = app.config.discord
    if shards.shard_ids is not None:
        if shards.shard_count is None:
            raise ConfigError("discord.shard_ids needs discord.shard_count (the total number "
                              "of shards across every process).")
        bad = [i for i in shards.shard_ids if not 0 <= i < shards.shard_count]
        if bad:
            raise ConfigError(f"discord.shard_ids: {bad} are not between 0 and shard_count - 1 "
                              f"({shards.shard_count - 1}).")
    return DiscordAdapter(app, token, members_intent=shards.members_intent)
