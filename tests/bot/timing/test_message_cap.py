"""Fewer private messages (issue 14): a daily cap across reminders and nudges, the most
urgent kept, and quiet hours that delay a reminder instead of dropping it."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta

from adapters.console.playground import Playground
from bot.anonymity import Keyring
from bot.commands import CastVote, CreatePoll, MembersSeen
from bot.effects import DirectMessage
from bot.model import Actor, SpaceRef
from bot.service import Roundtable, Settings
from bot.timing.timekeeper import Timekeeper
from bot.voice_model import NudgePolicy
from storage import SqlStore, make_engine
from tests.conftest import SECRET, Driver

#: The quickest way to tell a message apart: its title line.
TITLE = re.compile(r"(?m)^\[direct message to (\w+), private\]\n(.*)$")


async def _messages(driver, until: datetime, step=timedelta(minutes=30)) -> list[tuple]:
    """Every private message up to ``until``: (time, to whom, its title and first item)."""
    found = []
    while driver.clock.now() < until:
        out = await driver.say(f"clock +{int(step.total_seconds() // 60)}m")
        for block in re.split(r"(?m)^(?=\[)", out):
            match = TITLE.match(block)
            if match:
                found.append((driver.clock.now(), match.group(1), block[match.start(2):]))
    return found


def _to(messages, name: str) -> list[tuple[datetime, str]]:
    return [(when, text) for when, who, text in messages if who == name]


def _most_in_a_day(times: list[datetime]) -> int:
    return max((sum(1 for t in times if start - timedelta(hours=24) < t <= start)
                for start in times), default=0)


async def _five_polls_and_a_long_one(driver) -> None:
    # Wednesday 10:00 in London. Alice opens six polls and votes in each: she is not part
    # of what follows. Carol votes in the three that close on Thursday; bob in none.
    await driver.say("clock +1h")
    await driver.say('poll "Long one?" "A" "B" --closes 5d --no-remind')  # nudges from Thu
    await driver.say('poll "Two?" "A" "B" --closes "thursday 13:00" --remind 1h')
    await driver.say('poll "Three?" "A" "B" --closes "thursday 15:00" --remind 1h')
    await driver.say('poll "Four?" "A" "B" --closes "thursday 17:00" --remind 1h')
    await driver.say('poll "Five?" "A" "B" --closes "friday 11:30" --remind 24h,1h')
    await driver.say('poll "Six?" "A" "B" --closes "friday 14:00" --remind 24h,1h')
    for number in range(1, 7):
        await driver.say(f"vote #{number} 1")
    for number in (2, 3, 4):
        await driver.say(f"carol: vote #{number} 1")


async def test_at_most_three_messages_a_day_and_the_last_calls_are_kept(driver):
    await _five_polls_and_a_long_one(driver)
    thursday = driver.clock.now().replace(hour=9) + timedelta(days=1)
    messages = await _messages(driver, thursday + timedelta(days=2))
    bob = _to(messages, "bob")
    # On Thursday the three polls closing that day each need bob's vote within the hour:
    # those are the messages he gets. The nudge about the long poll and the early notice
    # of poll five would have pushed two of them out, so they wait.
    assert [(when.hour, text.split(" closes")[0]) for when, text in bob
            if when < thursday + timedelta(days=1)] == [
        (12, "Reminder: #2 in #playground"),
        (14, "Reminder: 2 polls close soon, and you have not voted\n  1. #3 in #playground: "
             "Three? —"),
        (16, "Reminder: #4 in #playground")]
    assert _most_in_a_day([when for when, _ in bob]) == 3
    # On Friday there is room again: poll six's last call, then the nudge.
    later = [(when.hour, text.split(" closes")[0].split(" in #")[0]) for when, text in bob
             if when >= thursday + timedelta(days=1)]
    assert later == [(13, "Reminder: #6"), (14, "Your voice on #1")]


async def test_the_cap_counts_per_person(driver):
    await _five_polls_and_a_long_one(driver)
    thursday = driver.clock.now().replace(hour=9) + timedelta(days=1)
    messages = await _messages(driver, thursday + timedelta(days=2))
    carol = [(when.strftime("%a %H:%M"), text.split(" in #")[0]) for when, text in
             _to(messages, "carol")]
    # Carol voted in the polls closing on Thursday, so bob's full day does not hold her
    # messages back: the nudge and poll five's early notice reach her on Thursday morning.
    # Poll six's early notice (Thursday 14:00) would leave no room for her own two last
    # calls on Friday, so it waits for them.
    assert carol == [("Thu 10:00", "Your voice on #1"), ("Thu 11:30", "Reminder: #5"),
                     ("Fri 10:30", "Reminder: #5"), ("Fri 13:00", "Reminder: #6")]


async def test_no_cap_when_set_to_zero(store, clock):
    settings = Settings(timezone="Europe/London", ask_about_payments=False,
                        nudges=NudgePolicy(per_day=0))
    core = Roundtable(store, clock, Keyring(SECRET), settings)
    lines: list[str] = []
    playground = Playground(core, clock, ["alice", "bob", "carol"], write=lines.append)
    await playground.start()
    driver = Driver(playground, lines)
    await _five_polls_and_a_long_one(driver)
    thursday = driver.clock.now().replace(hour=9) + timedelta(days=1)
    bob = _to(await _messages(driver, thursday + timedelta(days=1)), "bob")
    assert [when.strftime("%H:%M") for when, _ in bob] == [
        "10:00", "11:30", "12:00", "14:00", "16:00"]


async def test_a_reminder_due_in_the_night_arrives_when_quiet_hours_end(driver):
    await driver.say("people dana")
    await driver.say("dana: timezone Asia/Karachi")  # five hours ahead of London
    await driver.say("clock +3h")  # Wednesday noon
    await driver.say('poll "Where?" "Library" "Park" --closes "thursday 12:00" --remind 10h')
    await driver.say("vote #1 1")
    out = await driver.say("clock +14h")  # Thursday 02:00: 07:00 for dana
    assert "[public in #playground]\n#1 closes in 10 hours" in out  # the channel, on time
    assert "direct message" not in out  # everyone is asleep
    out = await driver.say("clock +2h")  # 04:00 London is 09:00 in Karachi
    assert set(re.findall(r"direct message to (\w+)", out)) == {"dana"}
    assert "Reminder: #1 in #playground closes in 8 hours" in out
    await driver.say("carol: vote #1 2")  # carol votes before London wakes
    out = await driver.say("clock +4h59m")
    assert "direct message" not in out
    out = await driver.say("clock +1m")  # 09:00 in London
    assert set(re.findall(r"direct message to (\w+)", out)) == {"bob"}
    assert "Reminder: #1 in #playground closes in 3 hours" in out
    assert "[public" not in out  # the channel heard it once
    assert "direct message" not in await driver.say("clock +4h")


async def test_a_reminder_whose_poll_closes_in_the_night_is_dropped(driver, core):
    await driver.say('poll "Where?" "Library" "Park" --closes "thursday 03:00" --remind 1h')
    out = await driver.say("clock +17h")  # Thursday 02:00
    assert "#1 closes in 1 hour" in out and "direct message" not in out
    out = await driver.say("clock +8h")  # the poll closed at 03:00; London wakes at 09:00
    assert "Outcome of #1" in out and "direct message" not in out
    async with core.store.engine.connect() as conn:
        pending = await conn.exec_driver_sql(
            "SELECT count(*) FROM job WHERE kind = 'remind' AND done_at IS NULL")
        assert pending.scalar_one() == 0


async def test_a_held_reminder_is_not_sent_once_the_poll_has_closed(driver):
    await driver.say("clock +3h")  # Wednesday noon
    await driver.say('poll "Where?" "Library" "Park" --closes "thursday 12:00" --remind 10h')
    await driver.say("clock +14h")  # Thursday 02:00: held until 09:00
    await driver.say("close #1")
    assert "direct message" not in await driver.say("clock +8h")


async def test_two_job_runners_racing_keep_the_cap(db_url, clock):
    # Two bot processes on one database, each running one reminder job at a time; four
    # polls' last reminders fall due together. Each person gets one message: the cap.
    people = tuple(Actor("console", "local", name, name) for name in ("alice", "bob", "carol"))
    settings = Settings(timezone="Europe/London", ask_about_payments=False,
                        nudges=NudgePolicy(per_day=1))
    stores = [SqlStore(make_engine(db_url)) for _ in range(2)]
    for store in stores:
        await store.start()
    cores = [Roundtable(store, clock, Keyring(SECRET), settings) for store in stores]
    clock.advance(timedelta(hours=3))  # noon in London
    for n in range(4):
        room = SpaceRef("console", "local", f"room{n}")
        await cores[0].handle(MembersSeen(people[0], room, people))
        await cores[0].handle(CreatePoll(people[0], room, question=f"Lunch {n}?",
                                         options=("Soup", "Salad"), closes="2h", remind="1h"))
        await cores[0].handle(CastVote(people[1], room, poll=1, choices=("Soup",)))
    clock.advance(timedelta(hours=1))
    sent: list = []

    async def deliver(effects) -> None:
        sent.extend(e for e in effects if isinstance(e, DirectMessage))

    keepers = [Timekeeper(core, deliver, worker=f"w{n}", batch=1)
               for n, core in enumerate(cores)]
    await asyncio.gather(*(keeper.run_due(clock.now()) for keeper in keepers))
    assert sorted(e.member for e in sent) == ["console:local:alice", "console:local:carol"]
    for store in stores:
        await store.close()
