"""A small in-process cache for the hot vote path.

Nothing depends on it for correctness: every vote re-checks the poll's status in
its own transaction. Entries expire so that a change made by another process
(another bot instance on the same PostgreSQL) is seen within seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """A bounded mapping whose entries expire ``ttl`` seconds after they were set.

    Args:
        ttl: Seconds an entry stays valid; None keeps entries until dropped.
        max_size: The oldest entries are evicted beyond this size.
        clock: Monotonic seconds; tests may pass their own.
    """

    def __init__(
        self,
        ttl: float | None,
        max_size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_size = max_size
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}
        self._drops = 0

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
        """Forget ``key`` if present."""
        self._drops += 1
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget everything."""
        self._drops += 1
        self._entries.clear()
