"""Polls in Welsh (issue 14): replies in the reader's language, posts in the space's.

A reply is written for the person who acted; a public card for everyone in the space, in
the space's language, or in both (Welsh first) when the space is bilingual; a private note
to a poll's creator in the creator's own language.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.cards import Bar, Card, Text
from bot.commands import CastVote, ClosePoll, CreatePoll, MembersSeen
from bot.effects import DirectMessage, Post
from bot.i18n import speaking
from bot.model import Actor, Outcome, PollKind, SpaceRef
from bot.polls.views import place_bars, tally_bars
from bot.service import parse
from bot.timing.timekeeper import BACKOFF, Timekeeper
from tests.bot.polls.test_announce import Channel

SPACE = SpaceRef("console", "local", "playground")
ALICE = Actor("console", "local", "alice", "alice", frozenset({"facilitator"}))
BOB = Actor("console", "local", "bob", "bob")


def _lines(card: Card) -> list[str]:
    return [getattr(line, "text", "") for line in card.lines]


async def test_a_welsh_reader_gets_their_vote_and_its_mistakes_in_welsh(driver) -> None:
    await driver.say('bob: poll "Where?" "Library" "Park"')
    await driver.say("alice: language cy")
    said = await driver.say("alice: vote #1 2")
    assert "Mae eich pleidlais ar #1 wedi'i chofnodi" in said and "Dewisoch chi: Park." in said
    assert "Your vote is in" not in said
    # The card everyone sees stays in the space's language (English here).
    assert "1 of 3 has voted" in said
    wrong = await driver.say("alice: vote #1 9")
    assert "Does dim opsiwn 9" in wrong and "There is no option" not in wrong
    assert "Dywedwch pa bôl" in await driver.say("alice: vote")
    assert "Teipiwch polls (neu schedules)" in await driver.say("alice: results one")
    assert "Your vote is in on #1" in await driver.say("bob: vote #1 1")


async def test_a_welsh_space_posts_its_poll_and_outcome_in_welsh(driver) -> None:
    driver.core.settings = replace(driver.core.settings, language="cy")
    await driver.say("bob: language en")
    created = await driver.say('bob: poll "Ble?" "Llyfrgell" "Parc"')
    assert "Pôl #1: Ble?" in created and "Sut i bleidleisio: dewiswch un opsiwn." in created
    assert "[Pleidleisio]" in created and "How to vote" not in created
    assert "Your poll #1 is up" in created  # bob's own reply: in English, his choice
    await driver.say("alice: vote #1 2")
    closed = await driver.say("bob: close #1")
    assert "Canlyniad #1: Ble?" in closed and "1 bleidlais (100%)" in closed
    assert "Outcome of" not in closed and "1 vote" not in closed
    # Logged in the space's language, though an English reader closed it.
    logged = (await driver.core.store.decisions(SPACE))[0]
    assert "wins" not in logged.outcome.summary and "option" not in logged.rule


async def test_a_bilingual_space_posts_each_card_in_welsh_then_english(core) -> None:
    core.settings = replace(core.settings, language="cy", bilingual=True)
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE, BOB)))
    effects = await core.handle(CreatePoll(ALICE, SPACE, question="Ble?",
                                           options=("Llyfrgell", "Parc"), no_remind=True))
    card = next(e.card for e in effects if isinstance(e, Post))
    assert card.title == "Pôl #1: Ble? / Poll #1: Ble?"
    lines = _lines(card)
    welsh = lines.index("Sut i bleidleisio: dewiswch un opsiwn. Er enghraifft: vote #1 2")
    assert welsh < lines.index("How to vote: pick one option. For example: vote #1 2")
    assert card.buttons[0].label == "Pleidleisio / Vote" and card.buttons[0].action == "vote:1"

    await core.handle(CastVote(BOB, SPACE, poll=1, choices=("2",)))
    effects = await core.handle(ClosePoll(ALICE, SPACE, poll=1))
    outcome = next(e.card for e in effects if isinstance(e, Post) and e.key == "outcome:1")
    assert outcome.title == "Canlyniad #1: Ble? / Outcome of #1: Ble?"
    rule = next(i for i, line in enumerate(outcome.lines) if line == Text("—"))
    welsh_half, english_half = outcome.lines[:rule], outcome.lines[rule:]
    assert [b.figure for b in welsh_half if isinstance(b, Bar)] == ["1 bleidlais (100%)",
                                                                    "0 pleidlais (0%)"]
    assert [b.figure for b in english_half if isinstance(b, Bar)] == ["1 vote (100%)",
                                                                      "0 votes (0%)"]
    # Each half has the count in its own words, not the first language's twice.
    assert Text("Parc wins.") in english_half
    assert not any("wins" in getattr(line, "text", "") for line in welsh_half)


async def test_a_creator_is_told_privately_in_their_own_language(core, clock) -> None:
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    await core.handle(parse("language cy", ALICE, SPACE))
    await core.handle(CreatePoll(ALICE, SPACE, question="Te?", options=("Ie", "Na"),
                                 no_remind=True))
    channel = Channel(core.store)
    channel.down = True
    keeper = Timekeeper(core, channel.deliver, worker="w")
    clock.advance(timedelta(seconds=31))
    for wait in (timedelta(0), *BACKOFF):
        clock.advance(wait)
        await keeper.run_due(clock.now())
    told = [e.card for e in channel.sent if isinstance(e, DirectMessage)]
    assert len(told) == 1
    assert told[0].title == "Doeddwn i ddim yn gallu postio eich pôl #1 yn #playground"
    assert "Dim ond chi gafodd y neges hon." in _lines(told[0])


async def test_a_proposer_is_asked_for_answers_in_their_own_language(driver) -> None:
    await driver.say("alice: language cy")
    await driver.say('alice: propose "Cwrdd ar-lein" --rule consent --closes 1h')
    await driver.say("bob: vote #1 block it shuts out people without internet")
    await driver.say("carol: vote #1 agree")
    said = await driver.say("clock +2h")
    assert "Mae eich cynnig #1 yn aros am eich atebion" in said
    assert "is waiting for your answers" not in said
    assert "Outcome of #1" in said  # the space itself is English


def test_result_bars_are_worded_in_the_readers_language() -> None:
    outcome = Outcome(summary="", reason="", tallies=(("agree", 2), ("block", 1)), voted=3)
    english = tally_bars(outcome, PollKind.CONSENT)
    assert [(b.label, b.figure) for b in english] == [("agree", "2 votes (67%)"),
                                                     ("block", "1 vote (33%)")]
    with speaking("cy"):
        welsh = tally_bars(outcome, PollKind.CONSENT)
        places = place_bars((("A", 1), ("B", 1)))
    assert [(b.label, b.figure) for b in welsh] == [("cytuno", "2 bleidlais (67%)"),
                                                   ("blocio", "1 bleidlais (33%)")]
    assert places[0].figure == "safle 1af (cyfartal â'r rhain: B; trefn yr hap-ddewis a " \
                               "benderfynodd)"


def test_one_point_is_not_written_as_points() -> None:
    outcome = Outcome(summary="", reason="", tallies=(("A", 3), ("B", 1)), voted=2,
                      unit="points")
    assert [b.figure for b in tally_bars(outcome)] == ["3 points", "1 point"]


def test_an_outcome_logged_by_an_older_version_still_shows() -> None:
    # Schulze outcomes were once counted in head-to-head wins; the log keeps them so.
    outcome = Outcome(summary="", reason="", tallies=(("A", 2), ("B", 0)), voted=2,
                      unit="wins against other options")
    assert [b.figure for b in tally_bars(outcome)] == ["2 wins against other options",
                                                       "0 wins against other options"]
