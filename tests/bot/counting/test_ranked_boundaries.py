"""Ranked counting at its edges: instant-runoff transfers and tie-breaks that look back more
than one round, and the words of each story."""

from __future__ import annotations

from bot.counting.ranked import count_borda, count_irv, count_schulze

ABCD = ["A", "B", "C", "D"]
ABCDE = ["A", "B", "C", "D", "E"]


def expand(*groups: tuple[int, list[int]]) -> list[list[int]]:
    return [ranking for n, ranking in groups for _ in range(n)]


def test_irv_looks_back_through_every_earlier_round_to_break_a_tie():
    # B and C tie on 5 in round 3 and on 4 in round 2; only round 1 (B 4, C 3) tells them
    # apart, so C goes and its ballots carry B past A. The tie-break order alone would have
    # removed B instead, and A would have won.
    ballots = expand((9, [0]), (4, [1]), (3, [2, 1]), (1, [4, 2, 1]), (1, [3, 1]),
                     (1, [3, 2, 1]))
    count = count_irv(ABCDE, ballots, (0, 2, 1, 3, 4))
    assert count.story[1:] == (
        "Round 1: A 9, B 4, C 3, D 2, E 1. E is out; its 1 vote moves to the next choice.",
        "Round 2: A 9, C 4, B 4, D 2. D is out; its 2 votes move to the next choices.",
        "Round 3: A 9, C 5, B 5. C is out (tied for fewest; fewer votes in round 1); its 5 "
        "votes move to the next choices.",
        "Round 4: B 10, A 9. B has more than half.",
    )
    assert count.winner == 1


def test_irv_counts_every_ballot_that_drops_out():
    # C's two ballots differ ([C] and [C, D]) and both run out once D is gone.
    ballots = expand((5, [0]), (4, [1]), (1, [2]), (1, [2, 3]))
    count = count_irv(ABCD, ballots)
    assert count.story[1:] == (
        "Round 1: A 5, B 4, C 2. No votes for D, so it is out.",
        "Round 2: A 5, B 4, C 2. C is out; 2 ballots have no further choice and drop out.",
        "Round 3: A 5, B 4. A has more than half.",
    )


def test_irv_partial_transfer_with_several_votes_moving():
    ballots = expand((6, [0]), (5, [1]), (2, [2, 1]), (1, [2]))
    count = count_irv(ABCD[:3], ballots)
    assert count.story[1] == ("Round 1: A 6, B 5, C 3. C is out; 2 of its 3 votes move on; "
                              "1 ballot has no further choice and drops out.")
    assert count.winner == 1


def test_schulze_tie_story_in_full():
    count = count_schulze(ABCD[:3], [[0, 1], [1, 0]], (1, 0, 2))
    assert count.tied == (0, 1) and count.winner == 1
    assert count.story == (
        "2 ballots counted.",
        "B and A tie 1 to 1.",
        "B beats C 2 to 0.",
        "No option beat every other one. Counting the chains of wins between them, B and A tie "
        "for first, and the draw puts B first.",
    )


def test_schulze_cycle_story_without_a_tie():
    # A beats B 7 to 4, B beats C 9 to 2, C beats A 6 to 5: a cycle. A's strongest paths
    # (7 to B, 7 to C through B) are wider than theirs back (6 and 6), so A comes first.
    ballots = expand((5, [0, 1, 2]), (4, [1, 2, 0]), (2, [2, 0, 1]))
    count = count_schulze(ABCD[:3], ballots)
    assert count.winner == 0 and count.order == (0, 1, 2) and count.tied == ()
    assert count.story == (
        "11 ballots counted.",
        "A beats B 7 to 4.",
        "C beats A 6 to 5.",
        "No option beat every other one. Counting the chains of wins between them, A comes first.",
    )


def test_borda_one_point_is_singular():
    count = count_borda(["A", "B"], [[1]])
    assert count.story == ("1 ballot counted.", "Borda points: B 1, A 0.", "B wins with 1 point.")
