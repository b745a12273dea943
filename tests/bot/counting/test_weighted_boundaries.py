"""Equal group weight at its edges: weighted counting agrees with plain counting when every
ballot weighs 1, scores and dots are multiplied by their weight, ties are exact and go to the
published draw, and one-ballot and no-support polls say the right thing."""

from __future__ import annotations

import hashlib
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.counting.rules import GroupInfo, Tagged, decide_in_groups
from bot.counting.tallies import count_approval, count_dots, count_plurality, count_score
from bot.counting.weighted import WEIGHTED_NOTE, count_weighted, shown, stance_totals
from bot.model import Ballot, Method, PollKind, PollSpec, Rule, Stance

OPTIONS = ("Library", "Park", "Pier")
QUESTION = "Where should we meet?"
#: A poll number whose draw between Park and Pier is not their listing order.
NUMBER = 8
A = GroupInfo("a", "Group A", 20)
B = GroupInfo("b", "Group B", 20)
KINDS = {PollKind.CHOICE: Method.PLURALITY, PollKind.MULTI: Method.APPROVAL,
         PollKind.SCORE: Method.SCORE, PollKind.DOTS: Method.DOTS,
         PollKind.CONSENT: Method.CONSENT}
FAST = settings(max_examples=80, deadline=None)


def spec(kind: PollKind = PollKind.CHOICE, **more) -> PollSpec:
    options = tuple(s.value for s in Stance) if kind is PollKind.CONSENT else OPTIONS
    return PollSpec(QUESTION, options, kind, KINDS[kind], rule=Rule.EQUAL_WEIGHT, **more)


def drawn(number: int, labels: tuple[str, ...]) -> list[str]:
    """The documented draw, recomputed: smallest SHA-256 of "poll N: question\\nlabel"."""
    return sorted(labels, key=lambda label: hashlib.sha256(
        f"poll {number}: {QUESTION}\n{label}".encode()).hexdigest())


def tagged(group: str, ballot: Ballot, n: int = 1) -> list[Tagged]:
    return [Tagged(ballot, frozenset({group} if group else ()))] * n


def chose(group: str, option: int, n: int = 1) -> list[Tagged]:
    return tagged(group, Ballot(picks=(option,)), n)


def scored(group: str, scores: dict[int, int], n: int = 1) -> list[Tagged]:
    return tagged(group, Ballot(points=tuple(sorted(scores.items()))), n)


# -- weighted counting against plain counting ----------------------------------------------


PLAIN = {Method.PLURALITY: count_plurality, Method.APPROVAL: count_approval,
         Method.SCORE: count_score, Method.DOTS: count_dots}


@st.composite
def ballots_for(draw: st.DrawFn, method: Method) -> tuple[int, list[Ballot]]:
    n = draw(st.integers(2, 5))
    if method is Method.PLURALITY:
        made = draw(st.lists(st.integers(0, n - 1).map(lambda i: Ballot(picks=(i,))),
                             max_size=12))
    elif method is Method.APPROVAL:
        made = draw(st.lists(st.sets(st.integers(0, n - 1)).map(
            lambda s: Ballot(picks=tuple(sorted(s)))), max_size=12))
    else:
        made = draw(st.lists(st.dictionaries(st.integers(0, n - 1), st.integers(0, 5)).map(
            lambda d: Ballot(points=tuple(sorted(d.items())))), max_size=12))
    return n, made


def _plain(method: Method, labels: list[str], ballots: list[Ballot], order: list[int]):
    if method is Method.PLURALITY:
        return PLAIN[method](labels, [b.picks[0] for b in ballots], order)
    if method is Method.APPROVAL:
        return PLAIN[method](labels, [b.picks for b in ballots], order)
    return PLAIN[method](labels, [dict(b.points) for b in ballots], order)


@pytest.mark.parametrize("method", list(PLAIN))
@FAST
@given(data=st.data())
def test_with_every_weight_one_the_count_is_the_plain_count(method, data):
    n, ballots = data.draw(ballots_for(method))
    labels = [f"O{i}" for i in range(n)]
    order = data.draw(st.permutations(range(n)))
    weighted = count_weighted(method, labels, ballots, [Fraction(1)] * len(ballots), order)
    plain = _plain(method, labels, ballots, order)
    assert weighted.totals == tuple(float(t) for t in plain.totals)
    assert (weighted.order, weighted.tied, weighted.ballots, weighted.winner) == (
        plain.order, plain.tied, plain.ballots, plain.winner)
    # The same last line (who wins, or who ties), whatever the unit is called.
    assert _units_out(weighted.story[-1]) == _units_out(plain.story[-1])


def _units_out(line: str) -> str:
    return re.sub(r"(weighted )?(votes?|approvals?|supporters|points?|dots?)\b", "_", line)


@pytest.mark.parametrize("method", list(PLAIN))
@FAST
@given(data=st.data(), k=st.fractions(min_value=Fraction(1, 7), max_value=7))
def test_scaling_every_weight_keeps_the_result(method, data, k):
    n, ballots = data.draw(ballots_for(method))
    labels = [f"O{i}" for i in range(n)]
    order = list(range(n))
    one = count_weighted(method, labels, ballots, [Fraction(1)] * len(ballots), order)
    scaled = count_weighted(method, labels, ballots, [k] * len(ballots), order)
    assert (scaled.order, scaled.tied, scaled.winner, scaled.ballots) == (
        one.order, one.tied, one.winner, one.ballots)
    assert all(abs(s - t * float(k)) < 1e-9
               for s, t in zip(scaled.totals, one.totals, strict=True))


@pytest.mark.parametrize("method", list(PLAIN))
@FAST
@given(data=st.data())
def test_a_ballot_weighing_two_counts_as_two_ballots(method, data):
    n, ballots = data.draw(ballots_for(method))
    labels = [f"O{i}" for i in range(n)]
    order = list(range(n))
    doubled = count_weighted(method, labels, ballots, [Fraction(2)] * len(ballots), order)
    twice = count_weighted(method, labels, ballots + ballots, [Fraction(1)] * 2 * len(ballots),
                           order)
    assert (doubled.totals, doubled.order, doubled.tied) == (twice.totals, twice.order,
                                                             twice.tied)


def test_score_and_dots_are_multiplied_by_the_weight():
    ballots = [Ballot(points=((0, 4), (1, 2))), Ballot(points=((1, 3),))]
    for method in (Method.SCORE, Method.DOTS):
        count = count_weighted(method, OPTIONS, ballots, [Fraction(1, 2), Fraction(3)],
                               [0, 1, 2])
        assert count.totals == (2.0, 10.0, 0.0)


def test_choice_counts_only_the_first_pick_and_multi_counts_every_pick():
    ballots = [Ballot(picks=(2, 1)), Ballot(picks=(1,))]
    weights = [Fraction(3, 2), Fraction(1, 2)]
    choice = count_weighted(Method.PLURALITY, OPTIONS, ballots, weights, [0, 1, 2])
    multi = count_weighted(Method.APPROVAL, OPTIONS, ballots, weights, [0, 1, 2])
    assert choice.totals == (0.0, 0.5, 1.5) and choice.winner == 2
    assert multi.totals == (0.0, 2.0, 1.5) and multi.winner == 1


def test_empty_ballots_and_dotless_dots_ballots_are_not_counted_but_zero_scores_are():
    ballots = [Ballot(points=()), Ballot(points=((0, 0),)), Ballot(points=((1, 2),))]
    weights = [Fraction(1)] * 3
    dots = count_weighted(Method.DOTS, OPTIONS, ballots, weights, [0, 1, 2])
    score = count_weighted(Method.SCORE, OPTIONS, ballots, weights, [0, 1, 2])
    assert dots.ballots == 1 and dots.story[0] == f"1 ballot counted. {WEIGHTED_NOTE}"
    assert score.ballots == 2 and score.story[0] == f"2 ballots counted. {WEIGHTED_NOTE}"
    assert dots.winner == score.winner == 1


def test_no_counted_ballots_means_no_votes():
    count = count_weighted(Method.APPROVAL, OPTIONS, [Ballot(picks=())], [Fraction(1)],
                           [2, 0, 1])
    assert count.ballots == 0 and count.winner is None
    assert count.totals == (0, 0, 0) and count.order == (2, 0, 1)
    assert count.story == ("No votes were cast.",)


def test_weighted_story_lines():
    ballots = [Ballot(picks=(1,)), Ballot(picks=(2,)), Ballot(picks=(1,))]
    weights = [Fraction(1, 3), Fraction(4, 3), Fraction(4, 3)]
    count = count_weighted(Method.PLURALITY, OPTIONS, ballots, weights, [0, 1, 2])
    assert count.story == (f"3 ballots counted. {WEIGHTED_NOTE}",
                           "Weighted votes: Park 1.67, Pier 1.33, Library 0.",
                           "Park wins with 1.67 weighted votes.")
    assert count.winner == 1 and count.tied == ()


def test_weighted_tie_story_names_the_draws_first():
    ballots = [Ballot(points=((1, 2),)), Ballot(points=((2, 4),))]
    count = count_weighted(Method.DOTS, OPTIONS, ballots, [Fraction(1), Fraction(1, 2)],
                           [2, 0, 1])
    assert count.tied == (1, 2) and count.winner == 2 and count.order == (2, 1, 0)
    assert count.story[-1] == ("Pier and Park tie with 2 weighted dots each; the tie-break "
                               "order puts Pier first.")


def test_a_small_weighted_winner_still_wins_and_all_zero_means_no_support():
    small = count_weighted(Method.SCORE, OPTIONS, [Ballot(points=((1, 1),))], [Fraction(3, 4)],
                           [0, 1, 2])
    assert small.winner == 1 and small.story[-1] == "Park wins with 0.75 weighted points."
    zero = count_weighted(Method.SCORE, OPTIONS, [Ballot(points=((1, 0), (2, 0)))] * 2,
                          [Fraction(1), Fraction(1)], [0, 1, 2])
    assert zero.winner is None and zero.tied == ()
    assert zero.story[-1] == "No option got any support."


def test_ranked_and_consent_ballots_cannot_be_weighted():
    for method in (Method.SCHULZE, Method.IRV, Method.BORDA, Method.CONSENT):
        with pytest.raises(ValueError, match=f"^{method} ballots can't be weighted$"):
            count_weighted(method, OPTIONS, [], [], [0, 1, 2])


def test_every_ballot_needs_exactly_one_weight():
    with pytest.raises(ValueError):
        count_weighted(Method.PLURALITY, OPTIONS, [Ballot(picks=(0,))] * 2, [Fraction(1)],
                       [0, 1, 2])


def test_figures_are_shown_to_two_decimals_and_whole_numbers_without_a_point():
    assert str(shown(Fraction(1, 3))) == "0.33" and str(shown(Fraction(2, 3))) == "0.67"
    assert str(shown(Fraction(6, 2))) == "3" and str(shown(2.0)) == "2"
    assert str(shown(Fraction(1, 1000))) == "0" and str(shown(0.125)) == "0.12"


def test_stance_totals_with_and_without_weights():
    ballots = [Ballot(stance=Stance.AGREE), Ballot(stance=Stance.BLOCK), Ballot()]
    assert stance_totals(ballots) == {Stance.AGREE: 1, Stance.ABSTAIN: 0, Stance.DISAGREE: 0,
                                      Stance.BLOCK: 1}
    weighted = stance_totals(ballots, [Fraction(1, 2), Fraction(2), Fraction(5)])
    assert weighted[Stance.AGREE] == Fraction(1, 2) and weighted[Stance.BLOCK] == 2


# -- equal group weight through the whole count ---------------------------------------------


def test_score_poll_under_equal_weight():
    # Group A: 3 ballots worth 2/3 each; group B: 1 ballot worth 2.
    ballots = scored("a", {0: 5, 1: 1}, 3) + scored("b", {1: 5, 2: 3})
    out = decide_in_groups(spec(PollKind.SCORE), 1, ballots, 40, [A, B])
    assert out.winners == ("Park",) and out.unit == "weighted points"
    assert out.tallies == (("Park", 12), ("Library", 10), ("Pier", 6))
    assert out.reason == f"Park has the most weighted points: 12 of 4. {WEIGHTED_NOTE}"


def test_dots_poll_under_equal_weight():
    ballots = scored("a", {0: 3}, 3) + scored("b", {2: 2, 1: 1})
    out = decide_in_groups(spec(PollKind.DOTS), 1, ballots, 40, [A, B])
    assert out.winners == ("Library",)
    assert out.tallies == (("Library", 6), ("Pier", 4), ("Park", 2))
    assert out.reason == f"Library has the most weighted dots: 6 of 4. {WEIGHTED_NOTE}"


@pytest.mark.parametrize(("kind", "park", "pier", "unit"), [
    (PollKind.CHOICE, Ballot(picks=(1,)), Ballot(picks=(2,)), "weighted votes"),
    (PollKind.MULTI, Ballot(picks=(1,)), Ballot(picks=(2,)), "weighted supporters"),
    (PollKind.SCORE, Ballot(points=((1, 4),)), Ballot(points=((2, 4),)), "weighted points"),
    (PollKind.DOTS, Ballot(points=((1, 1),)), Ballot(points=((2, 1),)), "weighted dots"),
])
def test_an_exact_tie_under_equal_weight_goes_to_the_published_draw(kind, park, pier, unit):
    # Group A (2 ballots) backs Park, group B (1 ballot) backs Pier just as much: each group
    # weighs 1.5 ballots, so Park and Pier tie exactly.
    ballots = tagged("a", park, 2) + tagged("b", pier)
    out = decide_in_groups(spec(kind), NUMBER, ballots, 40, [A, B])
    winner = drawn(NUMBER, ("Park", "Pier"))[0]
    assert winner != "Park"  # the listing order would give Park
    assert out.winners == (winner,) and out.tied == ("Park", "Pier")
    assert out.reason.endswith(f"{WEIGHTED_NOTE} Park and Pier were tied; the poll's published "
                               f"tie-break order put {winner} first.")
    assert out.reason.startswith(f"{winner} has the most {unit}: ")
    assert [label for label, _ in out.tallies] == [winner, "Park", "Library"]


def test_a_one_ballot_poll_under_equal_weight():
    out = decide_in_groups(spec(PollKind.DOTS), 1, scored("a", {1: 3}), 40, [A, B])
    assert out.winners == ("Park",)
    assert out.reason == f"Park has the most weighted dots: 3 of 1. {WEIGHTED_NOTE}"
    assert out.story[0] == f"1 ballot counted. {WEIGHTED_NOTE}"


def test_an_option_exactly_at_the_threshold_under_equal_weight_wins():
    # A: 4 ballots worth 9/8 each, one for Park; B: 5 worth 9/10, four for Park. Park's
    # weighted share is exactly 52.5%, though adding it up in floating point falls just short.
    ballots = chose("a", 1) + chose("a", 0, 3) + chose("b", 1, 4) + chose("b", 0)
    met = decide_in_groups(spec(threshold=52.5), 1, ballots, 40, [A, B])
    assert met.winners == ("Park",) and met.passed is True
    assert met.reason.startswith("Park has 52% of ballots, meeting the 52.5% threshold.")
    short = decide_in_groups(spec(threshold=52.6), 1, ballots, 40, [A, B])
    assert short.winners == () and short.passed is False


def test_equal_weight_proposal_exactly_at_its_threshold_passes():
    # A: 2 agree (each 3/4); B: 1 disagree (3/2). Agree is exactly 50% of those taking a side.
    ballots = tagged("a", Ballot(stance=Stance.AGREE), 2) + tagged("b", Ballot(
        stance=Stance.DISAGREE))
    at = decide_in_groups(spec(PollKind.CONSENT, threshold=50.0), 1, ballots, 40, [A, B])
    plain = decide_in_groups(spec(PollKind.CONSENT), 1, ballots, 40, [A, B])
    assert at.passed is True and plain.passed is False
    assert at.reason == ("No blocks; 1.5 of 3 who took a side agreed (50%), meeting the at "
                         "least 50% needed.")
