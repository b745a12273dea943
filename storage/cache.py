"""A small in-process cache for the hot vote path.

Nothing depends on it for correctness: every vote re-checks the poll's status in
its own transaction. Entries expire so that a change made by another process
(another bot instance on the same PostgreSQL) is seen within seconds.

Reads that fill the cache go through ``TtlCache.load`` (or ``share``), which runs one
database read per key at a time: when an entry expires under load, the votes in
flight share that read instead of each sending their own SELECT and each taking a
connection from the pool.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Iterable
from functools import partial
from typing import Any, Generic, TypeVar

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class TtlCache(Generic[K, V]):
    """A bounded mapping whose entries expire ``ttl`` seconds after they were set.

    Args:
        ttl: Seconds an entry stays valid; None keeps entries until dropped.
        max_size: The oldest entries are evicted beyond this size.
        clock: Monotonic seconds; tests may pass their own.
        refresh_ahead: In the last this many seconds before an entry expires, ``load``
            still returns it but starts one background read to replace it, so that a
            busy entry is renewed before anyone has to wait for it. Entries are never
            served past ``ttl``.
    """

    def __init__(
        self,
        ttl: float | None,
        max_size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        refresh_ahead: float = 0.0,
    ) -> None:
        self._ttl = ttl
        self._max_size = max_size
        self._clock = clock
        self._refresh_ahead = refresh_ahead
        self._entries: dict[K, tuple[float, V]] = {}
        self._drops = 0
        # The read each key's callers currently share. A drop detaches them all, so
        # that nobody who asks after an invalidation gets a value read before it.
        self._flights: dict[Hashable, asyncio.Task[Any]] = {}
        # Every read still running, detached or not, for close() to wait on.
        self._running: set[asyncio.Task[Any]] = set()
        self._closed = False

    def get(self, key: K) -> V | None:
        """The value for ``key``, or None if absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires < self._clock():
            del self._entries[key]
            return None
        return value

    def get_many(self, keys: Iterable[K]) -> tuple[dict[K, V], list[K]]:
        """The cached values among ``keys`` (each key once), and the keys not cached."""
        found: dict[K, V] = {}
        missing: list[K] = []
        for key in dict.fromkeys(keys):
            value = self.get(key)
            if value is not None:
                found[key] = value
            else:
                missing.append(key)
        return found, missing

    def stamp(self) -> int:
        """A mark to take before reading a value from the database (see ``put``)."""
        return self._drops

    def put(self, key: K, value: V, *, forever: bool = False, stamp: int | None = None) -> None:
        """Set ``key``; ``forever`` skips expiry for values that can no longer change.

        With ``stamp``, nothing is stored if anything was dropped since the stamp was
        taken: the value read may predate the change that caused the drop.
        """
        if stamp is not None and stamp != self._drops:
            return
        expires = float("inf") if forever or self._ttl is None else self._clock() + self._ttl
        self._entries.pop(key, None)
        self._entries[key] = (expires, value)
        while len(self._entries) > self._max_size:
            # Dicts keep insertion order, and put() re-inserts, so the first key is the oldest.
            del self._entries[next(iter(self._entries))]

    def drop(self, key: K) -> None:
        """Forget ``key`` if present, and stop sharing reads that started before now."""
        self._drops += 1
        self._entries.pop(key, None)
        self._flights.clear()

    def clear(self) -> None:
        """Forget everything, and stop sharing reads that started before now."""
        self._drops += 1
        self._entries.clear()
        self._flights.clear()

    async def load(
        self,
        key: K,
        read: Callable[[], Awaitable[V | None]],
        *,
        forever: Callable[[V], bool] | None = None,
    ) -> V | None:
        """The value for ``key``, from the cache or else from ``read`` (and then cached).

        Concurrent misses share one call of ``read``; if it fails, they all get its
        error and the next call reads again. A None from ``read`` is returned but
        not cached.

        Args:
            key: What to look up.
            read: Reads the current value from the database.
            forever: Tells whether a value read can no longer change (see ``put``).
        """
        entry = self._entries.get(key)
        if entry is not None:
            expires, value = entry
            now = self._clock()
            if now <= expires:
                if now >= expires - self._refresh_ahead and not self._closed:
                    self._flight(key, partial(self._fetch, key, read, forever), refresh=True)
                return value
            del self._entries[key]
        return await self.share(key, partial(self._fetch, key, read, forever))

    async def share(self, flight: Hashable, read: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Await ``read()``, or the call of it already running under the name ``flight``.

        For reads that fill the cache but are not keyed like it (e.g. a poll looked up
        by number, cached by id); ``read`` should ``put`` with a ``stamp``. A caller's
        cancellation does not cancel the read for the others.
        """
        return await asyncio.shield(self._flight(flight, read))

    async def close(self) -> None:
        """Start no more background refreshes, and wait for the reads still running."""
        self._closed = True
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def _flight(
        self,
        flight: Hashable,
        read: Callable[[], Coroutine[Any, Any, T]],
        *,
        refresh: bool = False,
    ) -> asyncio.Task[T]:
        task = self._flights.get(flight)
        if task is None:
            task = asyncio.create_task(read())
            self._flights[flight] = task
            self._running.add(task)
            task.add_done_callback(partial(self._landed, flight, refresh))
        return task

    def _landed(self, flight: Hashable, refresh: bool, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if self._flights.get(flight) is task:
            del self._flights[flight]
        if task.cancelled():
            return
        # Fetching the error marks it as seen: a refresh, or a read whose callers were
        # all cancelled, has nobody left to see it, and asyncio would log it at exit.
        error = task.exception()
        if error is not None and refresh:
            # The type only: the message of a failed statement may quote values.
            logger.info("background refresh of a cached value failed (%s)", type(error).__name__)

    async def _fetch(
        self,
        key: K,
        read: Callable[[], Awaitable[V | None]],
        forever: Callable[[V], bool] | None,
    ) -> V | None:
        stamp = self._drops
        value = await read()
        if value is not None:
            self.put(key, value, forever=forever is not None and forever(value), stamp=stamp)
        return value
