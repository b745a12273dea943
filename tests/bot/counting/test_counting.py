"""Example-based tests for bot.counting.tallies and bot.counting.ranked, with textbook cases."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest

from bot.counting.ranked import count_borda, count_irv, count_schulze
from bot.counting.tallies import (
    ConsentCount,
    Count,
    count_approval,
    count_consent,
    count_dots,
    count_plurality,
    count_score,
    tiebreak_order,
)

REPO_ROOT = Path(__file__).resolve().parents[3]

ABC = ["A", "B", "C"]
ABCD = ["A", "B", "C", "D"]

ALL_METHODS = [
    count_plurality,
    count_approval,
    count_score,
    count_dots,
]
RANKED_METHODS = [count_borda, count_schulze, count_irv]


def expand(groups: list[tuple[int, str]], labels: list[str]) -> list[list[int]]:
    """Turn (count, "ACB") groups into ranked ballots of option indices."""
    return [[labels.index(name) for name in ranking] for n, ranking in groups for _ in range(n)]


def pairwise(ballots: list[list[int]], n: int) -> list[list[int]]:
    """Brute-force d[x][y]: ballots ranking x above y (ranked beats unranked)."""
    d = [[0] * n for _ in range(n)]
    for ballot in ballots:
        position = {option: place for place, option in enumerate(ballot)}
        for x, y in itertools.permutations(range(n), 2):
            if position.get(x, n) < position.get(y, n):
                d[x][y] += 1
    return d


# --- Schulze: the 45-voter example from Wikipedia's "Schulze method" article -------------------

WIKI_LABELS = ["A", "B", "C", "D", "E"]
WIKI_GROUPS = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]
# The article's pairwise-preference matrix d[row][column].
WIKI_D = [
    [0, 20, 26, 30, 22],
    [25, 0, 16, 33, 18],
    [19, 29, 0, 17, 24],
    [15, 12, 28, 0, 14],
    [23, 27, 21, 31, 0],
]


def test_wikipedia_example_pairwise_matrix_matches_the_ballots() -> None:
    # Guards the hard-coded facts below against a transcription slip.
    assert pairwise(expand(WIKI_GROUPS, WIKI_LABELS), 5) == WIKI_D


def test_schulze_wikipedia_example() -> None:
    count = count_schulze(WIKI_LABELS, expand(WIKI_GROUPS, WIKI_LABELS))
    a, b, c, d, e = range(5)
    assert count.winner == e
    assert count.order == (e, a, c, b, d)
    assert count.tied == ()
    assert count.ballots == 45
    # Head-to-head wins: A beats C, D; B beats A, D; C beats B, E; D beats C; E beats A, B, D.
    assert count.totals == (2, 2, 2, 1, 3)
    assert count.story == (
        "45 ballots counted.",
        "E beats A 23 to 22.",
        "C beats E 24 to 21.",
        "E beats B 27 to 18.",
        "E beats D 31 to 14.",
        "No option beat every other one. Counting the chains of wins between them, E comes first.",
    )


def test_schulze_result_does_not_depend_on_tiebreak_without_ties() -> None:
    ballots = expand(WIKI_GROUPS, WIKI_LABELS)
    assert count_schulze(WIKI_LABELS, ballots, (3, 2, 1, 0, 4)).order == (4, 0, 2, 1, 3)


def test_schulze_cycle_is_resolved_by_strongest_paths() -> None:
    # A>B 6-3, B>C 7-2, C>A 5-4: the weakest link of the cycle (C over A) gives way.
    ballots = expand([(4, "ABC"), (3, "BCA"), (2, "CAB")], ABC)
    count = count_schulze(ABC, ballots)
    assert count.order == (0, 1, 2)
    assert count.totals == (1, 1, 1)
    assert count.story[1:] == (
        "A beats B 6 to 3.",
        "C beats A 5 to 4.",
        "No option beat every other one. Counting the chains of wins between them, A comes first.",
    )


def test_schulze_uses_winning_votes_not_margins() -> None:
    # Unranked options tie with each other, so: A>B 4-2, B>C 6-3, C>A 5-4. By winning votes
    # the weakest link is A>B (4), so B wins; by margins it would be C>A (+1), and A would win.
    ballots = [[0, 1, 2]] * 4 + [[1, 2]] * 2 + [[2]] * 3
    count = count_schulze(ABC, ballots)
    assert count.winner == 1
    assert count.order == (1, 2, 0)
    assert count.totals == (1, 1, 1)
    assert count.story[1:] == (
        "B beats C 6 to 3.",
        "A beats B 4 to 2.",
        "No option beat every other one. Counting the chains of wins between them, B comes first.",
    )


def test_schulze_ranked_option_beats_unranked_ones() -> None:
    count = count_schulze(ABC, [[1]] * 3 + [[0, 2]] * 2)
    assert count.winner == 1
    assert count.story[1] == "B beats A 3 to 2."
    assert count.story[-1] == "B wins: more people put it above each other option."


def test_schulze_unranked_options_are_tied_with_each_other() -> None:
    count = count_schulze(ABC, [[2]])
    assert count.order == (2, 0, 1)
    assert count.totals == (0, 0, 2)
    # A and B were never compared, so the tie-break orders them.
    assert count_schulze(ABC, [[2]], (1, 2, 0)).order == (2, 1, 0)


def test_schulze_tie_for_first_uses_tiebreak_and_reports_tied() -> None:
    ballots = [[0, 1], [1, 0]]
    count = count_schulze(["A", "B"], ballots)
    assert count.tied == (0, 1)
    assert count.winner == 0
    assert count.totals == (0, 0)
    assert count.story[1] == "A and B tie 1 to 1."
    assert "A and B tie for first" in count.story[-1]
    assert count_schulze(["A", "B"], ballots, (1, 0)).winner == 1


# --- Tennessee capital example (Wikipedia) ----------------------------------------------------

TN = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE = range(4)
TN_BALLOTS = (
    [[MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE]] * 42
    + [[NASHVILLE, CHATTANOOGA, KNOXVILLE, MEMPHIS]] * 26
    + [[CHATTANOOGA, KNOXVILLE, NASHVILLE, MEMPHIS]] * 15
    + [[KNOXVILLE, CHATTANOOGA, NASHVILLE, MEMPHIS]] * 17
)


def test_tennessee_irv_first_round_leader_loses() -> None:
    count = count_irv(TN, iter(TN_BALLOTS))
    assert count.winner == KNOXVILLE
    assert count.story == (
        "100 ballots counted.",
        "Round 1: Memphis 42, Nashville 26, Knoxville 17, Chattanooga 15. "
        "Chattanooga is out; its 15 votes move to the next choices.",
        "Round 2: Memphis 42, Knoxville 32, Nashville 26. "
        "Nashville is out; its 26 votes move to the next choices.",
        "Round 3: Knoxville 58, Memphis 42. Knoxville has more than half.",
    )
    # Final-round votes for the last two; votes at elimination for the others.
    assert count.totals == (42, 26, 15, 58)
    assert count.order == (KNOXVILLE, MEMPHIS, NASHVILLE, CHATTANOOGA)
    assert count.tied == ()


def test_tennessee_schulze_picks_condorcet_winner() -> None:
    count = count_schulze(TN, TN_BALLOTS)
    assert count.winner == NASHVILLE
    assert count.order == (NASHVILLE, CHATTANOOGA, KNOXVILLE, MEMPHIS)
    assert count.totals == (0, 3, 2, 1)
    assert count.story[1:] == (
        "Nashville beats Chattanooga 68 to 32.",
        "Nashville beats Knoxville 68 to 32.",
        "Nashville beats Memphis 58 to 42.",
        "Nashville wins: more people put it above each other option.",
    )


def test_tennessee_borda_points() -> None:
    count = count_borda(TN, TN_BALLOTS)
    # Memphis 42*3; Nashville 42*2+26*3+15+17; Chattanooga 42+26*2+15*3+17*2; Knoxville 26+30+51.
    assert count.totals == (126, 194, 173, 107)
    assert count.winner == NASHVILLE
    assert count.order == (NASHVILLE, CHATTANOOGA, MEMPHIS, KNOXVILLE)
    assert count.story[-1] == "Nashville wins with 194 points."


def test_tennessee_plurality() -> None:
    count = count_plurality(TN, (ballot[0] for ballot in TN_BALLOTS))
    assert count.totals == (42, 26, 15, 17)
    assert count.winner == MEMPHIS


# --- IRV details ------------------------------------------------------------------------------


def test_irv_exhausted_ballots_are_dropped() -> None:
    ballots = [[0]] * 4 + [[1]] * 3 + [[2]] * 2
    count = count_irv(ABC, ballots)
    assert count.winner == 0
    assert count.story[1:] == (
        "Round 1: A 4, B 3, C 2. C is out; 2 ballots have no further choice and drop out.",
        # 4 of the 7 ballots still in play is more than half, though not of all 9.
        "Round 2: A 4, B 3. A has more than half.",
    )


def test_irv_partial_transfer_mentions_both_parts() -> None:
    ballots = [[0]] * 4 + [[1]] * 3 + [[2, 1]] + [[2]]
    count = count_irv(ABC, ballots)
    assert count.story[1] == (
        "Round 1: A 4, B 3, C 2. C is out; 1 of its 2 votes moves on; "
        "1 ballot has no further choice and drops out."
    )
    assert count.winner == 0


def test_irv_backwards_tiebreak_uses_earlier_round() -> None:
    # Round 2 has B and C level on 6; B had fewer in round 1, so B goes even though the
    # tie-break order alone would remove C.
    ballots = [[0]] * 10 + [[1, 2]] * 5 + [[2, 1]] * 6 + [[3, 1, 2]] + [[3, 0]]
    count = count_irv(ABCD, ballots)
    assert count.story[1:] == (
        "Round 1: A 10, C 6, B 5, D 2. D is out; its 2 votes move to the next choices.",
        "Round 2: A 11, B 6, C 6. B is out (tied for fewest; fewer votes in round 1); "
        "its 6 votes move to the next choices.",
        "Round 3: C 12, A 11. C has more than half.",
    )
    assert count.winner == 2
    assert count.order == (2, 0, 1, 3)
    assert count.totals == (11, 6, 12, 2)


def test_irv_transferred_ballots_move_again() -> None:
    # D's ballots pass through C on their way to B, so C's pile holds 5 when it goes.
    ballots = [[0]] * 6 + [[1]] * 5 + [[2, 1]] * 3 + [[3, 2, 1]] * 2
    count = count_irv(ABCD, ballots)
    assert count.story[1:] == (
        "Round 1: A 6, B 5, C 3, D 2. D is out; its 2 votes move to the next choices.",
        "Round 2: A 6, B 5, C 5. C is out (tied for fewest; fewer votes in round 1); "
        "its 5 votes move to the next choices.",
        "Round 3: B 10, A 6. B has more than half.",
    )
    assert count.totals == (6, 10, 5, 2)


def test_irv_tiebreak_order_eliminates_latest_when_history_is_level() -> None:
    ballots = [[0]] * 4 + [[1, 2]] * 3 + [[2, 1]] * 3
    default = count_irv(ABC, ballots)
    assert "C is out (tied for fewest; by tie-break order)" in default.story[1]
    assert default.winner == 1
    assert default.tied == ()
    swapped = count_irv(ABC, ballots, (0, 2, 1))
    assert "B is out (tied for fewest; by tie-break order)" in swapped.story[1]
    assert swapped.winner == 2


def test_irv_final_two_tied_uses_tiebreak() -> None:
    ballots = [[0]] * 2 + [[1]] * 2 + [[2]]
    count = count_irv(ABC, ballots)
    assert count.tied == (0, 1)
    assert count.winner == 0
    assert count.story[-1] == (
        "Round 2: A 2, B 2. A and B are tied; the tie-break order puts A first."
    )
    assert count_irv(ABC, ballots, (2, 1, 0)).winner == 1


def test_irv_options_without_votes_go_out_together() -> None:
    labels = ["A", "B", "C", "D", "E"]
    ballots = [[0]] * 3 + [[1]] * 2 + [[2]] * 2
    count = count_irv(labels, ballots)
    assert count.story[1:] == (
        "Round 1: A 3, B 2, C 2. No votes for E and D, so they are out.",
        "Round 2: A 3, B 2, C 2. C is out (tied for fewest; by tie-break order); "
        "2 ballots have no further choice and drop out.",
        "Round 3: A 3, B 2. A has more than half.",
    )
    assert count.order == (0, 1, 2, 3, 4)
    assert count.totals == (3, 2, 2, 0, 0)


def test_irv_majority_in_first_round() -> None:
    count = count_irv(ABC, [[1, 0]] * 3 + [[0]])
    assert count.winner == 1
    assert count.story[1:] == ("Round 1: B 3, A 1. B has more than half.",)
    assert count.order == (1, 0, 2)


# --- simple methods ---------------------------------------------------------------------------


def test_plurality_counts_and_story() -> None:
    count = count_plurality(ABC, [2, 0, 2, 1, 2])
    assert count.totals == (1, 1, 3)
    assert count.order == (2, 0, 1)
    assert count.tied == ()
    assert count.ballots == 5
    assert count.story == ("5 ballots counted.", "Votes: C 3, A 1, B 1.", "C wins with 3 votes.")


def test_plurality_tie_broken_by_tiebreak() -> None:
    count = count_plurality(ABC, [0, 1, 2, 1, 0])
    assert count.tied == (0, 1)
    assert count.order == (0, 1, 2)
    assert count.story[-1] == "A and B tie with 2 votes each; the tie-break order puts A first."
    swapped = count_plurality(ABC, [0, 1, 2, 1, 0], (2, 1, 0))
    assert swapped.tied == (0, 1)
    assert swapped.order == (1, 0, 2)
    assert swapped.winner == 1


def test_approval_counts_and_ignores_empty_ballots() -> None:
    count = count_approval(ABC, [{0, 1}, {1}, set(), [2, 1], frozenset()])
    assert count.totals == (1, 3, 1)
    assert count.ballots == 3
    assert count.winner == 1
    assert count.story[-1] == "B wins with 3 approvals."


def test_approval_tie() -> None:
    count = count_approval(ABC, [{0, 2}, {2, 0}], (2, 0, 1))
    assert count.tied == (0, 2)
    assert count.order == (2, 0, 1)


def test_score_totals_and_averages() -> None:
    ballots = [{0: 5, 1: 2}, {0: 3, 2: 4}, {}, {1: 0}]
    count = count_score(ABC, ballots)
    assert count.totals == (8, 2, 4)
    assert count.ballots == 3  # the explicit zero ballot counts; the empty one does not
    assert count.story == (
        "3 ballots counted.",
        "Points: A 8, C 4, B 2.",
        "Average scores: A 2.7, C 1.3, B 0.7.",
        "A wins with 8 points.",
    )


def test_score_all_zero_means_no_winner() -> None:
    count = count_score(ABC, [{0: 0, 1: 0}])
    assert count.ballots == 1
    assert count.winner is None
    assert count.tied == ()
    assert count.story[-1] == "No option got any support."


def test_dots_totals_and_tie() -> None:
    ballots = [{0: 3, 1: 1}, {1: 2}, {2: 0}, {}]
    count = count_dots(ABC, ballots, (1, 0, 2))
    assert count.totals == (3, 3, 0)
    assert count.ballots == 2
    assert count.tied == (0, 1)
    assert count.winner == 1
    assert count.story[-1] == "B and A tie with 3 dots each; the tie-break order puts B first."


def test_borda_partial_rankings() -> None:
    # Four options: 3, 2, 1, 0 points by position; unranked options get nothing.
    count = count_borda(ABCD, [[0, 1, 2, 3], [3], [2, 0]])
    assert count.totals == (3 + 2, 2, 1 + 3, 3)
    assert count.order == (0, 2, 3, 1)
    assert count.tied == ()


def test_borda_tie() -> None:
    count = count_borda(ABC, [[0, 1], [1, 0]], (1, 0, 2))
    assert count.totals == (3, 3, 0)
    assert count.tied == (0, 1)
    assert count.winner == 1


# --- empty input, validation, generators ------------------------------------------------------


@pytest.mark.parametrize("method", ALL_METHODS, ids=lambda m: m.__name__)
def test_no_ballots(method) -> None:
    count = method(ABC, [], (2, 0, 1))
    assert count == Count((0, 0, 0), (2, 0, 1), (), ("No votes were cast.",), 0)
    assert count.winner is None


@pytest.mark.parametrize(
    ("method", "empty"),
    [
        (count_approval, set()),
        (count_score, {}),
        (count_dots, {}),
        (count_dots, {0: 0}),
        (count_borda, []),
        (count_schulze, ()),
        (count_irv, []),
    ],
    ids=lambda value: getattr(value, "__name__", repr(value)),
)
def test_empty_ballots_are_ignored(method, empty) -> None:
    count = method(ABC, [empty, empty])
    assert count.ballots == 0
    assert count.winner is None
    assert count.story == ("No votes were cast.",)


@pytest.mark.parametrize(
    ("method", "ballot"),
    [
        (count_plurality, 3),
        (count_plurality, -1),
        (count_plurality, "0"),
        (count_plurality, True),
        (count_approval, {0, 3}),
        (count_approval, [0, 0]),
        (count_score, {3: 1}),
        (count_score, {0: 6}),
        (count_score, {0: -1}),
        (count_score, {0: 2.5}),
        (count_dots, {-1: 1}),
        (count_dots, {0: -2}),
        (count_borda, [0, 3]),
        (count_schulze, [0, 3]),
        (count_schulze, [1, 1]),
        (count_schulze, [0.0, 1]),
        (count_irv, [-1]),
        (count_irv, [2, 0, 2]),
    ],
    ids=lambda value: getattr(value, "__name__", repr(value)),
)
def test_invalid_ballot_raises(method, ballot) -> None:
    with pytest.raises(ValueError):
        method(ABC, [ballot])


@pytest.mark.parametrize("method", ALL_METHODS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("labels", [["only"], [f"o{i}" for i in range(21)]])
def test_option_count_is_checked(method, labels) -> None:
    with pytest.raises(ValueError):
        method(labels, [])


@pytest.mark.parametrize("method", ALL_METHODS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("tiebreak", [(0, 1), (0, 0, 1), (0, 1, 3), (0, 1, 2, 3)])
def test_tiebreak_must_be_a_permutation(method, tiebreak) -> None:
    with pytest.raises(ValueError):
        method(ABC, [], tiebreak)


@pytest.mark.parametrize("method", RANKED_METHODS, ids=lambda m: m.__name__)
def test_ranked_ballots_may_be_generators(method) -> None:
    ballots = (iter(ranking) for ranking in [[0, 1], [0, 2], [1]])
    assert method(ABC, ballots).winner == 0


def test_many_options_and_ballots() -> None:
    labels = [f"o{i}" for i in range(20)]
    ballots = [list(range(i, 20)) + list(range(i)) for i in range(20)] * 50
    for method in RANKED_METHODS:
        count = method(labels, ballots)
        assert sorted(count.order) == list(range(20))
        assert count.ballots == 1000


# --- Count.winner, consent, tie-break draw, module wiring -------------------------------------


def test_winner_property() -> None:
    assert Count((0, 0), (0, 1), (), (), 0).winner is None
    assert Count((0, 0), (1, 0), (), (), 3).winner is None
    assert Count((0, 2), (1, 0), (), (), 3).winner == 1
    assert Count((0, 0), (1, 0), (0, 1), (), 2).winner == 1


def test_consent_counts() -> None:
    stances = ["agree"] * 5 + ["abstain", "disagree", "disagree", "block"]
    tally = count_consent(iter(stances))
    assert tally == ConsentCount(agree=5, abstain=1, disagree=2, block=1)
    assert tally.ballots == 9
    assert tally.story == ("5 agree, 1 abstain, 2 disagree, 1 block.",)


def test_consent_empty() -> None:
    tally = count_consent([])
    assert tally.ballots == 0
    assert tally.story == ("No stances were given.",)


@pytest.mark.parametrize("stance", ["yes", "Agree", "", None])
def test_consent_unknown_stance(stance) -> None:
    with pytest.raises(ValueError):
        count_consent(["agree", stance])


def test_tiebreak_order_follows_sha256() -> None:
    labels = ["Park", "Library", "Town hall", "Pier"]
    seed = "poll 7: Where should we meet?"
    digests = [hashlib.sha256(f"{seed}\n{label}".encode()).hexdigest() for label in labels]
    expected = tuple(sorted(range(4), key=digests.__getitem__))
    assert tiebreak_order(seed, labels) == expected
    assert tiebreak_order(seed, labels) == tiebreak_order(seed, list(labels))


def test_tiebreak_order_is_not_always_option_order() -> None:
    labels = ["Park", "Library", "Town hall", "Pier"]
    orders = {tiebreak_order(f"poll {i}", labels) for i in range(10)}
    assert len(orders) > 1
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)


def test_tiebreak_order_falls_back_to_index_for_equal_labels() -> None:
    assert tiebreak_order("seed", ["same", "same", "same"]) == (0, 1, 2)
