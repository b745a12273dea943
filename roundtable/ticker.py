"""APScheduler as the clock: an interval tick that asks for due work, and a wake-up at
the next due time.

The jobs themselves live in the database (``bot.timing.timekeeper``); APScheduler only
keeps time. Its own job stores are never used, so nothing is shared between
processes through it (its FAQ says that is unsupported). After each tick the
ticker asks the database when the next job falls due and, if that comes before
the next tick, sets a one-off wake-up for that moment: a poll closes on the second,
not up to a tick later. The interval tick still catches work that another process
added in the meantime.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.ports import Clock
from bot.timing.timekeeper import Timekeeper

log = logging.getLogger(__name__)

JOB_ID = "roundtable-tick"
WAKE_ID = "roundtable-wake"


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
        self._stopping = False

    def start(self) -> None:
        """Start ticking; the first tick runs at once, so work missed while down is done now."""
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.interval, timezone=UTC),
            id=JOB_ID,
            # A tick that comes while a long one runs returns at once (see ``tick``). Two
            # instances, so that APScheduler does not warn every second that it skipped
            # one; a late tick is merged into the next (its default grace of 1 s would
            # drop ticks on a busy loop).
            max_instances=2,
            coalesce=True,
            misfire_grace_time=max(30, int(self.interval * 10)),
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    async def tick(self) -> int:
        """Run whatever is due now; never raises (a failed tick is logged and retried next).

        If a tick is still running (a burst of work), this one does nothing: the running
        tick keeps claiming until nothing due is left.
        """
        if self._busy.locked() or self._stopping:
            return 0
        async with self._busy:
            try:
                ran = await self.timekeeper.run_due(self.clock.now())
            except Exception:
                log.exception("a scheduler tick failed; the next tick will try again")
                return 0
            await self._plan_wake()
            return ran

    async def _plan_wake(self) -> None:
        """Wake at the next due time if it comes before the next interval tick."""
        if not self.scheduler.running:
            return
        try:
            now = self.clock.now()
            upcoming = await self.timekeeper.store.next_due_after(now)
        except Exception as error:  # the interval tick still comes
            log.warning("could not look up the next due time (%s)", type(error).__name__)
            return
        if upcoming is None:
            return
        if (upcoming - now).total_seconds() >= self.interval:
            return
        # Work falls due before the next tick: read its polls and schedules now, in the
        # quiet moment before it, so that a burst due at one instant starts at once.
        await self.timekeeper.prepare(upcoming)
        wait = (upcoming - self.clock.now()).total_seconds()
        self.scheduler.add_job(
            self.tick,
            DateTrigger(run_date=datetime.now(UTC) + timedelta(seconds=max(wait, 0.0)),
                        timezone=UTC),
            id=WAKE_ID,
            replace_existing=True,
            max_instances=2,  # as for the interval tick: a busy tick makes this one return
            misfire_grace_time=max(30, int(self.interval * 10)),
        )

    async def stop(self) -> None:
        """Stop ticking and wait for a tick in progress to finish (pending work is in the DB).

        The scheduler is shut down only once no tick is running: APScheduler's asyncio
        executor cancels running jobs at shutdown, and a tick cut off between sending and
        marking its jobs done would send them again after their lease.
        """
        self._stopping = True
        async with self._busy:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
