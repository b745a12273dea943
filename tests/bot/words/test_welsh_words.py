"""Welsh words: Welsh command words work beside the English ones, and help reads in Welsh."""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.i18n import speaking
from bot.model import Actor, SpaceRef
from bot.service import REGISTRY, parse
from bot.words.grammar import WELSH_VERBS, Grammar
from bot.words.help import TOPICS, help_card

ACTOR = Actor("console", "local", "alice", "alice")
SPACE = SpaceRef("console", "local", "playground")


@pytest.mark.parametrize(("welsh", "english"), [
    ("pleidleisio #4 3 1", "vote #4 3 1"),
    ("pleidlais #4 2", "vote #4 2"),
    ('cynnig "Cwrdd ar ddydd Iau"', 'propose "Cwrdd ar ddydd Iau"'),
    ('pôl "Cinio?" "Cawl" "Pastai"', 'poll "Cinio?" "Cawl" "Pastai"'),
    ('Pol "Cinio?" "Cawl" "Pastai"', 'poll "Cinio?" "Cawl" "Pastai"'),
    ("polau", "polls"),
    ("canlyniadau #2", "results #2"),
    ("cau #2", "close #2"),
    ("penderfyniadau 20", "decisions 20"),
    ('ymateb #3 1 "Fe wnaethon ni ei symud"', 'respond #3 1 "Fe wnaethon ni ei symud"'),
    ('syniad #1 "Ystafell dawel"', 'idea #1 "Ystafell dawel"'),
    ("syniadau #1", "ideas #1"),
    ("fi", "me"),
    ("cymorth pleidlais", "help pleidlais"),
])
def test_a_welsh_command_word_reads_as_the_english_one(welsh: str, english: str) -> None:
    assert parse(welsh, ACTOR, SPACE) == parse(english, ACTOR, SPACE)


def test_the_welsh_words_stand_for_real_verbs_and_hide_none() -> None:
    for word, verb in WELSH_VERBS.items():
        assert verb in REGISTRY.parsers, f"{word} stands for {verb}, which no wing offers"
        assert word not in REGISTRY.parsers, f"{word} is already a verb of a wing"


def test_a_verb_a_wing_offers_is_never_replaced_by_an_alias() -> None:
    own = REGISTRY.parsers["polls"]
    grammar = Grammar({"polls": own, "vote": REGISTRY.parsers["vote"]},
                      aliases={"polls": "vote", "pleidlais": "vote", "x": "missing"})
    assert grammar.parsers["polls"] is own
    assert "x" not in grammar.parsers
    with pytest.raises(BadInput, match="I don't know the command 'x'"):
        grammar.parse("x", ACTOR, SPACE)


async def test_a_welsh_reader_gets_help_in_welsh_with_the_commands_in_english(driver) -> None:
    await driver.say("alice: language cy")
    said = await driver.say("alice: help pleidlais")
    assert "Cymorth: vote" in said
    assert "Sut i'w ysgrifennu: vote #N <your choice>" in said
    assert "Pleidleisio ar bôl #N." in said
    assert "vote #3 1=5 2=3" in said  # examples stay as they are typed
    assert "You can change your vote" not in said
    # Someone else still reads English.
    said = await driver.say("bob: help vote")
    assert "You can change your vote until it ends." in said
    assert "Pleidleisio" not in said


async def test_the_overview_and_the_glossary_are_in_welsh_too(driver) -> None:
    await driver.say("alice: iaith cy")
    said = await driver.say("alice: cymorth")
    assert "Beth gallwch chi ei wneud" in said
    assert "poll — dechrau pôl" in said
    assert "What you can do" not in said
    said = await driver.say("alice: help words")
    assert "Cynnig (proposal): syniad sy'n mynd at y grŵp i gael ie neu na." in said
    assert "Proposal: an idea" not in said


async def test_help_on_the_language_says_how_to_choose_and_lists_the_welsh_words(driver) -> None:
    for asked in ("help language", "help cymraeg", "help iaith"):
        said = await driver.say(f"alice: {asked}")
        assert "How to write it: language [cy|en|default]" in said
        assert "language cy is Welsh (Cymraeg)" in said
        assert "cytuno (agree)" in said
        assert "vote — pleidlais, pleidleisio" in said
        assert "poll — pôl, pol" in said


def test_help_texts_stay_english_for_the_adapters_that_read_them_at_import() -> None:
    with speaking("cy"):
        welsh = help_card("results").lines[1].text
    assert welsh.startswith("Dangos canlyniadau pôl.")
    assert TOPICS["results"][1].startswith("Show a poll's results.")


async def test_a_welsh_speaker_who_mistypes_a_command_is_told_in_welsh(core) -> None:
    welsh_phone = Actor("console", "local", "dewi", locale="cy-GB")
    with pytest.raises(BadInput) as caught:
        await core.read("frobnicate", welsh_phone, SPACE)
    assert caught.value.message.startswith("Dydw i ddim yn nabod y gorchymyn 'frobnicate'.")
    with pytest.raises(BadInput, match="Keep it under 4000"):
        await core.read("x" * 4001, ACTOR, SPACE)


async def test_a_proposal_takes_its_stances_in_welsh(driver) -> None:
    await driver.say('alice: propose "Cwrdd ar ddydd Iau"')
    for person, welsh in (("alice", "cytuno"), ("bob", "ymatal"), ("carol", "anghytuno")):
        said = await driver.say(f"{person}: vote #1 {welsh}")
        assert "didn't work" not in said, said
    said = await driver.say("alice: vote #1 blocio mae'n cau gweithwyr nos allan")
    assert "didn't work" not in said, said
