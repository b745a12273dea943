"""Blocks that lead somewhere: ``amend #N "new wording"`` opens a new round of a proposal
(issue 14), and the decision log shows the chain of rounds."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta

from bot.model import Actor, PollStatus, Round, Rule
from bot.polls.export import decisions_csv, decisions_json
from bot.voice_model import ContributionKind


async def _blocked(driver, flags: str = "--closes 2d") -> str:
    """bob proposes; carol blocks, dana disagrees; it closes: not passed."""
    await driver.say("people dana")
    await driver.say(f'bob: propose "Move the meeting to Thursdays" {flags}')
    await driver.say("alice: vote #1 agree")
    await driver.say("carol: vote #1 block it clashes with school pick-up")
    await driver.say("dana: vote #1 disagree too late in the day")
    return await driver.say("bob: close #1")


async def test_a_blocked_proposal_goes_to_a_new_round_that_passes(driver, contributions):
    closed = await _blocked(driver)
    assert "Not passed: blocked." in closed
    assert 'can start a new round with new wording: amend #1 "new wording"' in closed
    await driver.say('bob: respond #1 1 "We will meet at 6pm, after pick-up"')

    out = await driver.say('bob: amend #1 "Move the meeting to Thursday evenings"')
    # What was said before is posted first, without names, then the new round's card.
    history, _, card = out.partition("Proposal #2: Move the meeting to Thursday evenings")
    assert "New round of proposal #1: what was said before" in history
    assert "Round 1, #1: Move the meeting to Thursdays — Not passed: blocked." in history
    assert ("Reason given with a block: it clashes with school pick-up — The answer: We will "
            "meet at 6pm, after pick-up") in history
    assert "Reason given with a disagree: too late in the day — No answer yet." in history
    assert "Everyone can vote again, including anyone who blocked." in history
    assert "carol" not in history and "dana" not in history
    assert "Round 2 of proposal #1, with new wording." in card
    assert "decisions #2" in card and "0 of 4 have voted" in card
    assert "[private to bob]\nYour new round #2 is up" in out
    assert contributions.count(ContributionKind.START) == 2  # proposing, then amending

    # Everyone votes again, the blocker too; nobody's vote carries over.
    assert "Your vote is in on #2" in await driver.say("carol: vote #2 agree")
    for name in ("alice", "bob", "dana"):
        await driver.say(f"{name}: vote #2 agree")
    out = await driver.say("bob: close #2")
    assert "Outcome of #2: Move the meeting to Thursday evenings" in out
    assert "Round 2 of proposal #1." in out and "Passed." in out and "amend #2" not in out

    log = await driver.say("dana: decisions")
    assert "#2 Move the meeting to Thursday evenings — Passed. Round 2 of #1." in log
    assert "#1 Move the meeting to Thursdays — Not passed: blocked. Amended: see #2." in log
    for number in (1, 2):
        one = await driver.say(f"dana: decisions #{number}")
        assert "All rounds of this proposal:" in one
        assert "Round 1, #1: Move the meeting to Thursdays — Not passed: blocked." in one
        assert "Round 2, #2: Move the meeting to Thursday evenings — Passed." in one
        assert "This is the final decision: round 2, #2, passed with no block." in one
    assert "decided" in await driver.say('bob: amend #2 "Fridays instead"')


async def test_the_exports_carry_the_chain_of_rounds(driver, core):
    await _blocked(driver)
    await driver.say('bob: amend #1 "Thursday evenings"')
    await driver.say("bob: close #2")
    decisions = await core.store.decisions(driver.playground.space)
    exported = {d["poll"]: d for d in json.loads(decisions_json(decisions))}
    assert (exported[1]["round"], exported[1]["follows"], exported[1]["amended_as"]) == (1, None, 2)
    assert (exported[2]["round"], exported[2]["follows"], exported[2]["amended_as"]) == (2, 1, None)
    rows = {row["poll"]: row for row in csv.DictReader(io.StringIO(decisions_csv(decisions)))}
    assert (rows["1"]["round"], rows["1"]["follows"], rows["1"]["amended_as"]) == ("1", "", "2")
    assert (rows["2"]["round"], rows["2"]["follows"], rows["2"]["amended_as"]) == ("2", "1", "")
    assert "carol" not in json.dumps(exported) and "carol" not in decisions_csv(decisions)


async def test_amending_is_refused_politely_when_it_cannot_be_done(driver):
    await driver.say('poll "Lunch?" "Soup" "Pie"')
    await driver.say('bob: propose "Thursdays"')
    cases = {
        'amend #1 "Soup"': "#1 is a poll, not a proposal",
        'bob: amend #2 "Fridays"': "#2 is still open. Wait for it to close, or close it now "
                                   "with: close #2",
        'bob: amend #9 "Fridays"': "There is no proposal #9 here",
        "bob: amend #2": "Say which proposal and its new wording",
        'bob: amend #2 ""': "Write the new wording in quotes",
        f'bob: amend #2 "{"x" * 301}"': "please keep it to 300",
    }
    for line, message in cases.items():
        out = await driver.say(line)
        assert "That didn't work" in out and message in out, (line, out)
    await driver.say("carol: vote #2 block not without the carers")
    await driver.say("bob: close #2")
    assert "Only the person who proposed #2 or a facilitator" in await driver.say(
        'carol: amend #2 "Fridays"')
    await driver.say('bob: amend #2 "Fridays"')
    out = await driver.say('bob: amend #2 "Saturdays"')
    assert "#2 already has a new round: #3 is open now" in out and "amend #3" in out

    await driver.say('bob: propose "Tea at every meeting"')
    await driver.say("carol: vote #4 agree")
    await driver.say("bob: close #4")
    out = await driver.say('bob: amend #4 "Tea and cake"')
    assert "#4 passed with no block, so it is decided" in out

    await driver.say('bob: propose "Biscuits"')
    await driver.say("bob: cancel #5")
    assert "#5 was cancelled" in await driver.say('bob: amend #5 "Cake"')
    # Nothing was stored by any refusal: #3 is the only later round.
    polls = await driver.core.store.open_polls(driver.playground.space)
    assert [(p.number, p.round) for p in polls] == [(1, None), (3, Round(2, 2, 2))]


async def test_a_facilitator_can_amend_and_the_round_stays_the_proposers(driver, core):
    await _blocked(driver)
    out = await driver.say('alice: amend #1 "Thursday evenings"')
    assert "Your new round #2 is up" in out
    second = await core.store.find_poll(driver.playground.space, 2)
    first = await core.store.find_poll(driver.playground.space, 1)
    assert second.creator == first.creator == "console:local:bob"
    await driver.say("carol: vote #2 block still clashes")
    await driver.say("alice: close #2")
    # The proposer answers round 2's reasons and may amend it again.
    assert "Your answer is recorded" in await driver.say('bob: respond #2 "We will try 7pm"')
    out = await driver.say('bob: amend #2 "Thursdays at 7pm"')
    assert "Round 3 of proposal #1, with new wording." in out
    assert "Round 1, #1" in out and "Round 2, #2" in out and "We will try 7pm" in out


async def test_a_new_round_keeps_the_settings_with_a_fresh_closing_time(driver, core, clock):
    await driver.say("group add staff Staff")
    await _blocked(driver, "--closes 2d --rule consent --threshold 75% --quorum 2 --open "
                           "--remind 12h")
    first = await core.store.find_poll(driver.playground.space, 1)
    await driver.say('bob: respond #1 all "We heard you"')
    clock.advance(timedelta(days=3))
    await driver.say('bob: amend #1 "Thursday evenings"')
    second = await core.store.find_poll(driver.playground.space, 2)
    assert second.spec.closes_at == clock.now() + (first.spec.closes_at - first.created_at)
    assert second.spec.closes_at - second.created_at == timedelta(days=2)
    for field in ("kind", "method", "rule", "threshold", "quorum", "anonymous", "show_results",
                  "reminders", "quorum_each"):
        assert getattr(second.spec, field) == getattr(first.spec, field), field
    assert second.spec.rule is Rule.CONSENT and second.spec.reminders == (43200,)
    assert second.round == Round(number=2, first=1, previous=1)
    assert second.spec.follows == first.id

    # A round with no closing time is followed by one with none.
    await driver.say('bob: propose "Biscuits"')
    await driver.say("carol: vote #3 block no")
    await driver.say("bob: close #3")
    await driver.say('bob: amend #3 "Cake"')
    assert (await core.store.find_poll(driver.playground.space, 4)).spec.closes_at is None


async def test_the_new_round_shares_no_voter_tag_with_the_last(driver, core, db_url):
    await driver.say("people dana")
    await driver.say('bob: propose "Thursdays"')
    space = driver.playground.space
    first = await core.store.find_poll(space, 1)
    old_salt = await core.store.poll_salt(first.id)
    for name, stance in (("carol", "block no"), ("dana", "agree"), ("alice", "agree")):
        await driver.say(f"{name}: vote #1 {stance}")
    await driver.say("bob: close #1")
    assert await core.store.poll_salt(first.id) is None  # shredded at close, as ever
    await driver.say('bob: amend #1 "Thursday evenings"')
    second = await core.store.find_poll(space, 2)
    new_salt = await core.store.poll_salt(second.id)
    assert new_salt is not None and new_salt != old_salt
    for name in ("carol", "dana", "alice"):
        await driver.say(f"{name}: vote #2 agree")

    members = [Actor("console", "local", n).key for n in ("alice", "bob", "carol", "dana")]
    with sqlite3.connect(db_url.removeprefix("sqlite+aiosqlite:///")) as conn:
        tags = {bytes(tag) for (tag,) in conn.execute(
            "SELECT voter_tag FROM ballot WHERE poll_id = ?", (second.id,))}
    assert len(tags) == 3
    # Round 2's tags are made with its own salt; none is what round 1's salt gave anyone.
    assert tags == {core.keyring.voter_tag(new_salt, m) for m in members} - {
        core.keyring.voter_tag(new_salt, members[1])}
    assert not tags & {core.keyring.voter_tag(old_salt, m) for m in members}


async def test_decisions_of_an_open_round_show_the_rounds_before_it(driver):
    await _blocked(driver)
    await driver.say('bob: amend #1 "Thursday evenings"')
    out = await driver.say("dana: decisions #2")
    assert "Round 2 of proposal #1. It is not decided yet." in out
    assert "Reason given with a block: it clashes with school pick-up — No answer yet." in out
    assert "Round 2, #2, is open now. Vote on it with: vote #2" in out
    one = await driver.say("dana: decisions #1")
    assert "Round 2, #2, is open now" in one
    assert "There is no decision #3 here yet" in await driver.say("decisions #3")


async def test_a_cancelled_round_can_be_replaced(driver, core):
    await _blocked(driver)
    await driver.say('bob: amend #1 "Thursday evenings"')
    await driver.say("bob: cancel #2")
    out = await driver.say('bob: amend #1 "Thursdays at 7pm"')
    assert "Round 2 of proposal #1, with new wording." in out and "Proposal #3:" in out
    log = await driver.say("decisions")
    assert "Amended: see #3." in log and "#2 Thursday evenings — cancelled Round 2 of #1." in log
    third = await core.store.find_poll(driver.playground.space, 3)
    assert third.status is PollStatus.OPEN and third.round == Round(2, 1, 1)
