"""Welsh in the playground: typed commands are read in the person's language, the
playground's own lines are written in it, and times are written in each reader's."""

from __future__ import annotations

from dataclasses import replace

WELSH_TITLE = "Wnaeth hynny ddim gweithio"


async def test_a_mistyped_command_is_explained_in_welsh_to_a_welsh_reader(driver) -> None:
    await driver.say("alice: language cy")
    said = await driver.say("alice: vote #x 1")
    assert WELSH_TITLE in said
    assert "Roeddwn i'n disgwyl rhif fel #1 ar ôl vote, nid '#x'." in said
    assert "I expected a number" not in said
    # Bob did not choose Welsh: he is told in English.
    said = await driver.say("bob: vote #x 1")
    assert "That didn't work" in said and "I expected a number like #1 after vote" in said


async def test_the_playgrounds_own_lines_are_in_the_readers_language(driver) -> None:
    await driver.say("alice: language cy")
    assert "Chi yw alice nawr." in await driver.say("as alice")
    assert await driver.say("clock") == "Yr amser nawr yw Mer 25 Tach 2026 09:00 (Europe/London)."
    said = await driver.say("clock soon")
    assert said.startswith("Symudwch y cloc ymlaen") and "clock +2h" in said
    said = await driver.say("help")
    assert "Yn y maes chwarae yn unig:" in said
    assert "  - as NAME — gweithredu fel rhywun arall o hyn ymlaen (as bob)" in said
    # Bob reads English, as before.
    assert "You are now bob." in await driver.say("as bob")
    assert await driver.say("clock") == "The time is now Wed 25 Nov 2026 09:00 (Europe/London)."
    assert "Playground only:" in await driver.say("help")


async def test_times_in_cards_are_written_in_each_readers_language(driver) -> None:
    await driver.say("alice: language cy")
    said = await driver.say('alice: poll "Cinio?" "Cawl" "Pastai" --closes friday 17:00')
    public = said.split("[private to alice]")[0]
    # The space is English: its post reads English times; Alice's own answers are hers.
    assert "Fri 27 Nov 2026 17:00 (Europe/London)" in public
    assert "Gwen" not in public
    listed = await driver.say("alice: polls")
    assert "Gwen 27 Tach 2026 17:00 (Europe/London)" in listed and "Fri" not in listed
    assert "Fri 27 Nov 2026 17:00 (Europe/London)" in await driver.say("bob: polls")


async def test_a_welsh_space_shows_the_times_of_its_posts_in_welsh(driver) -> None:
    driver.core.settings = replace(driver.core.settings, language="cy")
    said = await driver.say('bob: poll "Cinio?" "Cawl" "Pastai" --closes friday 17:00')
    public = said.split("[private to bob]")[0]
    assert "Gwen 27 Tach 2026 17:00 (Europe/London)" in public
    assert "Fri 27 Nov" not in public
    # An edit of the post (a vote) keeps the space's language in its one line.
    said = await driver.say("carol: vote #1 1")
    assert "[public post updated in #playground]" in said
    assert "Gwen 27 Tach 2026 17:00" in said.split("[public post updated in #playground]")[1]
    # The space's language is everyone's who has not chosen: the playground's lines too.
    assert await driver.say("clock") == "Yr amser nawr yw Mer 25 Tach 2026 09:00 (Europe/London)."


async def test_a_bilingual_space_writes_its_post_times_in_its_first_language(driver) -> None:
    driver.core.settings = replace(driver.core.settings, language="cy", bilingual=True)
    await driver.say("bob: language en")
    said = await driver.say('bob: poll "Lunch?" "Soup" "Pie" --closes friday 17:00')
    public, private = said.split("[private to bob]")
    assert "Gwen 27 Tach 2026 17:00" in public
    assert "Gwen" not in private                      # Bob chose English for himself
