"""Pure vote-counting functions for Roundtable polls.

Nothing here does I/O: every function takes already-parsed ballots and returns a frozen result,
so anyone holding the published ballots can recount a poll and get the same answer.

The ranked methods (Borda, Schulze, instant-runoff) live in :mod:`bot.ranked`, which builds
on the shared types and helpers here.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.model import MAX_OPTIONS, MAX_SCORE, MIN_OPTIONS

__all__ = [
    "MAX_OPTIONS",
    "MAX_SCORE",
    "MIN_OPTIONS",
    "STANCES",
    "ConsentCount",
    "Count",
    "count_approval",
    "count_consent",
    "count_dots",
    "count_plurality",
    "count_score",
    "tiebreak_order",
]

STANCES = ("agree", "abstain", "disagree", "block")

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


@dataclass(frozen=True)
class ConsentCount:
    """Stances given on a consent proposal."""

    agree: int
    abstain: int
    disagree: int
    block: int

    @property
    def ballots(self) -> int:
        """Total number of stances given."""
        return self.agree + self.abstain + self.disagree + self.block

    @property
    def story(self) -> tuple[str, ...]:
        """Short plain-English lines summarising the stances."""
        if self.ballots == 0:
            return ("No stances were given.",)
        return (
            f"{self.agree} agree, {self.abstain} abstain, "
            f"{self.disagree} disagree, {self.block} block.",
        )


def tiebreak_order(seed: str, labels: Sequence[str]) -> tuple[int, ...]:
    r"""Return a public, checkable tie-break order for a poll.

    Options are sorted by the SHA-256 hex digest of ``f"{seed}\n{label}"`` (ascending), falling
    back to option index for equal digests. Using the poll id as the seed gives a "draw" anyone
    can verify and which does not favour the option listed first.

    Args:
        seed: A public value fixed before voting, such as the poll id.
        labels: The option labels.

    Returns:
        Every option index, highest tie-break priority first.
    """

    def digest(index: int) -> str:
        return hashlib.sha256(f"{seed}\n{labels[index]}".encode()).hexdigest()

    return tuple(sorted(range(len(labels)), key=lambda index: (digest(index), index)))


def count_plurality(
    labels: Sequence[str], ballots: Iterable[int], tiebreak: Sequence[int] | None = None
) -> Count:
    """Count single-choice ballots.

    Args:
        labels: The option labels.
        ballots: One option index per ballot.
        tiebreak: Priority order of all option indices; None means option order.

    Returns:
        The count; ``totals`` holds votes per option.

    Raises:
        ValueError: If an option index, the labels or the tiebreak are invalid.
    """
    n = _check_labels(labels)
    rank = _tiebreak_rank(tiebreak, n)
    totals = [0] * n
    counted = 0
    for choice, weight in Counter(ballots).items():
        totals[_check_index(choice, n)] += weight
        counted += weight
    return _finish_simple(labels, totals, counted, rank, ("vote", "votes"), "Votes")


def count_approval(
    labels: Sequence[str],
    ballots: Iterable[Collection[int]],
    tiebreak: Sequence[int] | None = None,
) -> Count:
    """Count approval ballots.

    Args:
        labels: The option labels.
        ballots: The set of approved option indices for each ballot; empty ones are ignored.
        tiebreak: Priority order of all option indices; None means option order.

    Returns:
        The count; ``totals`` holds approvals per option.

    Raises:
        ValueError: If a ballot names an option twice or out of range, or the labels or the
            tiebreak are invalid.
    """
    n = _check_labels(labels)
    rank = _tiebreak_rank(tiebreak, n)
    groups: Counter[frozenset[int]] = Counter()
    for ballot in ballots:
        picks = frozenset(ballot)
        if len(picks) != len(ballot):
            raise ValueError(f"approval ballot names an option twice: {ballot!r}")
        if picks:
            groups[picks] += 1
    totals = [0] * n
    counted = 0
    for picks, weight in groups.items():
        for option in picks:
            totals[_check_index(option, n)] += weight
        counted += weight
    return _finish_simple(labels, totals, counted, rank, ("approval", "approvals"), "Approvals")


def count_score(
    labels: Sequence[str],
    ballots: Iterable[Mapping[int, int]],
    tiebreak: Sequence[int] | None = None,
) -> Count:
    """Count score ballots (0 to 5 per option).

    An empty mapping is ignored; a ballot that explicitly scores options 0 is counted, because
    it still lowers every option's average. Options a ballot leaves out score 0 on it.

    Args:
        labels: The option labels.
        ballots: A mapping of option index to score for each ballot.
        tiebreak: Priority order of all option indices; None means option order.

    Returns:
        The count; ``totals`` holds the summed scores, and the story gives averages over all
        counted ballots.

    Raises:
        ValueError: If an option index or score is out of range, or the labels or the tiebreak
            are invalid.
    """
    n = _check_labels(labels)
    rank = _tiebreak_rank(tiebreak, n)
    totals = [0] * n
    counted = 0
    for ballot in ballots:
        if not ballot:
            continue
        counted += 1
        for option, score in ballot.items():
            totals[_check_index(option, n)] += _check_amount(score, MAX_SCORE, "score")
    extra: tuple[str, ...] = ()
    if counted:
        order = _by_total(totals, rank)
        averages = ", ".join(f"{labels[i]} {totals[i] / counted:.1f}" for i in order)
        extra = (f"Average scores: {averages}.",)
    return _finish_simple(labels, totals, counted, rank, ("point", "points"), "Points", extra)


def count_dots(
    labels: Sequence[str],
    ballots: Iterable[Mapping[int, int]],
    tiebreak: Sequence[int] | None = None,
) -> Count:
    """Count dot-voting ballots.

    Ballots that place no dots at all (empty, or all zero) are ignored.

    Args:
        labels: The option labels.
        ballots: A mapping of option index to number of dots for each ballot.
        tiebreak: Priority order of all option indices; None means option order.

    Returns:
        The count; ``totals`` holds dots per option.

    Raises:
        ValueError: If an option index is out of range, a dot count is negative, or the labels
            or the tiebreak are invalid.
    """
    n = _check_labels(labels)
    rank = _tiebreak_rank(tiebreak, n)
    totals = [0] * n
    counted = 0
    for ballot in ballots:
        placed = [
            (_check_index(option, n), _check_amount(dots, None, "dot count"))
            for option, dots in ballot.items()
        ]
        if not any(dots for _, dots in placed):
            continue
        counted += 1
        for option, dots in placed:
            totals[option] += dots
    return _finish_simple(labels, totals, counted, rank, ("dot", "dots"), "Dots")


def count_consent(ballots: Iterable[str]) -> ConsentCount:
    """Tally consent stances.

    Args:
        ballots: One of ``"agree"``, ``"abstain"``, ``"disagree"`` or ``"block"`` per voter.

    Returns:
        The number of each stance.

    Raises:
        ValueError: If a stance is not one of the four above.
    """
    tally = Counter(ballots)
    unknown = sorted(repr(stance) for stance in tally if stance not in STANCES)
    if unknown:
        raise ValueError(f"unknown stance {unknown[0]}; expected one of {', '.join(STANCES)}")
    return ConsentCount(*(tally[stance] for stance in STANCES))


# --- shared helpers (also used by bot.ranked) -------------------------------------------------


def _check_labels(labels: Sequence[str]) -> int:
    """Return the number of options, checking it is within the supported range."""
    n = len(labels)
    if not MIN_OPTIONS <= n <= MAX_OPTIONS:
        raise ValueError(f"a poll needs {MIN_OPTIONS} to {MAX_OPTIONS} options, got {n}")
    return n


def _check_index(value: object, n: int) -> int:
    """Return ``value`` as a plain int if it is a valid option index, else raise ValueError."""
    # bool is an int subclass, but True as an option index is almost certainly a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"option index must be an int, got {value!r}")
    if not 0 <= value < n:
        raise ValueError(f"option index {value} is out of range for {n} options")
    return int(value)


def _check_amount(value: object, limit: int | None, what: str) -> int:
    """Return ``value`` if it is an int from 0 to ``limit`` (no upper limit if None)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an int, got {value!r}")
    if value < 0 or (limit is not None and value > limit):
        bound = f"0 to {limit}" if limit is not None else "at least 0"
        raise ValueError(f"{what} must be {bound}, got {value}")
    return int(value)


def _tiebreak_rank(tiebreak: Sequence[int] | None, n: int) -> list[int]:
    """Map each option to its position in the tie-break order (lower wins ties)."""
    if tiebreak is None:
        return list(range(n))
    priority = [_check_index(option, n) for option in tiebreak]
    if len(priority) != n or len(set(priority)) != n:
        raise ValueError(f"tiebreak must list each of the {n} option indices exactly once")
    rank = [0] * n
    for position, option in enumerate(priority):
        rank[option] = position
    return rank


def _group_rankings(
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
            ranking = tuple(_check_index(option, n) for option in raw)
            if len(set(ranking)) != len(ranking):
                raise ValueError(f"ranking names an option twice: {raw!r}")
        grouped[ranking] = grouped.get(ranking, 0) + weight
        counted += weight
    return grouped, counted


def _by_total(totals: Sequence[float], rank: Sequence[int]) -> tuple[int, ...]:
    """Order options by total, highest first, breaking ties by tie-break rank."""
    return tuple(sorted(range(len(totals)), key=lambda i: (-totals[i], rank[i])))


def _tiebreak_sequence(rank: Sequence[int]) -> tuple[int, ...]:
    """Return option indices in tie-break priority order."""
    return tuple(sorted(range(len(rank)), key=rank.__getitem__))


def _no_votes(n: int, rank: Sequence[int]) -> Count:
    """Return the count for a poll that received no ballots."""
    return Count((0,) * n, _tiebreak_sequence(rank), (), (NO_VOTES,), 0)


def _plural(amount: float, singular: str, plural: str | None = None) -> str:
    """Return e.g. ``"1 vote"`` or ``"3 votes"``."""
    word = singular if amount == 1 else (plural or singular + "s")
    return f"{_number(amount)} {word}"


def _number(amount: float) -> str:
    """Format a figure without a pointless ``.0``."""
    if isinstance(amount, float) and amount.is_integer():
        return str(int(amount))
    return str(amount)


def _names(labels: Sequence[str], options: Iterable[int]) -> str:
    """Join option labels as ``"A"``, ``"A and B"`` or ``"A, B and C"``."""
    names = [labels[i] for i in options]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _finish_simple(
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
        return _no_votes(n, rank)
    order = _by_total(totals, rank)
    listing = ", ".join(f"{labels[i]} {_number(totals[i])}" for i in order)
    lines = [f"{_plural(counted, 'ballot')} counted.", f"{heading}: {listing}.", *extra]
    top = totals[order[0]]
    tied: tuple[int, ...] = ()
    if top <= 0:
        lines.append("No option got any support.")
    else:
        leaders = [i for i in order if totals[i] == top]
        if len(leaders) > 1:
            tied = tuple(sorted(leaders))
            lines.append(
                f"{_names(labels, leaders)} tie with {_plural(top, *unit)} each; "
                f"the tie-break order puts {labels[order[0]]} first."
            )
        else:
            lines.append(f"{labels[order[0]]} wins with {_plural(top, *unit)}.")
    return Count(tuple(totals), order, tied, tuple(lines), counted)
