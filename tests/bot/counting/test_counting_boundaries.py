"""Plain counting at its edges: one-vote wins, the words of each story, and the message a
bad ballot gets (what someone reading a recount or a log would see)."""

from __future__ import annotations

import re
from enum import IntEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.counting.ranked import count_borda, count_irv, count_schulze
from bot.counting.tallies import (
    count_approval,
    count_consent,
    count_dots,
    count_plurality,
    count_score,
    tiebreak_order,
)

ABC = ["A", "B", "C"]


# -- stories: headings, singular and plural ----------------------------------------------------


@pytest.mark.parametrize(("count", "ballots", "heading", "one"), [
    (count_plurality, [1], "Votes: B 1, A 0, C 0.", "B wins with 1 vote."),
    (count_approval, [{1}], "Approvals: B 1, A 0, C 0.", "B wins with 1 approval."),
    (count_score, [{1: 1}], "Points: B 1, A 0, C 0.", "B wins with 1 point."),
    (count_dots, [{1: 1}], "Dots: B 1, A 0, C 0.", "B wins with 1 dot."),
    (count_borda, [[1]], "Borda points: B 2, A 0, C 0.", "B wins with 2 points."),
])
def test_one_ballot_stories(count, ballots, heading, one):
    result = count(ABC, ballots)
    assert result.story[0] == "1 ballot counted."
    assert result.story[1] == heading
    assert result.story[-1] == one
    assert result.winner == 1 and result.ballots == 1


@pytest.mark.parametrize(("count", "ballots", "tie"), [
    (count_plurality, [0, 2, 0, 2], "C and A tie with 2 votes each; the tie-break order puts C "
     "first."),
    (count_approval, [{0, 2}, {0, 2}, {1}], "C and A tie with 2 approvals each; the tie-break "
     "order puts C first."),
    (count_score, [{0: 1, 2: 1}], "C and A tie with 1 point each; the tie-break order puts C "
     "first."),
    (count_dots, [{0: 1, 1: 1, 2: 1}], "C, B and A tie with 1 dot each; the tie-break order "
     "puts C first."),
    (count_borda, [[0, 2], [2, 0]], "C and A tie with 3 points each; the tie-break order puts C "
     "first."),
])
def test_tie_stories_name_the_tied_options_in_draw_order(count, ballots, tie):
    result = count(ABC, ballots, (2, 1, 0))
    assert result.story[-1] == tie
    assert result.winner == 2 and result.order[0] == 2


def test_score_story_gives_averages_over_every_counted_ballot():
    result = count_score(ABC, [{0: 5, 1: 2}, {1: 4}, {0: 0}])
    assert result.story == ("3 ballots counted.", "Points: B 6, A 5, C 0.",
                            "Average scores: B 2.0, A 1.7, C 0.0.", "B wins with 6 points.")


def test_counts_add_up_across_identical_ballots():
    assert count_plurality(ABC, [1, 1, 1, 0]).totals == (1, 3, 0)
    assert count_approval(ABC, [{0, 1}, {0, 1}, {1}]).totals == (2, 3, 0)


# -- messages for ballots that cannot be counted -------------------------------------------------


@pytest.mark.parametrize(("call", "message"), [
    (lambda: count_plurality(["A"], []), "a poll needs 2 to 20 options, got 1"),
    (lambda: count_plurality(ABC, ["B"]), "option index must be an int, got 'B'"),
    (lambda: count_plurality(ABC, [True]), "option index must be an int, got True"),
    (lambda: count_plurality(ABC, [3]), "option index 3 is out of range for 3 options"),
    (lambda: count_plurality(ABC, [-1]), "option index -1 is out of range for 3 options"),
    (lambda: count_approval(ABC, [[1, 1]]), "approval ballot names an option twice: [1, 1]"),
    (lambda: count_score(ABC, [{0: 6}]), "score must be 0 to 5, got 6"),
    (lambda: count_score(ABC, [{0: -1}]), "score must be 0 to 5, got -1"),
    (lambda: count_score(ABC, [{0: 2.5}]), "score must be an int, got 2.5"),
    (lambda: count_dots(ABC, [{0: -1}]), "dot count must be at least 0, got -1"),
    (lambda: count_dots(ABC, [{0: "2"}]), "dot count must be an int, got '2'"),
    (lambda: count_borda(ABC, [[0, 0]]), "ranking names an option twice: (0, 0)"),
    (lambda: count_schulze(ABC, [[0, 5]]), "option index 5 is out of range for 3 options"),
    (lambda: count_irv(ABC, [[0, "A"]]), "option index must be an int, got 'A'"),
    (lambda: count_plurality(ABC, [0], (0, 1)),
     "tiebreak must list each of the 3 option indices exactly once"),
    (lambda: count_plurality(ABC, [0], (0, 1, 1)),
     "tiebreak must list each of the 3 option indices exactly once"),
    (lambda: count_consent(["agree", "maybe", "nope"]),
     "unknown stance 'maybe'; expected one of agree, abstain, disagree, block"),
])
def test_bad_ballots_are_refused_with_a_message_that_says_why(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


class Option(IntEnum):
    A = 0
    B = 1
    C = 2


def test_rankings_of_int_like_options_are_counted_like_plain_ints():
    plain = count_borda(ABC, [[2, 0], [2, 1], [0]])
    enum = count_borda(ABC, [[Option.C, Option.A], [Option.C, Option.B], [Option.A]])
    assert (enum.totals, enum.order, enum.winner) == (plain.totals, plain.order, plain.winner)


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=1, max_size=20))
def test_plurality_winner_has_the_most_votes_and_ties_are_reported(ballots):
    result = count_plurality(ABC, ballots)
    most = max(ballots.count(i) for i in range(3))
    leaders = tuple(i for i in range(3) if ballots.count(i) == most)
    assert result.totals == tuple(ballots.count(i) for i in range(3))
    assert result.winner == leaders[0]
    assert result.tied == (leaders if len(leaders) > 1 else ())


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=20), st.permutations(["Library", "Park", "Pier", "Hall"]))
def test_the_draw_does_not_depend_on_listing_order(seed, labels):
    order = [labels[i] for i in tiebreak_order(seed, labels)]
    again = [sorted(labels)[i] for i in tiebreak_order(seed, sorted(labels))]
    assert order == again
