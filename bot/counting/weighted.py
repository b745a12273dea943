"""Counting with ballot weights, for the equal-group-weight rule (``bot.counting.rules``).

Weights are exact fractions, so two options with the same weighted total really
tie and the poll's published tie-break order decides, as in ``bot.counting.tallies``.
Figures are rounded to two decimals only for people to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from bot.counting.common import (
    Count,
    ballots_counted,
    by_total,
    leaders_line,
    no_votes,
    tiebreak_rank,
)
from bot.i18n import N_, _
from bot.model import Ballot, Method, Stance

#: What a weighted total counts, per method (ranked methods are never weighted). Names,
#: kept in English in the outcome: ``common.figure_words`` says them.
UNITS = {
    Method.PLURALITY: "weighted votes",
    Method.APPROVAL: "weighted supporters",
    Method.SCORE: "weighted points",
    Method.DOTS: "weighted dots",
    Method.CONSENT: "weighted votes",
}
WEIGHTED_NOTE = N_("Each group's ballots weigh the same in total, whatever the group's size.")


def shown(value: float | Fraction) -> float:
    """A figure as people read it: whole numbers stay whole, others get two decimals."""
    number = round(float(value), 2)
    return int(number) if number.is_integer() else number


def count_weighted(
    method: Method,
    labels: Sequence[str],
    ballots: Sequence[Ballot],
    weights: Sequence[Fraction],
    tiebreak: Sequence[int],
) -> Count:
    """Count choice, multi, score or dots ballots, each ballot counting ``weight`` times.

    Returns:
        A ``Count`` whose ``totals`` are the weighted totals (as floats).

    Raises:
        ValueError: A ranked or consent method, which is not counted here.
    """
    if method not in (Method.PLURALITY, Method.APPROVAL, Method.SCORE, Method.DOTS):
        raise ValueError(f"{method} ballots can't be weighted")
    n = len(labels)
    rank = tiebreak_rank(tiebreak, n)
    totals = [Fraction(0)] * n
    counted = 0
    for ballot, weight in zip(ballots, weights, strict=True):
        if method in (Method.PLURALITY, Method.APPROVAL):
            picks = ballot.picks[:1] if method is Method.PLURALITY else ballot.picks
            placed = [(option, 1) for option in picks]
        else:
            placed = [(option, value) for option, value in ballot.points]
        # As in bot.counting.tallies: empty ballots, and dots ballots with no dots, are not counted.
        if not placed or (method is Method.DOTS and not any(value for _option, value in placed)):
            continue
        counted += 1
        for option, value in placed:
            totals[option] += weight * value
    if counted == 0:
        return no_votes(n, rank)
    order = by_total(totals, rank)
    listing = ", ".join(f"{labels[i]} {shown(totals[i]):g}" for i in order)
    tied, verdict = leaders_line(labels, totals, order, UNITS[method], shown)
    lines = (f"{ballots_counted(counted)} {_(WEIGHTED_NOTE)}", _heading(method, listing),
             verdict)
    return Count(tuple(float(t) for t in totals), order, tied, lines, counted)


def _heading(method: Method, listing: str) -> str:
    """The line listing the weighted totals: "Weighted votes: Park 2.5, Pier 1.5."."""
    if method is Method.PLURALITY:
        heading = _("Weighted votes: {listing}.")
    elif method is Method.APPROVAL:
        heading = _("Weighted supporters: {listing}.")
    elif method is Method.SCORE:
        heading = _("Weighted points: {listing}.")
    else:
        heading = _("Weighted dots: {listing}.")
    return heading.format(listing=listing)


def stance_totals(
    ballots: Sequence[Ballot], weights: Sequence[Fraction] | None = None
) -> dict[Stance, Fraction]:
    """Each stance's total on a proposal; every ballot weighs 1 when ``weights`` is None."""
    totals = dict.fromkeys(Stance, Fraction(0))
    for index, ballot in enumerate(ballots):
        if ballot.stance is not None:
            totals[ballot.stance] += weights[index] if weights is not None else 1
    return totals
