"""APScheduler keeps time; the database keeps the jobs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from bot.commands import CreatePoll, MembersSeen
from bot.model import Actor, SpaceRef
from bot.timing.timekeeper import Timekeeper
from roundtable.ticker import JOB_ID, WAKE_ID, Ticker

SPACE = SpaceRef("console", "local", "playground")
ALICE = Actor("console", "local", "alice", "alice")


async def test_first_tick_runs_at_start_and_closes_a_poll_that_was_due(core, clock):
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    await core.handle(CreatePoll(ALICE, SPACE, question="Tea?", options=("Yes", "No"),
                                 closes="1h", no_remind=True))
    clock.advance(timedelta(hours=2))
    delivered = asyncio.Event()
    sent = []

    async def deliver(effects):
        sent.extend(effects)
        delivered.set()

    ticker = Ticker(Timekeeper(core, deliver), clock, interval=60)
    ticker.start()
    try:
        job = ticker.scheduler.get_job(JOB_ID)
        assert job.misfire_grace_time >= 30 and job.coalesce and job.max_instances == 2
        await asyncio.wait_for(delivered.wait(), timeout=10)
    finally:
        await ticker.stop()
    assert any("Outcome of #1" in getattr(e.card, "title", "") for e in sent)


async def test_a_failing_tick_does_not_stop_the_clock(core, clock):
    class Broken:
        async def run_due(self, now):
            raise RuntimeError("database away")

    ticker = Ticker(Broken(), clock)
    assert await ticker.tick() == 0


async def test_a_job_due_before_the_next_tick_gets_its_own_wake_up(core, clock):
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    await core.handle(CreatePoll(ALICE, SPACE, question="Tea?", options=("Yes", "No"),
                                 closes="1h", no_remind=True))
    clock.advance(timedelta(hours=1) - timedelta(seconds=2))  # closes in 2 s
    ticker = Ticker(Timekeeper(core, _ignore), clock, interval=60)
    ticker.start()
    try:
        await ticker.tick()
        wake = ticker.scheduler.get_job(WAKE_ID)
        assert wake is not None
        # Set for the closing time (2 s from now), not the next tick a minute away.
        wait = (wake.next_run_time - datetime.now(UTC)).total_seconds()
        assert 0.5 < wait <= 2.0
    finally:
        await ticker.stop()


async def test_work_due_before_the_next_tick_is_read_ahead(driver, core, clock):
    await driver.say('schedule "Weekly check-in" --every 1w')
    clock.advance(timedelta(weeks=1) - timedelta(seconds=2))  # the check-in is 2 s away
    sent: list = []

    async def deliver(effects) -> None:
        sent.extend(effects)

    keeper = Timekeeper(core, deliver)
    ticker = Ticker(keeper, clock, interval=60)
    ticker.start()
    try:
        await ticker.tick()  # nothing due yet: the schedule is read now, before its time
        statements: list[str] = []
        event.listen(core.store.engine.sync_engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_: statements.append(statement))
        clock.advance(timedelta(seconds=2))
        assert await keeper.run_due(clock.now()) == 1
    finally:
        await ticker.stop()
    assert [e.card.title for e in sent] == ["Check-in: Weekly check-in"]
    # When it fell due, only the work itself was left: the schedule was not read again.
    assert not any("FROM schedule" in statement for statement in statements)


async def test_no_wake_up_when_the_next_tick_comes_first(core, clock):
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    await core.handle(CreatePoll(ALICE, SPACE, question="Tea?", options=("Yes", "No"),
                                 closes="1h", no_remind=True))
    # The first due job is the check that the card went out, 30 s on: the tick comes first.
    ticker = Ticker(Timekeeper(core, _ignore), clock, interval=10)
    ticker.start()
    try:
        await ticker.tick()
        assert ticker.scheduler.get_job(WAKE_ID) is None
    finally:
        await ticker.stop()


async def test_a_tick_while_another_runs_returns_at_once(core, clock):
    started, release = asyncio.Event(), asyncio.Event()
    runs: list[int] = []

    class Slow:
        store = core.store

        async def run_due(self, now):
            runs.append(1)
            started.set()
            await release.wait()
            return 1

    ticker = Ticker(Slow(), clock)
    first = asyncio.create_task(ticker.tick())
    await started.wait()
    assert await ticker.tick() == 0
    release.set()
    assert await first == 1 and runs == [1]


async def _ignore(effects) -> None:
    return None


async def test_stop_lets_a_running_tick_finish_its_work(core, clock):
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    class Slow:
        store = core.store

        async def run_due(self, now):
            started.set()
            await release.wait()
            finished.append("marked done")
            return 1

    ticker = Ticker(Slow(), clock, interval=60)
    at_shutdown: list[list[str]] = []
    shutdown = ticker.scheduler.shutdown

    def recording_shutdown(wait: bool = True) -> None:
        at_shutdown.append(list(finished))
        shutdown(wait=wait)

    ticker.scheduler.shutdown = recording_shutdown
    ticker.start()  # the first tick starts at once
    await started.wait()
    stopping = asyncio.create_task(ticker.stop())
    release.set()
    await stopping
    # APScheduler cancels running jobs when it shuts down, so it must not shut down
    # before the tick has marked its work done.
    assert at_shutdown == [["marked done"]] and finished == ["marked done"]
