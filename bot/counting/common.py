"""What every counting method shares: the ``Count`` result, checks of options and
ballots, the tie-break order, and the words of a count.

The words are written in the reader's language (``bot.i18n``) when the count is made.
Checks of options and ballots raise ``ValueError`` in English: they guard against bugs
upstream (``bot.polls`` has told the person what to fix long before a count).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.i18n import N_, _, ngettext, pgettext
from bot.model import MAX_OPTIONS, MIN_OPTIONS

NO_VOTES = N_("No votes were cast.")
#: Welsh writes "ac", not "a", for "and" before a vowel ("Parc ac Afon").
_VOWELS = frozenset("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")

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
        story: Short plain lines explaining the count, in the language it was counted in.
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
    return Count((0,) * n, tiebreak_sequence(rank), (), (_(NO_VOTES),), 0)


def plural_count(amount: float) -> int:
    """The number that picks a message's plural form for ``amount``: the amount itself when
    it is whole; a fraction ("2.5 votes") takes the form 5 takes, as in English and Welsh
    (Unicode CLDR: decimals are "other" in Welsh)."""
    number = float(amount)
    return int(number) if number.is_integer() else 5


#: A figure with what it counts, by the unit an ``Outcome`` names (``outcome.UNITS``,
#: ``weighted.UNITS``; not "place", shown as an ordinal by ``bot.polls.views``).
_FIGURES = {
    "votes": lambda n: ngettext("{n} vote", "{n} votes", n),
    "supporters": lambda n: ngettext("{n} supporter", "{n} supporters", n),
    "approvals": lambda n: ngettext("{n} approval", "{n} approvals", n),
    "points": lambda n: ngettext("{n} point", "{n} points", n),
    "dots": lambda n: ngettext("{n} dot", "{n} dots", n),
    "ideas": lambda n: ngettext("{n} idea", "{n} ideas", n),
    "votes in the last round they were in": lambda n: ngettext(
        "{n} vote in the last round they were in", "{n} votes in the last round they were in", n),
    # A weighted total is a measure (mostly with a fraction in it): plural in English even
    # when it is 1, as it has always been; Welsh has its own forms.
    "weighted votes": lambda n: ngettext("{n} weighted votes", "{n} weighted votes", n),
    "weighted supporters": lambda n: ngettext("{n} weighted supporters",
                                              "{n} weighted supporters", n),
    "weighted points": lambda n: ngettext("{n} weighted points", "{n} weighted points", n),
    "weighted dots": lambda n: ngettext("{n} weighted dots", "{n} weighted dots", n),
}


def figure_words(unit: str, amount: float) -> str:
    """A figure and what it counts, in the reader's language: ``"1 vote"``, ``"12 points"``,
    ``"2.5 weighted votes"``; Welsh ``"1 bleidlais"``, ``"12 pwynt"``.

    ``unit`` is one of the units an ``Outcome`` names (``Outcome.unit``), except "place".
    """
    return _FIGURES[unit](plural_count(amount)).format(n=whole_figure(amount))


def ballots_counted(counted: int) -> str:
    """"1 ballot counted." / "3 ballots counted."."""
    return ngettext("{n} ballot counted.", "{n} ballots counted.", counted).format(n=counted)


def wins_with(name: str, unit: str, amount: float) -> str:
    """"Park wins with 3 votes."."""
    return _("{name} wins with {figure}.").format(name=name, figure=figure_words(unit, amount))


def tie_with(names: str, unit: str, amount: float, first: str) -> str:
    """"Park and Pier tie with 3 votes each; the tie-break order puts Pier first."."""
    return _("{names} tie with {figure} each; the tie-break order puts {first} first.").format(
        names=names, figure=figure_words(unit, amount), first=first)


def whole_figure(amount: float) -> str:
    """Format a figure without a pointless ``.0``."""
    if isinstance(amount, float) and amount.is_integer():
        return str(int(amount))
    return str(amount)


def option_names(labels: Sequence[str], options: Iterable[int]) -> str:
    """Join option labels as ``"A"``, ``"A and B"`` or ``"A, B and C"``."""
    return join_names([labels[i] for i in options])


def join_names(names: Sequence[str]) -> str:
    """Join names as ``"A"``, ``"A and B"`` or ``"A, B and C"``, in the reader's language."""
    if len(names) <= 1:
        return "".join(names)
    last = names[-1]
    if last[:1].lower() in _VOWELS:
        words = pgettext("the last name starts with a vowel", "{names} and {last}")
    else:
        words = _("{names} and {last}")
    return words.format(names=", ".join(names[:-1]), last=last)


def finish_simple(
    labels: Sequence[str],
    totals: list[int],
    counted: int,
    rank: Sequence[int],
    unit: str,
    heading: str,
    extra: tuple[str, ...] = (),
) -> Count:
    """Build the Count for a method where the highest total wins.

    ``unit`` names what the totals count (see ``figure_words``); ``heading`` is the line
    that lists them, with a ``{listing}`` placeholder ("Votes: {listing}.").
    """
    n = len(labels)
    if counted == 0:
        return no_votes(n, rank)
    order = by_total(totals, rank)
    listing = ", ".join(f"{labels[i]} {whole_figure(totals[i])}" for i in order)
    tied, verdict = leaders_line(labels, totals, order, unit)
    lines = (ballots_counted(counted), heading.format(listing=listing), *extra, verdict)
    return Count(tuple(totals), order, tied, lines, counted)


def leaders_line(labels: Sequence[str], totals: Sequence[Any], order: Sequence[int],
                 unit: str, shown: Callable[[Any], float] = lambda total: total,
                 ) -> tuple[tuple[int, ...], str]:
    """Who leads, in words, and the options tied at the top (empty if one leads or none
    has support). ``shown`` turns a total into the figure written ("2.5" for 5/2)."""
    top = totals[order[0]]
    if top <= 0:
        return (), _("No option got any support.")
    leaders = [i for i in order if totals[i] == top]
    if len(leaders) > 1:
        return tuple(sorted(leaders)), tie_with(option_names(labels, leaders), unit,
                                                shown(top), labels[order[0]])
    return (), wins_with(labels[order[0]], unit, shown(top))
