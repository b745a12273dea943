"""Groups, facilitators and group rules, typed into the playground as people would.

alice is a facilitator (the playground gives its first person that role).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.commands import RolesSeen
from bot.voice_model import ContributionKind

STAFF = ["dana", "eli", "fay", "gus", "hal"]
LIVED = ["ivy", "jo", "kim", "lee", "max"]


async def _counts(driver, *tables: str) -> dict[str, int]:
    async with driver.core.store.engine.connect() as conn:
        return {t: (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()
                for t in tables}


async def _groups(driver, staff=STAFF, lived=LIVED) -> None:
    """Staff and Lived experience, each member joining themselves."""
    await driver.say("people " + " ".join(staff + lived))
    await driver.say('group add staff "Staff"')
    await driver.say('group add lived-experience "Lived experience"')
    for name in staff:
        await driver.say(f"{name}: group join staff")
    for name in lived:
        await driver.say(f"{name}: group join lived-experience")


async def test_facilitator_declares_groups_and_people_join_themselves(driver):
    out = await driver.say('group add lived-experience "People with lived experience"')
    assert "[public in #playground]" in out and "group join lived-experience" in out
    out = await driver.say("bob: group join lived-experience")
    assert "[private to bob]" in out and "You joined People with lived experience" in out
    assert "already in" in await driver.say("bob: group join lived-experience")
    await driver.say("group add staff")
    await driver.say("bob: group join staff")
    out = await driver.say("carol: groups")
    assert "People with lived experience: 1 person" in out
    assert "Staff: 1 person" in out
    # Counts only: nobody's name appears.
    assert "bob" not in out.replace("[private to carol]", "")
    assert "You left Staff" in await driver.say("bob: group leave staff")
    assert "You were not in Staff" in await driver.say("bob: group leave staff")
    assert "Staff: 0 people" in await driver.say("groups")


async def test_only_facilitators_manage_groups_and_nothing_is_stored(driver):
    await driver.say("group add staff")
    before = await _counts(driver, "space_group", "group_member", "facilitator")
    for line in ("bob: group add carers", "bob: group assign staff @carol",
                 "bob: group remove staff", "bob: group map staff 123",
                 "bob: facilitator add @carol"):
        out = await driver.say(line)
        assert "[private to bob]" in out and "Only a facilitator can" in out, line
    assert await _counts(driver, "space_group", "group_member", "facilitator") == before


async def test_bad_group_input_gets_a_polite_answer(driver):
    await driver.say("group add staff")
    cases = {
        "bob: group join carers": "There is no group called 'carers' here. Type groups",
        "group assign carers @bob": "There is no group called 'carers' here",
        "group assign staff @nobody": "I can't find '@nobody' here",
        "group add Staff!": "lowercase letters, digits or hyphens",
        "group add staff": "There is already a group called 'staff' here.",
        "group": "Write group and what to do",
        "group dance staff": "Write group and what to do",
        "group join": "Say which group",
        "group assign staff": "Say which group and who",
        "groups please": "groups takes nothing after it",
        "facilitator add": "Write facilitator add @sam",
    }
    for line, message in cases.items():
        out = await driver.say(line)
        assert "That didn't work" in out and message in out, (line, out)


async def test_assign_understands_slack_and_discord_mentions_and_names(driver):
    await driver.say("people dana eli")
    await driver.say("group add staff")
    out = await driver.say("group assign staff <@dana|Dana>")
    assert "dana is now in Staff." in out
    assert "[direct message to dana, private]" in out and "put you in Staff" in out
    assert "eli is now in Staff" in await driver.say("group assign staff <@!eli>")
    assert "carol is now in Staff" in await driver.say("group assign staff @CAROL")
    assert "already in Staff" in await driver.say("group assign staff carol")
    assert "Staff: 3 people" in await driver.say("groups")
    out = await driver.say("group unassign staff @eli")
    assert "eli is no longer in Staff" in out and "took you out of Staff" in out
    assert "Staff: 2 people" in await driver.say("groups")


async def test_facilitators_can_be_named_and_removed(driver):
    out = await driver.say("facilitator add @bob")
    assert "bob is now a facilitator here." in out and "[direct message to bob" in out
    assert "Named here: bob." in await driver.say("carol: facilitators")
    assert "New group: Carers" in await driver.say("bob: group add carers")
    assert "already a facilitator" in await driver.say("facilitator add bob")
    assert "no longer a facilitator" in await driver.say("facilitator remove @bob")
    assert "Only a facilitator can" in await driver.say("bob: group add peers")
    out = await driver.say("facilitator remove @carol")
    assert "carol is not a named facilitator here" in out


async def test_group_rules_need_declared_groups(driver):
    cases = {
        'poll "Where?" "Park" "Pier" --rule parity': "no groups yet, so --rule parity",
        'poll "Where?" "Park" "Pier" --rule equal-weight': "--rule equal-weight has nothing",
        'propose "Thursdays" --quorum-each 50%': "no groups yet, so --quorum-each",
        'poll "Where?" "Park" "Pier" --rule consent': "--rule consent is for proposals",
        'poll "Where?" "Park" "Pier" --rule loudest': "I don't know the rule 'loudest'",
        'poll "Where?" "Park" "Pier" --quorum-each half': "--quorum-each 50%",
    }
    for line, message in cases.items():
        out = await driver.say(line)
        assert "That didn't work" in out and message in out, (line, out)
    assert (await _counts(driver, "poll"))["poll"] == 0
    await driver.say("group add staff")
    out = await driver.say('poll "Where?" "Park" "Pier" --kind ranked --rule equal-weight')
    assert "can't be used with ranked polls" in out
    out = await driver.say('poll "Where?" "Park" "Pier" --rule parity')
    assert "Poll #1: Where?" in out and "of every group that votes must choose it too" in out


async def test_parity_fails_and_names_the_group_that_held_it_back(driver):
    await _groups(driver)
    await driver.say('propose "Move the meeting to Thursdays" --rule parity')
    for name in STAFF:
        await driver.say(f"{name}: vote #1 agree")
    for name, stance in zip(LIVED, ("agree", "agree", "disagree", "disagree", "abstain"),
                            strict=True):
        await driver.say(f"{name}: vote #1 {stance}")
    out = await driver.say("close #1")
    assert ("Not passed: 2 of 5 in Lived experience agreed; the rule needs a majority in every "
            "group.") in out
    assert "Overall: No blocks; 7 of 9 who took a side agreed (78%)" in out
    assert "- Staff: 5 ballots: agree 5, abstain 0, disagree 0, block 0; it won here" in out
    log = await driver.say("decisions")
    assert "#1 Move the meeting to Thursdays — Not passed: 2 of 5 in Lived experience" in log


async def test_parity_passes_when_every_group_agrees(driver):
    await _groups(driver)
    await driver.say('poll "Where should PeerFest be?" "Park" "Library" --rule parity')
    for name in STAFF + LIVED[:3]:
        await driver.say(f"{name}: vote #1 Park")
    for name in LIVED[3:]:
        await driver.say(f"{name}: vote #1 Library")
    out = await driver.say("close #1")
    assert "Park wins." in out
    assert "It also won in every group that voted (Lived experience and Staff)." in out
    assert "- Lived experience: 5 ballots: Park 3, Library 2; it won here" in out


async def test_equal_weight_lets_the_small_group_count_as_much_as_the_big_one(driver):
    staff = ["dana", "eli", "fay", "gus", "hal", "ivy"]
    await _groups(driver, staff=staff, lived=["jo", "kim", "lee"])
    votes = dict.fromkeys(staff[:5], "Park") | {"ivy": "Library"} | dict.fromkeys(
        ["jo", "kim", "lee"], "Library")
    await driver.say('poll "Where?" "Park" "Library"')
    await driver.say('poll "Where?" "Park" "Library" --rule equal-weight')
    for name, choice in votes.items():
        await driver.say(f"{name}: vote #1 {choice}")
        await driver.say(f"{name}: vote #2 {choice}")
    assert "Park wins." in await driver.say("close #1")
    out = await driver.say("close #2")
    assert "Library wins." in out
    assert "Library  ####################  5.25 weighted votes" in out
    assert "Each group's ballots weigh the same in total" in out
    # The three in Lived experience are fewer than 5: their numbers are not shown.
    assert "- Lived experience: fewer than 5 — not shown" in out
    assert "- Staff: 6 ballots: Park 5, Library 1" in out


async def test_quorum_in_each_group(driver):
    await _groups(driver)
    await driver.say('poll "Which day?" "Mon" "Tue" --quorum-each 60%')
    for name in STAFF + LIVED[:2]:
        await driver.say(f"{name}: vote #1 Mon")
    out = await driver.say("close #1")
    assert "No decision: not enough people voted in Lived experience." in out
    assert "2 of 5 in Lived experience voted, and 3 were needed." in out
    await driver.say('poll "Which day?" "Mon" "Tue" --quorum-each 60%')
    for name in STAFF + LIVED[:3]:
        await driver.say(f"{name}: vote #2 Tue")
    assert "Tue wins." in await driver.say("close #2")


async def test_small_groups_are_not_shown_but_parity_still_decides(driver):
    await _groups(driver)
    await driver.say("group add carers")
    await driver.say("bob: group join carers")
    await driver.say("carol: group join carers")
    await driver.say('propose "Meet at 7pm" --rule parity')
    for name in STAFF + LIVED:
        await driver.say(f"{name}: vote #1 agree")
    await driver.say("bob: vote #1 disagree")
    await driver.say("carol: vote #1 disagree")
    out = await driver.say("close #1")
    assert ("Not passed: not enough in Carers agreed (fewer than 5 voted there, so numbers are "
            "not shown)") in out
    assert "- Carers: fewer than 5 — not shown; it did not win here" in out
    assert "- Staff: 5 ballots: agree 5" in out
    assert "0 of 2" not in out


async def test_mapped_roles_follow_the_platform_and_leave_own_memberships_alone(driver):
    await driver.say("group add staff")
    await driver.say("group add carers")
    out = await driver.say("group map staff R-STAFF")
    assert "join Staff automatically" in out
    bob = driver.playground.actor("bob")
    space = driver.playground.space
    await driver.say("bob: group join carers")
    await driver.core.handle(RolesSeen(bob, space, role_ids=("R-STAFF", "R-OTHER")))
    assert "Staff: 1 person, you too" in await driver.say("bob: groups")
    await driver.core.handle(RolesSeen(bob, space, role_ids=()))
    out = await driver.say("bob: groups")
    assert "Staff: 0 people" in out and "Carers: 1 person, you too" in out
    assert "No platform role is mapped" in await driver.say("group unmap staff")
    assert "linked to a platform role" not in await driver.say("groups")


async def test_after_close_ballots_carry_no_group_tags(driver, db_url):
    db = Path(db_url.split("///", 1)[1])
    await _groups(driver, staff=["dana", "eli"], lived=["ivy"])
    await driver.say('poll "Where?" "Park" "Library" --rule parity')
    for name in ("dana", "eli", "ivy", "bob"):
        await driver.say(f"{name}: vote #1 Park")
    conn = sqlite3.connect(db)
    try:
        tags = sorted(str(row[0]) for row in conn.execute("SELECT voter_groups FROM ballot"))
    finally:
        conn.close()
    assert tags == ["None", "lived-experience", "staff", "staff"]

    assert "Park wins." in await driver.say("close #1")
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM ballot").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM closed_ballot").fetchone()[0] == 4
        columns = [c[1] for c in conn.execute("PRAGMA table_info(closed_ballot)")]
        ballots = "\n".join(line for line in conn.iterdump() if "ballot\"" in line)
    finally:
        conn.close()
    assert "voter_groups" not in columns
    assert ballots.count("INSERT") == 4
    assert "staff" not in ballots and "lived-experience" not in ballots


async def test_a_reason_is_never_counted_as_a_contribution(driver, contributions):
    # Counted, it would say who disagreed or blocked on an anonymous proposal (issue 11).
    kinds = contributions
    await driver.say('propose "Thursdays"')
    await driver.say("bob: vote #1 agree")
    await driver.say("carol: vote #1 disagree it clashes with school pick-up")
    assert kinds.count(ContributionKind.REASON) == 0


GROUP_TABLES = ("space_group", "group_member", "facilitator", "idea", "poll", "decision")
group_words = st.sampled_from(
    ["group", "groups", "add", "join", "leave", "assign", "unassign", "map", "unmap", "remove",
     "staff", "carers", "@bob", "<@bob|Bob>", "<@!x>", '"', "facilitator", "facilitators",
     "respond", "#1", "#2", "#3", "1", "all", "ideas", "idea", "to-poll", "1,2", "1,,9",
     "--kind", "ranked", "--rule", "parity", "consent", "equal-weight", "--quorum-each", "50%",
     "--closes", "2d", "x" * 90])


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(group_words, max_size=7).map(" ".join))
async def test_random_group_commands_never_fail_or_store_when_refused(driver, line):
    # Hypothesis reuses the fixture across examples: seed once.
    if not getattr(driver, "seeded", False):
        await driver.say("group add staff")
        await driver.say('ideas "What next?"')
        await driver.say('idea #1 "A walk"')
        await driver.say('propose "Tea at four"')
        await driver.say("bob: vote #2 block too early")
        driver.seeded = True
    for speaker in ("alice", "bob"):
        before = await _counts(driver, *GROUP_TABLES)
        out = await driver.say(f"{speaker}: {line}")
        assert "Sorry, something went wrong" not in out
        if "That didn't work" in out:
            assert await _counts(driver, *GROUP_TABLES) == before, line


def test_mentions_from_every_platform_name_the_same_person():
    from bot.coproduction.facilitators import mention_target

    assert [mention_target(w) for w in ("<@U123|bob>", "<@!42>", "<@42>", "@Bob", "bob")] == [
        "U123", "42", "42", "Bob", "bob"]
