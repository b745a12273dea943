"""The balance of voices: voice ratio and evenness (1 − Gini), as pure arithmetic."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.model import Group
from bot.voice_model import BalancePolicy
from bot.voices.balance import evenness, gini, lopsided, measure, voice_ratio

counts = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60)


def _gini_by_definition(values: list[int]) -> float:
    # The mean absolute difference over all pairs, halved and divided by the mean.
    n, total = len(values), sum(values)
    return sum(abs(a - b) for a in values for b in values) / (2 * n * total)


@given(counts)
def test_gini_is_between_0_and_1_and_matches_the_definition(values):
    value = gini(values)
    assert 0.0 <= value < 1.0
    if sum(values):
        assert math.isclose(value, _gini_by_definition(values), abs_tol=1e-9)


@given(st.integers(min_value=1, max_value=100), st.integers(min_value=0, max_value=1000))
def test_equal_counts_are_perfectly_even(n, count):
    assert gini([count] * n) == 0.0
    assert evenness([count] * n) == (1.0 if count else None)


@given(counts, st.randoms())
def test_order_and_scale_do_not_matter(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert math.isclose(gini(values), gini(shuffled), abs_tol=1e-12)
    assert math.isclose(gini(values), gini([3 * v for v in values]), abs_tol=1e-9)


def test_one_person_doing_everything():
    assert gini([0, 0, 0, 12]) == pytest.approx(0.75)  # (n - 1) / n
    assert evenness([0, 0, 0, 12]) == pytest.approx(0.25)
    assert evenness([]) is None and evenness([0, 0]) is None


def test_voice_ratio():
    assert voice_ratio(0.6, 0.3) == pytest.approx(2.0)
    assert voice_ratio(0.1, 0.5) == pytest.approx(0.2)
    assert voice_ratio(0.5, 0.0) is None


STAFF, LIVED, CARERS = Group("staff", "Staff"), Group("lived", "Lived experience"), Group(
    "carers", "Carers")


def test_measure_a_space_with_groups():
    people = {f"s{i}" for i in range(4)} | {f"l{i}" for i in range(6)}
    totals = {"s0": 20, "s1": 10, "s2": 5, "l0": 3, "l1": 2}
    members = {"staff": {f"s{i}" for i in range(4)}, "lived": {f"l{i}" for i in range(6)},
               "carers": {"c0"}}
    balance = measure([STAFF, LIVED, CARERS], members, people, totals, min_group_size=3)
    assert (balance.members, balance.contributors, balance.contributions) == (11, 5, 40)
    staff, lived = balance.groups
    assert (staff.members, staff.contributors, staff.contributions) == (4, 3, 35)
    assert staff.member_share == pytest.approx(4 / 11)
    assert staff.voice_share == pytest.approx(35 / 40)
    assert staff.ratio == pytest.approx((35 / 40) / (4 / 11))
    assert lived.ratio == pytest.approx((5 / 40) / (6 / 11))
    # The one carer is too few to show without singling them out.
    assert balance.too_small == ("Carers",)
    heavy = lopsided(balance, BalancePolicy(threshold=1.5, min_contributions=10))
    assert [g.group.slug for g in heavy] == ["staff"]
    assert lopsided(balance, BalancePolicy(threshold=1.5, min_contributions=41)) == []
    assert lopsided(balance, BalancePolicy(threshold=0)) == []


def test_members_in_two_groups_count_in_both_and_the_rest_are_shown_together():
    members = {"staff": {"a", "b", "c"}, "lived": {"c", "d", "e"}}
    everyone = ["a", "b", "c", "d", "e", "f", "g", "h"]
    balance = measure([STAFF, LIVED], members, everyone, {"c": 4, "f": 4})
    staff, lived, rest = balance.groups
    assert staff.contributions == lived.contributions == 4
    assert rest.group.name == "Not in any group" and rest.members == 3
    assert rest.contributions == 4


def test_no_contributions_means_no_ratio():
    balance = measure([STAFF], {"staff": {"a", "b", "c"}}, ["a", "b", "c", "d"], {})
    assert balance.evenness is None
    assert balance.groups[0].ratio is None
