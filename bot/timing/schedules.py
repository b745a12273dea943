"""Commands about time: more-time, extend, schedules and a person's time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot import commands as c
from bot.anonymity import new_salt
from bot.cards import Card, Note, Text, Tone, message_card
from bot.context import Core
from bot.effects import DirectMessage, Effect, Post, Reply, UpdatePost
from bot.errors import BadInput, NotAllowed, NotFound, PollClosed
from bot.model import DEFAULT_METHOD, PollKind, PollSpec
from bot.polls.jobs import poll_jobs
from bot.polls.kinds import MAX_OPTIONS, check_options
from bot.polls.views import poll_card
from bot.text import clean_text
from bot.timed_work import JobKind, NewJob, Schedule
from bot.timeparse import MAX_AHEAD, parse_duration, parse_when, zone
from bot.timing.recurrence import check_cron, check_every, describe, next_occurrence

MAX_SCHEDULES = 20


class TimedCommands:
    """Handlers for the time-related commands; registered by ``bot.service.Roundtable``."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {
            c.RequestMoreTime: self.more_time,
            c.ExtendPoll: self.extend,
            c.CreateSchedule: self.schedule,
            c.ListSchedules: self.list_schedules,
            c.RemoveSchedule: self.unschedule,
            c.SetTimezone: self.timezone,
        }

    async def more_time(self, cmd: c.RequestMoreTime) -> list[Effect]:
        """A member asks, privately, for a poll to stay open longer."""
        poll = await self.core.find_open_poll(cmd.space, cmd.poll)
        if poll.spec.closes_at is None:
            return [Reply(cmd.actor, cmd.space, message_card(
                "No closing time", f"Poll {poll.ref} has no closing time: it stays open until "
                "its creator or a facilitator closes it."))]
        count = await self.store.request_more_time(poll.id, cmd.actor.key)
        people = "person has" if count == 1 else "people have"
        # The creator hears how many asked, never who.
        note = message_card(
            f"More time asked for on {poll.ref}",
            f"{count} {people} asked for more time on {poll.ref}: {poll.spec.question}. "
            f"To give it, type: extend {poll.ref} 1d (or another length of time).")
        return [
            Reply(cmd.actor, cmd.space, message_card(
                "Your request is in",
                f"The person who started {poll.ref} and the facilitators will see that someone "
                "asked for more time, not who. Asking twice counts once.", Tone.SUCCESS)),
            DirectMessage(cmd.space.platform, poll.creator, note),
        ]

    async def extend(self, cmd: c.ExtendPoll) -> list[Effect]:
        """Move a poll's closing time later; its reminders move with it."""
        poll = await self.core.find_open_poll(cmd.space, cmd.poll)
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(f"Only the person who started {poll.ref} or a facilitator can "
                             f"extend it. You can ask for more time with: more-time {poll.ref}")
        by = parse_duration(cmd.by)
        if by is None or by <= timedelta(0):
            raise BadInput(f"Say how much longer, like: extend {poll.ref} 1d (or 12h, 2d, 1w).")
        now = self.core.clock.now()
        base = poll.spec.closes_at or now
        closes_at = base + by
        if closes_at - now > MAX_AHEAD:
            raise BadInput("A poll can stay open for at most a year from now.")
        spec = replace(poll.spec, closes_at=closes_at)
        if not await self.store.extend_poll(poll.id, closes_at, poll_jobs(spec, now)):
            raise PollClosed(f"Poll {poll.ref} has already ended.")
        extended = replace(poll, spec=spec)
        requests = await self.store.time_requests(poll.id)
        asked = f" {requests} had asked for more time." if requests else ""
        tz = self.core.zone_of(cmd.space)
        card = await self.core.render_poll(extended)
        return [
            Post(cmd.space, Card(title=f"{poll.ref} now closes later",
                                 lines=(Note(f"{poll.spec.question} — now closes {{time}}.{asked}",
                                             at=closes_at, tz=tz),))),
            UpdatePost(cmd.space, f"poll:{poll.id}", card),
        ]

    async def schedule(self, cmd: c.CreateSchedule) -> list[Effect]:
        """Start a recurring check-in, or a recurring poll when options are given."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed("Only a facilitator can set up recurring check-ins here.")
        text = clean_text(cmd.text)
        if not text or len(text) > 300:
            raise BadInput("Give the check-in some words (up to 300 characters), in quotes.")
        options = check_options(PollKind.CHOICE, cmd.options) if cmd.options else ()
        tz = self.core.zone_of(cmd.space)
        now = self.core.clock.now()
        poll_seconds = None
        if cmd.closes is not None:
            if not options:
                raise BadInput("--closes is for recurring polls: add options after the text.")
            length = parse_duration(cmd.closes)
            if length is None or length <= timedelta(0):
                raise BadInput("For a recurring poll, --closes takes a length, like --closes 2d.")
            poll_seconds = int(length.total_seconds())
        draft = Schedule(id=0, space=cmd.space, number=0, creator=cmd.actor.key, text=text,
                         cron=None, every_seconds=None, timezone=tz, options=options,
                         poll_seconds=poll_seconds)
        if cmd.cron is not None:
            check_cron(cmd.cron, tz)
            draft = replace(draft, cron=" ".join(cmd.cron.split()))
        else:
            assert cmd.every is not None
            draft = replace(draft, every_seconds=int(check_every(cmd.every).total_seconds()))
        if cmd.first is not None:
            first = parse_when(cmd.first, now, tz)
        else:
            first = next_occurrence(draft, now)
        if len(await self.store.schedules(cmd.space)) >= MAX_SCHEDULES:
            raise BadInput(f"This space already has {MAX_SCHEDULES} schedules. Remove one with "
                           "unschedule #N first.")
        stored = await self.store.create_schedule(
            cmd.space, cmd.actor.key, draft, NewJob(JobKind.OCCUR, first), now)
        what = "poll" if options else "check-in"
        return [Reply(cmd.actor, cmd.space, Card(
            title=f"Recurring {what} #{stored.number} is set",
            lines=(Text(f"{text} — {describe(stored)}."),
                   Note("First one: {time}.", at=first, tz=tz),
                   Text(f"See all with schedules; stop it with unschedule #{stored.number}.")),
            tone=Tone.SUCCESS))]

    async def list_schedules(self, cmd: c.ListSchedules) -> list[Effect]:
        """The space's recurring check-ins and polls."""
        schedules = await self.store.schedules(cmd.space)
        if not schedules:
            card = message_card("Schedules", "Nothing comes back here yet. A facilitator can "
                                'add a weekly check-in: schedule "How did this week go?" '
                                "--every 1w")
        else:
            lines = tuple(Text(f"#{s.number} {'poll' if s.options else 'check-in'}: {s.text} — "
                               f"{describe(s)}") for s in schedules)
            card = Card(title=f"Schedules ({len(schedules)})", lines=lines)
        return [Reply(cmd.actor, cmd.space, card)]

    async def unschedule(self, cmd: c.RemoveSchedule) -> list[Effect]:
        """Stop a recurring schedule."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed("Only a facilitator can stop recurring check-ins here.")
        if not await self.store.delete_schedule(cmd.space, cmd.number):
            raise NotFound(f"There is no schedule #{cmd.number} here. Type schedules to see "
                           "them.")
        return [Reply(cmd.actor, cmd.space, message_card(
            "Schedule stopped", f"Schedule #{cmd.number} will not run again.", Tone.SUCCESS))]

    async def timezone(self, cmd: c.SetTimezone) -> list[Effect]:
        """Set or show the person's own time zone."""
        if cmd.timezone is None:
            current = await self.store.member_timezone(cmd.actor.key)
            space_zone = self.core.zone_of(cmd.space)
            text = (f"Your time zone is {current}." if current else
                    f"You have not set a time zone; times use this space's ({space_zone}).")
            return [Reply(cmd.actor, cmd.space, message_card(
                "Your time zone", text + " Change it with: timezone Europe/London"))]
        name = cmd.timezone.strip()
        zone(name)
        await self.store.set_member_timezone(cmd.actor.key, name)
        return [Reply(cmd.actor, cmd.space, message_card(
            "Time zone saved", f"Your time zone is now {name}. Private reminders will respect "
            "it.", Tone.SUCCESS))]


def schedule_card(schedule: Schedule) -> Card:
    """A check-in as posted in its space."""
    return Card(title=f"Check-in: {schedule.text}",
                lines=(Text("Reply in the channel, or start a poll if the group needs to "
                            "decide something."),
                       Note(f"This is recurring schedule #{schedule.number}; "
                            f"a facilitator can stop it with unschedule #{schedule.number}.")))


async def occurrence_effects(core: Core, schedule: Schedule,
                             now: datetime) -> list[Effect]:
    """What one occurrence of a schedule posts: a check-in, or a new poll."""
    if not schedule.options:
        return [Post(schedule.space, schedule_card(schedule))]
    closes_at = now + timedelta(seconds=schedule.poll_seconds) if schedule.poll_seconds else None
    spec = PollSpec(question=schedule.text, options=schedule.options[:MAX_OPTIONS],
                    kind=PollKind.CHOICE, method=DEFAULT_METHOD[PollKind.CHOICE],
                    closes_at=closes_at,
                    reminders=core.settings.reminders if closes_at else ())
    poll = await core.store.create_poll(schedule.space, schedule.creator, spec, new_salt(), now,
                                        poll_jobs(spec, now))
    eligible = await core.store.member_count(schedule.space)
    return [Post(schedule.space, poll_card(poll, 0, eligible, schedule.timezone),
                 key=f"poll:{poll.id}")]
