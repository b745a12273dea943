"""Timed work: closing polls on time, reminders, recurring check-ins — exactly once.

The database is the source of truth: every timed thing is a row in the job
table. A ``Timekeeper`` claims due rows (atomically, with a lease, so several
bot processes can share one database), asks the core what each job means, hands
the effects to the adapters, and marks the rows done. A job whose effects could
not be delivered is retried with back-off a bounded number of times, and then
recorded as failed. See ``docs/timing.md``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime, timedelta

from bot.context import Core
from bot.effects import Effect
from bot.timed_work import Job, JobKind, NewJob
from bot.timing.job_runner import NOTHING, JobRunner, take_turns

log = logging.getLogger(__name__)

#: How long a claimed job is ours. Longer than any send, so a slow send is not repeated;
#: a long delivery renews it (see ``Timekeeper``).
LEASE = timedelta(seconds=60)
#: Jobs claimed at once. Large, because a burst due at one minute is run a batch at a time
#: with a few queries per batch; 2,000 was the fastest in benchmarks/bench_timing.py.
BATCH = 2000
#: Jobs whose polls and schedules ``Timekeeper.prepare`` reads ahead, at most (the
#: store's caches hold 10,000 of each).
PREPARE_LIMIT = 10_000
#: Finished jobs are kept this long (failures can be looked at with job_failures), then
#: deleted, at most once per ``PRUNE_EVERY``, so the table holds pending work and a month.
KEEP_FINISHED = timedelta(days=30)
PRUNE_EVERY = timedelta(hours=1)
#: Waits before the 2nd, 3rd, ... run of a job whose effects could not be delivered.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
           timedelta(minutes=30))
MAX_ATTEMPTS = len(BACKOFF) + 1

#: Lanes that run one after the other, reminders first, beside the others (``run_due``).
IN_TURN = (JobKind.REMIND, JobKind.NUDGE)

Deliver = Callable[[list[Effect]], Awaitable[None]]
#: Told of each job run: its kind, its lag (seconds from due to run) and the outcome:
#: "delivered", "nothing" (no effects), "retry" or "failed" (given up).
Observe = Callable[[str, float, str], None]


def default_worker_id() -> str:
    """A name for this process's claims: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"



class Timekeeper:
    """Runs due jobs: claim, run, deliver, mark done — or retry with back-off.

    Args:
        core: The core.
        deliver: Sends effects to whichever adapter owns their space or member.
        worker: This process's name in claims.
        batch: How many jobs to claim at once.
        lease: How long a claim holds before another process may take the job over.
        monotonic: Measures how long delivery has taken (tests pass their own).
        platforms: The platforms ``deliver`` can reach; only their jobs are claimed, so
            processes running different platforms on one database leave each other's
            work alone. None (the playground, tests): every job.
        observe: Told of each job run (for metrics, ``roundtable.ops``); None: nobody.
    """

    def __init__(self, core: Core, deliver: Deliver, worker: str | None = None,
                 batch: int = BATCH, lease: timedelta = LEASE,
                 monotonic: Callable[[], float] = time.monotonic,
                 platforms: Collection[str] | None = None,
                 observe: Observe | None = None) -> None:
        self.core = core
        self.store = core.store
        self.runner = JobRunner(core)
        self.deliver = deliver
        self.worker = worker or default_worker_id()
        self.batch = batch
        self.lease = lease
        self._monotonic = monotonic
        self.platforms = tuple(sorted(platforms)) if platforms is not None else None
        self._pruned_at: datetime | None = None
        self._observe = observe

    async def run_due(self, now: datetime) -> int:
        """Run every job due at ``now``; return how many ran (including failures).

        Each kind of job is claimed and run in its own lane, and the lanes run together:
        a lane claims a batch of its kind, runs it, delivers it, marks it done and claims
        the next, without waiting for the other lanes' batches. A burst of cheap
        check-ins is then not held up batch by batch behind the closings due with it,
        and one lane's database waits are another lane's time to compute. Only nudges
        wait for reminders, so that a reminder due now is first to a person's daily cap.
        """
        try:
            # Counted contributions wait in memory for a batch; each tick writes them out.
            await self.store.flush_contributions()
        except Exception as error:
            log.warning("contributions not written this tick (%s)", type(error).__name__)
        await self._prune(now)
        lanes = await asyncio.gather(*(self._run_lane(kind, now) for kind in JobKind
                                       if kind not in IN_TURN),
                                     self._reminders_then_nudges(now), return_exceptions=True)
        # Every lane has finished before a failure is passed on, so nothing of this tick
        # is still running when the next one starts.
        for lane in lanes:
            if isinstance(lane, BaseException):
                raise lane
        return sum(lane for lane in lanes if isinstance(lane, int))

    async def _reminders_then_nudges(self, now: datetime) -> int:
        """The reminder lane, then the nudge lane: a person's daily cap on private messages
        goes to a reminder due now before a nudge due at the same moment."""
        ran = await self._run_lane(JobKind.REMIND, now)
        return ran + await self._run_lane(JobKind.NUDGE, now)

    async def prepare(self, until: datetime) -> None:
        """Read ahead the polls and schedules of jobs due by ``until`` (into the store's
        caches), so that when they fall due only the work itself is left.

        For the ticker to call in the quiet moment before a burst it can see coming (a
        thousand spaces' check-ins at 10:00). Best effort: on failure the jobs read
        what they need when they run. The caches expire within seconds, as for any read.
        """
        try:
            polls, schedules = await self.store.upcoming_targets(until, PREPARE_LIMIT,
                                                                 self.platforms)
            if polls:
                await self.store.get_polls(polls)
            if schedules:
                await self.store.get_schedules(schedules)
        except Exception as error:
            log.info("could not read ahead the jobs due next (%s)", type(error).__name__)

    async def _run_lane(self, kind: JobKind, now: datetime) -> int:
        """Claim and run the due jobs of one kind, a batch at a time; how many ran."""
        ran = 0
        while True:
            jobs = await self.store.claim_jobs(self.worker, now, now + self.lease, self.batch,
                                               kinds=(kind,), platforms=self.platforms)
            if not jobs:
                return ran
            ran += await self._run_claimed(jobs, now)
            if len(jobs) < self.batch:
                return ran

    async def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        try:
            await self.store.prune_jobs(now - KEEP_FINISHED)
        except Exception as error:  # housekeeping: try again at the next hour
            log.warning("old finished jobs not pruned (%s)", type(error).__name__)

    async def _run_claimed(self, jobs: list[Job], now: datetime) -> int:
        """Run and deliver a claimed batch; return how many ran.

        Delivery can be slow (a platform paces its messages), so every third of a lease
        the jobs delivered so far are marked done and the claim on the rest is renewed:
        another process never takes over a job this one is still delivering, and a crash
        repeats at most the jobs delivered since the last renewal.
        """
        results = await self.runner.run_batch(jobs, now)
        finished = _Finished()
        held = {job.id for job in jobs}
        renew_after = self.lease.total_seconds() / 3
        since = self._monotonic()
        ran = 0
        for index, job in enumerate(jobs):
            await take_turns(index)
            if self._monotonic() - since > renew_after:
                held = await self._renew(jobs[index:], finished, now)
                finished, since = _Finished(), self._monotonic()
            if job.id not in held:
                continue  # taken over by another process after this one stalled
            ran += 1
            result = results.get(job.id, NOTHING)
            try:
                if isinstance(result, Exception):
                    raise result
                effects, follow = result
                if effects:
                    await self.deliver(effects)
                finished.add(job, follow)
                outcome = "delivered" if effects else "nothing"
            except Exception as error:
                outcome = "retry" if await self._failed(job, error, now) else "failed"
            if self._observe is not None:
                self._observe(job.kind.value, (now - job.due_at).total_seconds(), outcome)
        await self._finish(finished, now)
        return ran

    async def _finish(self, finished: _Finished, now: datetime) -> None:
        if finished.done or finished.again:
            await self.store.finish_jobs(finished.done, self.worker, now, finished.again)

    async def _renew(self, rest: list[Job], finished: _Finished, now: datetime) -> set[int]:
        """Mark what ran finished and extend the lease on ``rest``; the ids still held."""
        await self._finish(finished, now)
        until = max(now, self.core.clock.now()) + self.lease
        return await self.store.renew_leases([job.id for job in rest], self.worker, until)

    async def _failed(self, job: Job, error: Exception, now: datetime) -> bool:
        """Record the failure; whether the job will be retried."""
        attempt = job.attempts + 1
        retry_at = now + BACKOFF[job.attempts] if attempt < MAX_ATTEMPTS else None
        # Job id, kind and the error's type only: never a payload or a person.
        log.warning("job %s (%s) failed on attempt %s with %s; %s", job.id, job.kind.value,
                    attempt, type(error).__name__,
                    "will retry" if retry_at else "giving up")
        await self.store.fail_job(job.id, self.worker, type(error).__name__, retry_at, now)
        if retry_at is None:
            await self._report_undelivered(job)
        return retry_at is not None

    async def _report_undelivered(self, job: Job) -> None:
        """Tell the person concerned, privately, what the channel never got. One try: if
        that fails too, the job's failure stays on record for the operator."""
        try:
            report = await self.runner.undelivered(job)
            if report:
                await self.deliver(report)
        except Exception as error:
            log.warning("job %s (%s): could not report what was not delivered (%s)",
                        job.id, job.kind.value, type(error).__name__)


class _Finished:
    """Jobs that ran: done ones with their follow-ups, and ones that come round again."""

    def __init__(self) -> None:
        self.done: list[tuple[int, Sequence[NewJob]]] = []
        self.again: list[tuple[int, NewJob]] = []

    def add(self, job: Job, follow: Sequence[NewJob]) -> None:
        """Sort a job that ran: a single follow-up of the same kind, for the same poll or
        schedule, is the job coming round again and keeps the job's row."""
        if len(follow) == 1 and (follow[0].kind, follow[0].poll_id, follow[0].schedule_id) == (
                job.kind, job.poll_id, job.schedule_id):
            self.again.append((job.id, follow[0]))
        else:
            self.done.append((job.id, follow))
