"""Nudges as people meet them: private, kind, capped, never at night, and easy to stop."""

from __future__ import annotations

import re

from adapters.console.playground import Playground
from bot.anonymity import Keyring
from bot.model import Group, SpaceRef
from bot.service import Roundtable, Settings
from bot.voice_model import NudgePolicy
from tests.conftest import SECRET, Driver

SPACE = SpaceRef("console", "local", "playground")
KEY = "console:local:{}".format
POLL = 'poll "Where should PeerFest be?" "Library" "Park" --closes 5d --no-remind'


def dms(out: str) -> dict[str, str]:
    """Direct messages in the output: name -> what that person was sent."""
    found: dict[str, str] = {}
    for block in re.split(r"(?m)^(?=\[)", out):
        match = re.match(r"\[direct message to (\w+), private\]\n", block)
        if match:
            found[match.group(1)] = found.get(match.group(1), "") + block[match.end():]
    return found


def nudged(out: str) -> set[str]:
    return {name for name, text in dms(out).items() if "could use your voice" in text
            or "Your voice on" in text or "The group is deciding" in text}


async def _poll_with_dana(driver) -> None:
    # Wednesday 09:00 in London; bob votes, carol and dana do not.
    await driver.say("people dana")
    await driver.say(POLL)
    await driver.say("bob: vote #1 Park")


async def test_quieter_members_get_one_kind_private_nudge(driver):
    await _poll_with_dana(driver)
    await driver.say('carol: say "hello"')
    assert nudged(await driver.say("clock +23h")) == set()  # not before a day has passed
    out = await driver.say("clock +2h")  # Thursday 10:00
    # Not bob (voted), not alice (started the poll).
    assert nudged(out) == {"carol", "dana"}
    assert "[public" not in out
    carol, dana = dms(out)["carol"], dms(out)["dana"]
    assert "The group is deciding: Where should PeerFest be?" in carol
    assert "You have not voted on this one yet" in carol
    assert "We have not heard from you here lately" in dana
    for text in (carol, dana):
        assert "For example: vote #1 2" in text and "Library" in text
        assert "You can vote anonymously until Mon 30 Nov 2026 09:00" in text
        assert "To stop these nudges, type: nudges off" in text
        assert not {"alice", "bob", "carol", "dana"} & set(re.findall(r"\w+", text))


async def test_at_most_one_nudge_every_three_days(driver):
    await _poll_with_dana(driver)
    assert nudged(await driver.say("clock +25h")) == {"carol", "dana"}
    assert nudged(await driver.say("clock +2d")) == set()
    # The first went on Thursday at 09:00; three days on is still too soon...
    assert nudged(await driver.say("clock +23h")) == set()
    # ...and the sweep after that may nudge again.
    assert nudged(await driver.say("clock +1h")) == {"carol", "dana"}


async def test_quiet_hours_follow_each_members_time_zone(driver):
    await _poll_with_dana(driver)
    await driver.say("carol: timezone America/Los_Angeles")
    out = await driver.say("clock +25h")  # Thursday 10:00 London is 02:00 in Los Angeles
    assert nudged(out) == {"dana"}
    assert nudged(await driver.say("clock +6h")) == set()  # 08:00 there: still quiet
    assert nudged(await driver.say("clock +1h")) == {"carol"}  # 09:00 there


async def test_no_nudges_in_the_spaces_night(driver):
    await driver.say("clock +12h")  # Wednesday 21:00
    await _poll_with_dana(driver)
    assert nudged(await driver.say("clock +23h")) == set()
    out = await driver.say("clock +12h")  # through the night until Friday 08:00
    assert nudged(out) == set()
    assert nudged(await driver.say("clock +1h")) == {"carol", "dana"}


async def test_nudges_off_is_respected_and_nudges_on_undoes_it(driver):
    await _poll_with_dana(driver)
    await driver.say("carol: nudges off")
    assert nudged(await driver.say("clock +25h")) == {"dana"}
    assert nudged(await driver.say("clock +1d")) == set()
    await driver.say("carol: nudges on")
    assert nudged(await driver.say("clock +1h")) == {"carol"}


async def test_no_nudges_for_open_polls_or_next_to_a_reminder(driver):
    await driver.say("people dana")
    await driver.say('poll "Named?" "A" "B" --open --closes 5d --no-remind')
    await driver.say('poll "Reminded?" "A" "B" --closes 2d')
    out = await driver.say("clock +3d")
    assert "Reminder: #2" in out
    assert not any("Your voice on" in text for text in dms(out).values())


async def test_a_closed_poll_stops_its_sweep(driver, core):
    await driver.say(POLL)
    await driver.say("clock +3h")
    await driver.say("close #1")
    await driver.say("clock +2h")
    async with core.store.engine.connect() as conn:
        pending = await conn.exec_driver_sql(
            "SELECT count(*) FROM job WHERE kind = 'nudge' AND done_at IS NULL")
        assert pending.scalar_one() == 0


async def test_facilitators_see_how_many_nudges_went_out_never_to_whom(driver):
    await _poll_with_dana(driver)
    await driver.say('carol: say "hello"')
    await driver.say("clock +25h")
    out = await driver.say("nudges")
    assert ("2 private messages in the last 30 days: 1 to members who had been quiet, 1 to "
            "members who had not voted yet.") in out
    assert "carol" not in out and "dana" not in out
    assert "in the last 30 days" not in await driver.say("bob: nudges")


async def test_opt_in_nudges_only_those_who_asked(store, clock):
    settings = Settings(timezone="Europe/London", nudges=NudgePolicy(opt_in=True))
    core = Roundtable(store, clock, Keyring(SECRET), settings)
    lines: list[str] = []
    playground = Playground(core, clock, ["alice", "bob", "carol", "dana"], write=lines.append)
    await playground.start()
    driver = Driver(playground, lines)
    await driver.say("dana: nudges on")
    await driver.say(POLL)
    assert nudged(await driver.say("clock +25h")) == {"dana"}
    assert "Private nudges are off for you" in await driver.say("carol: nudges")


async def _lopsided(driver) -> None:
    await driver.say("people dana eli fay")
    store = driver.core.store
    await store.add_group(SPACE, Group("staff", "Staff"))
    await store.add_group(SPACE, Group("lived", "Lived experience"))
    for slug, names in (("staff", "alice bob dana"), ("lived", "carol eli fay")):
        for name in names.split():
            await store.join_group(SPACE, slug, KEY(name), "self")
    await store.add_facilitator(SPACE, KEY("eli"))
    for n in range(12):
        await driver.say(f"{'alice' if n % 2 else 'bob'}: say message {n}")
    await driver.say("carol: say just one")


async def test_facilitators_get_one_balance_note_per_poll(driver):
    await _lopsided(driver)
    await driver.say(POLL)
    out = await driver.say("clock +1h")
    notes = {name: text for name, text in dms(out).items() if "balance of voices" in text}
    assert set(notes) == {"alice", "eli"}  # the poll's creator and the named facilitator
    note = notes["eli"]
    assert "Staff has made a much bigger share of the contributions" in note
    assert "They were heard more than their share." in note
    assert "ideas round" in note and "[public" not in out
    for name in ("bob", "carol", "dana", "fay"):
        assert name not in note
    assert "balance of voices" not in await driver.say("clock +6h")
    await driver.say('poll "Another?" "A" "B" --no-remind')
    assert "balance of voices" in await driver.say("clock +1h")
    # Two polls, each noted once to two people.
    assert "4 balance notes to facilitators" in await driver.say("nudges")


async def test_no_balance_note_at_night_or_when_balanced(driver):
    await _lopsided(driver)
    await driver.say("clock +11h")  # Wednesday 20:00
    await driver.say(POLL)
    assert "balance of voices" not in await driver.say("clock +12h")  # until 08:00
    assert "balance of voices" in await driver.say("clock +1h")  # 09:00
