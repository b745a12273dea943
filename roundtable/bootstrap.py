"""The one place that knows everyone: builds config, store, clock, core and adapters."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from adapters.base import ApiErrorHook, PlatformAdapter, ignore_api_error, platform_of
from bot.anonymity import Keyring
from bot.effects import Effect
from bot.ports import Clock, Store
from bot.service import Roundtable, Settings
from bot.timing.timekeeper import Timekeeper
from roundtable import collector
from roundtable.config import Config
from roundtable.keyfile import load_master_secret
from roundtable.ops import Metrics, OpsServer, instrument
from roundtable.ticker import Ticker
from storage import SqlStore, make_engine

log = logging.getLogger(__name__)

#: Each platform adapter (the package ``adapters.<name>``) and the environment variables
#: that switch it on. ``serve`` starts every platform whose variables are all set, sharing
#: one core, store, clock and scheduler; each adapter's ``create`` checks the rest of what
#: it needs (e.g. Slack's app token in Socket Mode) and names anything missing.
PLATFORM_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "slack": ("SLACK_BOT_TOKEN",),
    "discord": ("DISCORD_TOKEN",),
}


@dataclass
class App:
    """Everything a running Roundtable is made of."""

    config: Config
    store: Store
    core: Roundtable
    clock: Clock
    #: Counters for /metrics; None unless ``[ops] port`` is set (``roundtable.ops``).
    metrics: Metrics | None = None
    #: Set once ``close`` has begun: /readyz then says the database is closed.
    closed: bool = False

    @property
    def record_api_error(self) -> ApiErrorHook:
        """What adapters tell of each error their platform's API answers with."""
        return self.metrics.api_error if self.metrics is not None else ignore_api_error

    async def close(self) -> None:
        """Finish pending writes (votes, counted contributions) and release the database."""
        self.closed = True
        await self.store.close()


def platforms_configured(env: Mapping[str, str]) -> list[str]:
    """The platforms whose credentials are all present in the environment."""
    return [name for name, keys in PLATFORM_CREDENTIALS.items()
            if all(env.get(key, "").strip() for key in keys)]


async def build(config: Config, env: Mapping[str, str], clock: Clock,
                db_url: str | None = None) -> App:
    """Build the store and the core from the config and the environment.

    Args:
        config: The checked config file.
        env: Environment variables (secrets come from here).
        clock: The clock everything shares.
        db_url: Overrides the config's database URL (for the playground and tests).
    """
    keyring = Keyring(load_master_secret(env, config.anonymity.key_file))
    store = SqlStore(make_engine(db_url or config.storage.url))
    await store.start()
    settings = Settings(timezone=config.space.timezone, reminders=config.reminders.seconds(),
                        nudges=config.nudges.policy(), balance=config.balance.policy(),
                        min_group_size=config.groups.min_group_size,
                        ask_about_payments=config.payments.ask,
                        language=config.space.language, bilingual=config.space.bilingual)
    core = Roundtable(store, clock, keyring, settings)
    metrics = None
    if config.ops.port is not None:
        metrics = Metrics()
        instrument(core, metrics)
    return App(config=config, store=store, core=core, clock=clock, metrics=metrics)


class NoAdapter(Exception):
    """An effect belongs to a platform this process does not run; its job is retried.

    Rare: ``serve`` claims only the jobs of this process's platforms. It would take a
    job whose effects reach beyond its own poll's or schedule's platform.
    """


class Router:
    """Hands each effect from timed work to the adapter that owns its platform."""

    def __init__(self, adapters: Sequence[PlatformAdapter]) -> None:
        self.adapters = {adapter.platform: adapter for adapter in adapters}

    async def deliver(self, effects: list[Effect]) -> None:
        """Deliver effects, grouped by platform, in their order within each platform.

        Raises:
            NoAdapter: Some effect's platform is not running here (its job is retried
                later, perhaps by a process that runs that platform).
        """
        by_platform: dict[str, list[Effect]] = {}
        for effect in effects:
            by_platform.setdefault(platform_of(effect), []).append(effect)
        missing = sorted(set(by_platform) - set(self.adapters))
        if missing:
            raise NoAdapter(f"no adapter for {', '.join(missing)} in this process")
        for platform, group in by_platform.items():
            await self.adapters[platform].deliver(group)


def create_adapters(app: App, env: Mapping[str, str],
                    platforms: Sequence[str]) -> list[PlatformAdapter]:
    """Build (not start) the adapter of each platform; a missing setting fails them all.

    Raises:
        ConfigError: From an adapter, naming the setting or variable it lacks.
    """
    return [importlib.import_module(f"adapters.{name}").create(app, env) for name in platforms]


async def _start(adapter: PlatformAdapter, stop: asyncio.Event) -> bool:
    """Start one adapter, unless ``stop`` is set first (Ctrl+C while still connecting):
    then the start is cancelled and False returned."""
    starting = asyncio.ensure_future(adapter.start())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not starting.done():
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
    if starting.cancelled():
        return False
    starting.result()  # its failure (e.g. StartFailed), if any
    return True


async def serve(app: App, adapters: Sequence[PlatformAdapter], stop: asyncio.Event,
                on_running: Callable[[], None] = lambda: None) -> bool:
    """Run the adapters and the scheduler's tick until ``stop`` is set, then shut down.

    The first tick runs at once, so closings and reminders that fell due while the bot
    was down happen now (once: the claim in the database sees to that). ``on_running``
    is called once every adapter has started (never if one fails or ``stop`` comes
    first; ``stop`` is watched while they start too). Returns False if it stopped
    because an adapter's connection ended on its own.
    """
    router = Router(adapters)
    # Only this process's platforms' jobs: another process on the same database, running
    # other platforms, takes theirs.
    timekeeper = Timekeeper(app.core, router.deliver, platforms=router.adapters.keys(),
                            observe=app.metrics.observe_job if app.metrics else None)
    ticker = Ticker(timekeeper, app.clock, app.config.scheduler.tick_seconds)
    started: list[PlatformAdapter] = []
    waits: list[asyncio.Task[bool]] = []
    ops = None
    try:
        for adapter in adapters:
            if not await _start(adapter, stop):
                started.append(adapter)  # half-connected: disconnect it below
                return True
            started.append(adapter)
            log.info("%s adapter started", adapter.platform)
        if app.config.ops.port is not None:
            ops = OpsServer(app, adapters)
            await ops.start()  # StartFailed if its port is taken
        collector.settle()
        ticker.start()
        on_running()
        waits = [asyncio.create_task(stop.wait())]
        waits += [asyncio.create_task(adapter.ended.wait()) for adapter in adapters]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        gone = [adapter.platform for adapter in adapters if adapter.ended.is_set()]
        if gone:
            log.error("the %s connection ended; stopping", ", ".join(gone))
        return not gone
    finally:
        for wait in waits:
            wait.cancel()
        if ops is not None:
            await ops.stop()
        await ticker.stop()
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception as error:  # keep stopping the others
                log.warning("%s adapter did not stop cleanly (%s)", adapter.platform,
                            type(error).__name__)
