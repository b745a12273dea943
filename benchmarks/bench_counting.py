"""Time Schulze and instant-runoff counting on a large random poll.

Run from the repository root::

    python benchmarks/bench_counting.py

Generates 10,000 seeded random ranked ballots over 10 options (a mix of full and partial
rankings) and prints, for each method, the best and median of 5 runs in milliseconds against a
100 ms target (judged on the median). The exit status is 1 if either method misses it.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# Let the script run as a plain file without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.counting.ranked import count_irv, count_schulze
from bot.counting.tallies import Count

SEED = 20240601
BALLOTS = 10_000
OPTIONS = 10
RUNS = 5
TARGET_MS = 100.0
FULL_SHARE = 0.5


def make_ballots(
    seed: int = SEED, ballots: int = BALLOTS, options: int = OPTIONS
) -> list[list[int]]:
    """Generate reproducible random rankings, about half full and half partial.

    Args:
        seed: Seed for the random generator.
        ballots: Number of ballots.
        options: Number of options.

    Returns:
        The rankings, best first.
    """
    rng = random.Random(seed)
    result = []
    for _ in range(ballots):
        ranking = rng.sample(range(options), options)
        if rng.random() >= FULL_SHARE:
            ranking = ranking[: rng.randint(1, options - 1)]
        result.append(ranking)
    return result


def time_method(
    method: Callable[[Sequence[str], list[list[int]]], Count],
    labels: Sequence[str],
    ballots: list[list[int]],
    runs: int = RUNS,
) -> tuple[float, float, Count]:
    """Run one counting method several times.

    Args:
        method: The counting function.
        labels: Option labels.
        ballots: The ballots to count.
        runs: How many timed runs.

    Returns:
        The best and median time in milliseconds, and the last result.
    """
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = method(labels, ballots)
        times.append((time.perf_counter() - start) * 1000)
    assert result is not None
    return min(times), statistics.median(times), result


def main() -> int:
    """Run the benchmark and print the figures.

    Returns:
        0 if both methods met the target on their median run, else 1.
    """
    labels = [f"Option {i + 1}" for i in range(OPTIONS)]
    ballots = make_ballots()
    full = sum(len(ballot) == OPTIONS for ballot in ballots)
    print(f"{len(ballots)} ballots ({full} full, {len(ballots) - full} partial), {OPTIONS} options")
    ok = True
    for name, method in (("Schulze", count_schulze), ("IRV", count_irv)):
        best, median, result = time_method(method, labels, ballots)
        # Judge on the median, not the best run, so one lucky run cannot hide a regression.
        met = median < TARGET_MS
        ok = ok and met
        verdict = "ok" if met else "OVER TARGET"
        winner = "none" if result.winner is None else labels[result.winner]
        print(
            f"{name:8} best {best:7.1f} ms  median {median:7.1f} ms  "
            f"(target {TARGET_MS:.0f} ms: {verdict}); winner {winner}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
