"""The co-production wing in Welsh (issue 14): each person reads their own language.

Replies go in the language of whoever acted; notes to someone else (a new facilitator,
a person put in a group) in the language they chose; public posts (a new group, an ideas
round's card, its outcome, the answers to reasons) in the space's language, or in both
for a bilingual space. The playground's space reads English unless a test says otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.cards import Card, Items, Note, Text
from bot.effects import DirectMessage, Post, Reply, UpdatePost
from bot.i18n import speaking
from bot.polls.views import ideas_card

FRIDAY_5PM_KARACHI = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FRIDAY_5PM_LONDON = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def _capture(driver) -> list:
    """Every effect the playground shows from now on."""
    effects: list = []
    show = driver.playground._show

    async def keep(batch):
        effects.extend(batch)
        await show(batch)

    driver.playground._show = keep
    return effects


def _words(card: Card) -> str:
    texts = [card.title]
    for line in card.lines:
        if isinstance(line, Text | Note):
            texts.append(line.text)
        elif isinstance(line, Items):
            texts.extend(line.items)
    return "\n".join(texts)


def _in_both_languages(card: Card) -> bool:
    """``bot.i18n.join_cards`` puts a short rule between the languages of one card."""
    return Text("—") in card.lines


async def _blocked_proposal(driver, proposer: str = "bob") -> None:
    """#N by ``proposer``, blocked with a reason by carol, closed by alice."""
    await driver.say(f'{proposer}: propose "Meet online"')
    number = (await driver.core.store.open_polls(driver.playground.space))[-1].number
    await driver.say(f"carol: vote #{number} block it shuts people out")
    await driver.say(f"alice: close #{number}")


async def test_a_welsh_reader_is_answered_in_welsh_while_the_channel_reads_english(driver):
    await driver.say('group add staff "Staff"')
    await driver.say("bob: language cy")
    out = await driver.say("bob: group join staff")
    assert "Rydych chi yn y grŵp Staff nawr" in out and "You joined" not in out

    await driver.say('ideas "What next?"')
    out = await driver.say('bob: idea #1 "A picnic"')
    assert "Mae gan y rownd 1 syniad nawr." in out and "The round has" not in out
    # The round's card is the channel's: still English.
    assert "1 idea so far" in out
    out = await driver.say('bob: idea #9 "A walk"')
    assert "Does dim rownd syniadau #9 yma." in out and "There is no ideas round" not in out

    await _blocked_proposal(driver)
    out = await driver.say('bob: respond #2 "We will add a room"')
    assert "Mae eich ateb wedi'i gofnodi" in out and "Your answer is recorded" not in out
    assert "An answer on #2: Meet online" in out


async def test_an_english_reader_in_a_welsh_space_sees_the_round_posted_in_welsh(driver):
    driver.core.settings = replace(driver.core.settings, language="cy")
    await driver.say("alice: language en")
    await driver.say("bob: language en")
    effects = _capture(driver)
    out = await driver.say('alice: ideas "Beth nesaf?"')
    assert "Your ideas round #1 is open" in out
    [post] = [e for e in effects if isinstance(e, Post)]
    poll = await driver.core.store.find_poll(driver.playground.space, 1)
    with speaking("cy"):
        welsh = ideas_card(poll, 0, driver.core.zone_of(poll.space))
    assert post.card == welsh

    await driver.say('bob: idea #1 "Picnic"')
    out = await driver.say("alice: close #1")
    # The outcome is the channel's, and kept in the decision log: in Welsh.
    assert "1 syniad wedi'i gasglu." in out and "1 idea collected." not in out
    assert "Nesaf, gall hwylusydd wneud pleidlais o rai ohonyn nhw" in out
    [outcome] = await driver.core.store.decisions(driver.playground.space)
    assert outcome.outcome.summary == "1 syniad wedi'i gasglu."


async def test_a_bilingual_space_posts_groups_rounds_and_answers_in_both_languages(driver):
    driver.core.settings = replace(driver.core.settings, language="cy", bilingual=True)
    for name in ("alice", "bob", "carol"):
        await driver.say(f"{name}: language en")
    effects = _capture(driver)

    await driver.say('group add staff "Staff"')
    [post] = [e for e in effects if isinstance(e, Post)]
    assert post.card.title == "Grŵp newydd: Staff / New group: Staff"
    assert _in_both_languages(post.card)

    effects.clear()
    await driver.say('ideas "What next?"')
    await driver.say('bob: idea #1 "A picnic"')
    round_posts = [e for e in effects if isinstance(e, Post | UpdatePost)]
    assert len(round_posts) == 2 and all(_in_both_languages(e.card) for e in round_posts)
    replies = [e for e in effects if isinstance(e, Reply)]
    # Replies stay in each reader's own language: one language only.
    assert replies and not any(_in_both_languages(e.card) for e in replies)
    assert "The round has 1 idea now." in _words(replies[-1].card)

    await _blocked_proposal(driver)
    effects.clear()
    await driver.say('bob: respond #2 "We will add a room"')
    [answers] = [e for e in effects if isinstance(e, Post)]
    assert _in_both_languages(answers.card)
    [reply] = [e for e in effects if isinstance(e, Reply)]
    assert _words(reply.card).startswith("Your answer is recorded")


async def test_a_note_to_someone_else_is_in_their_language_not_the_actors(driver):
    await driver.say("people dana")
    await driver.say("dana: language cy")
    await driver.say("group add staff")
    effects = _capture(driver)
    await driver.say("alice: facilitator add @dana")
    await driver.say("alice: group assign staff @dana")
    notes = [_words(e.card) for e in effects if isinstance(e, DirectMessage)]
    replies = [_words(e.card) for e in effects if isinstance(e, Reply)]
    assert len(notes) == 2
    assert "Rydych chi'n hwylusydd yn y sianel #playground nawr" in notes[0]
    assert notes[0].startswith("Hwyluswyr")
    assert "Mae hwylusydd wedi eich rhoi chi yn y grŵp Staff" in notes[1]
    # alice reads English.
    assert "dana is now a facilitator here." in replies[0]
    assert "dana is now in Staff." in replies[1]


async def test_an_ideas_rounds_closes_is_read_in_the_starters_own_zone(driver):
    await driver.say("alice: timezone Asia/Karachi")
    out = await driver.say('alice: ideas "What next?" --closes friday 17:00')
    poll = await driver.core.store.find_poll(driver.playground.space, 1)
    assert poll.spec.closes_at == FRIDAY_5PM_KARACHI
    assert "It closes Friday 27 November, 17:00 (Asia/Karachi), in your time zone." in out
    # Without a zone of their own, the space's.
    out = await driver.say('bob: ideas "And then?" --closes friday 17:00')
    poll = await driver.core.store.find_poll(driver.playground.space, 2)
    assert poll.spec.closes_at == FRIDAY_5PM_LONDON
    assert "in this space's time zone" in out
