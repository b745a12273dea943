"""APScheduler as the clock: a short interval tick that asks for due work.

The jobs themselves live in the database (``bot.timing``); APScheduler only
keeps time. Its own job stores are never used, so nothing is shared between
processes through it (its FAQ says that is unsupported).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.ports import Clock
from bot.timing import Timekeeper

log = logging.getLogger(__name__)

JOB_ID = "roundtable-tick"


class Ticker:
    """Runs ``timekeeper.run_due`` every ``interval`` seconds on the running event loop.

    Args:
        timekeeper: Claims and runs due jobs.
        clock: Where "now" comes from.
        interval: Seconds between ticks.
    """

    def __init__(self, timekeeper: Timekeeper, clock: Clock, interval: float = 1.0) -> None:
        self.timekeeper = timekeeper
        self.clock = clock
        self.interval = interval
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        # Held while a tick runs, so that stop() can wait for it: a tick cut off mid-way
        # would leave a database connection in use while the store shuts down.
        self._busy = asyncio.Lock()

    def start(self) -> None:
        """Start ticking; the first tick runs at once, so work missed while down is done now."""
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.interval, timezone=UTC),
            id=JOB_ID,
            # One tick at a time; a late tick is merged into the next rather than skipped
            # (APScheduler's default grace of 1 s would drop ticks on a busy loop).
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(30, int(self.interval * 10)),
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    async def tick(self) -> int:
        """Run whatever is due now; never raises (a failed tick is logged and retried next)."""
        async with self._busy:
            try:
                return await self.timekeeper.run_due(self.clock.now())
            except Exception:
                log.exception("a scheduler tick failed; the next tick will try again")
                return 0

    async def stop(self) -> None:
        """Stop ticking and wait for a tick in progress to finish (pending work is in the DB)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        async with self._busy:
            pass
