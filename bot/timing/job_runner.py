"""What each kind of timed job means, in effects: part of the core.

``bot.timing.timekeeper.Timekeeper`` claims due jobs and hands them here a batch at a time;
a burst due at the same minute costs a few queries per batch, not a few per job.
See ``docs/timing.md``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from bot.cards import Card, Items, Note, Text
from bot.context import Core
from bot.effects import DirectMessage, Effect, Post
from bot.model import Poll, PollKind, PollStatus
from bot.polls.announce import announce, outcome_key, outcome_post, undelivered, wanted_keys
from bot.polls.ballots import vote_example
from bot.polls.closing import close_polls
from bot.polls.views import participation
from bot.timed_work import Job, JobKind, NewJob, Schedule
from bot.timeparse import describe_duration
from bot.timing.recurrence import next_occurrence
from bot.timing.schedules import occurrence_effects
from bot.voices.nudges import NudgeSweep, member_zone

#: Items a long loop over a batch handles between turns for other tasks (``take_turns``).
TURN = 100
#: When another process holds a poll's closing claim, look again this much later.
CLOSING_RECHECK = timedelta(minutes=2)
#: A reminder later than this share of its lead time is dropped: a "24 hours left" note
#: sent with 3 hours left would mislead.
LATE_REMINDER_SHARE = 0.5

#: What a job run produced: its effects and the jobs that follow it.
Ran = tuple[list[Effect], list[NewJob]]
NOTHING: Ran = ([], [])


class JobRunner:
    """What each kind of job means, in effects. Part of the core.

    Jobs are run a claimed batch at a time, so that a burst of work due at the same
    minute costs a few queries per kind rather than a few per job: the batch's polls
    and schedules are read together, its polls closed together (``bot.polls.closing``), and
    its reminders' figures read together. A job that fails gets its exception as its
    result; the rest of the batch carries on.
    """

    def __init__(self, core: Core) -> None:
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
            _lane(kinds.get(JobKind.ANNOUNCE, []), partial(self._with_polls,
                                                            self._announce_batch, now=now)),
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
            if poll.status is PollStatus.CLOSED:
                # Closed already: by another process, or by an earlier run of this job that
                # stopped before its announcement went out (whatever its attempts say).
                # Announce from the log, unless the outcome's post is on record.
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

    async def _announce_batch(self, jobs: list[Job], polls: dict[int, Poll],
                              now: datetime) -> dict[int, Ran | Exception]:
        results: dict[int, Ran | Exception] = {}
        found = {job.id: polls.get(job.poll_id) if job.poll_id is not None else None
                 for job in jobs}
        wanted = [key for job in jobs for key in wanted_keys(job, found[job.id])]
        posted = await self.store.posted(wanted)  # one query for the whole batch
        for index, job in enumerate(jobs):
            await take_turns(index)
            results[job.id] = await _guarded(_effects_only(
                announce(self.core, job, found[job.id], posted)))
        return results

    async def _announce_again(self, poll: Poll) -> Ran:
        if await self.store.find_post(outcome_key(poll), poll.space.platform) is not None:
            return NOTHING
        return await outcome_post(self.core, poll), []

    async def undelivered(self, job: Job) -> list[Effect]:
        """Once ``job`` is given up on: a private, truthful word about what the channel
        never got (``bot.polls.announce.undelivered``), or nothing."""
        if job.poll_id is None:
            return []
        poll = (await self.store.get_polls([job.poll_id])).get(job.poll_id)
        return await undelivered(self.core, job, poll)

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
        own = await self.store.member_timezones({m for _, poll in due for m in members[poll.id]})
        # One private message per person, however many of their polls are due together,
        # in their own time zone, and none in their quiet hours (as nudges).
        posted: dict[int, list[Effect]] = {}
        waiting: dict[tuple[str, str], list[tuple[Poll, str]]] = {}
        first_job: dict[tuple[str, str], int] = {}
        quiet = self.core.settings.nudges.quiet
        for index, (job, poll) in enumerate(due):
            await take_turns(index)
            assert poll.spec.closes_at is not None
            when = describe_duration(poll.spec.closes_at - now)
            posted[job.id] = [Post(poll.space, Card(
                title=f"{poll.ref} closes in {when}",
                lines=(Text(f"{poll.spec.question} — "
                            f"{participation(voted[poll.id], eligible[poll.space.key])}."),
                       Text(f"To vote: {vote_example(poll.spec, poll.ref)}")),
            ))]
            space_zone = self.core.zone_of(poll.space)
            for member in members[poll.id]:
                if quiet(now, member_zone(own.get(member), space_zone)):
                    continue
                who = (poll.space.platform, member)
                waiting.setdefault(who, []).append((poll, when))
                first_job.setdefault(who, job.id)
        for index, ((platform, member), polls_due) in enumerate(waiting.items()):
            await take_turns(index)
            tz = member_zone(own.get(member), self.core.zone_of(polls_due[0][0].space))
            card = (reminder_card(*polls_due[0], tz) if len(polls_due) == 1
                    else reminders_card(polls_due, tz))
            posted[first_job[(platform, member)]].append(DirectMessage(platform, member, card))
        results.update({job_id: (effects, []) for job_id, effects in posted.items()})
        return results

    async def _occur_batch(self, jobs: list[Job], now: datetime) -> dict[int, Ran | Exception]:
        results: dict[int, Ran | Exception] = {job.id: NOTHING for job in jobs}
        ids = [job.schedule_id for job in jobs if job.schedule_id is not None]
        schedules = await self.store.get_schedules(ids) if ids else {}
        for index, job in enumerate(jobs):
            await take_turns(index)
            schedule = schedules.get(job.schedule_id) if job.schedule_id is not None else None
            if schedule is not None:
                results[job.id] = await _guarded(self._occur(job, schedule, now))
        return results

    async def _occur(self, job: Job, schedule: Schedule, now: datetime) -> Ran:
        # Occurrences missed while the bot was down are not replayed one by one: this run
        # stands for them, and the next one is the first still ahead.
        following = next_occurrence(schedule, max(job.due_at, now))
        follow = [NewJob(JobKind.OCCUR, following, schedule_id=schedule.id)]
        return await occurrence_effects(self.core, schedule, now), follow


async def _effects_only(work: Awaitable[list[Effect]]) -> Ran:
    return await work, []


async def take_turns(index: int) -> None:
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


def reminders_card(polls: Sequence[tuple[Poll, str]], tz: str) -> Card:
    """One private reminder for several polls closing soon (``(poll, "1 hour")`` each)."""
    items = tuple(f"{poll.ref} in #{poll.space.channel}: {poll.spec.question} — closes in "
                  f"{when}. {vote_example(poll.spec, poll.ref)}" for poll, when in polls)
    return Card(
        title=f"Reminder: {len(polls)} polls close soon, and you have not voted",
        lines=(Items(items),
               Note("Need longer on one? Ask privately with more-time and its number."),
               Note("Only you got this message; nobody is told who has or has not voted.")),
    )


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
