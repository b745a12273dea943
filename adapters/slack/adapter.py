"""The running Slack connection: Bolt's AsyncApp over Socket Mode or HTTP."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Literal

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.base import (
    ApiErrorHook,
    StartFailed,
    counting_api_errors,
    ignore_api_error,
    listen,
)
from adapters.slack.client import DEFAULT_API_URL, Sleep, make_client, quiet_logger
from adapters.slack.context import Context
from adapters.slack.directory import Directory, api_error
from adapters.slack.events import Events
from adapters.slack.http import verified_web_app
from adapters.slack.listeners import Listeners
from adapters.slack.sender import Sender
from bot.effects import Effect
from bot.service import Roundtable

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: auth.test answers that mean the bot token is wrong, revoked or of a deleted app.
BAD_TOKEN = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                       "token_expired"})


async def _ack_only() -> None:
    """An event nothing here listens for: acked (200), so Slack does not count a failure."""


class SlackAdapter:
    """Roundtable on one Slack workspace.

    Args:
        core: The Roundtable service.
        bot_token: The bot token (``xoxb-``).
        mode: "socket" (needs ``app_token``) or "http" (needs ``signing_secret``).
        app_token: The app-level token (``xapp-``) for Socket Mode.
        signing_secret: Verifies HTTP requests really come from Slack.
        port: Where HTTP mode listens (0: any free port; see ``port`` after start).
        host: The address HTTP mode listens on.
        api_url: The Web API's base URL (a fake in tests).
        process_before_response: Finish each listener before answering (tests only:
            in production the answer goes out at ``ack()`` and the work continues).
        sleep: How to wait before retrying a 429 (tests pass a recorder).
    """

    platform = "slack"

    def __init__(self, core: Roundtable, *, bot_token: str, mode: Literal["socket", "http"],
                 app_token: str | None = None, signing_secret: str | None = None,
                 port: int = 3000, host: str = "0.0.0.0", api_url: str = DEFAULT_API_URL,
                 process_before_response: bool = False, sleep: Sleep = asyncio.sleep,
                 record_api_error: ApiErrorHook = ignore_api_error) -> None:
        if mode == "socket" and not app_token:
            raise ValueError("Socket Mode needs an app-level token")
        if mode == "http" and not signing_secret:
            raise ValueError("HTTP mode needs the signing secret")
        self.core, self.mode, self.port, self.host = core, mode, port, host
        self._app_token = app_token
        self.client = make_client(bot_token, api_url, sleep=sleep)
        # Every Web API method goes through api_call: count its errors by Slack's code.
        self.client.api_call = counting_api_errors(  # type: ignore[method-assign]
            self.client.api_call, "slack", _slack_code, record_api_error)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=signing_secret or "",
            # Socket Mode requests come over the authenticated socket, not signed HTTP.
            request_verification_enabled=mode == "http",
            process_before_response=process_before_response,
            logger=quiet_logger("bolt"),
        )
        self.directory = Directory(self.client)
        self.sender = Sender(self.client, core)
        context = Context(core, self.sender, self.directory)
        Listeners(context).register(self.bolt)
        Events(context).register(self.bolt)
        self.bolt.event(re.compile(".*"))(_ack_only)  # last: only what nothing else takes
        self._secret = signing_secret or ""
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        #: Never set: Socket Mode reconnects by itself and HTTP mode keeps listening.
        self.ended = asyncio.Event()

    def web_app(self) -> web.Application:
        """The aiohttp application that answers Slack's HTTP requests (signature first)."""
        return verified_web_app(self.bolt, self._secret, EVENTS_PATH)

    async def check_token(self) -> None:
        """Ask Slack whether the bot token works (``auth.test``), before connecting.

        Raises:
            StartFailed: Slack refused the token; the message says where the right one is.
        """
        try:
            await self.client.auth_test()
        except SlackApiError as error:
            code = api_error(error)
            if code not in BAD_TOKEN:
                raise
            raise StartFailed(
                f"Slack refused SLACK_BOT_TOKEN ({code}). Set SLACK_BOT_TOKEN to the app's Bot "
                "User OAuth Token (xoxb-...): at https://api.slack.com/apps pick the app, then "
                "OAuth & Permissions (install the app to the workspace there if it shows no "
                "token).") from None

    async def start(self) -> None:
        """Connect (Socket Mode) or start listening (HTTP); return once running.

        Raises:
            StartFailed: Slack refused the bot token, or HTTP mode's port is in use.
        """
        await self.check_token()
        if self.mode == "http":
            self._runner, self.port = await listen(self.web_app(), self.host, self.port,
                                                   "[slack]")
            log.info("Slack HTTP mode listening on port %s at %s", self.port, EVENTS_PATH)
            return
        self._socket = AsyncSocketModeHandler(self.bolt, self._app_token,
                                              logger=quiet_logger("socket"),
                                              web_client=self.client)
        await self._socket.connect_async()
        log.info("Slack Socket Mode connected")

    async def stop(self) -> None:
        """Finish queued edits, then disconnect."""
        try:
            await self.sender.drain()
        finally:
            if self._socket is not None:
                await self._socket.close_async()
                self._socket = None
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = None

    async def deliver(self, effects: Sequence[Effect]) -> None:
        """Perform effects from timed jobs (closings, reminders, nudges, check-ins).

        Raises:
            SlackApiError: Something that matters was not delivered; the job is retried.
        """
        await self.sender.perform(list(effects), wait=True)


def _slack_code(error: Exception) -> str | None:
    return api_error(error) if isinstance(error, SlackApiError) else None
