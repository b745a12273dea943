"""Counting for ranked ballots: Borda count, Schulze method and instant-runoff voting.

A ranked ballot is a sequence of option indices, best first. Partial rankings are allowed; what
an unranked option means differs per method and is documented on each function. Import these
through :mod:`bot.counting.tallies`, which re-exports them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from bot.counting.common import (
    Count,
    ballots_counted,
    check_labels,
    finish_simple,
    group_rankings,
    no_votes,
    option_names,
    tiebreak_rank,
)
from bot.i18n import _, ngettext

__all__ = ["count_borda", "count_irv", "count_schulze", "count_schulze_places"]

# Pairwise tallies are keyed by (prefix bitmask << _KEY_SHIFT) | option; 5 bits hold any
# option index up to MAX_OPTIONS (20).
_KEY_SHIFT = 5
_KEY_MASK = (1 << _KEY_SHIFT) - 1


def count_borda(
    labels: Sequence[str],
    ballots: Iterable[Sequence[int]],
    tiebreak: Sequence[int] | None = None,
) -> Count:
    """Count ranked ballots by Borda count.

    With n options, first place earns n-1 points, second n-2, and so on; unranked options earn
    nothing from that ballot.

    Args:
        labels: The option labels.
        ballots: Rankings, best first; empty ones are ignored.
        tiebreak: Priority order of all option indices; None means option order.

    Returns:
        The count; ``totals`` holds Borda points per option.

    Raises:
        ValueError: If a ranking names an option twice or out of range, or the labels or the
            tiebreak are invalid.
    """
    n = check_labels(labels)
    rank = tiebreak_rank(tiebreak, n)
    grouped, counted = group_rankings(ballots, n)
    totals = [0] * n
    for ranking, weight in grouped.items():
        points = n - 1
        for option in ranking:
            totals[option] += points * weight
            points -= 1
    return finish_simple(labels, totals, counted, rank, "points", _("Borda points: {listing}."))


def count_schulze(
    labels: Sequence[str],
    ballots: Iterable[Sequence[int]],
    tiebreak: Sequence[int] | None = None,
) -> Count:
    """Count ranked ballots by the Schulze method; see ``count_schulze_places``."""
    return count_schulze_places(labels, ballots, tiebreak)[0]


def count_schulze_places(
    labels: Sequence[str],
    ballots: Iterable[Sequence[int]],
    tiebreak: Sequence[int] | None = None,
) -> tuple[Count, tuple[int, ...]]:
    """Count ranked ballots by the Schulze method (widest paths, winning votes).

    A ranked option is preferred to every unranked one; unranked options are tied with each
    other. Option x goes above y when the strongest path from x to y beats the one back.

    Args:
        labels: The option labels.
        ballots: Rankings, best first; empty ones are ignored.
        tiebreak: Priority order of all option indices, used among options the Schulze
            ranking cannot separate; None means option order.

    Returns:
        The count, and for each option the best place the tie-break could have given it
        (1 is first). In the count, ``totals`` holds the number of other options each
        option beats head to head, and ``tied`` the potential Schulze winners when there
        is more than one. An option's best place is its position in ``order``, unless the
        tie-break put options it was tied with first: then it is the first of their
        positions. So the potential winners are exactly the options whose best place is 1.

    Raises:
        ValueError: If a ranking names an option twice or out of range, or the labels or the
            tiebreak are invalid.
    """
    n = check_labels(labels)
    rank = tiebreak_rank(tiebreak, n)
    grouped, counted = group_rankings(ballots, n)
    if not counted:
        # Nothing beats anything: the tie-break could have put any option first.
        return no_votes(n, rank), (1,) * n

    d = _pairwise(grouped, n)
    p = _strongest_paths(d)
    wins = [sum(1 for y in range(n) if d[x][y] > d[y][x]) for x in range(n)]
    order = _schulze_order(p, rank)
    potential = [x for x in range(n) if all(p[x][y] >= p[y][x] for y in range(n))]
    tied = tuple(potential) if len(potential) > 1 else ()

    winner = order[0]
    name = labels[winner]
    lines = [ballots_counted(counted)]
    for other in order[1:]:
        ours, theirs = d[winner][other], d[other][winner]
        if ours > theirs:
            line = _("{winner} beats {loser} {more} to {fewer}.").format(
                winner=name, loser=labels[other], more=ours, fewer=theirs)
        elif ours < theirs:
            line = _("{winner} beats {loser} {more} to {fewer}.").format(
                winner=labels[other], loser=name, more=theirs, fewer=ours)
        else:
            line = _("{first} and {second} tie {votes} to {same}.").format(
                first=name, second=labels[other], votes=ours, same=theirs)
        lines.append(line)
    if wins[winner] == n - 1:
        lines.append(_("{name} wins: more people put it above each other option.").format(
            name=name))
    elif tied:
        leaders = [x for x in order if x in tied]
        lines.append(_(
            "No option beat every other one. Counting the chains of wins between them, "
            "{names} tie for first, and the draw puts {name} first."
        ).format(names=option_names(labels, leaders), name=name))
    else:
        lines.append(_(
            "No option beat every other one. Counting the chains of wins between them, "
            "{name} comes first."
        ).format(name=name))
    return Count(tuple(wins), order, tied, tuple(lines), counted), _places(p, order)


def count_irv(
    labels: Sequence[str],
    ballots: Iterable[Sequence[int]],
    tiebreak: Sequence[int] | None = None,
) -> Count:
    """Count ranked ballots by instant-runoff voting.

    Each round every ballot counts for its highest-ranked continuing option; ballots with no
    continuing option left are dropped. An option with more than half of the round's votes
    wins; otherwise the option with the fewest votes is eliminated. A tie for fewest goes
    against the option that had fewer votes in the most recent earlier round where the tied
    options differed, then against the one latest in ``tiebreak``. Options with no votes at
    all are eliminated together, which cannot change the result. If the last two options tie,
    ``tiebreak`` picks the winner and ``tied`` lists both.

    Args:
        labels: The option labels.
        ballots: Rankings, best first; empty ones are ignored.
        tiebreak: Priority order of all option indices; None means option order.

    Returns:
        The count. ``totals`` holds final-round votes for options still in the count and, for
        eliminated options, the votes they had in the round they were eliminated. ``order`` is
        the winner, then the other remaining options by final votes, then eliminated options
        in reverse order of elimination.

    Raises:
        ValueError: If a ranking names an option twice or out of range, or the labels or the
            tiebreak are invalid.
    """
    n = check_labels(labels)
    rank = tiebreak_rank(tiebreak, n)
    grouped, counted = group_rankings(ballots, n)
    if not counted:
        return no_votes(n, rank)

    # Each option keeps the pile of ballots currently counting for it, as (ranking, weight,
    # position reached); eliminating an option only re-reads its own pile.
    piles: list[list[tuple[tuple[int, ...], int, int]]] = [[] for _ in range(n)]
    votes = [0] * n
    for ranking, weight in grouped.items():
        piles[ranking[0]].append((ranking, weight, 0))
        votes[ranking[0]] += weight
    continuing = [True] * n
    history: list[list[int]] = []
    eliminated: list[int] = []
    totals = [0] * n
    tied: tuple[int, ...] = ()
    lines = [ballots_counted(counted)]

    while True:
        history.append(votes[:])
        alive = sorted((i for i in range(n) if continuing[i]), key=lambda i: (-votes[i], rank[i]))
        total = sum(votes[i] for i in alive)
        tally = ", ".join(f"{labels[i]} {votes[i]}" for i in alive if votes[i])
        heading = _("Round {round}: {tally}.").format(round=len(history), tally=tally)
        leader = alive[0]
        if votes[leader] * 2 > total:
            winner = leader
            lines.append(f"{heading} " + _("{name} has more than half.").format(
                name=labels[leader]))
            break
        if len(alive) == 2:
            # No majority between two options means they are level.
            winner = leader
            tied = tuple(sorted(alive))
            lines.append(f"{heading} " + _(
                "{names} are tied; the tie-break order puts {name} first."
            ).format(names=option_names(labels, alive), name=labels[leader]))
            break

        zeros = [i for i in alive if not votes[i]]
        if zeros:
            # Worst tie-break priority goes first, matching one-at-a-time elimination.
            zeros.sort(key=lambda i: -rank[i])
            for option in zeros:
                continuing[option] = False
                eliminated.append(option)
            lines.append(f"{heading} " + ngettext(
                "No votes for {names}, so it is out.", "No votes for {names}, so they are out.",
                len(zeros)).format(names=option_names(labels, zeros)))
            continue

        out, reason = _pick_elimination(alive, votes, history, rank)
        continuing[out] = False
        eliminated.append(out)
        totals[out] = votes[out]
        moved = exhausted = 0
        for ranking, weight, position in piles[out]:
            nxt = position + 1
            while nxt < len(ranking) and not continuing[ranking[nxt]]:
                nxt += 1
            if nxt < len(ranking):
                target = ranking[nxt]
                piles[target].append((ranking, weight, nxt))
                votes[target] += weight
                moved += weight
            else:
                exhausted += weight
        piles[out] = []
        votes[out] = 0
        transfer = _transfer(moved, exhausted)
        out_words = (_("{name} is out ({why}); {transfer}.") if reason
                     else _("{name} is out; {transfer}."))
        lines.append(f"{heading} " + out_words.format(name=labels[out], why=reason,
                                                       transfer=transfer))

    others = sorted(
        (i for i in range(n) if continuing[i] and i != winner), key=lambda i: (-votes[i], rank[i])
    )
    for option in range(n):
        if continuing[option]:
            totals[option] = votes[option]
    order = (winner, *others, *reversed(eliminated))
    return Count(tuple(totals), order, tied, tuple(lines), counted)


def _pairwise(grouped: dict[tuple[int, ...], int], n: int) -> list[list[int]]:
    """Return d, where d[x][y] is the number of ballots ranking x above y."""
    # Everything below x on a ballot is "all options minus those ranked at or above x", so the
    # pair of (x, set ranked at or above x) fully determines x's row contribution. There are
    # far fewer such pairs than ballots, so tally them first and expand each pair once.
    prefixes: defaultdict[int, int] = defaultdict(int)
    for ranking, weight in grouped.items():
        seen = 0
        for option in ranking:
            seen |= 1 << option
            prefixes[(seen << _KEY_SHIFT) | option] += weight
    everyone = (1 << n) - 1
    d = [[0] * n for _ in range(n)]
    for key, weight in prefixes.items():
        row = d[key & _KEY_MASK]
        below = everyone & ~(key >> _KEY_SHIFT)
        while below:
            lowest = below & -below
            row[lowest.bit_length() - 1] += weight
            below ^= lowest
    return d


def _strongest_paths(d: list[list[int]]) -> list[list[int]]:
    """Return p, where p[x][y] is the strength of the widest path from x to y."""
    n = len(d)
    p = [[d[x][y] if d[x][y] > d[y][x] else 0 for y in range(n)] for x in range(n)]
    for via in range(n):
        through = p[via]
        for x in range(n):
            reach = p[x][via]
            if x == via or not reach:
                continue
            row = p[x]
            for y in range(n):
                if y in (x, via):
                    continue
                width = through[y] if through[y] < reach else reach
                if width > row[y]:
                    row[y] = width
    return p


def _schulze_order(p: list[list[int]], rank: Sequence[int]) -> tuple[int, ...]:
    """Rank options so x is above y whenever p[x][y] > p[y][x], ties by tie-break."""
    remaining = sorted(range(len(p)), key=rank.__getitem__)
    order: list[int] = []
    while remaining:
        # The "beats" relation on strongest paths is transitive, so some remaining option is
        # unbeaten; the fallback only guards against that guarantee being broken.
        best = next(
            (x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining)),
            remaining[0],
        )
        order.append(best)
        remaining.remove(best)
    return tuple(order)


def _places(p: list[list[int]], order: Sequence[int]) -> tuple[int, ...]:
    """For each option, the best place a draw could have given it: the first position in
    ``order`` from which nothing not yet placed beat it (its own position, or earlier when
    it was tied with the options listed there and the draw put them first)."""
    places = [0] * len(order)
    for position, option in enumerate(order):
        # Nothing later in the order beats anything earlier (see _schulze_order), so only
        # the options listed before it can hold it back.
        best = position
        while best and p[order[best - 1]][option] <= p[option][order[best - 1]]:
            best -= 1
        places[option] = best + 1
    return tuple(places)


def _pick_elimination(
    alive: Sequence[int],
    votes: Sequence[int],
    history: Sequence[Sequence[int]],
    rank: Sequence[int],
) -> tuple[int, str]:
    """Choose the option to eliminate, and why in a few words if a tie had to be broken."""
    fewest = min(votes[i] for i in alive)
    candidates = [i for i in alive if votes[i] == fewest]
    if len(candidates) == 1:
        return candidates[0], ""
    for round_index in range(len(history) - 2, -1, -1):
        earlier = history[round_index]
        low = min(earlier[i] for i in candidates)
        narrowed = [i for i in candidates if earlier[i] == low]
        if len(narrowed) < len(candidates):
            candidates = narrowed
            if len(candidates) == 1:
                return candidates[0], _("tied for fewest; fewer votes in round {round}").format(
                    round=round_index + 1)
    return max(candidates, key=rank.__getitem__), _("tied for fewest; by tie-break order")


def _transfer(moved: int, exhausted: int) -> str:
    """Describe where an eliminated option's ballots went (a clause, in the reader's
    language)."""
    if not exhausted:
        return ngettext("its {n} vote moves to the next choice",
                        "its {n} votes move to the next choices", moved).format(n=moved)
    dropped = ngettext("{n} ballot has no further choice and drops out",
                       "{n} ballots have no further choice and drop out",
                       exhausted).format(n=exhausted)
    if not moved:
        return dropped
    return ngettext("{n} of its {total} votes moves on; {dropped}",
                    "{n} of its {total} votes move on; {dropped}", moved).format(
        n=moved, total=moved + exhausted, dropped=dropped)
