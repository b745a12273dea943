"""Pure vote-counting functions for Roundtable polls.

Nothing here does I/O: every function takes already-parsed ballots and returns a frozen result,
so anyone holding the published ballots can recount a poll and get the same answer.

The ranked methods (Borda, Schulze, instant-runoff) live in :mod:`bot.counting.ranked`, which builds
on the shared types and helpers here.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.counting.common import (
    Count,
    by_total,
    check_amount,
    check_index,
    check_labels,
    finish_simple,
    tiebreak_rank,
)
from bot.i18n import _
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
        """Short plain lines summarising the stances, in the reader's language."""
        if self.ballots == 0:
            return (_("No stances were given."),)
        return (stances_line(self.agree, self.abstain, self.disagree, self.block),)


def stances_line(agree: float, abstain: float, disagree: float, block: float) -> str:
    """"3 agree, 1 abstain, 0 disagree, 0 block."."""
    return _("{agree} agree, {abstain} abstain, {disagree} disagree, {block} block.").format(
        agree=f"{agree:g}", abstain=f"{abstain:g}", disagree=f"{disagree:g}", block=f"{block:g}")


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

    return _draw(seed, tuple(labels))


@lru_cache(maxsize=4096)
def _draw(seed: str, labels: tuple[str, ...]) -> tuple[int, ...]:
    # Cached: every poll card shows the draw order, and a card is drawn after every vote.
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
    n = check_labels(labels)
    rank = tiebreak_rank(tiebreak, n)
    totals = [0] * n
    counted = 0
    for choice, weight in Counter(ballots).items():
        totals[check_index(choice, n)] += weight
        counted += weight
    return finish_simple(labels, totals, counted, rank, "votes", _("Votes: {listing}."))


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
    n = check_labels(labels)
    rank = tiebreak_rank(tiebreak, n)
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
            totals[check_index(option, n)] += weight
        counted += weight
    return finish_simple(labels, totals, counted, rank, "approvals", _("Approvals: {listing}."))


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
    n = check_labels(labels)
    rank = tiebreak_rank(tiebreak, n)
    totals = [0] * n
    counted = 0
    for ballot in ballots:
        if not ballot:
            continue
        counted += 1
        for option, score in ballot.items():
            totals[check_index(option, n)] += check_amount(score, MAX_SCORE, "score")
    extra: tuple[str, ...] = ()
    if counted:
        order = by_total(totals, rank)
        averages = ", ".join(f"{labels[i]} {totals[i] / counted:.1f}" for i in order)
        extra = (_("Average scores: {averages}.").format(averages=averages),)
    return finish_simple(labels, totals, counted, rank, "points", _("Points: {listing}."), extra)


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
    n = check_labels(labels)
    rank = tiebreak_rank(tiebreak, n)
    totals = [0] * n
    counted = 0
    for ballot in ballots:
        placed = [
            (check_index(option, n), check_amount(dots, None, "dot count"))
            for option, dots in ballot.items()
        ]
        if not any(dots for _option, dots in placed):
            continue
        counted += 1
        for option, dots in placed:
            totals[option] += dots
    return finish_simple(labels, totals, counted, rank, "dots", _("Dots: {listing}."))


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
