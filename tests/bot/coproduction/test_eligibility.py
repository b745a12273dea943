"""Only members the platform reports in a channel take part in its decisions (issue 11, item 8).

A stranger who can reach a poll (a public channel's preview on Slack, a form naming
another channel) gets a polite private refusal, and nothing about them is stored:
no ballot, no participation, no member row, no contribution.
"""

from __future__ import annotations

from sqlalchemy import text

from bot.commands import (
    AddIdea,
    CastVote,
    ClosePoll,
    CreatePoll,
    MembersLeft,
    MembersNow,
    MembersSeen,
)
from bot.effects import Reply
from bot.model import Actor, SpaceRef
from bot.voice_model import ContributionKind
from bot.voices.handlers import Spoke

MALLORY = Actor("console", "local", "mallory", "Mallory")
ADMIN_STRANGER = Actor("console", "local", "root", "Root", frozenset({"admin"}))


def space_of(driver) -> SpaceRef:
    return driver.playground.space


async def count(driver, sql: str) -> int:
    async with driver.core.store.engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar_one()


async def refusal(effects) -> str:
    [reply] = effects
    assert isinstance(reply, Reply)
    return " ".join(line.text for line in reply.card.lines if hasattr(line, "text"))


async def test_a_vote_from_someone_not_reported_in_the_channel_is_refused(driver):
    await driver.say('poll "Where?" "Library" "Park"')
    space = space_of(driver)
    before_members = await count(driver, "SELECT count(*) FROM space_member")
    effects = await driver.core.handle(CastVote(MALLORY, space, poll=1, choices=("2",)))
    said = await refusal(effects)
    assert "You can only vote in polls of channels you are a member of" in said
    assert "Ask to be added to the channel first" in said
    # Nothing stored: no ballot, no participation, no member row, no contribution.
    assert await count(driver, "SELECT count(*) FROM ballot") == 0
    assert await count(driver, "SELECT count(*) FROM participation") == 0
    assert await count(driver, "SELECT count(*) FROM space_member") == before_members
    assert await count(driver, "SELECT count(*) FROM space_member WHERE member LIKE "
                               "'%mallory'") == 0
    assert await count(driver, "SELECT count(*) FROM contribution WHERE member LIKE "
                               "'%mallory'") == 0
    assert not await driver.core.store.is_member(space, MALLORY.key)
    # The "N of M" is unchanged.
    assert "0 of 3 have voted" in await driver.say("polls")


async def test_an_idea_from_a_stranger_is_refused(driver):
    await driver.say('ideas "How do we welcome new people?"')
    effects = await driver.core.handle(AddIdea(MALLORY, space_of(driver), round=1,
                                               text="Free cake"))
    assert "add ideas in channels you are a member of" in await refusal(effects)
    assert await count(driver, "SELECT count(*) FROM idea") == 0
    assert "Free cake" not in await driver.say("ideas #1")


async def test_a_stranger_cannot_start_a_poll_in_the_channel(driver):
    effects = await driver.core.handle(CreatePoll(MALLORY, space_of(driver), "Pizza?",
                                                  ("Yes", "No")))
    assert "start a poll in a channel you are a member of" in await refusal(effects)
    assert await count(driver, "SELECT count(*) FROM poll") == 0


async def test_a_platform_admin_who_is_not_in_the_channel_cannot_close_its_poll(driver):
    await driver.say('poll "Where?" "Library" "Park"')
    effects = await driver.core.handle(ClosePoll(ADMIN_STRANGER, space_of(driver), poll=1))
    assert "Ask to be added to the channel first" in await refusal(effects)
    assert "open" in (await driver.say("polls")).lower()
    assert "#1" in await driver.say("polls")


async def test_acting_does_not_make_someone_a_member_but_a_report_does(driver):
    await driver.say('poll "Where?" "Library" "Park"')
    space = space_of(driver)
    await driver.core.handle(CastVote(MALLORY, space, poll=1, choices=("1",)))
    assert await driver.core.store.member_count(space) == 3
    # The platform reports mallory in the channel: now her vote counts.
    await driver.core.handle(MembersSeen(MALLORY, space, (MALLORY,)))
    effects = await driver.core.handle(CastVote(MALLORY, space, poll=1, choices=("1",)))
    assert any("Your vote is in" in e.card.title for e in effects if isinstance(e, Reply))
    assert await driver.core.store.member_count(space) == 4


async def test_someone_who_left_can_no_longer_vote_or_count(driver):
    await driver.say('poll "Where?" "Library" "Park"')
    space = space_of(driver)
    bob = driver.playground.actor("bob")
    await driver.core.handle(MembersLeft(bob, space, (bob,)))
    said = await refusal(await driver.core.handle(CastVote(bob, space, poll=1,
                                                           choices=("1",))))
    assert "You can only vote in polls of channels you are a member of" in said
    assert await driver.core.store.member_count(space) == 2
    # A whole list from the platform replaces the old one.
    alice, carol = driver.playground.actor("alice"), driver.playground.actor("carol")
    await driver.core.handle(MembersNow(alice, space, (alice, bob)))
    assert await driver.core.store.member_keys(space) == [alice.key, bob.key]
    assert not await driver.core.store.is_member(space, carol.key)


async def test_a_stranger_s_message_is_not_counted_and_gets_no_reply(driver):
    effects = await driver.core.handle(Spoke(MALLORY, space_of(driver),
                                             kind=ContributionKind.MESSAGE, event_id="m1"))
    assert effects == []
    await driver.core.store.flush_contributions()
    assert await count(driver, "SELECT count(*) FROM contribution WHERE member LIKE "
                               "'%mallory'") == 0


async def test_the_playground_people_and_the_person_typing_are_members(driver):
    await driver.say('poll "Where?" "Library" "Park"')
    assert "Your vote is in" in await driver.say("dana: vote #1 2")
    await driver.say("people eli")
    await driver.say("as eli")
    assert "Your vote is in" in await driver.say("vote #1 1")
    assert "2 of 5 have voted" in await driver.say("polls")
