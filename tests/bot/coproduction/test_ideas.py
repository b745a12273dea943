"""Ideas rounds in the playground: add ideas anonymously, close on time, turn into a poll."""

from __future__ import annotations

from sqlalchemy import inspect, text

from bot.coproduction.ideas import IdeaCommands
from bot.voice_model import ContributionKind


async def _ideas(driver, number: int = 1) -> list[str]:
    """The round's ideas as the bot lists them (opened with the bot's key)."""
    poll = await driver.core.store.find_poll(driver.playground.space, number)
    return await IdeaCommands(driver.core).texts(poll)


async def test_an_ideas_round_from_opening_to_a_ranked_poll(driver, contributions):
    out = await driver.say('ideas "What should PeerFest focus on?" --closes 3d')
    assert "Ideas round #1: What should PeerFest focus on?" in out
    assert "0 ideas so far. Closes" in out and "Nobody can see who added which idea" in out

    out = await driver.say('bob: idea #1 "Peer-led workshops"')
    assert "[private to bob]" in out and "The round has 1 idea now." in out
    assert "1 idea so far" in out
    await driver.say("carol: idea #1 A quiet room at every event")
    await driver.say('alice: idea #1 "Music from local bands"')
    # Taking part is credited when the round closes, never as an idea arrives.
    assert contributions.count(ContributionKind.IDEA) == 0

    out = await driver.say("bob: ideas #1")
    # A to Z: the list says nothing about who added which, or when.
    assert "1. A quiet room at every event" in out and "2. Music from local bands" in out
    assert "3. Peer-led workshops" in out
    assert "carol" not in out.replace("[private to bob]", "")

    out = await driver.say("clock +3d")
    assert "Outcome of #1: What should PeerFest focus on?" in out
    assert "3 ideas collected." in out and "to-poll" in out
    assert "This ideas round has closed." in out
    assert "#1 What should PeerFest focus on? — 3 ideas collected." in await driver.say(
        "decisions")

    store = driver.core.store
    await store.flush_contributions()
    for name in ("alice", "bob", "carol"):
        member = f"console:local:{name}"
        counts = await store.contribution_counts(member, driver.playground.space)
        # alice also started the round: that counts too (issue 14).
        started = [(ContributionKind.START, 1)] if name == "alice" else []
        assert sorted((c.kind, c.count) for c in counts) == sorted(
            [(ContributionKind.IDEA, 1), *started]), name

    out = await driver.say("ideas #1 to-poll 2,3 --kind ranked --closes 2d")
    assert "Poll #2: What should PeerFest focus on?" in out
    assert "1. Music from local bands\n  2. Peer-led workshops" in out
    assert "put the options in order" in out
    await driver.say("bob: vote #2 2 1")
    assert "Peer-led workshops wins." in await driver.say("close #2")


async def test_ideas_keep_no_author(driver):
    await driver.say('ideas "What next?"')
    await driver.say('bob: idea #1 "A picnic"')
    async with driver.core.store.engine.connect() as conn:
        columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("idea"))
        dump = [tuple(row) for row in await conn.execute(text("SELECT * FROM idea"))]
    assert {c["name"] for c in columns} == {"poll_id", "number", "text", "folded"}
    assert not any("bob" in str(value) for row in dump for value in row)


async def test_empty_duplicate_and_long_ideas_are_refused_politely(driver):
    await driver.say('ideas "What next?"')
    await driver.say('bob: idea #1 "Peer-led workshops"')
    cases = {
        'carol: idea #1 "  PEER-LED   workshops "': "That idea is already in round #1",
        'carol: idea #1 ""': "Your idea is empty",
        "carol: idea #1 " + "x" * 81: "keep an idea to 80 characters, so it can become a poll "
                                      "option; yours has 81",
        "carol: idea #1": "Say which round and your idea",
        'carol: idea #9 "Tea"': "There is no ideas round #9 here",
        'carol: ideas "What?" --kind ranked': "I don't know the option '--kind' for ideas",
        "carol: ideas": 'Start a round with: ideas "What should we focus on?"',
        "carol: ideas #1 pick 1,2": "to-poll 1,3,4",
    }
    for line, message in cases.items():
        out = await driver.say(line)
        assert "That didn't work" in out and message in out, (line, out)
    assert await _ideas(driver) == ["Peer-led workshops"]


async def test_rounds_and_polls_share_numbers_and_do_not_mix(driver):
    await driver.say('poll "Lunch?" "Soup" "Pie"')
    out = await driver.say('ideas "What next?"')
    assert "Ideas round #2" in out
    assert "#2 is an ideas round, not a poll" in await driver.say("bob: vote #2 1")
    assert "#1 is a poll, not an ideas round" in await driver.say('bob: idea #1 "Cake"')
    out = await driver.say("polls")
    assert "#1 (choice poll): Lunch?" in out and "#2 (ideas round): What next?" in out
    assert "To collect ideas first" in await driver.say('poll "Q?" "A" "B" --kind ideas')


async def test_turning_ideas_into_a_poll_is_for_facilitators_and_checks_the_picks(driver):
    await driver.say('ideas "What next?"')
    for idea in ("A picnic", "A walk", "A film"):
        await driver.say(f'bob: idea #1 "{idea}"')
    cases = {
        "bob: ideas #1 to-poll 1,2": "Only a facilitator can turn ideas into a poll",
        "ideas #1 to-poll 1,7": "Round #1 has ideas 1 to 3; there is no idea 7.",
        "ideas #1 to-poll 1": "A poll needs 2 to 20 options; you picked 1.",
        "ideas #1 to-poll 1,1": "You named an idea twice",
        "ideas #1 to-poll": "Say which ideas become options",
        "ideas #1 to-poll 1,2 --rule parity": "no groups yet, so --rule parity",
        "ideas #1 to-poll 1,2 --kind score --dots 3": "--dots only works with --kind dots",
    }
    for line, message in cases.items():
        out = await driver.say(line)
        assert "That didn't work" in out and message in out, (line, out)
    # Nothing was stored by those: the round is still open, with its three ideas, and alone.
    assert "Open polls (1)" in await driver.say("polls")
    assert await _ideas(driver) == ["A film", "A picnic", "A walk"]
    out = await driver.say('ideas #1 to-poll all "Which outing?" --kind multi')
    # The open round closes first, then the poll opens.
    assert "3 ideas collected." in out
    assert "Poll #2: Which outing?" in out and "3. A walk" in out
    assert "has closed, so it takes no more ideas" in await driver.say('idea #1 "A swim"')


async def test_closing_a_round_by_hand_and_cancelling_one(driver):
    await driver.say('bob: ideas "What next?"')
    assert "No ideas were added." in await driver.say("bob: close #1")
    assert "This round has closed." in await driver.say("results #1")
    await driver.say('ideas "And now?"')
    out = await driver.say("cancel #2")
    assert "was cancelled" in out
    assert "was cancelled; start a new one" in await driver.say("ideas #2 to-poll 1,2")


async def test_a_round_can_be_extended_like_a_poll(driver):
    await driver.say('ideas "What next?" --closes 1d')
    out = await driver.say("extend #1 2d")
    assert "#1 now closes later" in out and "Ideas round #1: What next?" in out
    assert "Outcome of #1" not in await driver.say("clock +1d")
    assert "No ideas were added." in await driver.say("clock +2d")


def test_to_poll_reads_a_new_question_and_any_poll_flags():
    from bot.commands import IdeasToPoll
    from bot.model import Actor, SpaceRef
    from bot.service import parse

    actor, space = Actor("console", "local", "alice", "alice"), SpaceRef("console", "l", "p")
    cmd = parse('ideas #4 to-poll 1,3 5 "Which focus?" --kind ranked --rule parity --closes '
                "friday 17:00", actor, space)
    assert isinstance(cmd, IdeasToPoll)
    assert (cmd.round, cmd.picks) == (4, "1,3,5")
    assert (cmd.poll.question, cmd.poll.kind, cmd.poll.rule) == ("Which focus?", "ranked",
                                                                 "parity")
    assert cmd.poll.closes == "friday 17:00" and cmd.poll.options == ()
    assert parse("ideas #4 to-poll all", actor, space).poll.question == ""
