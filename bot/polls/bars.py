"""Result bars: each option's figure with its unit, or its place, in the reader's language.

The figures and units come from the count: ``Outcome.unit`` is a key such as "votes",
never shown as it is, but said by ``bot.counting.common.figure_words``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Bar, Line, Note
from bot.counting.common import figure_words, join_names
from bot.i18n import _, ordinal
from bot.model import Outcome, PollKind, Stance, stance_name

#: Units shown with their share of the ballots.
_SHARES = ("votes", "supporters")


def _figure(unit: str, figure: float, total: int) -> str:
    """A tally figure with its unit in the reader's language: votes and supporters with
    their share of ballots ("12 votes (40%)"), other units alone ("7 points")."""
    try:
        words = figure_words(unit, figure)
    except KeyError:  # a unit an older version logged ("wins against other options"): as is
        words = f"{figure:g} {unit}"
    if unit in _SHARES:
        return f"{words} ({100 * figure / total:.0f}%)"
    return words


_STANCES = frozenset(stance.value for stance in Stance)


def _tally_label(label: str, kind: PollKind | None) -> str:
    """A tally's label: an option as people wrote it, or a proposal's stance by name."""
    return stance_name(Stance(label)) if kind is PollKind.CONSENT and label in _STANCES else label


def tally_bars(outcome: Outcome, kind: PollKind | None = None) -> list[Bar]:
    """Bars for counted figures: votes and supporters as a share of ballots, other units
    against the largest figure."""
    total = max(outcome.voted, 1)
    top = max((figure for _name, figure in outcome.tallies), default=0) or 1
    maximum = total if outcome.unit in _SHARES else top
    return [Bar(_tally_label(label, kind), figure, maximum,
                _figure(outcome.unit, figure, total))
            for label, figure in outcome.tallies]


def place_bars(tallies: Sequence[tuple[str, float]]) -> list[Line]:
    """Bars for a count by place (Schulze): each option's place in the final order, longest
    first, and which options it was tied with before the draw order settled them.

    ``tallies`` are in final order, each figure the best place the draw could have given
    the option (``bot.counting.ranked.count_schulze_places``): two options were tied when
    the later one could have had the earlier one's place. The bar shows the place, not
    head-to-head wins, so a winner by the draw that beat nobody outright is still longest.
    """
    count = len(tallies)
    lines: list[Line] = []
    for index, (label, best) in enumerate(tallies):
        tied = [other for at, (other, other_best) in enumerate(tallies)
                if (at > index and other_best <= index + 1) or (at < index and best <= at + 1)]
        place = ordinal(index + 1)
        text = _("{place} place").format(place=place)
        if tied:
            text = _("{place} place (tie with {names}, settled by the draw order)").format(
                place=place, names=join_names(tied))
        lines.append(Bar(label, count - index, count, text))
    how = _("Places come from comparing the options two at a time.")
    if any(best < index + 1 for index, (_name, best) in enumerate(tallies)):
        how += " " + _("When two options can't be split that way, the draw order settles "
                       "which goes first.")
    return [*lines, Note(how)]

