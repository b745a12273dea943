"""Shared fixtures: a real core on a temporary SQLite file, driven like the playground."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.console.playground import Playground
from bot.anonymity import Keyring
from bot.effects import DirectMessage, Post, PrivateFile, Reply, UpdatePost
from bot.ports import FakeClock
from bot.service import Roundtable, Settings
from storage import SqlStore, make_engine

#: A Wednesday, so "friday 17:00" is two days ahead.
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SECRET = bytes(range(32))


class Driver:
    """A playground whose output is captured, so a test reads what a person would."""

    def __init__(self, playground: Playground, lines: list[str]) -> None:
        self.playground = playground
        self.lines = lines

    async def say(self, line: str) -> str:
        """Run one line and return everything the bot printed for it."""
        start = len(self.lines)
        await self.playground.run_line(line)
        return "\n".join(self.lines[start:])

    @property
    def core(self) -> Roundtable:
        return self.playground.core

    @property
    def clock(self) -> FakeClock:
        return self.playground.clock


async def as_posted(core: Roundtable, effects: list) -> list:
    """Record the keyed posts among ``effects`` as posted, as a platform adapter does once
    its message is up (so the check that it went out, ``bot.polls.announce``, finds them)."""
    for effect in effects:
        if isinstance(effect, Post) and effect.key is not None:
            await core.store.remember_post(effect.key, effect.space.platform, "posted")
    return effects


async def play(core: Roundtable, clock: FakeClock, lines: list[str], *,
               people: tuple[str, ...] = ("alice",), files=None,
               kinds: tuple[type, ...] = (Post, Reply, DirectMessage, UpdatePost, PrivateFile),
               ) -> list:
    """Run ``lines`` in a playground on ``core`` and return the cards of every effect of
    ``kinds`` it was handed, in order: everything a person would read."""
    cards: list = []
    playground = Playground(core, clock, list(people), write=lambda _: None, files=files)
    show = playground._show

    async def keep(effects):
        cards.extend(effect.card for effect in effects if isinstance(effect, kinds))
        await show(effects)

    playground._show = keep
    await playground.start()
    await playground.run_lines(lines, echo=False)
    return cards


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'roundtable.db'}"


@pytest.fixture
async def store(db_url):
    store = SqlStore(make_engine(db_url))
    await store.start()
    yield store
    await store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def core(store, clock) -> Roundtable:
    # The one question about payments (on by default) has tests of its own; here it would
    # add a private message to every first contribution in every test.
    return Roundtable(store, clock, Keyring(SECRET), Settings(timezone="Europe/London",
                                                              ask_about_payments=False))


@pytest.fixture
async def driver(core, clock, tmp_path) -> Driver:
    lines: list[str] = []
    # Files people ask for (export contributions) go to the test's own folder.
    playground = Playground(core, clock, ["alice", "bob", "carol"], write=lines.append,
                            files=tmp_path)
    await playground.start()
    return Driver(playground, lines)


@pytest.fixture
def contributions(driver) -> list:
    """The kinds of every contribution the core counts from now on (a spy on ``contribute``)."""
    kinds: list = []
    original = driver.core.contribute

    async def spy(space, actor, kind, event_id=None):
        kinds.append(kind)
        await original(space, actor, kind, event_id)

    driver.core.contribute = spy
    return kinds
