"""Result bars in the playground (issue 14): a ranked outcome shows places, the figure in
words beside every bar, and the winner on the longest bar."""

from __future__ import annotations


async def test_a_ranked_outcome_shows_each_place_beside_its_bar(driver):
    await driver.say('poll "Where?" "Library" "Park" "Pier" --kind ranked')
    for name in ("alice", "bob", "carol"):
        await driver.say(f"{name}: vote #1 2 1 3")
    out = await driver.say("close #1")
    rows = [line.strip() for line in out.splitlines() if "place" in line and "#" in line]
    assert rows == [
        "Park     ####################  1st place",
        "Library  #############.......  2nd place",
        "Pier     #######.............  3rd place",
    ]
    assert "Places come from comparing the options two at a time." in out
