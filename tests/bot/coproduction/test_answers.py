""""You said, we did": the proposer answers blocks and disagreements before a decision is final."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.polls.export import decisions_csv, decisions_json
from bot.voice_model import ContributionKind


async def _consent_proposal_with_a_block(driver) -> str:
    await driver.say("people dana eli")
    await driver.say('propose "Move the meeting to Thursdays" --rule consent')
    for name in ("alice", "dana", "eli"):
        await driver.say(f"{name}: vote #1 agree")
    await driver.say("bob: vote #1 block it clashes with the carers' group")
    await driver.say("carol: vote #1 disagree too late in the week")
    return await driver.say("close #1")


async def test_a_consent_proposal_becomes_final_once_every_reason_is_answered(
    driver, contributions
):
    kinds = contributions
    out = await _consent_proposal_with_a_block(driver)
    assert "Not final yet: waiting for answers to the reasons." in out
    assert "Waiting for the person who proposed it to answer 2 reasons before this is final." in out
    assert "1. Reason given with a block: it clashes with the carers' group — Not answered" in out
    assert "[direct message to alice, private]" in out and 'respond #1 1 "what we changed"' in out

    out = await driver.say('respond #1 1 "We moved it to the evening, after the carers\' group"')
    assert "[private to alice]" in out and "1 still to answer" in out
    assert "[public in #playground]" in out and "An answer on #1" in out
    waiting = "Waiting for the person who proposed it to answer 1 reason"
    assert waiting in await driver.say("bob: results #1")

    out = await driver.say('respond #1 "We will look again in a month"')
    assert "Now final — outcome of #1: Move the meeting to Thursdays" in out
    assert "Passed." in out and "Every reason has been answered." in out
    assert ("2. Reason given with a disagree: too late in the week — The answer: "
            "We will look again in a month") in out
    assert kinds.count(ContributionKind.RESPONSE) == 2
    # A reason given with a vote is never counted: it would say who blocked.
    assert kinds.count(ContributionKind.REASON) == 0

    # The log keeps reasons and answers, without names.
    assert "#1 Move the meeting to Thursdays — Passed." in await driver.say("decisions")
    decisions = await driver.core.store.decisions(driver.playground.space)
    exported = json.loads(decisions_json(decisions))[0]["outcome"]
    assert exported["reasons"][0] == {"stance": "block",
                                      "reason": "it clashes with the carers' group"}
    assert exported["responses"][1] == {"reason": 2, "response": "We will look again in a month"}
    assert "bob" not in json.dumps(exported) and "carol" not in json.dumps(exported)
    assert "2. We will look again in a month" in decisions_csv(decisions)


async def test_under_the_default_rule_a_block_stops_it_but_can_still_be_answered(driver):
    await driver.say('propose "Thursdays"')
    await driver.say("alice: vote #1 agree")
    await driver.say("bob: vote #1 block it clashes with school pick-up")
    out = await driver.say("close #1")
    assert "Not passed: blocked." in out and "Not final yet" not in out
    out = await driver.say('respond #1 "Fair point; we will find another day"')
    assert "The answer: Fair point" in out and "Now final" not in out
    assert "Not passed: blocked." in await driver.say("results #1")


async def test_a_passed_proposal_waits_for_answers_to_disagreements(driver):
    await driver.say('propose "Thursdays"')
    await driver.say("alice: vote #1 agree")
    await driver.say("bob: vote #1 agree")
    await driver.say("carol: vote #1 disagree too late in the week")
    waiting = "Waiting for the person who proposed it to answer 1 reason"
    assert waiting in await driver.say("close #1")
    out = await driver.say('respond #1 all "We will try it for two months"')
    assert "Now final" in out and "Passed." in out


async def test_answers_that_cannot_be_taken_get_a_polite_reply(driver):
    await driver.say('poll "Lunch?" "Soup" "Pie"')
    await driver.say('propose "Thursdays"')
    await driver.say("bob: vote #2 disagree too late")
    cases = {
        'respond #2 1 "Early"': "answered once it has closed",
        'respond #1 "Soup it is"': "#1 is a poll, not a proposal",
        'respond #9 "x"': "There is no proposal #9 here",
        "respond #2": "Say which proposal and your answer",
    }
    for line, message in cases.items():
        out = await driver.say(line)
        assert "That didn't work" in out and message in out, (line, out)
    await driver.say("close #2")
    cases = {
        'bob: respond #2 1 "I answer myself"': "Only the person who proposed #2",
        'respond #2 3 "x"': "#2 has reasons 1 to 1",
        'respond #2 1 ""': "Write your answer in quotes",
    }
    for line, message in cases.items():
        out = await driver.say(line)
        assert "That didn't work" in out and message in out, (line, out)
    await driver.say('respond #2 1 "We kept it; it is the only free room"')
    assert "already has an answer" in await driver.say('respond #2 1 "Again"')
    decision = (await driver.core.store.decisions(driver.playground.space))[0]
    assert decision.outcome.responses == ((1, "We kept it; it is the only free room"),)


async def test_the_decision_log_shows_the_reasons_and_the_answers(driver):
    # Issue 14: "you said, we did" is in the log, not only in the channel and the CSV.
    await _consent_proposal_with_a_block(driver)
    await driver.say('respond #1 1 "We moved it to the evening"')
    log = await driver.say("bob: decisions")
    assert "#1 Move the meeting to Thursdays" in log and "2 reasons given, 1 answered" in log
    assert "decisions #N" in log
    one = await driver.say("bob: decisions #1")
    assert "[private to bob]" in one
    assert ("Reason given with a block: it clashes with the carers' group — The answer: We "
            "moved it to the evening") in one
    assert "Reason given with a disagree: too late in the week" in one
    assert "bob" not in one.replace("[private to bob]", "")
    assert "There is no decision #7 here yet" in await driver.say("decisions #7")


async def test_a_follow_up_says_what_was_done_and_stays_in_the_log(driver, core, clock):
    # Issue 14: "you said, we did" does not end at the vote.
    await driver.say('poll "Where should we meet?" "Library" "Park" --closes 1d')
    await driver.say("bob: vote #1 Park")
    await driver.say("clock +1d")
    refused = await driver.say('bob: follow-up #1 "I booked it"')
    assert "Only the person who started #1 or a facilitator" in refused
    out = await driver.say('follow-up #1 "We booked the park for the summer"')
    assert "[public in #playground]\nWhat happened after #1: Where should we meet?" in out
    assert "We booked the park for the summer" in out and "[private to alice]" in out
    one = await driver.say("bob: decisions #1")
    assert "What happened after:" in one and "We booked the park for the summer" in one
    decisions = await core.store.decisions(driver.playground.space)
    assert "We booked the park for the summer" in decisions_csv(decisions)
    assert json.loads(decisions_json(decisions))[0]["outcome"]["follow_ups"][0]["text"] == (
        "We booked the park for the summer")
    await driver.say('poll "Lunch?" "Soup" "Pie"')
    assert "is not a decision yet" in await driver.say('follow-up #2 "Soup it is"')


async def test_a_follow_up_whose_post_was_lost_is_posted_from_the_database(driver, core,
                                                                           clock):
    from bot.commands import FollowUp
    from bot.effects import Post
    from bot.timing.timekeeper import Timekeeper
    from tests.bot.polls.test_announce import ALICE, SPACE, Channel

    await driver.say('poll "Where should we meet?" "Library" "Park"')
    await driver.say("close #1")
    effects = await core.handle(FollowUp(ALICE, SPACE, poll=1, text="We booked the park"))
    assert [e.key for e in effects if isinstance(e, Post)] == ["follow-up:1:1"]
    channel = Channel(core.store)  # the first post never went out
    clock.advance(timedelta(minutes=1))
    await Timekeeper(core, channel.deliver, worker="w").run_due(clock.now())
    posts = [e for e in channel.sent if isinstance(e, Post) and e.key == "follow-up:1:1"]
    assert len(posts) == 1 and "We booked the park" in str(posts[0].card)
