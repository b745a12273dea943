"""Timed work as people see it: polls close on time, reminders reach only non-voters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.playground import Playground


async def test_poll_closes_by_itself_at_its_time(driver):
    await driver.say('poll "Tea or coffee?" "Tea" "Coffee" --closes 2h --no-remind')
    await driver.say("bob: vote #1 Tea")
    assert "Outcome" not in await driver.say("clock +1h")
    out = await driver.say("clock +2h")
    assert "Outcome of #1: Tea or coffee?" in out and "Tea wins." in out
    # Logged at its closing time (11:00 in London), not when the clock was looked at.
    assert "closed Wed 25 Nov 2026 11:00" in await driver.say("decisions")
    late = await driver.say("carol: vote #1 Coffee")
    assert "has closed" in late


async def test_a_vote_after_the_closing_time_is_refused_even_before_the_count(driver, clock):
    await driver.say('poll "Tea or coffee?" "Tea" "Coffee" --closes 1h --no-remind')
    clock.advance(timedelta(hours=2))  # the clock moved, but no job has run yet
    assert "not taking votes" in await driver.say("bob: vote #1 Tea")


async def test_reminders_go_privately_to_those_who_have_not_voted(driver):
    await driver.say("people dana")
    await driver.say("clock +3h")  # noon in London: no reminder falls in the night
    await driver.say('poll "Where should PeerFest be?" "Library" "Park" --closes 2d')
    await driver.say("bob: vote #1 Park")
    out = await driver.say("clock +25h")
    for name in ("alice", "carol", "dana"):
        assert f"[direct message to {name}, private]" in out
    assert "direct message to bob" not in out
    assert "Reminder: #1 in #playground closes in 1 day" in out
    assert "[public in #playground]\n#1 closes in 1 day" in out
    assert "1 of 4 has voted" in out
    # The 1-hour reminder comes later, and again only to those still not voted.
    await driver.say("carol: vote #1 Library")
    out = await driver.say("clock +22h")
    assert "closes in 1 hour" in out
    assert "direct message to carol" not in out and "direct message to dana" in out
    out = await driver.say("clock +2h")
    assert "Outcome of #1" in out and "direct message" not in out


async def test_no_reminders_for_a_poll_that_already_closed(driver):
    await driver.say('poll "Q?" "A" "B" --closes 2d')
    await driver.say("close #1")
    out = await driver.say("clock +3d")
    assert "Reminder" not in out and "direct message" not in out


async def test_work_missed_while_down_is_done_once_at_start(driver, core, clock):
    await driver.say('poll "Q?" "A" "B" --closes 2d')
    await driver.say("bob: vote #1 A")
    # The bot is down for three days: nothing runs until a new process starts.
    clock.advance(timedelta(days=3))
    lines: list[str] = []
    restarted = Playground(core, clock, ["alice", "bob", "carol"], write=lines.append)
    await restarted.start()
    text = "\n".join(lines)
    assert text.count("Outcome of #1") == 1 and "A wins." in text
    # Reminders that no longer make sense (the poll has closed) are dropped, not sent late.
    assert "Reminder" not in text
    lines.clear()
    again = Playground(core, clock, ["alice", "bob", "carol"], write=lines.append)
    await again.start()
    assert "Outcome" not in "\n".join(lines)


async def test_a_reminder_far_too_late_is_dropped(driver, core, clock):
    await driver.say('poll "Q?" "A" "B" --closes 2d')
    # Down from before the 24-hour reminder until 4 hours before closing.
    clock.advance(timedelta(hours=44))
    lines: list[str] = []
    await Playground(core, clock, ["alice"], write=lines.append).start()
    assert "Reminder" not in "\n".join(lines)


async def test_more_time_and_extend_move_the_closing_and_its_reminders(driver):
    await driver.say('poll "Q?" "A" "B" --closes 1d --remind 2h')
    out = await driver.say("bob: more-time #1")
    assert "[private to bob]" in out and "not who" in out
    assert "[direct message to alice, private]" in out
    assert "1 person has asked for more time on #1" in out and "bob" not in out.split(
        "direct message to alice", 1)[1]
    assert "Only the person who started #1" in await driver.say("bob: extend #1 1d")
    out = await driver.say("extend #1 1d")
    assert "#1 now closes later" in out and "1 had asked for more time" in out
    assert "Thu 26 Nov" not in out and "Fri 27 Nov 2026 09:00" in out
    out = await driver.say("clock +1d")
    assert "Outcome" not in out and "Reminder" not in out
    out = await driver.say("clock +23h")
    assert "closes in 2 hours" in out
    assert "Outcome of #1" in await driver.say("clock +1h")


async def test_extend_refuses_nonsense(driver):
    await driver.say('poll "Q?" "A" "B" --closes 1d')
    assert "Say how much longer" in await driver.say("extend #1 soon")
    assert "at most a year" in await driver.say("extend #1 400d")


async def test_weekly_check_in_keeps_local_time_across_summer_time(core, clock):
    # Start on Sat 20 March 2027; London springs forward on Sun 28 March.
    clock.set(datetime(2027, 3, 20, 12, 0, tzinfo=UTC))
    lines: list[str] = []
    seen: list[datetime] = []
    playground = Playground(core, clock, ["alice"], write=lines.append)
    original = playground._deliver

    async def record(effects):
        seen.append(clock.now())
        await original(effects)

    playground.timekeeper.deliver = record
    await playground.start()
    out_before = len(lines)
    await playground.run_line('schedule "Weekly check-in: how did this week go?" '
                              '--cron "0 10 * * MON"')
    assert "Recurring check-in #1 is set" in "\n".join(lines[out_before:])
    await playground.run_line("clock +3w")
    assert seen[:3] == [
        datetime(2027, 3, 22, 10, 0, tzinfo=UTC),  # 10:00 GMT
        datetime(2027, 3, 29, 9, 0, tzinfo=UTC),   # 10:00 BST
        datetime(2027, 4, 5, 9, 0, tzinfo=UTC),
    ]
    assert "\n".join(lines).count("Check-in: Weekly check-in: how did this week go?") == 3
    await playground.run_line("unschedule #1")
    seen.clear()
    await playground.run_line("clock +2w")
    assert seen == []


async def test_schedules_list_and_permissions(driver):
    assert "Only a facilitator" in await driver.say(
        'bob: schedule "Check-in" --every 1w')
    out = await driver.say('schedule "Which day?" "Tue" "Thu" --every 2w --closes 2d')
    assert "Recurring poll #1 is set" in out
    assert "#1 poll: Which day? — every 2 weeks (Europe/London)" in await driver.say("schedules")
    out = await driver.say("clock +2w")
    assert "Poll #1: Which day?" in out
    assert "Outcome of #1" in await driver.say("clock +2d")
    assert "--cron" in await driver.say('schedule "X" --cron "0 10 * *"')
    assert "either --cron" in await driver.say('schedule "X"')
    assert "at most once an hour" in await driver.say('schedule "X" --cron "*/5 * * * *"')


async def test_timezone_is_stored_and_checked(driver):
    assert "not set a time zone" in await driver.say("bob: timezone")
    assert "Europe/Paris" in await driver.say("bob: timezone Europe/Paris")
    assert "Your time zone is Europe/Paris" in await driver.say("bob: timezone")
    assert "don't know the time zone" in await driver.say("bob: timezone Mars/Base")


async def test_a_reminder_speaks_in_the_readers_own_time_zone(driver):
    # Issue 14: after "timezone Asia/Karachi" the reminder no longer says London time.
    await driver.say("clock +3h")
    await driver.say("bob: timezone Asia/Karachi")
    await driver.say('poll "Where should PeerFest be?" "Library" "Park" --closes 2d')
    out = await driver.say("clock +25h")
    bob = out.split("[direct message to bob, private]", 1)[1].split("\n[", 1)[0]
    carol = out.split("[direct message to carol, private]", 1)[1].split("\n[", 1)[0]
    assert "Asia/Karachi" in bob and "Europe/London" not in bob
    assert "Europe/London" in carol


async def test_no_reminder_in_the_readers_quiet_hours(driver):
    # The poll opens at 9:00 and closes two days later at 9:00: its 1-hour reminder falls
    # at 8:00 in London, inside the quiet hours (21:00 to 9:00), so it is not sent.
    await driver.say('poll "Where should PeerFest be?" "Library" "Park" --closes 2d')
    assert "direct message to bob" in await driver.say("clock +25h")  # 9:00: awake
    out = await driver.say("clock +22h")
    assert "closes in 1 hour" in out  # the channel still hears it
    assert "direct message" not in out


async def test_polls_due_together_make_one_private_reminder(driver):
    await driver.say("clock +3h")
    await driver.say('poll "Where?" "Library" "Park" --closes 2d')
    await driver.say('poll "When?" "Friday" "Saturday" --closes 2d')
    out = await driver.say("clock +25h")
    assert out.count("[direct message to bob, private]") == 1
    assert "Reminder: 2 polls close soon, and you have not voted" in out
    assert "#1 in #playground: Where?" in out and "#2 in #playground: When?" in out
