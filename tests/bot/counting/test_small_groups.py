"""Small groups show no turnout or figures (issue 11, B).

A group with fewer members than ``min_group_size`` (5 by default) never has its turnout
shown: "0 of 1 in Carers voted" tells everyone whether the one carer voted. Whether a
rule that needs the group was met is still said, in plain words.
"""

from __future__ import annotations

from bot.counting.rules import GroupInfo, Tagged, decide_in_groups
from bot.model import Ballot, Method, PollKind, PollSpec

STAFF = ["dana", "eli", "fay", "gus", "hal"]


async def _staff_and_one_carer(driver) -> None:
    await driver.say("people " + " ".join([*STAFF, "cal"]))
    await driver.say('group add staff "Staff"')
    await driver.say('group add carers "Carers"')
    for name in STAFF:
        await driver.say(f"{name}: group join staff")
    await driver.say("cal: group join carers")


async def test_a_one_person_group_short_of_its_quorum_shows_no_turnout(driver):
    await _staff_and_one_carer(driver)
    await driver.say('poll "Which day?" "Mon" "Tue" --quorum-each 50%')
    for name in STAFF:
        await driver.say(f"{name}: vote #1 Mon")
    out = await driver.say("close #1")
    assert "No decision: not enough people voted in Carers." in out
    assert "of 1" not in out and "0 of" not in out
    assert "Carers: too few people to show numbers (fewer than 5)" in out
    assert "50% of every group's members" in out


async def test_a_one_person_group_that_met_its_quorum_shows_no_figures(driver):
    await _staff_and_one_carer(driver)
    await driver.say('poll "Which day?" "Mon" "Tue" --quorum-each 50%')
    for name in STAFF:
        await driver.say(f"{name}: vote #1 Mon")
    await driver.say("cal: vote #1 Tue")
    out = await driver.say("close #1")
    assert "Mon wins." in out
    # The overall tally is the poll's own; the lone carer gets no line of figures.
    assert "of 1" not in out and "Carers: 1" not in out
    assert "- Carers: fewer than 5 — not shown" in out
    assert "- Staff: 5 ballots: Mon 5, Tue 0" in out


async def test_live_results_hide_a_small_groups_turnout(driver):
    await _staff_and_one_carer(driver)
    await driver.say('poll "Which day?" "Mon" "Tue" --quorum-each 50% --show-results')
    for name in STAFF:
        await driver.say(f"{name}: vote #1 Mon")
    out = await driver.say("results #1")
    assert "of 1" not in out and "0 of" not in out
    out = await driver.say("polls")
    assert "of 1" not in out


async def test_a_group_at_the_size_still_shows_its_turnout(driver):
    lived = ["ivy", "jo", "kim", "lee", "max"]
    await driver.say("people " + " ".join(STAFF + lived))
    await driver.say('group add staff "Staff"')
    await driver.say('group add lived "Lived experience"')
    for name in STAFF:
        await driver.say(f"{name}: group join staff")
    for name in lived:
        await driver.say(f"{name}: group join lived")
    await driver.say('poll "Which day?" "Mon" "Tue" --quorum-each 60%')
    for name in STAFF + lived[:2]:
        await driver.say(f"{name}: vote #1 Mon")
    out = await driver.say("close #1")
    assert "2 of 5 in Lived experience voted, and 3 were needed." in out


def test_the_threshold_follows_min_group_size():
    spec = PollSpec("Where?", ("Park", "Pier"), PollKind.CHOICE, Method.PLURALITY,
                    quorum_each=50.0)
    staff = GroupInfo("staff", "Staff", 6)
    ballots = [Tagged(Ballot(picks=(0,)), frozenset({"staff"}))] * 2
    small = decide_in_groups(spec, 1, ballots, 6, [staff], min_group_size=7)
    assert "of 6" not in small.reason and "2 of" not in small.reason
    assert "too few people to show numbers (fewer than 7)" in small.reason
    shown = decide_in_groups(spec, 1, ballots, 6, [staff], min_group_size=5)
    assert shown.reason.startswith("2 of 6 in Staff voted, and 3 were needed.")
