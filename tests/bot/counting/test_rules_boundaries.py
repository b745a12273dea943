"""Group rules at their edges: parity exactly at the threshold, quorum in each group one
short or exactly met, small groups, ties inside a group, and the words people read."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from fractions import Fraction

import pytest

from bot.counting.rules import (
    NOT_FINAL,
    GroupInfo,
    Tagged,
    decide_in_groups,
    equal_weights,
    hold_for_answers,
)
from bot.model import Ballot, Method, Outcome, PollKind, PollSpec, Quorum, Rule, Stance, Verdict

OPTIONS = ("Park", "Library", "Pier")
QUESTION = "Where?"
STAFF = GroupInfo("staff", "Staff", 40)
LIVED = GroupInfo("lived", "Lived experience", 60)
CARERS = GroupInfo("carers", "Carers", 3)
METHODS = {PollKind.CHOICE: Method.PLURALITY, PollKind.MULTI: Method.APPROVAL,
           PollKind.RANKED: Method.SCHULZE, PollKind.SCORE: Method.SCORE,
           PollKind.DOTS: Method.DOTS, PollKind.CONSENT: Method.CONSENT}


def spec(kind: PollKind = PollKind.CHOICE, rule: Rule = Rule.MAJORITY, **more) -> PollSpec:
    options = tuple(s.value for s in Stance) if kind is PollKind.CONSENT else OPTIONS
    return PollSpec(QUESTION, options, kind, METHODS[kind], rule=rule, **more)


def drawn(number: int, labels: tuple[str, ...]) -> list[str]:
    """The documented draw, recomputed: smallest SHA-256 of "poll N: question\\nlabel"."""
    return sorted(labels, key=lambda label: hashlib.sha256(
        f"poll {number}: {QUESTION}\n{label}".encode()).hexdigest())


def picks(group: str, *choices: int) -> list[Tagged]:
    return [Tagged(Ballot(picks=(c,)), frozenset({group} if group else ())) for c in choices]


def approvals(group: str, *chosen: tuple[int, ...]) -> list[Tagged]:
    return [Tagged(Ballot(picks=c), frozenset({group})) for c in chosen]


def rankings(group: str, order: tuple[int, ...], n: int) -> list[Tagged]:
    return [Tagged(Ballot(picks=order), frozenset({group} if group else ()))] * n


def stances(group: str, **counts: int) -> list[Tagged]:
    return [Tagged(Ballot(stance=Stance(s)), frozenset({group}))
            for s, n in counts.items() for _ in range(n)]


# -- parity: the boundary within a group --------------------------------------------------------


def test_parity_without_threshold_needs_more_than_half_in_each_group():
    # Lived experience: exactly half chose Park. Half is not a majority.
    ballots = picks("staff", 0, 0, 0) + picks("lived", 0, 0, 1, 2)
    out = decide_in_groups(spec(rule=Rule.PARITY), 1, ballots, 100, [STAFF, LIVED])
    assert out.winners == () and out.passed is None
    assert out.summary == ("No decision: not enough in Lived experience chose Park (fewer than "
                           "5 voted there, so numbers are not shown); the rule needs a majority "
                           "in every group.")
    assert out.reason == ("Overall: Park has the most votes: 5 of 7. Under this rule, every "
                          "group must agree, so that is not enough on its own.")


def test_parity_without_threshold_is_met_just_over_half():
    # 26 of 51 is just over half (51%): a majority, so parity holds.
    ballots = picks("staff", 0, 0, 0) + picks("lived", *([0] * 26 + [1] * 25))
    out = decide_in_groups(spec(rule=Rule.PARITY), 1, ballots, 100, [STAFF, LIVED])
    assert out.winners == ("Park",)
    assert out.reason == ("Park has the most votes: 29 of 54. It also won in every group that "
                          "voted (Staff and Lived experience).")
    assert dict(out.groups)["Lived experience"] == "51 ballots: Park 26, Library 25, Pier 0; " \
        "it won here"


@pytest.mark.parametrize(("threshold", "met"), [(60.0, True), (60.5, False)])
def test_parity_with_a_threshold_is_met_exactly_at_it(threshold, met):
    # Lived experience: 3 of 5 (60%) chose Park; Staff all did.
    ballots = picks("staff", 0, 0, 0, 0, 0) + picks("lived", 0, 0, 0, 1, 2)
    out = decide_in_groups(spec(rule=Rule.PARITY, threshold=threshold), 1, ballots, 100,
                           [STAFF, LIVED])
    if met:
        assert out.winners == ("Park",) and out.passed is True
        assert dict(out.groups)["Lived experience"].endswith("; it won here")
    else:
        assert out.winners == () and out.passed is False
        assert out.summary == (f"No decision: 3 of 5 in Lived experience chose Park; the rule "
                               f"needs at least {threshold:g}% in every group.")


def test_parity_threshold_that_is_not_a_simple_fraction():
    # 4 of 13 is 30.769…%, just under 30.77%: not met in that group, though the threshold
    # rounded to a fraction with a small denominator would let it through.
    lived = picks("lived", *[0] * 4 + [1] * 3 + [2] * 6)
    loose = decide_in_groups(spec(rule=Rule.PARITY, threshold=30.76), 1,
                             picks("staff", *[0] * 9) + lived, 100, [STAFF, LIVED])
    strict = decide_in_groups(spec(rule=Rule.PARITY, threshold=30.77), 1,
                              picks("staff", *[0] * 9) + lived, 100, [STAFF, LIVED])
    assert loose.winners == ("Park",) and loose.passed is True
    assert strict.winners == () and strict.passed is False
    assert strict.summary == ("No decision: 4 of 13 in Lived experience chose Park; the rule needs "
                              "at least 30.77% in every group.")


def test_parity_on_a_multi_poll_counts_who_approved_the_winner():
    # Park is approved by 3 of 4 in Lived experience, though first on only one ballot.
    ballots = (approvals("staff", (0,), (0, 1), (0,), (2,))
               + approvals("lived", (1, 0), (2, 0), (0,), (1,)))
    out = decide_in_groups(spec(PollKind.MULTI, Rule.PARITY), 1, ballots, 100, [STAFF, LIVED])
    assert out.winners == ("Park",)
    assert "It also won in every group that voted (Staff and Lived experience)." in out.reason
    assert dict(out.groups)["Lived experience"] == "fewer than 5 — not shown; it won here"


def test_parity_on_a_multi_poll_fails_where_few_approve_the_winner():
    ballots = (approvals("staff", (0,), (0, 1), (0,), (0, 2), (0,))
               + approvals("lived", (1, 0), (2,), (1,), (1, 2), (2,)))
    out = decide_in_groups(spec(PollKind.MULTI, Rule.PARITY), 1, ballots, 100, [STAFF, LIVED])
    assert out.winners == () and out.passed is None
    assert out.summary == ("No decision: 1 of 5 in Lived experience chose Park; the rule needs a "
                           "majority in every group.")
    assert dict(out.groups)["Lived experience"] == ("5 ballots: Library 3, Pier 3, Park 1; "
                                                    "it did not win here")


def test_parity_on_a_proposal_counts_agree_against_every_ballot_of_the_group():
    ballots = stances("staff", agree=5) + stances("lived", agree=3, abstain=3)
    out = decide_in_groups(spec(PollKind.CONSENT, Rule.PARITY), 1, ballots, 100,
                           [STAFF, LIVED])
    assert out.passed is False
    assert out.summary == ("Not passed: 3 of 6 in Lived experience agreed; the rule needs a "
                           "majority in every group.")
    more = decide_in_groups(spec(PollKind.CONSENT, Rule.PARITY), 1,
                            ballots + stances("lived", agree=1), 100, [STAFF, LIVED])
    assert more.passed is True


def test_parity_names_every_group_that_failed():
    groups = [STAFF, LIVED, GroupInfo("youth", "Youth", 9)]
    ballots = (picks("staff", *[0] * 9) + picks("lived", 0, 0, 1, 1, 2)
               + picks("youth", 0, 1, 1, 2, 2))
    out = decide_in_groups(spec(rule=Rule.PARITY), 1, ballots, 100, groups)
    assert out.summary == ("No decision: 2 of 5 in Lived experience chose Park and 1 of 5 in "
                           "Youth chose Park; the rule needs a majority in every group.")


def test_parity_on_ranked_polls_names_small_groups_without_numbers():
    ballots = rankings("staff", (0, 1, 2), 6) + rankings("carers", (1, 0, 2), 2)
    out = decide_in_groups(spec(PollKind.RANKED, Rule.PARITY), 1, ballots, 100,
                           [STAFF, CARERS])
    assert out.winners == () and out.passed is None
    assert out.summary == ("No decision: Park was not first in Carers (fewer than 5 voted "
                           "there, so numbers are not shown); the rule needs the winner to come "
                           "first in every group.")


def test_parity_on_score_polls_needs_the_winner_first_in_each_group():
    def scored(group: str, scores: dict[int, int], n: int) -> list[Tagged]:
        return [Tagged(Ballot(points=tuple(sorted(scores.items()))), frozenset({group}))] * n
    ballots = scored("staff", {0: 5, 1: 1}, 6) + scored("lived", {0: 1, 1: 4}, 5)
    out = decide_in_groups(spec(PollKind.SCORE, Rule.PARITY), 1, ballots, 100, [STAFF, LIVED])
    assert out.winners == ()
    assert out.summary.startswith("No decision: Park was not first in Lived experience "
                                  "(counting its 5 ballots)")
    assert dict(out.groups)["Lived experience"] == (
        "5 ballots: Library 20 points, Park 5 points, Pier 0 points; it did not win here")


def test_parity_in_a_group_whose_own_count_is_tied_follows_the_poll_draw():
    # In Lived experience Park and Library tie head to head; the poll's draw decides whether
    # Park also comes first there, as it does for the whole poll.
    for number in range(1, 7):
        ballots = (rankings("staff", (0, 1, 2), 6) + rankings("lived", (0, 1, 2), 1)
                   + rankings("lived", (1, 0, 2), 1))
        out = decide_in_groups(spec(PollKind.RANKED, Rule.PARITY), number, ballots, 100,
                               [STAFF, LIVED])
        park_first = drawn(number, ("Park", "Library"))[0] == "Park"
        assert (out.winners == ("Park",)) is park_first, number
        assert dict(out.groups)["Lived experience"].endswith(
            "it won here" if park_first else "it did not win here")


def test_an_overall_tie_with_groups_declared_follows_the_poll_draw():
    for number in range(1, 7):
        ballots = picks("staff", 0, 1)
        out = decide_in_groups(spec(), number, ballots, 100, [STAFF])
        assert out.winners == (drawn(number, ("Park", "Library"))[0],)


# -- quorum in each group ----------------------------------------------------------------------


def test_quorum_each_met_exactly_in_every_group():
    # 25% of 40 is 10; 25% of 60 is 15.
    ballots = picks("staff", *[0] * 10) + picks("lived", *[1] * 6 + [0] * 9)
    out = decide_in_groups(spec(quorum_each=25.0), 1, ballots, 100, [STAFF, LIVED])
    assert out.winners == ("Park",) and out.summary == "Park wins."


def test_quorum_each_one_short_in_a_group():
    ballots = picks("staff", *[0] * 10) + picks("lived", *[1] * 5 + [0] * 9)
    out = decide_in_groups(spec(quorum_each=25.0), 1, ballots, 100, [STAFF, LIVED])
    assert out.winners == () and out.passed is None
    assert out.summary == "No decision: not enough people voted in Lived experience."
    assert out.reason == ("14 of 60 in Lived experience voted, and 15 were needed. This poll "
                          "needs 25% of every group's members to vote.")


def test_quorum_each_rounds_up_and_never_asks_for_more_than_the_group_has():
    # 34% of 3 is 1.02, so 2 are needed; 100% of 3 is all 3.
    two = decide_in_groups(spec(quorum_each=34.0), 1, picks("carers", 0, 0) + picks("staff"),
                           100, [CARERS])
    one = decide_in_groups(spec(quorum_each=34.0), 1, picks("carers", 0), 100, [CARERS])
    assert two.winners == ("Park",) and one.winners == ()
    assert one.reason == ("Not enough in Carers voted. Carers: too few people to show numbers "
                          "(fewer than 5). This poll needs 34% of every group's members to "
                          "vote.")


def test_quorum_each_on_a_threshold_poll_or_proposal_is_not_passed():
    threshold = decide_in_groups(spec(quorum_each=50.0, threshold=50.0), 1,
                                 picks("carers", 0), 100, [CARERS])
    proposal = decide_in_groups(spec(PollKind.CONSENT, quorum_each=50.0), 1,
                                stances("carers", agree=1), 100, [CARERS])
    plain = decide_in_groups(spec(quorum_each=50.0), 1, picks("carers", 0), 100, [CARERS])
    assert threshold.passed is False and proposal.passed is False and plain.passed is None
    assert threshold.winners == () and proposal.summary.startswith("No decision: not enough")


def test_a_group_of_exactly_the_minimum_size_shows_its_turnout():
    five = GroupInfo("five", "Five", 5)
    out = decide_in_groups(spec(quorum_each=80.0), 1, picks("five", 0, 0, 0), 100, [five],
                           min_group_size=5)
    assert out.reason == ("3 of 5 in Five voted, and 4 were needed. This poll needs 80% of every "
                          "group's members to vote.")


def test_quorum_each_names_several_short_groups():
    ballots = picks("staff", 0) + picks("lived", 1) + picks("carers", 0)
    out = decide_in_groups(spec(quorum_each=50.0), 1, ballots, 100, [STAFF, LIVED, CARERS])
    assert out.summary == ("No decision: not enough people voted in Staff, Lived experience and "
                           "Carers.")
    assert out.reason == ("1 of 40 in Staff voted, and 20 were needed; 1 of 60 in Lived "
                          "experience voted, and 30 were needed; not enough in Carers voted. "
                          "Carers: too few people to show numbers (fewer than 5). This poll "
                          "needs 50% of every group's members to vote.")


def test_overall_quorum_short_is_reported_before_any_group():
    ballots = picks("staff", 0, 0) + picks("lived", 1)
    out = decide_in_groups(spec(quorum=Quorum(count=4), quorum_each=50.0), 1, ballots, 100,
                           [STAFF, LIVED])
    assert out.summary == "No decision: not enough people voted."
    assert out.reason == ("3 of 100 members voted, and it needed at least 4 (4 people) for the "
                          "result to count.")
    met = decide_in_groups(spec(quorum=Quorum(count=3)), 1, ballots, 100, [STAFF, LIVED])
    assert met.winners == ("Park",)


def test_overall_quorum_by_percent_exactly_met_checks_the_groups_next():
    ballots = picks("staff", 0, 0, 0) + picks("lived", 1)
    out = decide_in_groups(spec(quorum=Quorum(percent=4.0), quorum_each=5.0), 1, ballots, 100,
                           [STAFF, LIVED])
    assert out.summary == "No decision: not enough people voted in Lived experience."


# -- group lines -------------------------------------------------------------------------------


def test_group_lines_for_multi_score_and_dots():
    multi = decide_in_groups(spec(PollKind.MULTI), 1,
                             approvals("staff", (0, 1), (1,), (1, 2), (0, 1), (2,)), 100,
                             [STAFF])
    assert dict(multi.groups)["Staff"] == "5 ballots: Library 4, Park 2, Pier 2"
    scores = [Tagged(Ballot(points=((0, 3), (2, 1))), frozenset({"staff"}))] * 3 + [
        Tagged(Ballot(points=((0, 2), (1, 5))), frozenset({"staff"}))] * 2
    score = decide_in_groups(spec(PollKind.SCORE), 1, scores, 100, [STAFF])
    dots = decide_in_groups(spec(PollKind.DOTS), 1, scores, 100, [STAFF])
    assert dict(score.groups)["Staff"] == "5 ballots: Park 13 points, Library 10 points, " \
        "Pier 3 points"
    assert dict(dots.groups)["Staff"] == "5 ballots: Park 13 dots, Library 10 dots, Pier 3 dots"


def test_a_group_with_exactly_min_group_size_ballots_is_shown():
    out = decide_in_groups(spec(), 1, picks("staff", 0, 0, 1, 2, 2), 100, [STAFF],
                           min_group_size=5)
    assert dict(out.groups)["Staff"] == "5 ballots: Park 2, Pier 2, Library 1"


def test_ranked_group_lines_use_the_poll_draw_and_say_none_without_rankings():
    for number in range(1, 7):
        ballots = rankings("staff", (0, 1), 3) + rankings("staff", (1, 0), 3)
        out = decide_in_groups(spec(PollKind.RANKED), number, ballots, 100, [STAFF])
        first = drawn(number, ("Park", "Library"))[0]
        assert dict(out.groups)["Staff"] == f"6 ballots; their first choice: {first}"
    empty = decide_in_groups(spec(PollKind.RANKED), 1, rankings("staff", (), 5), 100, [STAFF])
    assert dict(empty.groups)["Staff"] == "5 ballots; their first choice: none"


def test_voters_in_no_group_get_their_own_line():
    for number in range(1, 7):
        ballots = (rankings("", (0, 1), 3) + rankings("", (1, 0), 3)
                   + rankings("staff", (2, 1, 0), 1))
        out = decide_in_groups(spec(PollKind.RANKED), number, ballots, 100, [STAFF])
        first = drawn(number, ("Park", "Library"))[0]
        assert dict(out.groups)["Not in a group"] == f"6 ballots; their first choice: {first}"


# -- equal weight ------------------------------------------------------------------------------


def test_equal_weights_are_exact_fractions():
    weights = equal_weights([frozenset({"a"}), frozenset({"a"}), frozenset({"b"})])
    assert weights == [Fraction(3, 4), Fraction(3, 4), Fraction(3, 2)]
    assert all(isinstance(w, Fraction) for w in weights)


def test_a_passed_proposal_with_reasons_waits_and_remembers_what_it_will_be():
    passed = Outcome(summary="Passed.", reason="5 of 6 agreed.", passed=True,
                     reasons=(("disagree", "too late"), ("block", "clashes")))
    held = hold_for_answers(passed)
    assert (held.summary, held.passed, held.awaiting) == (NOT_FINAL, None, 2)
    assert held.reason == ("Waiting for the person who proposed it to answer 2 reasons before "
                           "this is final. 5 of 6 agreed.")
    assert held.pending == Verdict("Passed.", "5 of 6 agreed.", True)
    assert held.reasons == passed.reasons
    one = hold_for_answers(replace(passed, reasons=(("block", "clashes"),)))
    assert one.reason.startswith("Waiting for the person who proposed it to answer 1 reason "
                                 "before")
    # Nothing to wait for: not passed, or no reasons.
    assert hold_for_answers(replace(passed, passed=False)) == replace(passed, passed=False)
    assert hold_for_answers(replace(passed, reasons=())) == replace(passed, reasons=())
