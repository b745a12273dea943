"""Timed work: closing polls on time, reminders, recurring check-ins — exactly once.

The database is the source of truth: every timed thing is a row in the job
table. A ``Timekeeper`` claims due rows (atomically, with a lease, so several
bot processes can share one database), asks the core what each job means, hands
the effects to the adapters, and marks the rows done. A job whose effects could
not be delivered is retried with back-off a bounded number of times, and then
recorded as failed. See ``docs/timing.md``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.cards import Card, Note, Text
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

#: How long a claimed job is ours. Longer than any send, so a slow send is not repeated.
LEASE = timedelta(seconds=60)
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


class JobRunner:
    """What each kind of job means, in effects. Part of the core."""

    def __init__(self, core: Roundtable) -> None:
        self.core = core
        self.store = core.store

    async def run(self, job: Job, now: datetime) -> tuple[list[Effect], list[NewJob]]:
        """The effects of one due job, and the jobs that follow it."""
        if job.kind is JobKind.CLOSE:
            return await self._close(job, now)
        if job.kind is JobKind.REMIND:
            return await self._remind(job, now), []
        if job.kind is JobKind.NUDGE:
            return await NudgeSweep(self.core).run(job, now)
        return await self._occur(job, now)

    async def _close(self, job: Job, now: datetime) -> tuple[list[Effect], list[NewJob]]:
        poll = await self.store.get_poll(job.poll_id) if job.poll_id is not None else None
        if poll is None:
            return [], []
        if poll.status is PollStatus.CLOSED and job.attempts:
            # An earlier run of this job closed the poll, but its announcement was not
            # delivered: announce it again from the log.
            decision = await self.core.decision_for(poll)
            if decision is not None:
                return [Post(poll.space, outcome_card(poll, decision.outcome),
                             key=f"outcome:{poll.id}")], []
        if poll.status not in (PollStatus.OPEN, PollStatus.CLOSING):
            return [], []
        if poll.spec.closes_at is not None and poll.spec.closes_at > now:
            # The poll was extended while this job was already claimed; its new closing
            # job will do the work.
            return [], []
        effects = await self.core.close_poll(poll, now, by=None)
        if effects:
            return effects, []
        # Another process holds the closing claim. If it stopped half-way, its claim goes
        # stale; look again then (a fresh job, so this is not counted as a failure).
        return [], [NewJob(JobKind.CLOSE, now + CLOSING_RECHECK, poll_id=poll.id)]

    async def _remind(self, job: Job, now: datetime) -> list[Effect]:
        poll = await self.store.get_poll(job.poll_id) if job.poll_id is not None else None
        if poll is None or not poll.is_open or poll.spec.closes_at is None:
            return []
        lead = timedelta(seconds=json.loads(job.data).get("before", 0))
        left = poll.spec.closes_at - now
        if left <= timedelta(0) or now - job.due_at > lead * LATE_REMINDER_SHARE:
            return []
        members = await self.store.members_without_vote(poll.id, poll.space)
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(poll.space)
        tz = self.core.zone_of(poll.space)
        when = describe_duration(left)
        effects: list[Effect] = [Post(poll.space, Card(
            title=f"{poll.ref} closes in {when}",
            lines=(Text(f"{poll.spec.question} — {participation(voted, eligible)}."),
                   Text(f"To vote: {vote_example(poll.spec, poll.ref)}")),
        ))]
        card = reminder_card(poll, when, tz)
        effects += [DirectMessage(poll.space.platform, member, card) for member in members]
        return effects

    async def _occur(self, job: Job, now: datetime) -> tuple[list[Effect], list[NewJob]]:
        schedule = (await self.store.get_schedule(job.schedule_id)
                    if job.schedule_id is not None else None)
        if schedule is None:
            return [], []
        # Occurrences missed while the bot was down are not replayed one by one: this run
        # stands for them, and the next one is the first still ahead.
        following = next_occurrence(schedule, max(job.due_at, now))
        follow = [NewJob(JobKind.OCCUR, following, schedule_id=schedule.id)]
        return await self.core.schedule_occurrence(schedule, now), follow


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
    """

    def __init__(self, core: Roundtable, deliver: Deliver, worker: str | None = None,
                 batch: int = 200, lease: timedelta = LEASE) -> None:
        self.core = core
        self.store = core.store
        self.runner = JobRunner(core)
        self.deliver = deliver
        self.worker = worker or default_worker_id()
        self.batch = batch
        self.lease = lease

    async def run_due(self, now: datetime) -> int:
        """Run every job due at ``now``; return how many ran (including failures)."""
        try:
            # Counted contributions wait in memory for a batch; each tick writes them out.
            await self.store.flush_contributions()
        except Exception as error:
            log.warning("contributions not written this tick (%s)", type(error).__name__)
        ran = 0
        while True:
            jobs = await self.store.claim_jobs(self.worker, now, now + self.lease, self.batch)
            if not jobs:
                return ran
            done: list[tuple[int, Sequence[NewJob]]] = []
            for job in jobs:
                ran += 1
                try:
                    effects, follow = await self.runner.run(job, now)
                    if effects:
                        await self.deliver(effects)
                    done.append((job.id, follow))
                except Exception as error:
                    await self._failed(job, error, now)
            if done:
                await self.store.finish_jobs(done, self.worker, now)
            if len(jobs) < self.batch:
                return ran

    async def _failed(self, job: Job, error: Exception, now: datetime) -> None:
        attempt = job.attempts + 1
        retry_at = now + BACKOFF[job.attempts] if attempt < MAX_ATTEMPTS else None
        # Job id, kind and the error's type only: never a payload or a person.
        log.warning("job %s (%s) failed on attempt %s with %s; %s", job.id, job.kind.value,
                    attempt, type(error).__name__,
                    "will retry" if retry_at else "giving up")
        await self.store.fail_job(job.id, self.worker, type(error).__name__, retry_at, now)


def schedule_card(schedule: Schedule) -> Card:
    """A check-in as posted in its space."""
    return Card(title=f"Check-in: {schedule.text}",
                lines=(Text("Reply in the channel, or start a poll if the group needs to "
                            "decide something."),
                       Note(f"This is recurring schedule #{schedule.number}; "
                            f"a facilitator can stop it with unschedule #{schedule.number}.")))
