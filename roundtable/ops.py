"""Health and metrics over HTTP, for whoever runs the bot (``[ops] port``; docs/operations.md).

- ``/healthz``: 200 while the process runs.
- ``/readyz``: 200 when the database answers and every platform adapter is connected;
  otherwise 503 with a short reason.
- ``/metrics``: Prometheus text format.

Every label comes from a fixed vocabulary — a command's or error's class name, a job kind,
a platform, a platform API's error code — never a member, a channel, a workspace, a
question or a choice. Each App has its own registry: nothing is built at import time.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.base import PlatformAdapter, listen
from bot.commands import CastVote, Command
from bot.effects import FAULT, Effect, Reply
from bot.errors import RoundtableError
from bot.model import Actor, PollStatus, SpaceRef
from bot.ports import Store
from roundtable.config import Config
from storage.tables import PollRow

if TYPE_CHECKING:
    from bot.service import Roundtable

log = logging.getLogger(__name__)

#: The error kind of a fault that is not a ``RoundtableError``.
UNEXPECTED = "unexpected"
#: Longest a readiness or metrics query may take before the database counts as not answering.
DB_TIMEOUT = 5.0

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
#: Slack's error strings (channel_not_found), "http 503", Discord's statuses (403).
_API_CODE = re.compile(r"[a-z0-9_]{1,64}|http \d{3}")

Handle = Callable[[Command], Awaitable[list[Effect]]]


def _name(value: str) -> str:
    """A class or job kind name as a label; anything else (never expected) as "other"."""
    return value if _NAME.fullmatch(value) else "other"


class Metrics:
    """One App's counters, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.commands = Counter("roundtable_commands", "Commands handled, by kind",
                                ["kind"], registry=registry)
        self.command_seconds = Histogram(
            "roundtable_command_seconds", "Time to handle a command, by kind", ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=registry)
        self.votes = Counter("roundtable_votes", "Votes cast or changed", registry=registry)
        self.errors = Counter(
            "roundtable_errors", "Commands refused (by error class) or failed unexpectedly",
            ["kind"], registry=registry)
        self.job_lag = Histogram(
            "roundtable_job_lag_seconds", "Seconds from a timed job falling due to its run",
            ["kind"], buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
            registry=registry)
        self.deliveries = Counter("roundtable_deliveries",
                                  "Timed jobs whose effects were delivered", ["kind"],
                                  registry=registry)
        self.delivery_retries = Counter(
            "roundtable_delivery_retries", "Timed jobs that failed and will be retried",
            ["kind"], registry=registry)
        self.delivery_failures = Counter(
            "roundtable_delivery_failures", "Timed jobs given up after their last attempt",
            ["kind"], registry=registry)
        self.api_errors = Counter(
            "roundtable_platform_api_errors", "Errors a platform's API answered with",
            ["platform", "code"], registry=registry)
        self.open_polls = Gauge("roundtable_open_polls", "Polls open for votes",
                                registry=registry)

    async def handled(self, command: Command, handle: Handle) -> list[Effect]:
        """Run ``handle`` on ``command``, timing and counting it."""
        kind = _name(type(command).__name__)
        started = time.perf_counter()
        try:
            effects = await handle(command)
        finally:
            self.commands.labels(kind).inc()
            self.command_seconds.labels(kind).observe(time.perf_counter() - started)
        failures = {effect.failure for effect in effects if isinstance(effect, Reply)}
        if FAULT in failures:
            self.errors.labels(UNEXPECTED).inc()
        elif isinstance(command, CastVote) and not failures - {None}:
            self.votes.inc()
        return effects

    def refused(self, error: RoundtableError) -> None:
        """Count a command refused with ``error``."""
        self.errors.labels(_name(type(error).__name__)).inc()

    def observe_job(self, kind: str, lag_seconds: float, outcome: str) -> None:
        """``bot.timing.timekeeper.Timekeeper``'s ``observe``: a timed job ran."""
        kind = _name(kind)
        self.job_lag.labels(kind).observe(max(lag_seconds, 0.0))
        if outcome == "delivered":
            self.deliveries.labels(kind).inc()
        elif outcome == "retry":
            self.delivery_retries.labels(kind).inc()
        elif outcome == "failed":
            self.delivery_failures.labels(kind).inc()

    def api_error(self, platform: str, code: str) -> None:
        """``adapters.base.ApiErrorHook``: a platform's API answered with an error."""
        self.api_errors.labels(_name(platform),
                               code if _API_CODE.fullmatch(code) else "other").inc()

    def exposition(self) -> str:
        """Everything, in Prometheus text format."""
        return generate_latest(self.registry).decode()


def instrument(core: Roundtable, metrics: Metrics) -> None:
    """Count what ``core`` handles, without touching its decisions.

    ``handle`` and ``handle_private`` are wrapped to time and count each command, and
    ``error_reply`` — the one place every refusal becomes a reply, the core's own and the
    adapters' — to count refusals by error class.
    """
    handle, handle_private, error_reply = core.handle, core.handle_private, core.error_reply

    async def counted_handle(command: Command) -> list[Effect]:
        return await metrics.handled(command, handle)

    async def counted_handle_private(command: Command) -> list[Effect]:
        return await metrics.handled(command, handle_private)

    def counted_error_reply(actor: Actor, space: SpaceRef, error: RoundtableError) -> Reply:
        metrics.refused(error)
        return error_reply(actor, space, error)

    # Instance attributes shadow the methods, for the adapters and the core itself.
    core.handle = counted_handle  # type: ignore[method-assign]
    core.handle_private = counted_handle_private  # type: ignore[method-assign]
    core.error_reply = counted_error_reply  # type: ignore[method-assign]


class Served(Protocol):
    """What the health and metrics server reads of the running bot
    (``roundtable.bootstrap.App``)."""

    store: Store
    config: Config
    metrics: Metrics | None
    closed: bool


class OpsServer:
    """Serves /healthz, /readyz and /metrics for one App and its adapters.

    Args:
        app: The running App (its store, config and metrics).
        adapters: The platform adapters, all started before this server is.
    """

    def __init__(self, app: Served, adapters: Sequence[PlatformAdapter]) -> None:
        self.app, self.adapters = app, list(adapters)
        self.metrics = app.metrics or Metrics()
        self.host = app.config.ops.host
        self.port = app.config.ops.port or 0
        self._runner: web.AppRunner | None = None

    def web_app(self) -> web.Application:
        """The aiohttp application with the three routes."""
        web_app = web.Application()
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/readyz", self._readyz)
        web_app.router.add_get("/metrics", self._metrics)
        return web_app

    async def start(self) -> None:
        """Start listening; ``port`` is then the one bound (0 in the config: any free one).

        Raises:
            StartFailed: The port is in use, or the host is not an address of this machine.
        """
        self._runner, self.port = await listen(self.web_app(), self.host, self.port, "[ops]")
        log.info("health and metrics on http://%s:%s (/healthz, /readyz, /metrics)",
                 self.host, self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def not_ready(self) -> str | None:
        """Why the bot is not ready (a few words, nothing private), or None if it is."""
        gone = [adapter.platform for adapter in self.adapters if adapter.ended.is_set()]
        if gone:
            return f"{', '.join(gone)} not connected"
        if self.app.closed:
            return "database closed"
        try:
            async with asyncio.timeout(DB_TIMEOUT), self._engine().connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as error:
            log.info("readiness: the database did not answer (%s)", type(error).__name__)
            return "database not answering"
        return None

    def _engine(self) -> AsyncEngine:
        # The SQL store's engine: the core's Store protocol does not know of one.
        return self.app.store.engine  # type: ignore[attr-defined]

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        reason = await self.not_ready()
        if reason is None:
            return web.Response(text="ready\n")
        return web.Response(status=503, text=f"not ready: {reason}\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        await self._count_open_polls()
        return web.Response(body=self.metrics.exposition().encode(),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _count_open_polls(self) -> None:
        """Read the open-poll gauge from the database; on failure it keeps its last value."""
        if self.app.closed:
            return
        query = select(func.count()).select_from(PollRow).where(
            PollRow.status == PollStatus.OPEN.value)
        try:
            async with asyncio.timeout(DB_TIMEOUT), self._engine().connect() as conn:
                count = (await conn.execute(query)).scalar_one()
        except Exception as error:
            log.info("metrics: open polls not counted (%s)", type(error).__name__)
            return
        self.metrics.open_polls.set(count)
