"""The playground as a newcomer uses it: make a poll, vote as three people, move the clock."""

from __future__ import annotations


async def test_ranked_poll_from_creation_to_outcome(driver):
    out = await driver.say('poll "Where should PeerFest be?" "Library" "Park" "Town hall" '
                           "--kind ranked --closes 2d")
    assert "[public in #playground]" in out
    assert "Poll #1: Where should PeerFest be?" in out
    assert "1. Library" in out and "3. Town hall" in out
    assert "0 of 3 have voted" in out
    assert "Anonymous" in out
    assert "[private to alice]" in out

    out = await driver.say("alice: vote #1 2 1 3")
    assert "[private to alice]" in out and "Your ranking: Park, then Library, then Town hall" in out
    assert "1 of 3 has voted" in out
    await driver.say("bob: vote #1 Park")
    await driver.say("carol: vote #1 3 2")

    hidden = await driver.say("results #1")
    assert "hidden until it closes" in hidden and "3 of 3 have voted" in hidden
    assert "Park" not in hidden.split("results", 1)[-1].replace("Poll #1", "")

    out = await driver.say("clock +2d")
    assert "Outcome of #1: Where should PeerFest be?" in out
    assert "Park wins." in out
    assert "3 of 3 have voted" in out
    assert "This poll has closed" in out

    log = await driver.say("decisions")
    assert "#1 Where should PeerFest be? — Park wins." in log


async def test_changing_a_vote_replaces_it(driver):
    await driver.say('poll "Lunch?" "Soup" "Pie"')
    await driver.say("bob: vote #1 1")
    out = await driver.say("bob: vote #1 2")
    assert "Your vote has been changed on #1" in out and "1 of 3 has voted" in out
    out = await driver.say("close #1")
    assert "Pie wins." in out and "1 vote (100%)" in out


async def test_as_switches_person_and_private_replies_are_marked(driver):
    assert "You are now bob" in await driver.say("as bob")
    out = await driver.say('poll "Tea or coffee?" "Tea" "Coffee"')
    assert "[private to bob]" in out
    out = await driver.say("carol: close #1")
    assert "[private to carol]" in out
    assert "Only the person who started #1 or a facilitator" in out


async def test_facilitator_can_close_someone_elses_poll(driver):
    await driver.say('bob: poll "Tea or coffee?" "Tea" "Coffee"')
    out = await driver.say("alice: close #1")
    assert "Outcome of #1" in out and "Nobody voted." in out


async def test_polls_lists_participation(driver):
    await driver.say('poll "Tea or coffee?" "Tea" "Coffee" --closes 1d')
    await driver.say("bob: vote #1 Tea")
    out = await driver.say("polls")
    assert "#1 (choice poll): Tea or coffee? — 1 of 3 has voted. Closes" in out


async def test_help_lists_commands_and_playground_lines(driver):
    out = await driver.say("help")
    assert "poll —" in out and "vote —" in out and "clock +TIME" in out
    assert "How to write it: vote #N" in await driver.say("help vote")


async def test_proposal_with_a_block_does_not_pass(driver):
    await driver.say('propose "Move the meeting to Thursdays"')
    await driver.say("alice: vote #1 agree")
    await driver.say("bob: vote #1 agree")
    await driver.say("carol: vote #1 block it clashes with the carers' group")
    out = await driver.say("close #1")
    assert "Not passed: blocked." in out
    assert "Reason given with a block: it clashes with the carers' group" in out


async def test_mentions_stay_plain_text(driver):
    out = await driver.say('poll "Ping <!channel>?" "@everyone" "<@U123>"')
    assert "Ping <!channel>?" in out and "1. @everyone" in out


async def test_script_lines_and_comments(driver):
    await driver.playground.run_lines([
        "# a comment is ignored",
        'alice: poll "Snacks?" "Fruit" "Cake" --open',
        "people dana",
        "dana: vote #1 Cake",
        "close #1",
    ])
    text = "\n".join(driver.lines)
    assert "alice> alice: poll" in text
    assert "a comment" not in text
    assert "dana: Cake" in text  # open poll: names are shown
    assert "1 of 4 has voted" in text


async def test_clock_needs_a_plus(driver):
    assert "clock +2h" in await driver.say("clock 2h")


async def test_the_clock_moves_to_the_next_time_of_day(driver):
    # The playground starts at 9:00 (London); "clock 10:00" is an hour on, "clock 9:30"
    # the next morning: a script reads the same whatever time it is run.
    assert "Wed 25 Nov 2026 10:00" in await driver.say("clock 10:00")
    assert "Thu 26 Nov 2026 09:30" in await driver.say("clock 9:30")
    assert "clock 10:00" in await driver.say("clock 25:00")
