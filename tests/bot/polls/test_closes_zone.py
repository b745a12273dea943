"""``--closes`` read in the creator's own time zone (issue 14), and said on the card.

The space reads times in Europe/London. Alice, who sets Asia/Karachi (5 hours ahead),
means 17:00 her time when she writes ``--closes friday 17:00``. Cards show ``{time}`` in
each reader's own zone where the platform can (Slack, Discord), so the card also writes the
time out in the zone it was set in, and names that zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.cards import Note
from bot.model import Method, Poll, PollKind, PollSpec, PollStatus
from bot.polls.views import closing_words, poll_card
from tests.conftest import START

FRIDAY_5PM_KARACHI = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FRIDAY_5PM_LONDON = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


async def _poll(driver, number: int = 1):
    space = driver.playground.space
    return await driver.core.store.find_poll(space, number)


async def test_closes_is_read_in_the_creators_own_zone_and_the_card_says_so(driver):
    await driver.say("alice: timezone Asia/Karachi")
    out = await driver.say('alice: poll "Lunch?" "Soup" "Pie" --closes friday 17:00')
    poll = await _poll(driver)
    assert poll.spec.closes_at == FRIDAY_5PM_KARACHI
    # The public card: the space's time, then the time in the zone it was set in.
    assert ("Closes Fri 27 Nov 2026 12:00 (Europe/London) — set as Friday 27 November, "
            "17:00 (Asia/Karachi).") in out
    # The creator's reply confirms it in their own zone.
    assert "It closes Friday 27 November, 17:00 (Asia/Karachi), in your time zone." in out


async def test_without_an_own_zone_the_space_zone_is_used_and_said(driver):
    out = await driver.say('alice: poll "Lunch?" "Soup" "Pie" --closes friday 17:00')
    poll = await _poll(driver)
    assert poll.spec.closes_at == FRIDAY_5PM_LONDON
    assert "Closes Fri 27 Nov 2026 17:00 (Europe/London)." in out
    assert "set as" not in out
    assert "It closes Friday 27 November, 17:00 (Europe/London), in this space's time zone." in out


async def test_the_card_keeps_the_creators_zone_when_someone_else_votes(driver):
    await driver.say("alice: timezone Asia/Karachi")
    await driver.say("bob: timezone America/Toronto")
    await driver.say('alice: poll "Lunch?" "Soup" "Pie" --closes friday 17:00')
    out = await driver.say("bob: vote #1 2")
    assert "1 of 3 has voted." in out
    card = await driver.core.render_poll(await _poll(driver))
    [closing] = [line for line in card.lines if isinstance(line, Note) and line.at]
    assert closing.text == ("1 of 3 has voted. Closes {time} — set as Friday 27 November, "
                            "17:00 (Asia/Karachi).")
    assert closing.at == FRIDAY_5PM_KARACHI and closing.tz == "Europe/London"


async def test_a_length_of_time_is_the_same_in_every_zone(driver):
    await driver.say("alice: timezone Asia/Karachi")
    out = await driver.say('alice: poll "Lunch?" "Soup" "Pie" --closes 2d')
    poll = await _poll(driver)
    assert poll.spec.closes_at == START + timedelta(days=2)
    assert "set as Friday 27 November, 14:00 (Asia/Karachi)" in out


async def test_a_clock_time_alone_means_the_next_one_in_the_creators_zone(driver):
    await driver.say("alice: timezone Asia/Karachi")
    # Wednesday 14:00 in Karachi: 08:00 has already passed today, so it means tomorrow.
    await driver.say('alice: poll "Lunch?" "Soup" "Pie" --closes 08:00')
    poll = await _poll(driver)
    assert poll.spec.closes_at == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    out = await driver.say('alice: poll "Tea?" "Yes" "No" --closes 2026-11-25 10:00')
    assert "That time has already passed." in out


def test_a_closing_time_in_another_year_says_the_year():
    at = datetime(2027, 1, 2, 12, 0, tzinfo=UTC)
    assert closing_words(at, "Asia/Karachi", datetime(2026, 12, 30, tzinfo=UTC)) == (
        "Saturday 2 January 2027, 17:00 (Asia/Karachi)")
    assert closing_words(at, "Asia/Karachi", datetime(2027, 1, 1, tzinfo=UTC)) == (
        "Saturday 2 January, 17:00 (Asia/Karachi)")


def test_the_same_zone_as_the_space_is_not_said_twice(driver):
    spec = PollSpec("Lunch?", ("Soup", "Pie"), PollKind.CHOICE, Method.PLURALITY,
                    closes_at=FRIDAY_5PM_LONDON)
    poll = Poll(1, driver.playground.space, 1, "alice", spec, PollStatus.OPEN, START)
    for set_in in (None, "Europe/London"):
        card = poll_card(poll, 0, 3, "Europe/London", set_in)
        [closing] = [line for line in card.lines if isinstance(line, Note) and line.at]
        assert closing.text == "0 of 3 have voted. Closes {time}."
