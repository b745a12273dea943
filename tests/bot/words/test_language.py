"""``language cy`` / ``language en``: each person reads the bot in their own language."""

from __future__ import annotations

from dataclasses import replace

from bot.model import Actor, SpaceRef
from bot.service import parse


async def test_a_person_who_chooses_welsh_is_answered_in_welsh(driver) -> None:
    said = await driver.say("alice: language cy")
    assert "Gymraeg o hyn ymlaen" in said
    assert "from now on" not in said
    # Kept: asking again says Welsh, in Welsh; nobody else is changed.
    assert "Rydw i'n ysgrifennu atoch chi yn Gymraeg" in await driver.say("alice: language")
    assert "I write to you in English." in await driver.say("bob: language")


async def test_going_back_to_english_and_to_the_space_default(driver) -> None:
    await driver.say("alice: language cy")
    assert "I will write to you in English from now on." in await driver.say("alice: language en")
    await driver.say("alice: language cy")
    said = await driver.say("alice: iaith default")
    assert "this space's language" in said
    assert "I write to you in English." in await driver.say("alice: language")


async def test_the_choice_is_stored_for_every_process(driver, store) -> None:
    await driver.say("alice: language Cymraeg")
    assert await store.member_languages(["console:local:alice", "console:local:bob"]) == {
        "console:local:alice": "cy"}


async def test_an_unknown_language_gets_a_clear_answer_and_changes_nothing(driver) -> None:
    said = await driver.say("alice: language french")
    assert "language cy" in said and "language en" in said
    assert "I write to you in English." in await driver.say("alice: language")


async def test_the_platform_locale_is_used_until_a_person_chooses(core) -> None:
    space = SpaceRef("console", "local", "general")
    welsh_phone = Actor("console", "local", "dewi", locale="cy-GB")
    effects = await core.handle_private(parse("language", welsh_phone, space))
    assert "Rydw i'n ysgrifennu atoch chi yn Gymraeg" in effects[0].card.lines[0].text
    await core.handle_private(parse("language en", welsh_phone, space))
    effects = await core.handle_private(parse("language", welsh_phone, space))
    assert "I write to you in English." in effects[0].card.lines[0].text


async def test_the_space_language_is_the_default(core) -> None:
    core.settings = replace(core.settings, language="cy")
    space = SpaceRef("console", "local", "general")
    effects = await core.handle_private(parse("language", Actor("console", "local", "x"), space))
    assert "yn Gymraeg" in effects[0].card.lines[0].text
