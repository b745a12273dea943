"""What every platform adapter offers the rest of the bot.

``roundtable.bootstrap`` builds one adapter per configured platform with the
package's ``create(app, env)`` function, starts it, and routes each effect the
core produces (from commands or from timed jobs) to the adapter whose platform
owns the effect's space or member.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from aiohttp import web

from bot.effects import DirectMessage, Effect
from bot.ports import Clock, Store
from bot.service import Roundtable

T = TypeVar("T")


class ConfigError(Exception):
    """The config file cannot be used; the message says which key and why."""


class SlackSettings(Protocol):
    """``[slack]``, as the Slack adapter reads it."""

    mode: str
    port: int


class DiscordSettings(Protocol):
    """``[discord]``, as the Discord adapter reads it."""

    shard_count: int | None
    shard_ids: list[int] | None
    members_intent: bool


class PlatformSettings(Protocol):
    """The config sections the adapters read."""

    @property
    def slack(self) -> SlackSettings: ...

    @property
    def discord(self) -> DiscordSettings: ...


class Host(Protocol):
    """What an adapter is built from: the running bot's parts (``roundtable.bootstrap.App``
    is one). Declared here so that the adapters stand on their own, below the wiring."""

    core: Roundtable
    store: Store
    clock: Clock

    @property
    def config(self) -> PlatformSettings: ...

    @property
    def record_api_error(self) -> ApiErrorHook: ...

#: Told of each error a platform's API answered with, as (platform, code): a Slack error
#: string, a Discord HTTP status. Codes only, never a payload, a person or a place. The
#: App passes its own (``roundtable.ops``) when metrics are on.
ApiErrorHook = Callable[[str, str], None]


def ignore_api_error(platform: str, code: str) -> None:
    """The hook when nothing counts platform API errors."""


def counting_api_errors(call: Callable[..., Awaitable[T]], platform: str,
                        code_of: Callable[[Exception], str | None],
                        record: ApiErrorHook) -> Callable[..., Awaitable[T]]:
    """``call`` (a platform client's one request method), telling ``record`` the code of
    each error it raises (``code_of`` None: not an API error, not counted); the error
    still propagates."""

    async def counted(*args: Any, **kwargs: Any) -> T:
        try:
            return await call(*args, **kwargs)
        except Exception as error:
            code = code_of(error)
            if code is not None:
                record(platform, code)
            raise

    return counted


class StartFailed(Exception):
    """A platform could not be started for a reason its operator must fix (a wrong token,
    a port in use). ``message`` says what to do; ``roundtable run`` prints it, without a
    traceback, and exits with status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlatformAdapter(Protocol):
    """A running connection to one chat platform."""

    #: "slack" or "discord": the ``platform`` of the spaces, actors and members it owns.
    platform: str
    #: Set when the connection has ended for good on its own (not by ``stop``), e.g. the
    #: platform refused the token or an intent; the bot then stops, so that whatever
    #: supervises it can restart it or tell someone.
    ended: asyncio.Event

    async def start(self) -> None:
        """Connect and begin taking commands; return once running (do not block forever)."""
        ...

    async def stop(self) -> None:
        """Disconnect and finish pending sends."""
        ...

    async def deliver(self, effects: Sequence[Effect]) -> None:
        """Perform effects produced outside a request (closings, reminders, check-ins, nudges).

        Raise if something that matters could not be delivered, so the timed job is
        retried with back-off. A member who cannot be reached (DMs closed) is not a
        failure: record or log it (without the message) and carry on.
        """
        ...


def platform_of(effect: Effect) -> str:
    """The platform an effect belongs to."""
    if isinstance(effect, DirectMessage):
        return effect.platform
    return effect.space.platform


async def listen(app: web.Application, host: str, port: int,
                 section: str) -> tuple[web.AppRunner, int]:
    """Serve ``app`` over HTTP on ``host``:``port``; the runner and the port bound (port 0
    in the config: any free one).

    Raises:
        StartFailed: The port is in use, or the host is not an address of this machine;
            the message names the config ``section`` ("[ops]", "[slack]") to change.
    """
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        if error.errno == errno.EADDRINUSE:
            raise StartFailed(f"port {port} is in use: set {section} port to a free one or "
                              "stop the other program") from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise StartFailed(f"cannot listen on {host}: set {section} host to an address of "
                              "this machine (or 127.0.0.1)") from None
        raise
    server = site._server  # aiohttp keeps the bound sockets here
    if server is not None and server.sockets:
        port = server.sockets[0].getsockname()[1]
    return runner, port
