"""The in-process TTL cache, and the reads it shares among concurrent callers."""

from __future__ import annotations

import asyncio
import logging

import pytest

from storage.cache import TtlCache
from tests.storage.helpers import Ticker


class Boom(Exception):
    """A failed database read."""


class Source:
    """A stand-in database read that holds until released, and counts its calls."""

    def __init__(self, value: str | None = "v1") -> None:
        self.value = value
        self.calls = 0
        self.fail: Exception | None = None
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def read(self) -> str | None:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        if self.fail is not None:
            raise self.fail
        return self.value

    async def begun(self) -> None:
        """Wait until a read has started (the timeout only stops a hung test)."""
        await asyncio.wait_for(self.started.wait(), timeout=5)

    def reset(self) -> None:
        """Hold the next read again."""
        self.started = asyncio.Event()
        self.release = asyncio.Event()


def test_entries_expire_unless_kept_forever() -> None:
    clock = Ticker()
    cache: TtlCache[str, int] = TtlCache(5.0, clock=clock)
    cache.put("a", 1)
    cache.put("b", 2, forever=True)
    clock.now = 4.9
    assert (cache.get("a"), cache.get("b")) == (1, 2)
    clock.now = 5.1
    assert (cache.get("a"), cache.get("b")) == (None, 2)


def test_oldest_entries_are_evicted() -> None:
    cache: TtlCache[int, int] = TtlCache(None, max_size=3)
    for n in range(5):
        cache.put(n, n)
    assert [cache.get(n) for n in range(5)] == [None, None, 2, 3, 4]


def test_a_read_that_raced_a_drop_is_not_stored() -> None:
    cache: TtlCache[str, str] = TtlCache(None)
    stamp = cache.stamp()
    cache.drop("poll")  # e.g. the poll was claimed while the read was in flight
    cache.put("poll", "open (stale)", stamp=stamp)
    assert cache.get("poll") is None
    cache.put("poll", "closing", stamp=cache.stamp())
    assert cache.get("poll") == "closing"


async def test_concurrent_misses_share_one_read() -> None:
    cache: TtlCache[str, str] = TtlCache(5.0, clock=Ticker())
    source = Source()
    loads = asyncio.gather(*(cache.load("k", source.read) for _ in range(100)))
    await source.begun()
    source.release.set()
    assert await loads == ["v1"] * 100
    assert source.calls == 1
    assert cache.get("k") == "v1"
    assert await cache.load("k", source.read) == "v1"
    assert source.calls == 1


async def test_a_failed_read_reaches_every_waiter_and_the_next_call_retries() -> None:
    cache: TtlCache[str, str] = TtlCache(5.0, clock=Ticker())
    source = Source()
    source.fail = Boom()
    loads = asyncio.gather(
        *(cache.load("k", source.read) for _ in range(10)), return_exceptions=True
    )
    await source.begun()
    source.release.set()
    assert all(isinstance(outcome, Boom) for outcome in await loads)
    assert source.calls == 1 and cache.get("k") is None

    source.fail = None
    assert await cache.load("k", source.read) == "v1"
    assert source.calls == 2


async def test_a_cancelled_caller_does_not_cancel_the_read_for_the_others() -> None:
    cache: TtlCache[str, str] = TtlCache(5.0, clock=Ticker())
    source = Source()
    quitter = asyncio.create_task(cache.load("k", source.read))
    stayer = asyncio.create_task(cache.load("k", source.read))
    await source.begun()
    quitter.cancel()
    source.release.set()
    assert await stayer == "v1"
    with pytest.raises(asyncio.CancelledError):
        await quitter
    assert source.calls == 1 and cache.get("k") == "v1"


async def test_none_is_returned_but_not_cached() -> None:
    cache: TtlCache[str, str] = TtlCache(5.0, clock=Ticker())
    source = Source(value=None)
    source.release.set()
    assert await cache.load("k", source.read) is None
    assert await cache.load("k", source.read) is None
    assert source.calls == 2


async def test_callers_after_a_drop_do_not_join_a_read_from_before_it() -> None:
    cache: TtlCache[str, str] = TtlCache(5.0, clock=Ticker())
    before, after = Source("open"), Source("closing")
    early = asyncio.create_task(cache.load("poll", before.read))
    await before.begun()
    cache.drop("poll")  # e.g. this process claimed the poll

    late = asyncio.create_task(cache.load("poll", after.read))
    await after.begun()  # a read of its own, not the one from before the drop
    before.release.set()
    assert await early == "open"
    assert cache.get("poll") is None  # the early read is not stored
    after.release.set()
    assert await late == "closing"
    assert cache.get("poll") == "closing"


async def test_an_entry_about_to_expire_is_served_while_one_refresh_runs() -> None:
    clock = Ticker()
    cache: TtlCache[str, str] = TtlCache(5.0, clock=clock, refresh_ahead=1.0)
    cache.put("k", "old")
    source = Source("new")

    clock.now = 3.9  # not yet due: no read at all
    assert await cache.load("k", source.read) == "old"
    assert source.calls == 0

    clock.now = 4.5
    assert (
        await asyncio.gather(*(cache.load("k", source.read) for _ in range(100))) == ["old"] * 100
    )
    await source.begun()
    assert source.calls == 1

    # Past its expiry the old value is never served: callers wait for the refresh.
    clock.now = 5.5
    waiting = asyncio.create_task(cache.load("k", source.read))
    source.release.set()
    assert await waiting == "new"
    assert source.calls == 1
    clock.now = 10.4  # the refreshed entry expires 5 s after it was read
    assert cache.get("k") == "new"
    clock.now = 10.6
    assert cache.get("k") is None


async def test_a_failed_refresh_keeps_the_entry_until_it_expires(caplog) -> None:
    clock = Ticker()
    cache: TtlCache[str, str] = TtlCache(5.0, clock=clock, refresh_ahead=1.0)
    cache.put("k", "old")
    source = Source()
    source.fail = Boom()
    source.release.set()

    clock.now = 4.5
    with caplog.at_level(logging.INFO, logger="storage.cache"):
        assert await cache.load("k", source.read) == "old"
        await cache.close()  # waits for the refresh
    assert "background refresh of a cached value failed (Boom)" in caplog.text
    assert await cache.load("k", source.read) == "old"
    clock.now = 5.5
    with pytest.raises(Boom):
        await cache.load("k", source.read)


async def test_forever_values_are_never_refreshed() -> None:
    clock = Ticker()
    cache: TtlCache[str, str] = TtlCache(5.0, clock=clock, refresh_ahead=1.0)
    source = Source("closed")
    source.release.set()
    assert await cache.load("k", source.read, forever=lambda value: value == "closed") == "closed"
    clock.now = 1e9
    assert await cache.load("k", source.read) == "closed"
    assert source.calls == 1


async def test_share_runs_one_read_per_flight_name() -> None:
    cache: TtlCache[int, str] = TtlCache(5.0, clock=Ticker())
    source = Source()
    shared = asyncio.gather(*(cache.share(("number", 7), source.read) for _ in range(50)))
    other = asyncio.create_task(cache.share(("number", 8), source.read))
    await source.begun()
    source.release.set()
    assert await shared == ["v1"] * 50
    assert await other == "v1"
    assert source.calls == 2


async def test_close_waits_for_a_running_refresh_and_starts_no_more() -> None:
    clock = Ticker()
    cache: TtlCache[str, str] = TtlCache(5.0, clock=clock, refresh_ahead=1.0)
    cache.put("k", "old")
    source = Source("new")
    clock.now = 4.5
    assert await cache.load("k", source.read) == "old"
    closing = asyncio.create_task(cache.close())
    await source.begun()
    assert not closing.done()
    source.release.set()
    await closing
    assert cache.get("k") == "new"

    clock.now = 9.2  # due for a refresh again
    source.reset()
    assert await cache.load("k", source.read) == "new"
    assert source.calls == 1  # closed: no background refresh any more
