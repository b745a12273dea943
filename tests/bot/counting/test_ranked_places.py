"""Places in a Schulze count (issue 14), and the outcome that shows them.

A winner by the draw can beat nobody head to head, so the number of head-to-head wins
made it look like it lost. The outcome now gives each option its best place: where it
is in the final order, or higher when it was tied with the options there and the draw
order put them first.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.counting.ranked import count_schulze, count_schulze_places

ABCD = ["A", "B", "C", "D"]


def test_a_clear_order_gives_one_place_each():
    count, places = count_schulze_places(ABCD[:3], [[2, 0, 1]] * 2 + [[0, 1, 2]])
    assert count.order == (2, 0, 1)
    assert places == (2, 3, 1)


def test_a_tie_for_first_shares_first_place_whichever_way_the_draw_goes():
    # A ties B and C; B beats C. A has no head-to-head win, yet shares first with B.
    ballots = [[0, 1, 2], [1, 2, 0]]
    count, places = count_schulze_places(ABCD[:3], ballots, (0, 1, 2))
    assert count.order == (0, 1, 2) and count.totals == (0, 1, 0) and count.tied == (0, 1)
    assert places == (1, 1, 3)
    # With B drawn first, A and C are left and neither beats the other: C could have
    # had A's place, 2nd.
    count, places = count_schulze_places(ABCD[:3], ballots, (1, 0, 2))
    assert count.order == (1, 0, 2)
    assert places == (1, 1, 2)


def test_a_tie_lower_down_shares_that_place():
    # A beats everyone; B and C tie with each other and both beat D.
    ballots = [[0, 1, 2, 3], [0, 2, 1, 3]]
    count, places = count_schulze_places(ABCD, ballots, (0, 2, 1, 3))
    assert count.order == (0, 2, 1, 3)
    assert places == (1, 2, 2, 4)


def test_an_option_ties_only_with_those_whose_place_it_could_have_had():
    # A ties B, B ties C, but A beats C: C could have had B's place, never A's.
    ballots = [[0, 2, 1], [1, 0, 2]]
    count, places = count_schulze_places(ABCD[:3], ballots, (0, 1, 2))
    assert count.order == (0, 1, 2) and count.tied == (0, 1)
    assert places == (1, 1, 2)


def test_a_tie_for_first_is_first_even_when_the_draw_lists_it_below_a_beaten_option():
    # Five options; A ties C, A beats B, B ties C, D and E come last. The draw lists A, then
    # B (which only A beats), then C: C was still tied for first.
    count, places = count_schulze_places([*ABCD, "E"], [[0, 1], [2]], (0, 1, 2, 3, 4))
    assert count.order == (0, 1, 2, 3, 4) and count.tied == (0, 2)
    assert places == (1, 2, 1, 4, 4)


def test_nothing_counted_leaves_every_option_first():
    count, places = count_schulze_places(ABCD[:3], [[], []])
    assert count.ballots == 0 and places == (1, 1, 1)


def rankings(n: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(range(n)).flatmap(
        lambda perm: st.integers(0, n).map(lambda k: list(perm[:k])))


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_places_follow_the_order_and_the_winner_is_first(data):
    n = data.draw(st.integers(2, 5))
    ballots = data.draw(st.lists(rankings(n), max_size=15))
    tiebreak = data.draw(st.permutations(range(n)))
    labels = [f"O{i}" for i in range(n)]
    count, places = count_schulze_places(labels, ballots, tiebreak)
    assert count == count_schulze(labels, ballots, tiebreak)
    # Never lower than its position; first for exactly the options that could have won.
    assert all(places[x] <= position for position, x in enumerate(count.order, start=1))
    could_win = set(count.tied) if count.tied else {count.order[0]}
    if count.ballots:
        assert {x for x in range(n) if places[x] == 1} == could_win
