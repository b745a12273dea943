"""Property-based tests for bot.counting.tallies and bot.counting.ranked."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.counting.ranked import count_borda, count_irv, count_schulze
from bot.counting.tallies import (
    Count,
    count_approval,
    count_dots,
    count_plurality,
    count_score,
)

MAX_OPTIONS = 6
MAX_BALLOTS = 30
FAST = settings(max_examples=60, deadline=None)


def labels_for(n: int) -> list[str]:
    """Option labels O0, O1, ..."""
    return [f"O{i}" for i in range(n)]


def rankings(n: int) -> st.SearchStrategy[list[int]]:
    """Rankings over n options, full, partial or empty."""
    return st.permutations(range(n)).flatmap(
        lambda perm: st.integers(0, n).map(lambda k: list(perm[:k]))
    )


def points(n: int) -> st.SearchStrategy[dict[int, int]]:
    """Score or dot ballots over n options."""
    return st.dictionaries(st.integers(0, n - 1), st.integers(0, 5))


BALLOTS: dict[str, tuple[Callable[..., Count], Callable[[int], st.SearchStrategy]]] = {
    "plurality": (count_plurality, lambda n: st.integers(0, n - 1)),
    "approval": (count_approval, lambda n: st.sets(st.integers(0, n - 1))),
    "score": (count_score, points),
    "dots": (count_dots, points),
    "borda": (count_borda, rankings),
    "schulze": (count_schulze, rankings),
    "irv": (count_irv, rankings),
}


@st.composite
def polls(draw: st.DrawFn, method: str) -> tuple[int, list]:
    """An option count and a list of ballots suitable for ``method``."""
    n = draw(st.integers(2, MAX_OPTIONS))
    ballots = draw(st.lists(BALLOTS[method][1](n), max_size=MAX_BALLOTS))
    return n, ballots


def condorcet_winner(ballots: list[list[int]], n: int) -> int | None:
    """Brute force: the option beating every other head to head, if any."""
    for x in range(n):
        wins = 0
        for y in range(n):
            if x == y:
                continue
            above = below = 0
            for ballot in ballots:
                px = ballot.index(x) if x in ballot else n
                py = ballot.index(y) if y in ballot else n
                above += px < py
                below += py < px
            wins += above > below
        if wins == n - 1:
            return x
    return None


@pytest.mark.parametrize("method", sorted(BALLOTS))
@FAST
@given(data=st.data())
def test_result_is_well_formed(method: str, data: st.DataObject) -> None:
    n, ballots = data.draw(polls(method))
    count = BALLOTS[method][0](labels_for(n), ballots)
    assert sorted(count.order) == list(range(n))
    assert len(count.totals) == n
    assert list(count.tied) == sorted(set(count.tied))
    assert count.tied == () or len(count.tied) > 1
    assert count.story
    if count.winner is not None:
        assert count.winner == count.order[0]
        assert not count.tied or count.winner in count.tied


@pytest.mark.parametrize("method", sorted(BALLOTS))
@FAST
@given(data=st.data())
def test_ballot_order_does_not_matter(method: str, data: st.DataObject) -> None:
    n, ballots = data.draw(polls(method))
    shuffled = data.draw(st.permutations(ballots))
    count = BALLOTS[method][0](labels_for(n), ballots)
    again = BALLOTS[method][0](labels_for(n), iter(shuffled))
    assert again == count


@pytest.mark.parametrize("method", sorted(BALLOTS))
@FAST
@given(data=st.data())
def test_tiebreak_only_matters_when_tied(method: str, data: st.DataObject) -> None:
    n, ballots = data.draw(polls(method))
    tiebreak = data.draw(st.permutations(range(n)))
    count = BALLOTS[method][0](labels_for(n), ballots)
    other = BALLOTS[method][0](labels_for(n), ballots, tiebreak)
    # IRV may also need the tie-break order to choose whom to eliminate; the story says so.
    used_in_rounds = any("by tie-break order" in line for line in count.story)
    if not count.tied and not used_in_rounds:
        assert other.winner == count.winner
        assert other.tied == ()


@FAST
@given(data=st.data())
def test_detected_condorcet_winner_wins_schulze(data: st.DataObject) -> None:
    n, ballots = data.draw(polls("schulze"))
    expected = condorcet_winner(ballots, n)
    count = count_schulze(labels_for(n), ballots)
    if expected is not None:
        assert count.winner == expected
        assert count.totals[expected] == n - 1
        assert count.tied == ()
    else:
        assert all(total < n - 1 for total in count.totals)


@FAST
@given(data=st.data())
def test_constructed_condorcet_winner_wins_schulze(data: st.DataObject) -> None:
    n, noise = data.draw(polls("schulze"))
    favourite = data.draw(st.integers(0, n - 1))
    # More ballots putting the favourite first than there are other ballots makes it beat
    # everyone head to head, whatever the rest of those ballots say.
    tails = data.draw(st.lists(rankings(n), min_size=len(noise) + 1, max_size=len(noise) + 1))
    support = [[favourite] + [x for x in tail if x != favourite] for tail in tails]
    ballots = data.draw(st.permutations(noise + support))
    tiebreak = data.draw(st.permutations(range(n)))
    assert condorcet_winner(ballots, n) == favourite
    count = count_schulze(labels_for(n), ballots, tiebreak)
    assert count.winner == favourite
    assert count.story[-1].endswith("more people put it above each other option.")


@FAST
@given(data=st.data())
def test_unanimous_first_choice_wins_everywhere(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, MAX_OPTIONS))
    favourite = data.draw(st.integers(0, n - 1))
    tiebreak = data.draw(st.permutations(range(n)))
    others = [x for x in range(n) if x != favourite]
    voters = data.draw(st.integers(1, MAX_BALLOTS))
    labels = labels_for(n)

    def each(strategy: st.SearchStrategy) -> list:
        return data.draw(st.lists(strategy, min_size=voters, max_size=voters))

    rest = each(
        st.permutations(others).flatmap(lambda p: st.integers(0, n - 1).map(lambda k: list(p[:k])))
    )
    ranked_ballots = [[favourite, *tail] for tail in rest]
    extra = each(st.sets(st.sampled_from(others)) if others else st.just(set()))
    lower = each(st.dictionaries(st.sampled_from(others), st.integers(0, 4)))

    strict = [
        count_plurality(labels, [favourite] * voters, tiebreak),
        count_score(labels, [{favourite: 5, **scores} for scores in lower], tiebreak),
        count_dots(labels, [{favourite: 5, **dots} for dots in lower], tiebreak),
        count_borda(labels, ranked_ballots, tiebreak),
        count_schulze(labels, ranked_ballots, tiebreak),
        count_irv(labels, ranked_ballots, tiebreak),
    ]
    for count in strict:
        assert count.winner == favourite
        assert count.tied == ()
    # Others may be approved by everyone too; the favourite is then at least tied for first.
    approval = count_approval(labels, [{favourite, *picks} for picks in extra], tiebreak)
    assert approval.totals[favourite] == voters
    assert approval.winner == favourite or favourite in approval.tied


@FAST
@given(data=st.data())
def test_irv_majority_first_choice_wins(data: st.DataObject) -> None:
    n, ballots = data.draw(polls("irv"))
    firsts = [ballot[0] for ballot in ballots if ballot]
    count = count_irv(labels_for(n), ballots)
    for option in range(n):
        if firsts.count(option) * 2 > len(firsts):
            assert count.winner == option
            assert count.story[1].endswith("has more than half.")


@FAST
@given(data=st.data())
def test_simple_totals_add_up(data: st.DataObject) -> None:
    n, ballots = data.draw(polls("borda"))
    counted = [ballot for ballot in ballots if ballot]
    count = count_borda(labels_for(n), ballots)
    assert count.ballots == len(counted)
    assert sum(count.totals) == sum(
        sum(n - 1 - place for place in range(len(ballot))) for ballot in counted
    )
    plurality = count_plurality(labels_for(n), (ballot[0] for ballot in counted))
    assert sum(plurality.totals) == len(counted)


@FAST
@given(data=st.data())
def test_schulze_totals_are_pairwise_wins(data: st.DataObject) -> None:
    n, ballots = data.draw(polls("schulze"))
    count = count_schulze(labels_for(n), ballots)
    if not count.ballots:
        return
    wins = [0] * n
    for x, y in itertools.permutations(range(n), 2):
        above = sum((b.index(x) if x in b else n) < (b.index(y) if y in b else n) for b in ballots)
        below = sum((b.index(y) if y in b else n) < (b.index(x) if x in b else n) for b in ballots)
        wins[x] += above > below
    assert count.totals == tuple(wins)


def reference_schulze_order(ballots: list[list[int]], n: int, tiebreak: list[int]) -> tuple:
    """Textbook Schulze (winning votes), taking options in tie-break order when unbeaten."""
    d = [[0] * n for _ in range(n)]
    for ballot in ballots:
        for x, y in itertools.permutations(range(n), 2):
            d[x][y] += (ballot.index(x) if x in ballot else n) < (
                ballot.index(y) if y in ballot else n
            )
    p = [[d[x][y] if d[x][y] > d[y][x] else 0 for y in range(n)] for x in range(n)]
    for i, j, k in itertools.product(range(n), repeat=3):
        if len({i, j, k}) == 3:
            p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    remaining, order = list(tiebreak), []
    while remaining:
        best = next(x for x in remaining if all(p[y][x] <= p[x][y] for y in remaining))
        order.append(best)
        remaining.remove(best)
    return tuple(order)


def reference_irv(ballots: list[list[int]], n: int, tiebreak: list[int]) -> Count | None:
    """Textbook IRV: recount every ballot each round, eliminate one option at a time.

    Returns only the fields the story does not affect: totals, order and tied.
    """
    ballots = [ballot for ballot in ballots if ballot]
    if not ballots:
        return None
    continuing, history, eliminated = set(range(n)), [], []
    totals = [0] * n
    while True:
        votes = dict.fromkeys(continuing, 0)
        for ballot in ballots:
            top = next((x for x in ballot if x in continuing), None)
            if top is not None:
                votes[top] += 1
        history.append(votes)
        ranked = sorted(continuing, key=lambda x: (-votes[x], tiebreak.index(x)))
        if votes[ranked[0]] * 2 > sum(votes.values()) or len(continuing) == 2:
            break
        fewest = [x for x in continuing if votes[x] == min(votes.values())]
        for earlier in reversed(history[:-1]):
            low = min(earlier[x] for x in fewest)
            fewest = [x for x in fewest if earlier[x] == low]
        out = max(fewest, key=tiebreak.index)
        continuing.remove(out)
        eliminated.append(out)
        totals[out] = votes[out]
    for x in continuing:
        totals[x] = votes[x]
    level = len(ranked) == 2 and votes[ranked[0]] == votes[ranked[1]]
    tied = tuple(sorted(ranked)) if level else ()
    return Count(tuple(totals), (*ranked, *reversed(eliminated)), tied, (), len(ballots))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_schulze_matches_reference(data: st.DataObject) -> None:
    n, ballots = data.draw(polls("schulze"))
    # A few repeated preferences make cycles and ties far likelier than uniform noise does.
    pool = data.draw(st.lists(rankings(n), min_size=1, max_size=4))
    ballots += data.draw(st.lists(st.sampled_from(pool), max_size=MAX_BALLOTS))
    tiebreak = data.draw(st.permutations(range(n)))
    count = count_schulze(labels_for(n), ballots, tiebreak)
    if count.ballots:
        assert count.order == reference_schulze_order(ballots, n, tiebreak)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_irv_matches_reference(data: st.DataObject) -> None:
    n, ballots = data.draw(polls("irv"))
    pool = data.draw(st.lists(rankings(n), min_size=1, max_size=4))
    ballots += data.draw(st.lists(st.sampled_from(pool), max_size=MAX_BALLOTS))
    tiebreak = data.draw(st.permutations(range(n)))
    count = count_irv(labels_for(n), ballots, tiebreak)
    expected = reference_irv(ballots, n, tiebreak)
    if expected is None:
        assert count.winner is None
    else:
        assert (count.totals, count.order, count.tied) == (
            expected.totals,
            expected.order,
            expected.tied,
        )
