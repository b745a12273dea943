"""Tuning Python's cyclic garbage collector for a long-running bot.

A burst of timed work (a thousand spaces' check-ins and closings due at 10:00)
allocates hundreds of thousands of short-lived objects: rows, polls, cards,
effects. With CPython's default thresholds (700, 10, 10) that means a young
collection every 700 allocations and, every hundred of those, a full collection
that walks every object the process holds — SQLAlchemy's and the platform
libraries' included. Timed with ``gc.callbacks`` over the burst of
``benchmarks/bench_timing.py``, the collector took about a fifth of the burst's
time with the defaults, and almost none after ``settle`` (``docs/benchmarks.md``).

``settle`` is called once start-up is over. It moves everything made so far
(modules, table metadata, the platform clients) into the collector's permanent
generation with ``gc.freeze()``, so full collections no longer walk it, and raises
the young threshold, so short-lived cycles are collected in fewer, larger rounds.
Objects freed by reference counting (nearly all of them) are unaffected: only
garbage in reference cycles waits longer, a few megabytes at most.
"""

from __future__ import annotations

import gc

#: Allocations (less deallocations) between young collections; CPython's default is 700.
YOUNG_THRESHOLD = 50_000
#: Young collections per middle one, and middle ones per full one (defaults 10 and 10).
OLDER_THRESHOLDS = (20, 20)


def settle() -> None:
    """Freeze what start-up made and raise the collection thresholds (call once, after start)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
