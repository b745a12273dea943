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
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from bot.cards import Card, Note, Text
from bot.closing import close_polls
from bot.effects import DirectMessage, Effect, Post
from bot.model import Job, JobKind, NewJob, Poll, PollKind, PollSpec, PollStatus, Schedule
from bot.nudges import FIRST_SWEEP, NudgeSweep
from bot.polls import vote_example
from bot.recurrence import next_occurrence
from bot.timeparse import describe_duration
from bot.views import outcome_card, participation

if TYPE_CHECKING:
    from bot.service import Roundtable

log = logging.getLogger(__name__)

#: How long a claimed job is ours. Longer than any send, so a slow send is not repeated;
#: a long delivery renews it (see ``Timekeeper``).
LEASE = timedelta(seconds=60)
#: Jobs claimed at once. Large, because a burst due at one minute is run a batch at a time
#: with a few queries per batch; 2,000 was the fastest in benchmarks/bench_timing.py.
BATCH = 2000
#: Items a long loop over a batch handles between turns for other tasks (``_take_turns``).
TURN = 100
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
#: When another process holds a poll's closing claim, look again this much later.
CLOSING_RECHECK = timedelta(minutes=2)
#: A reminder later than this share of its lead time is dropped: a "24 hours left" note
#: sent with 3 hours left would mislead.
LATE_REMINDER_SHARE = 0.5

Deliver = Callable[[list[Effect]], Awaitable[None]]


def poll_jobs(spec: PollSpec, now: datetime) -> list[NewJob]:
    """The jobs a new or extended poll needs: its nudge sweep, and its closing and its
    reminders still ahead. An ideas round has no votes to remind or nudge about."""
    if spec.kind is PollKind.IDEAS:
        return [NewJob(JobKind.CLOSE, spec.closes_at)] if spec.closes_at else []
    jobs = [NewJob(JobKind.NUDGE, now + FIRST_SWEEP)]
    if spec.closes_at is None:
        return jobs
    jobs.append(NewJob(JobKind.CLOSE, spec.closes_at))
    for lead in spec.reminders:
        due = spec.closes_at - timedelta(seconds=lead)
        if due > now:
            jobs.append(NewJob(JobKind.REMIND, due, data=json.dumps({"before": lead})))
    return jobs


def default_worker_id() -> str:
    """A name for this process's claims: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


#: What a job run produced: its effects and the jobs that follow it.
Ran = tuple[list[Effect], list[NewJob]]
NOTHING: Ran = ([], [])


class JobRunner:
    """What each kind of job means, in effects. Part of the core.

    Jobs are run a claimed batch at a time, so that a burst of work due at the same
    minute costs a few queries per kind rather than a few per job: the batch's polls
    and schedules are read together, its polls closed together (``bot.closing``), and
    its reminders' figures read together. A job that fails gets its exception as its
    result; the rest of the batch carries on.
    """

    def __init__(self, core: Roundtable) -> None:
        self.core = core
        self.store = core.store

    async def run_batch(self, jobs: Sequence[Job], now: datetime) -> dict[int, Ran | Exception]:
        """Run a batch of due jobs; each job's id maps to what it produced or its error.

        The ``Timekeeper`` claims one kind per batch; a batch of several kinds (as
        another caller might pass) runs each kind as its own lane, concurrently.
        """
        kinds: dict[JobKind, list[Job]] = {}
        for job in jobs:
            kinds.setdefault(job.kind, []).append(job)
        lanes = [
            _lane(kinds.get(JobKind.CLOSE, []), partial(self._with_polls, self._close_batch,
                                                         now=now)),
            _lane(kinds.get(JobKind.REMIND, []), partial(self._with_polls, self._remind_batch,
                                                          now=now)),
            _lane(kinds.get(JobKind.OCCUR, []), partial(self._occur_batch, now=now)),
            _lane(kinds.get(JobKind.NUDGE, []), partial(self._nudge_each, now=now)),
        ]
        results: dict[int, Ran | Exception] = {}
        for lane in await asyncio.gather(*lanes):
            results.update(lane)
        return results

    async def _with_polls(self, work: Callable[..., Awaitable[dict[int, Ran | Exception]]],
                          jobs: list[Job], now: datetime) -> dict[int, Ran | Exception]:
        ids = [job.poll_id for job in jobs if job.poll_id is not None]
        return await work(jobs, await self.store.get_polls(ids), now)

    async def _nudge_each(self, jobs: list[Job], now: datetime) -> dict[int, Ran | Exception]:
        return {job.id: await _guarded(NudgeSweep(self.core).run(job, now)) for job in jobs}

    async def _close_batch(self, jobs: list[Job], polls: dict[int, Poll],
                           now: datetime) -> dict[int, Ran | Exception]:
        results: dict[int, Ran | Exception] = {}
        closing: dict[int, tuple[Job, Poll]] = {}
        for job in jobs:
            poll = polls.get(job.poll_id) if job.poll_id is not None else None
            results[job.id] = NOTHING
            if poll is None or poll.id in closing:
                continue
            if poll.status is PollStatus.CLOSED and job.attempts:
                # An earlier run of this job closed the poll, but its announcement was not
                # delivered: announce it again from the log.
                results[job.id] = await _guarded(self._announce_again(poll))
            elif poll.status not in (PollStatus.OPEN, PollStatus.CLOSING):
                continue
            elif poll.spec.closes_at is not None and poll.spec.closes_at > now:
                # The poll was extended while this job was already claimed; its new
                # closing job will do the work.
                continue
            elif poll.spec.kind is PollKind.IDEAS:
                results[job.id] = await _guarded(self._close_one(poll, now))
            else:
                closing[poll.id] = (job, poll)
        closed = await close_polls(self.core, [poll for _, poll in closing.values()], now)
        for poll_id, (job, _) in closing.items():
            done = closed[poll_id]
            results[job.id] = done if isinstance(done, Exception) else self._after_close(
                poll_id, done, now)
        return results

    async def _close_one(self, poll: Poll, now: datetime) -> Ran:
        return self._after_close(poll.id, await self.core.close_poll(poll, now, by=None), now)

    def _after_close(self, poll_id: int, effects: list[Effect], now: datetime) -> Ran:
        if effects:
            return effects, []
        # Another process holds the closing claim. If it stopped half-way, its claim goes
        # stale; look again then (a fresh job, so this is not counted as a failure).
        return [], [NewJob(JobKind.CLOSE, now + CLOSING_RECHECK, poll_id=poll_id)]

    async def _announce_again(self, poll: Poll) -> Ran:
        decision = await self.core.decision_for(poll)
        if decision is None:
            return NOTHING
        return [Post(poll.space, outcome_card(poll, decision.outcome),
                     key=f"outcome:{poll.id}")], []

    async def _remind_batch(self, jobs: list[Job], polls: dict[int, Poll],
                            now: datetime) -> dict[int, Ran | Exception]:
        results: dict[int, Ran | Exception] = {job.id: NOTHING for job in jobs}
        due: list[tuple[Job, Poll]] = []
        for job in jobs:
            poll = polls.get(job.poll_id) if job.poll_id is not None else None
            if poll is None or not poll.is_open or poll.spec.closes_at is None:
                continue
            lead = timedelta(seconds=json.loads(job.data).get("before", 0))
            left = poll.spec.closes_at - now
            if left <= timedelta(0) or now - job.due_at > lead * LATE_REMINDER_SHARE:
                continue
            due.append((job, poll))
        if not due:
            return results
        members = await self.store.members_without_votes([poll.id for _, poll in due])
        voted = await self.store.voted_counts([poll.id for _, poll in due])
        eligible = await self.store.member_counts([poll.space for _, poll in due])
        for index, (job, poll) in enumerate(due):
            await _take_turns(index)
            assert poll.spec.closes_at is not None
            when = describe_duration(poll.spec.closes_at - now)
            effects: list[Effect] = [Post(poll.space, Card(
                title=f"{poll.ref} closes in {when}",
                lines=(Text(f"{poll.spec.question} — "
                            f"{participation(voted[poll.id], eligible[poll.space.key])}."),
                       Text(f"To vote: {vote_example(poll.spec, poll.ref)}")),
            ))]
            card = reminder_card(poll, when, self.core.zone_of(poll.space))
            effects += [DirectMessage(poll.space.platform, member, card)
                        for member in members[poll.id]]
            results[job.id] = effects, []
        return results

    async def _occur_batch(self, jobs: list[Job], now: datetime) -> dict[int, Ran | Exception]:
        results: dict[int, Ran | Exception] = {job.id: NOTHING for job in jobs}
        ids = [job.schedule_id for job in jobs if job.schedule_id is not None]
        schedules = await self.store.get_schedules(ids) if ids else {}
        for index, job in enumerate(jobs):
            await _take_turns(index)
            schedule = schedules.get(job.schedule_id) if job.schedule_id is not None else None
            if schedule is not None:
                results[job.id] = await _guarded(self._occur(job, schedule, now))
        return results

    async def _occur(self, job: Job, schedule: Schedule, now: datetime) -> Ran:
        # Occurrences missed while the bot was down are not replayed one by one: this run
        # stands for them, and the next one is the first still ahead.
        following = next_occurrence(schedule, max(job.due_at, now))
        follow = [NewJob(JobKind.OCCUR, following, schedule_id=schedule.id)]
        return await self.core.schedule_occurrence(schedule, now), follow


async def _take_turns(index: int) -> None:
    """Every ``TURN`` items of a long loop, let the event loop run others (another lane
    whose database read has come back, an adapter's heartbeat) before going on."""
    if index and not index % TURN:
        await asyncio.sleep(0)


async def _guarded(work: Awaitable[Ran]) -> Ran | Exception:
    """The work's result, or the exception it raised (so one job cannot sink a batch)."""
    try:
        return await work
    except Exception as error:
        return error


async def _lane(jobs: list[Job],
                work: Callable[[list[Job]], Awaitable[dict[int, Ran | Exception]]]
                ) -> dict[int, Ran | Exception]:
    """One kind's results; if the kind's batch as a whole failed, each of its jobs failed."""
    if not jobs:
        return {}
    try:
        return await work(jobs)
    except Exception as error:
        return {job.id: error for job in jobs}


def reminder_card(poll: Poll, when: str, tz: str) -> Card:
    """The private reminder to someone who has not voted yet."""
    return Card(
        title=f"Reminder: {poll.ref} in #{poll.space.channel} closes in {when}",
        lines=(
            Text(f"The group is deciding: {poll.spec.question}"),
            Text(f"You have not voted yet. {vote_example(poll.spec, poll.ref)}"),
            Note("It closes {time}. Need longer? Ask privately with more-time "
                 f"{poll.ref}.", at=poll.spec.closes_at, tz=tz),
            Note("Only you got this message; nobody is told who has or has not voted."),
        ),
    )


class Timekeeper:
    """Runs due jobs: claim, run, deliver, mark done — or retry with back-off.

    Args:
        core: The Roundtable service.
        deliver: Sends effects to whichever adapter owns their space or member.
        worker: This process's name in claims.
        batch: How many jobs to claim at once.
        lease: How long a claim holds before another process may take the job over.
        monotonic: Measures how long delivery has taken (tests pass their own).
        platforms: The platforms ``deliver`` can reach; only their jobs are claimed, so
            processes running different platforms on one database leave each other's
            work alone. None (the playground, tests): every job.
    """

    def __init__(self, core: Roundtable, deliver: Deliver, worker: str | None = None,
                 batch: int = BATCH, lease: timedelta = LEASE,
                 monotonic: Callable[[], float] = time.monotonic,
                 platforms: Collection[str] | None = None) -> None:
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

    async def run_due(self, now: datetime) -> int:
        """Run every job due at ``now``; return how many ran (including failures).

        Each kind of job is claimed and run in its own lane, and the lanes run together:
        a lane claims a batch of its kind, runs it, delivers it, marks it done and claims
        the next, without waiting for the other lanes' batches. A burst of cheap
        check-ins is then not held up batch by batch behind the closings due with it,
        and one lane's database waits are another lane's time to compute.
        """
        try:
            # Counted contributions wait in memory for a batch; each tick writes them out.
            await self.store.flush_contributions()
        except Exception as error:
            log.warning("contributions not written this tick (%s)", type(error).__name__)
        await self._prune(now)
        lanes = await asyncio.gather(*(self._run_lane(kind, now) for kind in JobKind),
                                     return_exceptions=True)
        # Every lane has finished before a failure is passed on, so nothing of this tick
        # is still running when the next one starts.
        for lane in lanes:
            if isinstance(lane, BaseException):
                raise lane
        return sum(lane for lane in lanes if isinstance(lane, int))

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
            await _take_turns(index)
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
            except Exception as error:
                await self._failed(job, error, now)
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

    async def _failed(self, job: Job, error: Exception, now: datetime) -> None:
        attempt = job.attempts + 1
        retry_at = now + BACKOFF[job.attempts] if attempt < MAX_ATTEMPTS else None
        # Job id, kind and the error's type only: never a payload or a person.
        log.warning("job %s (%s) failed on attempt %s with %s; %s", job.id, job.kind.value,
                    attempt, type(error).__name__,
                    "will retry" if retry_at else "giving up")
        await self.store.fail_job(job.id, self.worker, type(error).__name__, retry_at, now)


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


def schedule_card(schedule: Schedule) -> Card:
    """A check-in as posted in its space."""
    return Card(title=f"Check-in: {schedule.text}",
                lines=(Text("Reply in the channel, or start a poll if the group needs to "
                            "decide something."),
                       Note(f"This is recurring schedule #{schedule.number}; "
                            f"a facilitator can stop it with unschedule #{schedule.number}.")))
