"""Timed work in Welsh (issue 14): each reminder in its reader's language, public lines in
the space's, and the time commands' replies in the language of the person who typed them.

Due jobs run outside any command, so the timekeeper itself says which language the space
posts in; private reminders are worded for each reader, in one batch.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.cards import Card
from bot.commands import CastVote, CreatePoll, CreateSchedule, ExtendPoll, MembersSeen
from bot.effects import DirectMessage, Post
from bot.model import Actor, SpaceRef
from bot.service import parse
from bot.timing.timekeeper import Timekeeper
from tests.bot.timing.test_timing_batches import Recorder
from tests.conftest import as_posted

ALICE = Actor("console", "local", "alice", "alice", frozenset({"facilitator"}))
BOB = Actor("console", "local", "bob", "bob")
CAROL = Actor("console", "local", "carol", "carol")
PEOPLE = (ALICE, BOB, CAROL)


def room(n: int) -> SpaceRef:
    return SpaceRef("console", "local", f"room{n}")


def _text(card: Card) -> str:
    parts = [card.title]
    for line in card.lines:
        parts.extend(getattr(line, "items", ()) or (getattr(line, "text", ""),))
    return "\n".join(parts)


async def _polls_closing_in_80_minutes(core, rooms: int) -> None:
    """Polls in ``rooms`` rooms with a reminder an hour before they close; bob votes."""
    for n in range(rooms):
        await core.handle(MembersSeen(ALICE, room(n), PEOPLE))
        await as_posted(core, await core.handle(CreatePoll(
            ALICE, room(n), question=f"Cinio {n}?", options=("Cawl", "Salad"), closes="80m",
            remind="1h")))
        await core.handle(CastVote(BOB, room(n), poll=1, choices=("Cawl",)))


async def _reminders(core, clock) -> tuple[dict[str, Card], list[Card]]:
    clock.advance(timedelta(minutes=20))
    channel = Recorder(core.store)
    await Timekeeper(core, channel.deliver).run_due(clock.now())
    private = {e.member: e.card for e in channel.sent if isinstance(e, DirectMessage)}
    public = [e.card for e in channel.sent if isinstance(e, Post)]
    return private, public


async def test_one_batch_reminds_a_welsh_reader_in_welsh_and_an_english_one_in_english(
        core, clock) -> None:
    await _polls_closing_in_80_minutes(core, 1)
    await core.handle(parse("language cy", ALICE, room(0)))
    private, public = await _reminders(core, clock)

    welsh, english = _text(private[ALICE.key]), _text(private[CAROL.key])
    assert private[ALICE.key].title == "Nodyn atgoffa: mae #1 yn #room0 yn cau mewn 1 awr"
    assert "Dydych chi ddim wedi pleidleisio eto. Er enghraifft: vote #1 2" in welsh
    assert "Dim ond chi gafodd y neges hon." in welsh
    assert "Reminder" not in welsh and "You have not voted" not in welsh
    assert private[CAROL.key].title == "Reminder: #1 in #room0 closes in 1 hour"
    assert "You have not voted yet. For example: vote #1 2" in english
    assert "Nodyn" not in english
    # The channel's line is for everyone: in the space's language (English here).
    assert [card.title for card in public] == ["#1 closes in 1 hour"]


async def test_a_merged_reminder_is_worded_for_each_reader(core, clock) -> None:
    await _polls_closing_in_80_minutes(core, 3)
    await core.handle(parse("language cy", CAROL, room(0)))
    private, _public = await _reminders(core, clock)

    welsh = private[CAROL.key]
    assert welsh.title == ("Nodyn atgoffa: mae 3 phôl yn cau cyn bo hir, a dydych chi ddim "
                           "wedi pleidleisio")
    assert "#1 yn #room2: Cinio 2? — yn cau mewn 1 awr. Er enghraifft: vote #1 2" in _text(welsh)
    assert private[ALICE.key].title == ("Reminder: 3 polls close soon, and you have not "
                                        "voted")
    assert "closes in 1 hour" in _text(private[ALICE.key])


async def test_a_welsh_space_hears_closes_in_and_its_check_ins_in_welsh(core, clock) -> None:
    core.settings = replace(core.settings, language="cy")
    await _polls_closing_in_80_minutes(core, 1)
    await core.handle(parse("language en", CAROL, room(0)))
    await core.handle(CreateSchedule(ALICE, room(0), text="Sut aeth yr wythnos?",
                                     every="1h"))
    private, public = await _reminders(core, clock)

    line = next(card for card in public if "#1" in card.title)
    assert line.title == "Mae #1 yn cau mewn 1 awr"
    assert "1 o 3 wedi pleidleisio" in _text(line)
    assert "I bleidleisio: Er enghraifft: vote #1 2" in _text(line)
    assert "closes in" not in _text(line) and "To vote" not in _text(line)
    # alice chose nothing, so she reads the space's Welsh; carol chose English.
    assert private[ALICE.key].title.startswith("Nodyn atgoffa")
    assert private[CAROL.key].title == "Reminder: #1 in #room0 closes in 1 hour"

    clock.advance(timedelta(hours=1))
    channel = Recorder(core.store)
    await Timekeeper(core, channel.deliver).run_due(clock.now())
    check_in = next(e.card for e in channel.sent if isinstance(e, Post)
                    and "Sut aeth" in e.card.title)
    assert check_in.title == "Neges holi: Sut aeth yr wythnos?"
    assert "Atebwch yn y sianel" in _text(check_in) and "Reply in" not in _text(check_in)


async def test_a_bilingual_space_gets_its_check_in_and_recurring_poll_in_both(
        core, clock) -> None:
    core.settings = replace(core.settings, language="cy", bilingual=True)
    await core.handle(MembersSeen(ALICE, room(0), PEOPLE))
    await core.handle(CreateSchedule(ALICE, room(0), text="Sut aeth hi?", every="1h"))
    await core.handle(CreateSchedule(ALICE, room(0), text="Te?", options=("Ie", "Na"),
                                     every="1h"))
    clock.advance(timedelta(hours=1))
    channel = Recorder(core.store)
    await Timekeeper(core, channel.deliver).run_due(clock.now())
    titles = sorted(e.card.title for e in channel.sent if isinstance(e, Post))
    assert titles == ["Neges holi: Sut aeth hi? / Check-in: Sut aeth hi?",
                      "Pôl #1: Te? / Poll #1: Te?"]


async def test_a_welsh_space_is_told_in_welsh_that_a_poll_now_closes_later(core) -> None:
    core.settings = replace(core.settings, language="cy")
    await core.handle(MembersSeen(ALICE, room(0), PEOPLE))
    await core.handle(parse("language en", ALICE, room(0)))
    await core.handle(CreatePoll(ALICE, room(0), question="Te?", options=("Ie", "Na"),
                                 closes="1d", no_remind=True))
    await core.handle(parse("more-time #1", BOB, room(0)))
    effects = await core.handle(ExtendPoll(ALICE, room(0), poll=1, by="1d"))
    later = next(e.card for e in effects if isinstance(e, Post))
    assert later.title == "Mae #1 nawr yn cau yn hwyrach"
    assert _text(later).endswith("Te? — amser cau newydd: {time}. Roedd 1 wedi gofyn am fwy "
                                 "o amser.")


async def test_a_welsh_reader_gets_the_time_commands_in_welsh(driver) -> None:
    await driver.say("alice: language cy")
    await driver.say('bob: poll "Te?" "Ie" "Na" --closes 2d')
    asked = await driver.say("alice: more-time #1")
    assert "Mae eich cais wedi'i gofnodi" in asked and "Your request is in" not in asked
    # bob started the poll and reads English: his note is in English.
    assert "More time asked for on #1" in asked
    assert "Dywedwch faint yn hirach" in await driver.say("alice: extend #1 soon")
    assert "Teipiwch polls (neu schedules)" in await driver.say("alice: extend one 1d")
    extended = await driver.say("alice: extend #1 1d")
    assert "#1 now closes later" in extended  # the space itself is English
    shown = await driver.say("alice: timezone")
    assert "Dydych chi ddim wedi gosod cylchfa amser" in shown and "Your time zone" not in shown
    saved = await driver.say("alice: timezone Europe/Paris")
    assert "Eich cylchfa amser nawr yw Europe/Paris" in saved and "saved" not in saved
    assert "Ysgrifennwch timezone" in await driver.say("alice: timezone a b")
    assert "Your time zone is now Europe/London" in await driver.say(
        "bob: timezone Europe/London")  # an English reader, unchanged


async def test_a_welsh_creator_hears_of_a_request_for_more_time_in_welsh(driver) -> None:
    await driver.say("carol: language cy")
    await driver.say('carol: poll "Te?" "Ie" "Na" --closes 2d')
    asked = await driver.say("bob: more-time #1")
    assert "Your request is in" in asked
    assert "Cais am fwy o amser ar #1" in asked
    assert "Mae 1 person wedi gofyn am fwy o amser ar #1: Te?." in asked
    assert "More time asked for" not in asked


async def test_a_welsh_reader_sets_up_and_lists_schedules_in_welsh(driver) -> None:
    await driver.say("alice: language cy")
    set_up = await driver.say('alice: schedule "Sut aeth hi?" --every 2w')
    assert "Mae neges holi reolaidd #1 wedi'i gosod" in set_up
    assert "bob 2 wythnos (Europe/London)" in set_up and "every" not in set_up
    listed = await driver.say("alice: schedules")
    assert "#1 neges holi: Sut aeth hi? — bob 2 wythnos" in listed
    assert "Ysgrifennwch --every" in await driver.say(
        'alice: schedule "Sut?" --every soon')
    assert "Fydd amserlen #1 ddim yn rhedeg eto." in await driver.say("alice: unschedule #1")
