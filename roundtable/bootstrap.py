"""The one place that knows everyone: builds config, store, clock, core and adapters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.anonymity import Keyring
from bot.ports import Clock, Store
from bot.service import Roundtable, Settings
from roundtable.config import Config
from roundtable.keyfile import load_master_secret
from storage import SqlStore, make_engine

#: Each platform adapter and the environment variables that switch it on. The Slack and
#: Discord adapters plug in here (issues 5 and 6): ``start_adapters`` will start every
#: platform whose variables are all set, sharing one core, store and clock.
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

    async def close(self) -> None:
        """Finish pending writes (votes, counted contributions) and release the database."""
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
                        min_group_size=config.groups.min_group_size)
    core = Roundtable(store, clock, keyring, settings)
    return App(config=config, store=store, core=core, clock=clock)
