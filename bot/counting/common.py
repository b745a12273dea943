"""What every counting method shares: the ``Count`` result, checks of options and
ballots, the tie-break order, and the words of a count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.model import MAX_OPTIONS, MIN_OPTIONS

NO_VOTES = "No votes were cast."

# Types whose values can be used as option indices without conversion; checked with a set
# operation so the common case stays out of slow per-element Python code.
_PLAIN_INT = frozenset({int})

@dataclass(frozen=True)
class Count:
    """The result of counting one poll.

    Attributes:
        totals: One figure per option, in option order; what it measures depends on the method.
        order: Every option index, best first, after tie-breaks.
        tied: Options tied for first place before the tie-break, sorted by index; empty when
            there was a clear winner.
        story: Short plain-English lines explaining the count.
        ballots: Number of non-empty ballots counted.
    """

    totals: tuple[float, ...]
    order: tuple[int, ...]
    tied: tuple[int, ...]
    story: tuple[str, ...]
    ballots: int

    @property
    def winner(self) -> int | None:
        """The winning option, or None if nobody voted or no option got any support."""
        if self.ballots == 0 or not self.order:
            return None
        # A tie can sit at zero (e.g. every Schulze pairing drawn) and still needs a winner.
        if self.tied or any(total > 0 for total in self.totals):
            return self.order[0]
        return None


def check_labels(labels: Sequence[str]) -> int:
    """Return the number of options, checking it is within the supported range."""
    n = len(labels)
    if not MIN_OPTIONS <= n <= MAX_OPTIONS:
        raise ValueError(f"a poll needs {MIN_OPTIONS} to {MAX_OPTIONS} options, got {n}")
    return n


def check_index(value: object, n: int) -> int:
    """Return ``value`` as a plain int if it is a valid option index, else raise ValueError."""
    # bool is an int subclass, but True as an option index is almost certainly a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"option index must be an int, got {value!r}")
    if not 0 <= value < n:
        raise ValueError(f"option index {value} is out of range for {n} options")
    return int(value)


def check_amount(value: object, limit: int | None, what: str) -> int:
    """Return ``value`` if it is an int from 0 to ``limit`` (no upper limit if None)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an int, got {value!r}")
    if value < 0 or (limit is not None and value > limit):
        bound = f"0 to {limit}" if limit is not None else "at least 0"
        raise ValueError(f"{what} must be {bound}, got {value}")
    return int(value)


def tiebreak_rank(tiebreak: Sequence[int] | None, n: int) -> list[int]:
    """Map each option to its position in the tie-break order (lower wins ties)."""
    if tiebreak is None:
        return list(range(n))
    priority = [check_index(option, n) for option in tiebreak]
    if len(priority) != n or len(set(priority)) != n:
        raise ValueError(f"tiebreak must list each of the {n} option indices exactly once")
    rank = [0] * n
    for position, option in enumerate(priority):
        rank[option] = position
    return rank


def group_rankings(
    ballots: Iterable[Sequence[int]], n: int
) -> tuple[dict[tuple[int, ...], int], int]:
    """Validate ranked ballots and group identical ones.

    Returns:
        A mapping of each distinct non-empty ranking to how many ballots cast it, and the number
        of non-empty ballots.
    """
    valid = frozenset(range(n))
    grouped: dict[tuple[int, ...], int] = {}
    counted = 0
    for raw, weight in Counter(map(tuple, ballots)).items():
        if not raw:
            continue
        # Fast path: plain ints, all in range, no repeats. Anything else gets the slow,
        # precise check, which either normalises the ranking or explains what is wrong.
        if (
            _PLAIN_INT.issuperset(map(type, raw))
            and valid.issuperset(raw)
            and len(set(raw)) == len(raw)
        ):
            ranking = raw
        else:
            ranking = tuple(check_index(option, n) for option in raw)
            if len(set(ranking)) != len(ranking):
                raise ValueError(f"ranking names an option twice: {raw!r}")
        grouped[ranking] = grouped.get(ranking, 0) + weight
        counted += weight
    return grouped, counted


def by_total(totals: Sequence[float], rank: Sequence[int]) -> tuple[int, ...]:
    """Order options by total, highest first, breaking ties by tie-break rank."""
    return tuple(sorted(range(len(totals)), key=lambda i: (-totals[i], rank[i])))


def tiebreak_sequence(rank: Sequence[int]) -> tuple[int, ...]:
    """Return option indices in tie-break priority order."""
    return tuple(sorted(range(len(rank)), key=rank.__getitem__))


def no_votes(n: int, rank: Sequence[int]) -> Count:
    """Return the count for a poll that received no ballots."""
    return Count((0,) * n, tiebreak_sequence(rank), (), (NO_VOTES,), 0)


def amount_of(amount: float, singular: str, plural: str | None = None) -> str:
    """Return e.g. ``"1 vote"`` or ``"3 votes"``."""
    word = singular if amount == 1 else (plural or singular + "s")
    return f"{whole_figure(amount)} {word}"


def whole_figure(amount: float) -> str:
    """Format a figure without a pointless ``.0``."""
    if isinstance(amount, float) and amount.is_integer():
        return str(int(amount))
    return str(amount)


def option_names(labels: Sequence[str], options: Iterable[int]) -> str:
    """Join option labels as ``"A"``, ``"A and B"`` or ``"A, B and C"``."""
    names = [labels[i] for i in options]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def finish_simple(
    labels: Sequence[str],
    totals: list[int],
    counted: int,
    rank: Sequence[int],
    unit: tuple[str, str],
    heading: str,
    extra: tuple[str, ...] = (),
) -> Count:
    """Build the Count for a method where the highest total wins."""
    n = len(labels)
    if counted == 0:
        return no_votes(n, rank)
    order = by_total(totals, rank)
    listing = ", ".join(f"{labels[i]} {whole_figure(totals[i])}" for i in order)
    lines = [f"{amount_of(counted, 'ballot')} counted.", f"{heading}: {listing}.", *extra]
    top = totals[order[0]]
    tied: tuple[int, ...] = ()
    if top <= 0:
        lines.append("No option got any support.")
    else:
        leaders = [i for i in order if totals[i] == top]
        if len(leaders) > 1:
            tied = tuple(sorted(leaders))
            lines.append(
                f"{option_names(labels, leaders)} tie with {amount_of(top, *unit)} each; "
                f"the tie-break order puts {labels[order[0]]} first."
            )
        else:
            lines.append(f"{labels[order[0]]} wins with {amount_of(top, *unit)}.")
    return Count(tuple(totals), order, tied, tuple(lines), counted)
