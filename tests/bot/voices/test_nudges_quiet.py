"""Nudges and quiet hours (issue 14): a nudge held back at night comes when the
person's quiet hours end, not at whatever minute the next hourly sweep falls on."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.voice_model import NudgePolicy
from tests.bot.voices.test_nudges import POLL, nudged


async def test_a_nudge_held_at_night_comes_when_quiet_hours_end(driver):
    await driver.say("people dana")
    await driver.say("clock +12h30m")  # Wednesday 21:30 in London: sweeps fall at :30
    await driver.say(POLL)
    await driver.say("bob: vote #1 Park")
    # Open a day by Thursday 21:30, when the quiet hours have begun.
    assert nudged(await driver.say("clock +35h29m")) == set()  # Friday 08:59
    assert nudged(await driver.say("clock +1m")) == {"carol", "dana"}  # 09:00


async def test_each_person_is_nudged_when_their_own_quiet_hours_end(driver):
    await driver.say("people dana")
    await driver.say("clock +30m")  # Wednesday 09:30: sweeps fall at :30
    await driver.say(POLL)
    await driver.say("bob: vote #1 Park")
    await driver.say("carol: timezone America/New_York")  # five hours behind London
    out = await driver.say("clock +24h")  # Thursday 09:30 London, 04:30 in New York
    assert nudged(out) == {"dana"}
    assert nudged(await driver.say("clock +4h29m")) == set()  # 08:59 in New York
    assert nudged(await driver.say("clock +1m")) == {"carol"}  # 09:00 there


def test_quiet_hours_end_at_the_next_local_morning():
    policy = NudgePolicy()  # 21:00 to 09:00
    london = "Europe/London"
    assert policy.quiet_until(datetime(2026, 11, 26, 2, 0, tzinfo=UTC), london) == datetime(
        2026, 11, 26, 9, 0, tzinfo=UTC)
    assert policy.quiet_until(datetime(2026, 11, 25, 22, 0, tzinfo=UTC), london) == datetime(
        2026, 11, 26, 9, 0, tzinfo=UTC)
    assert policy.quiet_until(datetime(2026, 11, 26, 12, 0, tzinfo=UTC), london) is None
    # The night the clocks go forward, 09:00 in London is 08:00 UTC.
    assert policy.quiet_until(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), london) == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC)
    assert NudgePolicy(quiet_start=time(0), quiet_end=time(0)).quiet_until(
        datetime(2026, 11, 26, 2, 0, tzinfo=UTC), london) is None


async def test_facilitators_see_reminders_among_the_private_messages(driver):
    await driver.say("clock +3h")  # Wednesday noon
    await driver.say('poll "Where?" "Library" "Park" --closes 2d')
    await driver.say("vote #1 1")
    await driver.say("clock +25h")  # the day-before reminder, to bob and carol
    out = await driver.say("nudges")
    assert "2 private messages in the last 30 days: 2 reminders before a poll closed." in out
    assert "bob" not in out and "carol" not in out
