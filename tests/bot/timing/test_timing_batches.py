"""A burst of timed work due together is run a batch at a time, and a bad job stays alone."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.commands import CastVote, CreatePoll, MembersSeen
from bot.effects import DirectMessage, Post, UpdatePost
from bot.model import Actor, SpaceRef
from bot.polls.counter import Counter
from bot.timing.timekeeper import Timekeeper
from storage import SqlStore, make_engine
from tests.conftest import as_posted
from tests.storage.helpers import StatementLog, rows

PEOPLE = [Actor("console", "local", name, name) for name in ("alice", "bob", "carol")]


def space(n: int) -> SpaceRef:
    return SpaceRef("console", "local", f"room{n}")


async def _polls(core, count: int, closes: str = "30m", remind: str | None = None) -> None:
    for n in range(count):
        await core.handle(MembersSeen(PEOPLE[0], space(n), tuple(PEOPLE)))
        await as_posted(core, await core.handle(CreatePoll(
            PEOPLE[0], space(n), question=f"Lunch in room {n}?", options=("Soup", "Salad"),
            closes=closes, remind=remind, no_remind=remind is None)))
        await core.handle(CastVote(PEOPLE[1], space(n), poll=1, choices=("Soup",)))


class Recorder:
    """A platform that takes everything, and keeps keyed posts on record as adapters do."""

    def __init__(self, store, remember: bool = True) -> None:
        self.sent: list = []
        self.store = store if remember else None

    async def deliver(self, effects) -> None:
        self.sent.extend(effects)
        for effect in effects if self.store is not None else ():
            if isinstance(effect, Post) and effect.key is not None:
                await self.store.remember_post(effect.key, effect.space.platform, "posted")


async def test_many_polls_closing_together_each_close_once_with_a_few_statements(core, clock):
    await _polls(core, 30)
    clock.advance(timedelta(minutes=30))
    channel = Recorder(core.store, remember=False)  # its own writes would be counted below
    log = StatementLog(core.store.engine)
    # Nudge sweeps fall due an hour after opening; only the 30 closings are due now, and
    # the 30 checks that each card went out (which find them posted and send nothing).
    assert await Timekeeper(core, channel.deliver).run_due(clock.now()) == 60
    outcomes = [e for e in channel.sent if isinstance(e, Post) and "Outcome" in e.card.title]
    assert sorted(e.space.channel for e in outcomes) == sorted(f"room{n}" for n in range(30))
    assert all("Soup wins" in " ".join(getattr(x, "text", "") for x in e.card.lines)
               for e in outcomes)
    updates = [e for e in channel.sent if isinstance(e, UpdatePost)]
    assert len(updates) == 30 and all("has closed" in str(e.card) for e in updates)
    # A handful of statements for the whole burst, not a handful per poll.
    assert len(log.verbs) < 30
    assert len(await core.store.decisions()) == 30


async def test_reminders_due_together_reach_each_non_voter(core, clock):
    await _polls(core, 5, closes="80m", remind="1h")
    clock.advance(timedelta(minutes=20))
    channel = Recorder(core.store)
    await Timekeeper(core, channel.deliver).run_due(clock.now())
    dms = [e for e in channel.sent if isinstance(e, DirectMessage)]
    # bob voted everywhere; alice and carol are reminded once each, of all five rooms.
    assert sorted(e.member for e in dms) == sorted(p.key for p in PEOPLE if p.user_id != "bob")
    assert all(e.card.title == "Reminder: 5 polls close soon, and you have not voted"
               for e in dms)
    notes = [e for e in channel.sent if isinstance(e, Post)]
    assert len(notes) == 5 and all("1 of 3 has voted" in str(e.card) for e in notes)


async def test_one_poll_that_cannot_be_counted_does_not_hold_back_the_others(core, clock,
                                                                             monkeypatch):
    await _polls(core, 3)
    clock.advance(timedelta(minutes=30))
    original = Counter._decide

    def decide(self, poll, *args):
        if poll.space.channel == "room1":
            raise ValueError("broken ballot")
        return original(self, poll, *args)

    monkeypatch.setattr(Counter, "_decide", decide)
    channel = Recorder(core.store)
    await Timekeeper(core, channel.deliver, worker="w").run_due(clock.now())
    closed = {e.space.channel for e in channel.sent if isinstance(e, Post)}
    assert closed == {"room0", "room2"}
    assert [d.space.channel for d in await core.store.decisions()].count("room1") == 0


async def test_an_extend_in_another_process_wins_over_a_stale_copy(core, clock, db_url):
    await _polls(core, 1)
    poll = await core.store.find_poll(space(0), 1)  # now cached in this process
    other = SqlStore(make_engine(db_url))
    try:
        assert await other.extend_poll(poll.id, clock.now() + timedelta(days=1), [])
    finally:
        await other.close()
    clock.advance(timedelta(minutes=30))
    channel = Recorder(core.store)
    await Timekeeper(core, channel.deliver).run_due(clock.now())
    assert not [e for e in channel.sent if "Outcome" in getattr(e.card, "title", "")]
    assert (await core.store.get_poll(poll.id)).is_open


async def test_a_slow_delivery_renews_its_claim_and_marks_progress(core, clock):
    await _polls(core, 4)
    clock.advance(timedelta(minutes=30))
    seconds = [0.0]
    taken_over: list[int] = []
    other = Recorder(core.store)

    async def slow(effects) -> None:
        # Each delivery takes half the lease, in real time and on the clock.
        seconds[0] += 30
        clock.advance(timedelta(seconds=30))
        if seconds[0] == 90:
            # Past the first claim's lease: another worker looks for work to take over.
            keeper = Timekeeper(core, other.deliver, worker="other")
            taken_over.append(await keeper.run_due(clock.now()))

    keeper = Timekeeper(core, slow, worker="slow", lease=timedelta(seconds=60),
                        monotonic=lambda: seconds[0])
    # Four closings, and four checks that the cards went out (finding them, sending nothing).
    assert await keeper.run_due(clock.now()) == 8
    assert taken_over == [0] and other.sent == []
    assert len(await core.store.decisions()) == 4


async def test_check_ins_are_not_held_back_behind_closings_due_before_them(driver, core,
                                                                            clock):
    await driver.say('schedule "Weekly check-in" --every 1w')
    await _polls(core, 3, closes="6d")
    clock.advance(timedelta(days=7))
    check_in_sent = asyncio.Event()
    sent: list = []

    async def deliver(effects) -> None:
        titles = [e.card.title for e in effects if isinstance(e, Post)]
        if any(title.startswith("Outcome") for title in titles):
            # The closings' delivery is stuck (a slow channel) until a check-in has gone.
            await check_in_sent.wait()
        sent.extend(titles)
        if any(title.startswith("Check-in") for title in titles):
            check_in_sent.set()

    # Each kind of job runs in its own lane: the check-in goes out while the closings,
    # due a day earlier and claimed first, are still being delivered.
    ran = await asyncio.wait_for(Timekeeper(core, deliver).run_due(clock.now()), timeout=10)
    assert ran >= 4
    assert sent[0] == "Check-in: Weekly check-in"
    assert sum(title.startswith("Outcome") for title in sent) == 3


async def test_a_recurring_check_in_keeps_one_job_row(driver, core):
    await driver.say('schedule "Weekly check-in" --cron "0 10 * * MON"')
    out = await driver.say("clock +3w")
    assert out.count("Check-in: Weekly check-in") == 3
    found = await rows(core.store.engine, "SELECT count(*), sum(done_at IS NULL) FROM job "
                       "WHERE schedule_id IS NOT NULL")
    # The same row moved on each week: one pending job, none piling up as done.
    assert found == [(1, 1)]


async def test_finished_jobs_are_pruned_after_a_month(core, clock):
    await _polls(core, 1)
    clock.advance(timedelta(minutes=30))
    keeper = Timekeeper(core, Recorder(core.store).deliver)
    await keeper.run_due(clock.now())
    assert await rows(core.store.engine, "SELECT count(*) FROM job WHERE kind = 'close'") == [(1,)]
    clock.advance(timedelta(days=31))
    await keeper.run_due(clock.now())
    assert await rows(core.store.engine, "SELECT count(*) FROM job WHERE kind = 'close'") == [(0,)]
