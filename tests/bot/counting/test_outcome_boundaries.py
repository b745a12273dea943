"""Outcomes at their edges: every poll kind closing through ``decide``, the published draw,
quorum, threshold and consent exactly at their boundaries, and the words people read.

Each test pins what a person would see (the winner, passed or not, the words of the
reason), so a wrong count or a wrong boundary fails here.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from fractions import Fraction

import pytest

from bot.commands import CreatePoll
from bot.counting.outcome import (
    ballot_summary,
    decide,
    first_option,
    rule_words,
    tiebreak_seed,
)
from bot.model import Actor, Ballot, Outcome, PollKind, PollSpec, Rule, SpaceRef, Stance
from bot.polls.kinds import build_spec

ACTOR = Actor("console", "local", "alice", "alice")
SPACE = SpaceRef("console", "local", "playground")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
QUESTION = "Where should we meet?"
PLACES = ("Library", "Park", "Pier")
#: A poll number whose draw (for QUESTION and PLACES) is neither the listing order nor the
#: draw of a wrong seed, so a tie broken any other way shows here.
NUMBER = 8
WEIGHTED_NOTE = "Each group's ballots weigh the same in total, whatever the group's size."


def spec(*options: str, kind: str = "choice", question: str = QUESTION, **kw) -> PollSpec:
    if kind == "consent":
        options = ()
    return build_spec(CreatePoll(ACTOR, SPACE, question=question, options=options, kind=kind,
                                 **kw), NOW, "UTC")


def drawn(number: int, question: str, labels: tuple[str, ...] | list[str]) -> list[str]:
    """The documented draw, recomputed here: smallest SHA-256 of "poll N: question\\nlabel"."""
    return sorted(labels, key=lambda label: hashlib.sha256(
        f"poll {number}: {question}\n{label}".encode()).hexdigest())


def picks(*indices: int) -> list[tuple[None, Ballot]]:
    return [(None, Ballot(picks=(i,))) for i in indices]


def multi(*chosen: tuple[int, ...]) -> list[tuple[None, Ballot]]:
    return [(None, Ballot(picks=c)) for c in chosen]


def ranks(*orders: tuple[int, ...]) -> list[tuple[None, Ballot]]:
    return [(None, Ballot(picks=o)) for o in orders]


def points(*ballots: dict[int, int]) -> list[tuple[None, Ballot]]:
    return [(None, Ballot(points=tuple(sorted(b.items())))) for b in ballots]


def stances(**counts: int) -> list[tuple[None, Ballot]]:
    return [(None, Ballot(stance=Stance(s))) for s, n in counts.items() for _ in range(n)]


def _wrong_draws(labels: tuple[str, ...]) -> set[str]:
    """Who would come first if the draw were left out or seeded with something missing."""
    def first(seed: str) -> str:
        return min(labels, key=lambda label: hashlib.sha256(f"{seed}\n{label}".encode())
                   .hexdigest())

    return {labels[0], first("None"), first(f"poll None: {QUESTION}"),
            first(f"poll {NUMBER}: None")}


@pytest.mark.parametrize("labels", [PLACES, PLACES[1:]])
def test_the_chosen_poll_number_tells_the_real_draw_from_wrong_ones(labels):
    assert drawn(NUMBER, QUESTION, labels)[0] not in _wrong_draws(labels)
    assert tiebreak_seed(NUMBER, QUESTION) == f"poll {NUMBER}: {QUESTION}"


# -- every kind closes through decide, with its own words ---------------------------------


def test_choice_poll_outcome_in_full():
    out = decide(spec(*PLACES), 3, picks(1, 1, 0, 2, 1, 0), eligible=9)
    assert out == Outcome(
        summary="Park wins.", reason="Park has the most votes: 3 of 6.", winners=("Park",),
        tallies=(("Park", 3), ("Library", 2), ("Pier", 1)),
        story=("6 ballots counted.", "Votes: Park 3, Library 2, Pier 1.",
               "Park wins with 3 votes."),
        voted=6, eligible=9, unit="votes")


def test_multi_poll_closes_with_approval_and_says_how_many_chose_the_winner():
    out = decide(spec(*PLACES, kind="multi"), 3, multi((0, 1), (1,), (1, 2), (2,)), eligible=4)
    assert out.summary == "Park wins." and out.winners == ("Park",)
    assert out.reason == "Park has the most support: 3 of 4 people chose it."
    assert out.unit == "supporters" and dict(out.tallies) == {"Park": 3, "Pier": 2, "Library": 1}
    assert out.story[1].startswith("Approvals: Park 3, Pier 2, Library 1")


def test_multi_poll_with_a_threshold_counts_supporters_against_ballots():
    needs = spec(*PLACES, kind="multi", threshold="75%")
    met = decide(needs, 3, multi((0, 1), (1,), (1, 2), (2,)), eligible=4)
    short = decide(needs, 3, multi((2,), (2, 0), (2, 1), (1,), (0,)), eligible=5)
    assert met.passed is True and met.winners == ("Park",)
    assert met.reason == "Park has 75% of ballots, meeting the 75% threshold."
    assert short.passed is False and short.winners == ()
    assert short.reason == ("Pier had the most support, 60% of ballots, but this poll needed "
                            "75%.")


@pytest.mark.parametrize(("method", "reason"), [
    ("schulze", "Pier comes first when every pair of options is compared."),
    ("irv", "Pier won the instant runoff."),
    ("borda", "Pier has the most points: 5."),
])
def test_ranked_poll_reasons(method, reason):
    ballots = ranks((2, 1, 0), (2, 0, 1), (1, 2, 0))
    out = decide(spec(*PLACES, kind="ranked", method=method), 3, ballots, eligible=3)
    assert out.summary == "Pier wins." and out.winners == ("Pier",)
    assert out.reason == reason


@pytest.mark.parametrize(("method", "winner"), [
    ("schulze", "Park"), ("borda", "Park"), ("irv", "Library")])
def test_each_ranked_method_counts_its_own_way(method, winner):
    # Park beats both others head to head, but has the fewest first preferences, so the
    # instant runoff drops it first.
    ballots = ranks(*[(0, 1, 2)] * 4, *[(2, 1, 0)] * 3, *[(1, 0, 2)] * 2)
    out = decide(spec(*PLACES, kind="ranked", method=method), 3, ballots, eligible=9)
    assert out.winners == (winner,)


def test_irv_counts_rounds_where_plurality_would_not():
    # Library and Park start level; Park wins once Pier's ballot moves to it.
    ballots = ranks((0,), (0,), (1, 2), (1,), (2, 1))
    out = decide(spec(*PLACES, kind="ranked", method="irv"), 3, ballots, eligible=5)
    assert out.winners == ("Park",) and out.reason == "Park won the instant runoff."
    assert out.unit == "votes in the last round they were in"


def test_score_poll_says_points_and_dots_poll_says_dots():
    score = decide(spec(*PLACES, kind="score"), 3, points({0: 2, 1: 5}, {1: 4, 2: 5}),
                   eligible=2)
    dots = decide(spec(*PLACES, kind="dots", dots=5), 3, points({0: 2, 1: 3}, {2: 4}),
                  eligible=2)
    assert score.reason == "Park has the most points: 9." and score.unit == "points"
    assert dict(score.tallies) == {"Park": 9, "Pier": 5, "Library": 2}
    assert dots.reason == "Pier has the most dots: 4." and dots.unit == "dots"
    assert dict(dots.tallies) == {"Pier": 4, "Park": 3, "Library": 2}


def test_score_poll_where_everyone_scores_zero_decides_nothing():
    out = decide(spec(*PLACES, kind="score"), 3, points({0: 0, 1: 0}, {2: 0}), eligible=2)
    assert out.summary == "No decision." and out.reason == "No option got any support."
    assert out.winners == () and out.passed is None and out.voted == 2
    assert dict(out.tallies) == {"Library": 0, "Park": 0, "Pier": 0}
    assert out.story[-1] == "No option got any support."


def test_nobody_voted_keeps_the_numbers():
    out = decide(spec(*PLACES, kind="dots"), 3, [], eligible=4)
    assert out == Outcome(summary="No decision.", reason="Nobody voted.", voted=0, eligible=4,
                          unit="dots")


def test_open_poll_lists_who_chose_what_sorted_and_names_the_nameless_someone():
    ballots = [("zoe", Ballot(picks=(1,))), (None, Ballot(picks=(0,))),
               ("bob", Ballot(picks=(2,)))]
    out = decide(spec(*PLACES, anonymous=False), 3, ballots, eligible=3)
    assert out.voters == (("bob", "Pier"), ("someone", "Library"), ("zoe", "Park"))


# -- ties: shown, and broken by the published draw, under every method ---------------------


def _tie_note(tied: list[str], winner: str) -> str:
    names = tied[0] if len(tied) == 1 else ", ".join(tied[:-1]) + " and " + tied[-1]
    return f" {names} were tied; the poll's published tie-break order put {winner} first."


TIES = [
    ("choice", {}, picks(0, 1, 2), PLACES, "{w} has the most votes: 1 of 3."),
    ("choice", {}, picks(1, 2, 1, 2, 0), PLACES[1:], "{w} has the most votes: 2 of 5."),
    ("multi", {}, multi((1, 2), (0,), (1, 2)), PLACES[1:],
     "{w} has the most support: 2 of 3 people chose it."),
    ("ranked", {"method": "schulze"}, ranks((1, 2, 0), (2, 1, 0)), PLACES[1:],
     "{w} comes first when every pair of options is compared."),
    ("ranked", {"method": "irv"}, ranks((1,), (2,)), PLACES[1:], "{w} won the instant runoff."),
    ("ranked", {"method": "borda"}, ranks((1, 2, 0), (2, 1, 0)), PLACES[1:],
     "{w} has the most points: 3."),
    ("score", {}, points({1: 4, 2: 1}, {1: 1, 2: 4}), PLACES[1:], "{w} has the most points: 5."),
    ("dots", {}, points({0: 1, 1: 2, 2: 2}), PLACES[1:], "{w} has the most dots: 2."),
]


@pytest.mark.parametrize(("kind", "more", "ballots", "tied", "words"), TIES)
def test_a_tie_is_shown_and_the_published_draw_picks_the_winner(kind, more, ballots, tied,
                                                                words):
    out = decide(spec(*PLACES, kind=kind, **more), NUMBER, ballots, eligible=9)
    winner = drawn(NUMBER, QUESTION, tied)[0]
    assert out.winners == (winner,) and out.summary == f"{winner} wins."
    assert out.tied == tied
    assert out.reason == words.format(w=winner) + _tie_note(list(tied), winner)
    assert out.tallies[0][0] == winner
    # The poll's order among the tied options is the draw, not the listing.
    assert [label for label, _ in out.tallies[:len(tied)]] == drawn(NUMBER, QUESTION, tied)


def test_the_same_tie_in_another_poll_can_go_the_other_way():
    # Same ballots and question, another poll number: the draw is the poll's own.
    results = {decide(spec(*PLACES), n, picks(1, 2), eligible=2).winners[0] for n in range(1, 9)}
    assert results == {"Park", "Pier"}
    for n in range(1, 9):
        assert decide(spec(*PLACES), n, picks(1, 2), eligible=2).winners[0] == \
            drawn(n, QUESTION, PLACES[1:])[0]


def test_a_tie_depends_on_the_question_too():
    for question in ("Where?", "Where now?", "Which place?", "Pick one", QUESTION):
        out = decide(spec(*PLACES, question=question), NUMBER, picks(0, 1, 2), eligible=3)
        assert out.winners == (drawn(NUMBER, question, PLACES)[0],)


def test_first_option_in_a_group_uses_the_same_draw():
    ballots = [b for _, b in picks(1, 2)]
    assert first_option(spec(*PLACES), NUMBER, ballots) == \
        PLACES.index(drawn(NUMBER, QUESTION, PLACES[1:])[0])


def test_a_tie_at_the_threshold_says_both_things():
    out = decide(spec(*PLACES, threshold="40%"), NUMBER, picks(1, 2, 1, 2, 0), eligible=5)
    winner = drawn(NUMBER, QUESTION, PLACES[1:])[0]
    assert out.passed is True and out.winners == (winner,) and out.tied == PLACES[1:]
    assert out.reason == (f"{winner} has 40% of ballots, meeting the 40% threshold."
                          + _tie_note(list(PLACES[1:]), winner))
    short = decide(spec(*PLACES, threshold="41%"), NUMBER, picks(1, 2, 1, 2, 0), eligible=5)
    assert short.passed is False and short.tied == PLACES[1:]
    assert short.reason == (f"{winner} had the most support, 40% of ballots, but this poll "
                            "needed 41%." + _tie_note(list(PLACES[1:]), winner))


# -- quorum ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("quorum", "eligible", "needed"), [
    ("3", 10, 3), ("50%", 6, 3), ("50%", 5, 3), ("30%", 10, 3), ("25%", 9, 3)])
def test_quorum_met_exactly_decides(quorum, eligible, needed):
    out = decide(spec(*PLACES, quorum=quorum), 3, picks(*[1] * needed), eligible=eligible)
    assert out.winners == ("Park",) and out.summary == "Park wins."


@pytest.mark.parametrize(("quorum", "eligible", "needed", "words"), [
    ("3", 10, 3, "3 people"), ("2", 10, 2, "2 people"), ("50%", 5, 3, "50% of members"),
    ("25%", 9, 3, "25% of members"), ("12.5%", 16, 2, "12.5% of members")])
def test_quorum_one_short_says_so_with_the_numbers(quorum, eligible, needed, words):
    voted = needed - 1
    out = decide(spec(*PLACES, quorum=quorum), 3, picks(*[1] * voted), eligible=eligible)
    assert out.summary == "No decision: not enough people voted."
    assert out.reason == (f"{voted} of {eligible} members voted, and it needed at least "
                          f"{needed} ({words}) for the result to count.")
    assert out.winners == () and out.passed is None
    assert (out.voted, out.eligible, out.unit) == (voted, eligible, "votes")
    assert out.tallies[0] == ("Park", voted) and out.story[0].endswith("counted.")


def test_quorum_short_on_a_proposal_does_not_pass():
    out = decide(spec(kind="consent", quorum="4"), 3, stances(agree=3), eligible=8)
    assert out.passed is False and out.summary == "No decision: not enough people voted."
    assert out.reason == ("3 of 8 members voted, and it needed at least 4 (4 people) for the "
                          "result to count.")
    assert dict(out.tallies)["agree"] == 3
    met = decide(spec(kind="consent", quorum="4"), 3, stances(agree=4), eligible=8)
    assert met.passed is True and met.summary == "Passed."


# -- threshold -------------------------------------------------------------------------------


@pytest.mark.parametrize(("threshold", "ballots", "share"), [
    ("50%", (1, 1, 0, 2), 50), ("60%", (1, 1, 1, 0, 2), 60), ("75%", (1, 1, 0, 1), 75),
    ("100%", (1, 1), 100)])
def test_an_option_exactly_at_the_threshold_wins(threshold, ballots, share):
    out = decide(spec(*PLACES, threshold=threshold), 3, picks(*ballots), eligible=9)
    assert out.passed is True and out.winners == ("Park",) and out.summary == "Park wins."
    assert out.reason == (f"Park has {share}% of ballots, meeting the {threshold} threshold.")


@pytest.mark.parametrize(("threshold", "ballots", "share"), [
    ("50.5%", (1, 1, 0, 2), 50), ("51%", (1, 1, 0, 2), 50), ("60.1%", (1, 1, 1, 0, 2), 60),
    ("66.67%", (1, 1, 0), 67), ("100%", (1, 1, 0), 67)])
def test_an_option_just_under_the_threshold_loses(threshold, ballots, share):
    out = decide(spec(*PLACES, threshold=threshold), 3, picks(*ballots), eligible=9)
    assert out.passed is False and out.winners == ()
    assert out.summary == "No decision: no option reached the threshold."
    assert out.reason == (f"Park had the most support, {share}% of ballots, but this poll "
                          f"needed {threshold.removesuffix('%')}%.")
    assert out.tallies[0] == ("Park", ballots.count(1))
    assert out.story[-1] == f"Park wins with {ballots.count(1)} votes."
    assert (out.voted, out.eligible, out.unit) == (len(ballots), 9, "votes")


def test_threshold_outcome_keeps_tallies_and_story():
    out = decide(spec(*PLACES, threshold="60%"), 3, picks(1, 1, 0), eligible=3)
    assert out.passed is True and out.tallies == (("Park", 2), ("Library", 1), ("Pier", 0))
    assert out.story == ("3 ballots counted.", "Votes: Park 2, Library 1, Pier 0.",
                         "Park wins with 2 votes.")
    assert out.reason == "Park has 67% of ballots, meeting the 60% threshold."
    assert (out.voted, out.eligible, out.tied) == (3, 3, ())


# -- proposals (consent) -----------------------------------------------------------------------


def test_everyone_abstaining_does_not_pass_and_says_why():
    out = decide(spec(kind="consent"), 3, stances(abstain=4), eligible=5)
    assert out.passed is False and out.summary == "Not passed."
    assert out.reason == "Nobody agreed: everyone abstained."
    assert dict(out.tallies) == {"agree": 0, "abstain": 4, "disagree": 0, "block": 0}
    assert out.story == ("0 agree, 4 abstain, 0 disagree, 0 block.",)


def test_everyone_abstaining_with_a_threshold_does_not_pass():
    out = decide(spec(kind="consent", threshold="50%"), 3, stances(abstain=2), eligible=5)
    assert out.passed is False and out.reason == "Nobody agreed: everyone abstained."


@pytest.mark.parametrize(("counts", "passed", "words"), [
    ({"agree": 1}, True, "1 of 1 who took a side agreed (100%), meeting the more than half"),
    ({"disagree": 1}, False, "0 of 1 who took a side agreed (0%), short of the more than half"),
    ({"agree": 1, "abstain": 5}, True, "1 of 1 who took a side agreed (100%), meeting"),
    ({"agree": 2, "disagree": 2}, False, "2 of 4 who took a side agreed (50%), short of"),
    ({"agree": 3, "disagree": 2}, True, "3 of 5 who took a side agreed (60%), meeting"),
])
def test_one_side_or_an_even_split(counts, passed, words):
    out = decide(spec(kind="consent"), 3, stances(**counts), eligible=9)
    assert out.passed is passed and out.summary == ("Passed." if passed else "Not passed.")
    assert out.reason.startswith(f"No blocks; {words}")
    assert out.reason.endswith(" needed.")


@pytest.mark.parametrize(("threshold", "counts", "passed", "share"), [
    ("60%", {"agree": 3, "disagree": 2}, True, 60),
    ("60.1%", {"agree": 3, "disagree": 2}, False, 60),
    ("75%", {"agree": 3, "disagree": 1, "abstain": 4}, True, 75),
    ("66.67%", {"agree": 2, "disagree": 1}, False, 67),
    ("66.66%", {"agree": 2, "disagree": 1}, True, 67),
    ("30.77%", {"agree": 4, "disagree": 9}, False, 31),
    ("30.76%", {"agree": 4, "disagree": 9}, True, 31),
    ("50%", {"agree": 1, "disagree": 1}, True, 50),
    ("100%", {"agree": 1}, True, 100),
])
def test_proposal_threshold_at_its_boundary(threshold, counts, passed, share):
    out = decide(spec(kind="consent", threshold=threshold), 3, stances(**counts), eligible=9)
    assert out.passed is passed
    sided = counts.get("agree", 0) + counts.get("disagree", 0)
    verdict = "meeting" if passed else "short of"
    assert out.reason == (f"No blocks; {counts['agree']} of {sided} who took a side agreed "
                          f"({share}%), {verdict} the at least {threshold} needed.")


@pytest.mark.parametrize(("blocks", "who"), [(1, "1 person"), (2, "2 people")])
def test_a_block_stops_a_proposal_and_says_how_many(blocks, who):
    ballots = stances(agree=5) + [(None, Ballot(stance=Stance.BLOCK, reason=f"no {i}"))
                                  for i in range(blocks)]
    out = decide(spec(kind="consent"), 3, ballots, eligible=9)
    assert out.passed is False and out.summary == "Not passed: blocked."
    assert out.reason == (f"{who} blocked, and a proposal with a block does not pass. The "
                          "reasons are below.")
    assert out.reasons == tuple(("block", f"no {i}") for i in range(blocks))


def test_under_the_consent_rule_blocks_are_set_aside_and_named():
    ballots = [*stances(agree=3, disagree=1), (None, Ballot(stance=Stance.BLOCK, reason="x"))]
    out = decide(spec(kind="consent", rule="consent"), 3, ballots, eligible=9)
    assert out.passed is True
    assert out.reason == ("1 person blocked. Under the consent rule, a block is settled once the "
                          "person who proposed it answers it. Apart from the blocks, 3 of 4 who "
                          "took a side agreed (75%), meeting the more than half needed.")


def test_under_the_consent_rule_blocks_and_abstentions_alone_do_not_pass():
    ballots = stances(abstain=2) + [(None, Ballot(stance=Stance.BLOCK, reason="x"))] * 2
    out = decide(spec(kind="consent", rule="consent"), 3, ballots, eligible=9)
    assert out.passed is False and out.summary == "Not passed."
    # Not "everyone abstained": two people blocked.
    assert out.reason == ("2 people blocked. Under the consent rule, a block is settled once "
                          "the person who proposed it answers it. Apart from the blocks, nobody "
                          "agreed or disagreed.")


def test_only_reasons_for_blocks_and_disagreements_are_listed_sorted():
    ballots = [(None, Ballot(stance=Stance.DISAGREE, reason="too far")),
               (None, Ballot(stance=Stance.DISAGREE)),
               (None, Ballot(stance=Stance.ABSTAIN, reason="away")),
               (None, Ballot(stance=Stance.AGREE, reason="yes")),
               (None, Ballot(stance=Stance.BLOCK, reason="access"))]
    out = decide(spec(kind="consent", rule="consent"), 3, ballots, eligible=9)
    assert out.reasons == (("block", "access"), ("disagree", "too far"))


def test_proposal_tallies_and_story_in_stance_order():
    out = decide(spec(kind="consent"), 3, stances(disagree=1, agree=2, abstain=3), eligible=9)
    assert out.tallies == (("agree", 2), ("abstain", 3), ("disagree", 1), ("block", 0))
    assert out.story == ("2 agree, 3 abstain, 1 disagree, 0 block.",)
    assert out.unit == "votes" and out.voted == 6 and out.eligible == 9


def test_weighted_proposal_story_and_reason():
    weights = [Fraction(3, 2), Fraction(3, 2), Fraction(1, 2), Fraction(1, 2)]
    out = decide(spec(kind="consent"), 3, stances(agree=2, abstain=1, disagree=1), 4, weights)
    assert out.unit == "weighted votes" and out.passed is True
    assert out.tallies == (("agree", 3), ("abstain", 0.5), ("disagree", 0.5), ("block", 0))
    assert out.story == ("3 agree, 0.5 abstain, 0.5 disagree, 0 block. " + WEIGHTED_NOTE,)
    assert out.reason == ("No blocks; 3 of 3.5 who took a side agreed (86%), meeting the more "
                          "than half needed.")


def test_weighted_proposal_where_everyone_abstains():
    out = decide(spec(kind="consent"), 3, stances(abstain=2), 2, [Fraction(1), Fraction(1)])
    assert out.passed is False and out.reason == "Nobody agreed: everyone abstained."


# -- the rule in words -------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "more", "words"), [
    ("choice", {}, "the option with the most support wins"),
    ("choice", {"threshold": "60%"}, "the top option needs at least 60% of the votes"),
    ("multi", {"threshold": "12.5%"}, "the top option needs at least 12.5% of the votes"),
    ("consent", {}, "it passes if nobody blocks and more agree than disagree"),
    ("consent", {"threshold": "75%"},
     "it passes if nobody blocks and at least 75% of those who take a side agree"),
    ("consent", {"rule": "consent"}, "it passes if no block is left unanswered and more agree "
     "than disagree. A block is settled when the person who proposed it answers it"),
    ("consent", {"rule": "consent", "threshold": "60%"}, "it passes if no block is left "
     "unanswered and at least 60% of those who take a side agree. A block is settled when the "
     "person who proposed it answers it"),
])
def test_rule_words_without_groups(kind, more, words):
    assert rule_words(spec(*PLACES, kind=kind, **more)) == words


def _grouped(kind: str, rule: str, threshold: float | None = None) -> PollSpec:
    return replace(spec(*PLACES, kind=kind), rule=Rule(rule), threshold=threshold)


@pytest.mark.parametrize(("kind", "rule", "threshold", "words"), [
    ("consent", "parity", None, "it passes if nobody blocks and more agree than disagree, and "
     "most of every group that votes must agree"),
    ("consent", "parity", 60.0, "it passes if nobody blocks and at least 60% of those who take "
     "a side agree, and at least 60% of every group that votes must agree"),
    ("choice", "parity", None, "the option with the most support wins, and most of every "
     "group that votes must choose it too"),
    ("multi", "parity", 55.0, "the top option needs at least 55% of the votes, and at least "
     "55% of every group that votes must choose it too"),
    ("ranked", "parity", None, "the option with the most support wins, and it must come first "
     "in every group that votes"),
    ("score", "parity", None, "the option with the most support wins, and it must come first "
     "in every group that votes"),
    ("dots", "equal-weight", None, "the option with the most support wins. Each group counts "
     "the same, however big it is"),
])
def test_rule_words_with_groups(kind, rule, threshold, words):
    assert rule_words(_grouped(kind, rule, threshold)) == words


def test_rule_words_for_an_ideas_round():
    ideas = replace(spec(*PLACES), kind=PollKind.IDEAS)
    assert rule_words(ideas) == "an ideas round: ideas are collected, nothing is decided"


@pytest.mark.parametrize(("kind", "ballot", "words"), [
    ("choice", Ballot(picks=(1,)), "Park"),
    ("multi", Ballot(picks=(0, 2)), "Library, Pier"),
    ("ranked", Ballot(picks=(2, 0, 1)), "Pier, then Library, then Park"),
    ("score", Ballot(points=((0, 5), (2, 1))), "Library 5, Pier 1"),
    ("dots", Ballot(points=((1, 3),)), "Park 3"),
    ("consent", Ballot(stance=Stance.BLOCK, reason="too far"), "block (too far)"),
    ("consent", Ballot(stance=Stance.AGREE), "agree"),
])
def test_a_ballot_in_a_few_words(kind, ballot, words):
    # What an open poll's outcome lists beside each name, and a voter's own confirmation.
    assert ballot_summary(spec(*PLACES, kind=kind), ballot) == words
