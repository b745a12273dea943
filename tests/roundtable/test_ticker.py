"""APScheduler keeps time; the database keeps the jobs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.commands import CreatePoll
from bot.model import Actor, SpaceRef
from bot.timing import Timekeeper
from roundtable.ticker import JOB_ID, Ticker

SPACE = SpaceRef("console", "local", "playground")
ALICE = Actor("console", "local", "alice", "alice")


async def test_first_tick_runs_at_start_and_closes_a_poll_that_was_due(core, clock):
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
        assert job.misfire_grace_time >= 30 and job.coalesce and job.max_instances == 1
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
