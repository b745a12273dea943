"""What each kind of timed job means, in effects: part of the core.

``bot.timing.timekeeper.Timekeeper`` claims due jobs and hands them here a batch at a time;
a burst due at the same minute costs a few queries per batch, not a few per job.
Reminders wait for each reader's quiet hours to end and keep within their daily cap on
private messages, a poll's last reminder first. See ``docs/timing.md``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from bot.cards import Card, Items, Note, Text
from bot.context import Core
from bot.effects import DirectMessage, Effect, Post
from bot.i18n import N_, _, ngettext, public, speaking
from bot.model import Poll, PollKind, PollStatus
from bot.polls.announce import announce, outcome_key, outcome_post, undelivered, wanted_keys
from bot.polls.ballots import vote_example
from bot.polls.closing import close_polls
from bot.polls.views import participation
from bot.timed_work import Job, JobKind, NewJob, Schedule
from bot.timeparse import describe_duration
from bot.timing.recurrence import next_occurrence
from bot.timing.schedules import occurrence_effects
from bot.voice_model import Nudge, NudgeReason
from bot.voices.nudges import NudgeSweep, less_urgent_cap, member_zone

#: Items a long loop over a batch handles between turns for other tasks (``take_turns``).
TURN = 100
#: When another process holds a poll's closing claim, look again this much later.
CLOSING_RECHECK = timedelta(minutes=2)
#: A reminder later than this share of its lead time is dropped: a "24 hours left" note
#: sent with 3 hours left would mislead.
LATE_REMINDER_SHARE = 0.5


@dataclass(frozen=True)
class _Due:
    """A reminder job still worth running, with its poll.

    ``last``: it is the poll's last reminder (the most urgent kind). ``held``: when it was
    held back by its readers' quiet hours, and when those ended (None: it runs at its own
    time).
    """

    job: Job
    poll: Poll
    closes: datetime
    lead: timedelta
    last: bool
    held: tuple[datetime, datetime] | None


def _soonest(due: _Due) -> tuple[datetime, int]:
    return due.closes, due.poll.id


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
        # No command sets a language for timed work: public posts are written in the
        # space's language(s) (``bot.i18n.public``), private ones in each reader's.
        with self.core.in_space():
            return await self._run_lanes(kinds, now)

    async def _run_lanes(self, kinds: dict[JobKind, list[Job]],
                         now: datetime) -> dict[int, Ran | Exception]:
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
        closed = await close_polls(self.core, [poll for _job, poll in closing.values()], now)
        for poll_id, (job, _poll) in closing.items():
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
        with self.core.in_space():
            return await undelivered(self.core, job, poll)

    async def _remind_batch(self, jobs: list[Job], polls: dict[int, Poll],
                            now: datetime) -> dict[int, Ran | Exception]:
        due: list[_Due] = []
        for job in jobs:
            poll = polls.get(job.poll_id) if job.poll_id is not None else None
            if poll is None or not poll.is_open or poll.spec.closes_at is None:
                continue
            data = json.loads(job.data)
            lead = timedelta(seconds=data.get("before", 0))
            left = poll.spec.closes_at - now
            if left <= timedelta(0) or now - job.due_at > lead * LATE_REMINDER_SHARE:
                continue
            last = not poll.spec.reminders or lead.total_seconds() <= min(poll.spec.reminders)
            held = ((datetime.fromisoformat(data["held"]), datetime.fromisoformat(data["until"]))
                    if "held" in data else None)
            due.append(_Due(job, poll, poll.spec.closes_at, lead, last, held))
        effects: dict[int, list[Effect]] = {}
        later: dict[int, list[NewJob]] = {}
        if due:
            await self._public_lines(due, now, effects)
            await self._private(due, now, effects, later)
        return {job.id: (effects.get(job.id, []), later.get(job.id, [])) for job in jobs}

    async def _public_lines(self, due: list[_Due], now: datetime,
                            effects: dict[int, list[Effect]]) -> None:
        """The channel's line for each reminder run at its own time ("3 of 8 have voted")."""
        posting = [d for d in due if d.held is None]  # a held one was posted when it fell due
        if not posting:
            return
        voted = await self.store.voted_counts([d.poll.id for d in posting])
        eligible = await self.store.member_counts([d.poll.space for d in posting])
        for index, d in enumerate(posting):
            await take_turns(index)
            effects[d.job.id] = [Post(d.poll.space, public(partial(
                closing_soon_card, d.poll, d.closes - now, voted[d.poll.id],
                eligible[d.poll.space.key])))]

    async def _private(self, due: list[_Due], now: datetime, effects: dict[int, list[Effect]],
                       later: dict[int, list[NewJob]]) -> None:
        """One private message per person, however many of their polls are due together,
        in their own time zone, within their daily cap. Someone in their quiet hours gets
        it when those end (a reminder job for that moment), unless the poll closes first.
        """
        members = await self.store.members_without_votes([d.poll.id for d in due])
        own = await self.store.member_timezones({m for d in due for m in members[d.poll.id]})
        policy = self.core.settings.nudges
        waiting: dict[tuple[str, str], dict[int, _Due]] = {}
        first_job: dict[tuple[str, str], int] = {}
        zones: dict[tuple[str, str], str] = {}
        for index, d in enumerate(due):
            await take_turns(index)
            space_zone = self.core.zone_of(d.poll.space)
            wakes: set[datetime] = set()
            for member in members[d.poll.id]:
                tz = member_zone(own.get(member), space_zone)
                if d.held is not None and policy.quiet_until(d.held[0], tz) != d.held[1]:
                    continue  # not one of the people this reminder waited for
                wake = policy.quiet_until(now, tz)
                if wake is not None:
                    if d.held is None and wake < d.closes:
                        wakes.add(wake)
                    continue
                who = (d.poll.space.platform, member)
                waiting.setdefault(who, {}).setdefault(d.poll.id, d)
                first_job.setdefault(who, d.job.id)
                zones[who] = tz
            # Each job says when it was held and until when: it is for the people whose
            # quiet hours ended then (worked out again from their zones; names are not kept).
            later[d.job.id] = [NewJob(JobKind.REMIND, wake, poll_id=d.poll.id, data=json.dumps(
                {"before": int(d.lead.total_seconds()), "held": now.isoformat(),
                 "until": wake.isoformat()})) for wake in sorted(wakes)]
        listed = {who: sorted(by_poll.values(), key=_soonest)
                  for who, by_poll in waiting.items()}
        sent = await self._within_cap(listed, now)
        # Each reader's own language: one query for the whole batch.
        languages = await self.core.languages_of({who[1] for who in sent}) if sent else {}
        for index, who in enumerate(sent):
            await take_turns(index)
            with speaking(languages.get(who[1])):
                items = [(d.poll, describe_duration(d.closes - now)) for d in listed[who]]
                card = (reminder_card(*items[0], zones[who]) if len(items) == 1
                        else reminders_card(items, zones[who]))
            effects.setdefault(first_job[who], []).append(DirectMessage(*who, card))

    async def _within_cap(self, listed: dict[tuple[str, str], list[_Due]],
                          now: datetime) -> list[tuple[str, str]]:
        """Who may have their reminder under their daily cap (each logged as one message).

        A message with a poll's last reminder takes any room left; one with only earlier
        reminders must leave room for the last reminders the person is due to get in the
        next 24 hours, as nudges must (``less_urgent_cap``). A reminder held back is not
        sent later: the poll's next reminder or its outcome follows.
        """
        policy = self.core.settings.nudges
        urgent: list[Nudge] = []
        early: list[Nudge] = []
        for who, items in listed.items():
            log = Nudge(who[1], items[0].poll.space, NudgeReason.REMINDER, now)
            (urgent if any(d.last for d in items) else early).append(log)
        sent = await self.store.claim_messages(urgent, policy.cap(now)) if urgent else []
        if early:
            cap = await less_urgent_cap(self.core, [log.member for log in early], now)
            sent += await self.store.claim_messages(early, cap)
        return [(log.space.platform, log.member) for log in sent]

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


def closing_soon_card(poll: Poll, left: timedelta, voted: int, eligible: int) -> Card:
    """The channel's line when a reminder falls due: "#1 closes in 1 day", who has voted."""
    return Card(
        title=_("{ref} closes in {when}").format(ref=poll.ref, when=describe_duration(left)),
        lines=(Text(f"{poll.spec.question} — {participation(voted, eligible)}."),
               Text(_("To vote: {example}").format(example=vote_example(poll.spec, poll.ref)))),
    )


#: The last line of every private reminder (English here: shown with ``_(ONLY_YOU)``).
ONLY_YOU = N_("Only you got this message; nobody is told who has or has not voted.")


def reminders_card(polls: Sequence[tuple[Poll, str]], tz: str) -> Card:
    """One private reminder for several polls closing soon (``(poll, "1 hour")`` each)."""
    items = tuple(_("{ref} in #{channel}: {question} — closes in {when}. {example}").format(
        ref=poll.ref, channel=poll.space.channel, question=poll.spec.question, when=when,
        example=vote_example(poll.spec, poll.ref)) for poll, when in polls)
    return Card(
        title=ngettext("Reminder: {count} poll closes soon, and you have not voted",
                       "Reminder: {count} polls close soon, and you have not voted",
                       len(polls)).format(count=len(polls)),
        lines=(Items(items),
               Note(_("Need longer on one? Ask privately with more-time and its number.")),
               Note(_(ONLY_YOU))),
    )


def reminder_card(poll: Poll, when: str, tz: str) -> Card:
    """The private reminder to someone who has not voted yet."""
    return Card(
        title=_("Reminder: {ref} in #{channel} closes in {when}").format(
            ref=poll.ref, channel=poll.space.channel, when=when),
        lines=(
            Text(_("The group is deciding: {question}").format(question=poll.spec.question)),
            Text(_("You have not voted yet. {example}").format(
                example=vote_example(poll.spec, poll.ref))),
            Note(_("It closes {time}. Need longer? Ask privately with more-time {ref}.").format(
                time="{time}", ref=poll.ref), at=poll.spec.closes_at, tz=tz),
            Note(_(ONLY_YOU)),
        ),
    )
