"""Group rules as pure functions: parity, equal weight, quorum in each group, answers."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coproduction.answers import answer, unanswered
from bot.counting.rules import GroupInfo, Tagged, decide_in_groups, equal_weights, hold_for_answers
from bot.errors import BadInput
from bot.model import Ballot, Method, PollKind, PollSpec, Rule, Stance

OPTIONS = ("Park", "Library", "Pier")
STAFF = GroupInfo("staff", "Staff", 6)
LIVED = GroupInfo("lived", "Lived experience", 8)
CARERS = GroupInfo("carers", "Carers", 2)


def spec(kind: PollKind = PollKind.CHOICE, rule: Rule = Rule.MAJORITY, **more) -> PollSpec:
    method = {PollKind.CHOICE: Method.PLURALITY, PollKind.MULTI: Method.APPROVAL,
              PollKind.RANKED: Method.SCHULZE, PollKind.SCORE: Method.SCORE,
              PollKind.DOTS: Method.DOTS, PollKind.CONSENT: Method.CONSENT}[kind]
    options = tuple(s.value for s in Stance) if kind is PollKind.CONSENT else OPTIONS
    return PollSpec("Where?", options, kind, method, rule=rule, **more)


def picks(group: str, *choices: int) -> list[Tagged]:
    return [Tagged(Ballot(picks=(c,)), frozenset({group} if group else ())) for c in choices]


def stances(group: str, **counts: int) -> list[Tagged]:
    return [Tagged(Ballot(stance=Stance(s)), frozenset({group}))
            for s, n in counts.items() for _ in range(n)]


# -- equal weights ----------------------------------------------------------------------

memberships = st.lists(st.frozensets(st.sampled_from("abcd"), max_size=3), min_size=1,
                       max_size=40)


@given(memberships)
def test_equal_weights_add_up_to_the_ballots(tags):
    weights = equal_weights(tags)
    assert sum(weights) == len(tags)
    assert all(weight > 0 for weight in weights)


@given(st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=1, max_size=40))
def test_with_one_group_each_every_group_weighs_the_same(slugs):
    weights = equal_weights([frozenset({s} - {""}) for s in slugs])
    totals: Counter[str] = Counter()
    for slug, weight in zip(slugs, weights, strict=True):
        totals[slug] += weight
    assert len(set(totals.values())) == 1


def test_someone_in_two_groups_gives_each_half_a_membership():
    # a: one whole member and a half; b: a half. Each group counts as 1 ballot in total, so
    # the a-only ballot weighs 1 / 1.5 and the shared one (1/1.5 + 1/0.5) / 2.
    assert equal_weights([frozenset("a"), frozenset("ab")]) == [Fraction(2, 3), Fraction(4, 3)]


def test_one_group_or_none_changes_nothing():
    assert equal_weights([frozenset({"a"})] * 3) == [1, 1, 1]
    assert equal_weights([frozenset()] * 2) == [1, 1]
    assert equal_weights([]) == []
    # 3 in a, 1 in b: each group counts as 2 ballots.
    assert equal_weights([frozenset({"a"})] * 3 + [frozenset({"b"})]) == [
        Fraction(2, 3)] * 3 + [2]


def test_equal_weight_lets_a_small_group_count_as_much_as_a_big_one():
    ballots = picks("staff", 0, 0, 0, 0, 0, 1) + picks("lived", 1, 1, 1)
    groups = [STAFF, GroupInfo("lived", "Lived experience", 3)]
    majority = decide_in_groups(spec(), 1, ballots, 9, groups)
    weighted = decide_in_groups(spec(rule=Rule.EQUAL_WEIGHT), 1, ballots, 9, groups)
    assert majority.winners == ("Park",)
    assert weighted.winners == ("Library",)
    assert dict(weighted.tallies) == {"Library": 5.25, "Park": 3.75, "Pier": 0}
    assert weighted.unit == "weighted votes"


def test_equal_weight_on_a_proposal_weighs_stances():
    ballots = stances("staff", agree=6) + stances("lived", disagree=2)
    groups = [STAFF, GroupInfo("lived", "Lived experience", 2)]
    weighted = decide_in_groups(spec(PollKind.CONSENT, Rule.EQUAL_WEIGHT), 1, ballots, 8, groups)
    assert weighted.passed is False and "4 of 8 who took a side agreed (50%)" in weighted.reason


# -- parity -----------------------------------------------------------------------------


def test_parity_on_a_proposal_names_the_group_that_held_it_back():
    ballots = stances("staff", agree=6) + stances("lived", agree=3, disagree=4, abstain=1)
    outcome = decide_in_groups(spec(PollKind.CONSENT, Rule.PARITY), 1, ballots, 14,
                               [STAFF, LIVED])
    assert outcome.passed is False
    assert outcome.summary == ("Not passed: 3 of 8 in Lived experience agreed; the rule needs a "
                               "majority in every group.")
    assert outcome.reason.startswith("Overall: No blocks; 9 of 13 who took a side agreed")
    assert dict(outcome.groups) == {
        "Lived experience":
            "8 ballots: agree 3, abstain 1, disagree 4, block 0; it did not win here",
        "Staff": "6 ballots: agree 6, abstain 0, disagree 0, block 0; it won here",
    }


def test_parity_passes_when_every_group_agrees_and_says_so():
    ballots = stances("staff", agree=4, disagree=2) + stances("lived", agree=5, disagree=3)
    outcome = decide_in_groups(spec(PollKind.CONSENT, Rule.PARITY), 1, ballots, 14,
                               [STAFF, LIVED])
    assert outcome.passed is True
    assert "It also won in every group that voted (Staff and Lived experience)." in \
        outcome.reason


def test_parity_uses_the_threshold_in_each_group():
    ballots = picks("staff", 0, 0, 0, 0, 0, 1) + picks("lived", 0, 0, 0, 0, 0, 1, 1, 2)
    loose = decide_in_groups(spec(rule=Rule.PARITY), 1, ballots, 14, [STAFF, LIVED])
    strict = decide_in_groups(spec(rule=Rule.PARITY, threshold=65.0), 1, ballots, 14,
                              [STAFF, LIVED])
    assert loose.winners == ("Park",)
    assert strict.winners == () and strict.passed is False
    assert strict.summary == ("No decision: 5 of 8 in Lived experience chose Park; the rule needs "
                              "at least 65% in every group.")


def test_parity_with_a_small_group_decides_without_showing_its_numbers():
    ballots = stances("staff", agree=6) + stances("carers", disagree=1, agree=1)
    outcome = decide_in_groups(spec(PollKind.CONSENT, Rule.PARITY), 1, ballots, 8,
                               [STAFF, CARERS])
    assert outcome.passed is False
    assert "not enough in Carers agreed (fewer than 5 voted there, so numbers are not shown)" \
        in outcome.summary
    assert dict(outcome.groups)["Carers"] == "fewer than 5 — not shown; it did not win here"
    assert "1 of 2" not in outcome.summary + outcome.reason + str(outcome.groups)


def test_parity_on_ranked_polls_needs_the_winner_first_in_each_group():
    ranked = [Tagged(Ballot(picks=order), frozenset({g})) for g, order, n in (
        ("staff", (0, 1, 2), 6), ("lived", (1, 0, 2), 5)) for _ in range(n)]
    outcome = decide_in_groups(spec(PollKind.RANKED, Rule.PARITY), 1, ranked, 11,
                               [STAFF, GroupInfo("lived", "Lived experience", 5)])
    assert outcome.winners == ()
    assert outcome.summary == ("No decision: Park was not first in Lived experience (counting "
                               "its 5 ballots); the rule needs the winner to come first in every "
                               "group.")
    assert dict(outcome.groups)["Staff"] == (
        "6 ballots; their first choice: Park; it won here")


def test_groups_that_did_not_take_part_or_have_no_members_are_not_checked():
    ballots = picks("staff", 0, 0, 0)
    groups = [STAFF, GroupInfo("lived", "Lived experience", 4), GroupInfo("empty", "Empty", 0)]
    outcome = decide_in_groups(spec(rule=Rule.PARITY), 1, ballots, 10, groups)
    assert outcome.winners == ("Park",)
    assert [name for name, _ in outcome.groups] == ["Staff", "Lived experience"]


def test_tags_of_groups_no_longer_declared_are_ignored():
    ballots = picks("gone", 1, 1) + picks("staff", 0)
    outcome = decide_in_groups(spec(rule=Rule.EQUAL_WEIGHT), 1, ballots, 3, [STAFF])
    # Two groups took part: Staff, and the voters in no (declared) group.
    assert dict(outcome.tallies) == {"Park": 1.5, "Library": 1.5, "Pier": 0}
    assert ("Not in a group", "fewer than 5 — not shown") in outcome.groups


# -- quorum in each group ---------------------------------------------------------------


def test_quorum_each_counts_each_group_against_its_members():
    ballots = picks("staff", 0, 0, 0) + picks("lived", 1, 1, 1)
    short = decide_in_groups(spec(quorum_each=50.0), 1, ballots, 14, [STAFF, LIVED])
    assert short.winners == ()
    assert short.summary == "No decision: not enough people voted in Lived experience."
    assert short.reason == ("3 of 8 in Lived experience voted, and 4 were needed. This poll "
                            "needs 50% of every group's members to vote.")
    met = decide_in_groups(spec(quorum_each=50.0), 1, ballots + picks("lived", 0), 14,
                           [STAFF, LIVED])
    assert met.winners == ("Park",) or met.winners == ("Library",)


def test_no_groups_means_the_plain_count():
    ballots = picks("", 0, 1, 1)
    outcome = decide_in_groups(spec(rule=Rule.PARITY), 1, ballots, 3, [])
    assert outcome.winners == ("Library",) and outcome.groups == ()


def test_min_group_size_hides_small_breakdowns():
    ballots = picks("staff", 0, 0, 1, 2, 2, 2)
    shown = decide_in_groups(spec(), 1, ballots, 6, [STAFF], min_group_size=5)
    hidden = decide_in_groups(spec(), 1, ballots, 6, [STAFF], min_group_size=7)
    assert dict(shown.groups)["Staff"] == "6 ballots: Pier 3, Park 2, Library 1"
    assert dict(hidden.groups)["Staff"] == "fewer than 7 — not shown"


# -- answers ----------------------------------------------------------------------------


def _consent_outcome(rule: Rule, **counts: int):
    ballots = []
    for stance, n in counts.items():
        reason = "too soon" if stance in ("block", "disagree") else None
        ballots += [Tagged(Ballot(stance=Stance(stance), reason=f"{reason} {i}" if reason else
                                  None)) for i in range(n)]
    return hold_for_answers(decide_in_groups(spec(PollKind.CONSENT, rule), 1, ballots, 9, []))


def test_under_the_consent_rule_a_block_waits_for_an_answer():
    outcome = _consent_outcome(Rule.CONSENT, agree=5, block=1, disagree=1)
    assert outcome.passed is None and not outcome.final and outcome.awaiting == 2
    assert outcome.reason.startswith("Waiting for the person who proposed it to answer 2 "
                                     "reasons before this is final.")
    once, answered = answer(outcome, "1", "We moved it to 6pm", "#1")
    assert answered == [1] and once.awaiting == 1 and once.passed is None
    final, _ = answer(once, None, "We will review it in a month", "#1")
    assert final.final and final.passed is True and final.summary == "Passed."
    assert final.responses == ((1, "We moved it to 6pm"), (2, "We will review it in a month"))


def test_under_the_default_rule_a_block_stops_it_and_answers_are_still_kept():
    outcome = _consent_outcome(Rule.MAJORITY, agree=5, block=1)
    assert outcome.final and outcome.passed is False
    answered, _ = answer(outcome, "1", "Noted", "#1")
    assert answered.responses == ((1, "Noted"),) and answered.passed is False


def test_a_failing_proposal_is_final_at_once():
    assert _consent_outcome(Rule.CONSENT, agree=1, disagree=3, block=1).final


@pytest.mark.parametrize(("which", "text", "message"), [
    ("3", "x", "reasons 1 to 2"),
    ("0", "x", "reasons 1 to 2"),
    (None, "x", "Say which"),
    ("1", "   ", "Write your answer"),
    ("1", "x" * 501, "500 characters"),
])
def test_answers_that_cannot_be_taken(which, text, message):
    outcome = _consent_outcome(Rule.CONSENT, agree=5, block=2)
    with pytest.raises(BadInput, match=message):
        answer(outcome, which, text, "#1")


@given(st.permutations([1, 2, 3]))
def test_answering_in_any_order_ends_final_with_every_answer(order):
    outcome = _consent_outcome(Rule.CONSENT, agree=5, block=2, disagree=1)
    for number in order:
        assert not outcome.final
        outcome, _ = answer(outcome, str(number), f"answer {number}", "#1")
    assert outcome.final and outcome.passed is True and unanswered(outcome) == []
    with pytest.raises(BadInput, match="already has an answer"):
        answer(outcome, "all", "more", "#1")
