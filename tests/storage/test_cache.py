"""The in-process TTL cache."""

from __future__ import annotations

from storage.cache import TtlCache


class Ticker:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


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
