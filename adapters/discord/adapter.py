"""``DiscordAdapter``: start, stop and deliver, as ``adapters.base.PlatformAdapter`` asks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import aiohttp
import discord

from adapters.base import Host, StartFailed, counting_api_errors
from adapters.discord.client import make_client
from adapters.discord.components import poll_view
from adapters.discord.interact import Bridge
from adapters.discord.logs import quiet_voice_warnings, withhold_payloads
from adapters.discord.send import Sender
from adapters.discord.translate import PLATFORM
from bot.effects import Effect

log = logging.getLogger(__name__)


class DiscordAdapter:
    """A running connection to Discord.

    Args:
        app: The bot's config, store, core and clock (``roundtable.bootstrap.App``).
        token: The bot token (kept private to this object, never logged).
        members_intent: Ask for the privileged members intent (role changes follow).
        sync_commands: Publish ``/roundtable`` to Discord at start.
        connect: Open the gateway after logging in (tests inject events instead).
        edit_interval: Least seconds between two edits of one poll message.
        dm_interval: Seconds between two DMs.
    """

    platform = PLATFORM

    def __init__(self, app: Host, token: str, *, members_intent: bool = True,
                 sync_commands: bool = True, connect: bool = True, edit_interval: float = 1.0,
                 dm_interval: float = 0.1) -> None:
        withhold_payloads()
        quiet_voice_warnings()
        shards = app.config.discord
        self.client = make_client(shard_count=shards.shard_count, shard_ids=shards.shard_ids,
                                  members_intent=members_intent)
        # Every REST call goes through http.request: count its errors by HTTP status.
        self.client.http.request = counting_api_errors(  # type: ignore[method-assign]
            self.client.http.request, PLATFORM, _discord_code, app.record_api_error)
        self.client.sync_commands = sync_commands  # type: ignore[attr-defined]
        self.sender = Sender(self.client, app.store, app.clock, poll_view,
                             edit_interval=edit_interval, dm_interval=dm_interval,
                             in_space=app.core.in_space)
        self.bridge = Bridge(app.core, self.sender)
        self.client.bridge = self.bridge  # type: ignore[attr-defined]
        self._token = token
        self._connect = connect
        self._gateway: asyncio.Task[None] | None = None
        #: Set if the gateway connection ends for good while the bot runs (see ``serve``).
        self.ended = asyncio.Event()
        self._stopping = False

    def __repr__(self) -> str:
        # Never the token.
        return f"<DiscordAdapter shards={self.client.shard_count}>"

    async def start(self) -> None:
        """Log in (checks the token, publishes commands) and open the gateway in the
        background; returns once logged in.

        Raises:
            StartFailed: Discord refused the token, or could not be reached or asked to
                publish the commands; the client's connection is closed first.
        """
        try:
            await self.client.login(self._token)
        except discord.LoginFailure as error:
            await self.client.close()
            raise StartFailed("Discord refused DISCORD_TOKEN: copy the bot token again from "
                              "the Discord developer portal (Bot > Reset Token) into "
                              "DISCORD_TOKEN, then start Roundtable again.") from error
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            await self.client.close()
            raise StartFailed(f"Could not log in to Discord ({describe(error)}): check the "
                              "network and the bot's setup, then start Roundtable "
                              "again.") from error
        if self._connect:
            self._gateway = asyncio.create_task(self._run(), name="roundtable-discord-gateway")

    async def _run(self) -> None:
        try:
            await self.client.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            log.error("Discord refused the members intent: enable 'Server Members Intent' for "
                      "the bot in the developer portal, or set members_intent = false "
                      "under [discord] in the config")
        except Exception as error:
            log.error("the Discord connection ended (%s)", type(error).__name__)
        finally:
            if not self._stopping:
                self.ended.set()

    async def stop(self) -> None:
        """Finish pending edits and DMs, then disconnect."""
        self._stopping = True
        try:
            await self.sender.drain()
        finally:
            await self.client.close()
            if self._gateway is not None:
                await asyncio.gather(self._gateway, return_exceptions=True)

    async def deliver(self, effects: Sequence[Effect]) -> None:
        """Perform effects from timed jobs: outcomes, poll edits, reminders, nudges.

        Raises:
            discord.HTTPException: A post, or a DM other than to a closed inbox, failed.
        """
        await self.sender.perform(list(effects), wait=True)


def describe(error: BaseException) -> str:
    """An error's type, and Discord's status and code if it has them (never a payload)."""
    if isinstance(error, discord.HTTPException):
        return f"{type(error).__name__} {error.status}, code {error.code}"
    return type(error).__name__


def _discord_code(error: Exception) -> str | None:
    return str(error.status) if isinstance(error, discord.HTTPException) else None
