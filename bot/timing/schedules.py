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
from bot.i18n import _, ngettext, public, speaking
from bot.model import DEFAULT_METHOD, PollKind, PollSpec
from bot.polls.jobs import poll_jobs
from bot.polls.kinds import MAX_OPTIONS, check_options
from bot.polls.views import poll_card
from bot.text import clean_text
from bot.timed_work import JobKind, NewJob, Schedule
from bot.timeparse import MAX_AHEAD, parse_duration, parse_when, zone
from bot.timing.recurrence import check_cron, check_every, describe, next_occurrence

MAX_SCHEDULES = 20
#: Where a ``Note`` shows its time (written in the reader's zone when it is shown).
TIME = "{time}"


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
                _("No closing time"),
                _("Poll {ref} has no closing time: it stays open until its creator or a "
                  "facilitator closes it.").format(ref=poll.ref)))]
        count = await self.store.request_more_time(poll.id, cmd.actor.key)
        # The creator hears how many asked, never who, in their own language.
        language = (await self.core.languages_of([poll.creator])).get(poll.creator)
        with speaking(language):
            note = message_card(
                _("More time asked for on {ref}").format(ref=poll.ref),
                ngettext("{count} person has asked for more time on {ref}: {question}. To give "
                         "it, type: extend {ref} 1d (or another length of time).",
                         "{count} people have asked for more time on {ref}: {question}. To "
                         "give it, type: extend {ref} 1d (or another length of time).",
                         count).format(count=count, ref=poll.ref, question=poll.spec.question))
        return [
            Reply(cmd.actor, cmd.space, message_card(
                _("Your request is in"),
                _("The person who started {ref} and the facilitators will see that someone "
                  "asked for more time, not who. Asking twice counts once.").format(ref=poll.ref),
                Tone.SUCCESS)),
            DirectMessage(cmd.space.platform, poll.creator, note),
        ]

    async def extend(self, cmd: c.ExtendPoll) -> list[Effect]:
        """Move a poll's closing time later; its reminders move with it."""
        poll = await self.core.find_open_poll(cmd.space, cmd.poll)
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(_("Only the person who started {ref} or a facilitator can extend "
                               "it. You can ask for more time with: more-time {ref}").format(
                                   ref=poll.ref))
        by = parse_duration(cmd.by)
        if by is None or by <= timedelta(0):
            raise BadInput(_("Say how much longer, like: extend {ref} 1d (or 12h, 2d, 1w).")
                           .format(ref=poll.ref))
        now = self.core.clock.now()
        base = poll.spec.closes_at or now
        closes_at = base + by
        if closes_at - now > MAX_AHEAD:
            raise BadInput(_("A poll can stay open for at most a year from now."))
        spec = replace(poll.spec, closes_at=closes_at)
        if not await self.store.extend_poll(poll.id, closes_at, poll_jobs(spec, now)):
            raise PollClosed(_("Poll {ref} has already ended.").format(ref=poll.ref))
        extended = replace(poll, spec=spec)
        requests = await self.store.time_requests(poll.id)
        tz = self.core.zone_of(cmd.space)
        card = await self.core.render_poll(extended)
        return [
            Post(cmd.space, public(lambda: later_card(poll.ref, poll.spec.question, requests,
                                                      closes_at, tz))),
            UpdatePost(cmd.space, f"poll:{poll.id}", card),
        ]

    async def schedule(self, cmd: c.CreateSchedule) -> list[Effect]:
        """Start a recurring check-in, or a recurring poll when options are given."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed(_("Only a facilitator can set up recurring check-ins here."))
        text = clean_text(cmd.text)
        if not text or len(text) > 300:
            raise BadInput(_("Give the check-in some words (up to 300 characters), in quotes."))
        options = check_options(PollKind.CHOICE, cmd.options) if cmd.options else ()
        tz = self.core.zone_of(cmd.space)
        now = self.core.clock.now()
        poll_seconds = None
        if cmd.closes is not None:
            if not options:
                raise BadInput(_("--closes is for recurring polls: add options after the text."))
            length = parse_duration(cmd.closes)
            if length is None or length <= timedelta(0):
                raise BadInput(_("For a recurring poll, --closes takes a length, like "
                                 "--closes 2d."))
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
            raise BadInput(_("This space already has {most} schedules. Remove one with "
                             "unschedule #N first.").format(most=MAX_SCHEDULES))
        stored = await self.store.create_schedule(
            cmd.space, cmd.actor.key, draft, NewJob(JobKind.OCCUR, first), now)
        title = (_("Recurring poll #{number} is set") if options
                 else _("Recurring check-in #{number} is set"))
        return [Reply(cmd.actor, cmd.space, Card(
            title=title.format(number=stored.number),
            lines=(Text(f"{text} — {describe(stored)}."),
                   Note(_("First one: {time}."), at=first, tz=tz),
                   Text(_("See all with schedules; stop it with unschedule #{number}.").format(
                       number=stored.number))),
            tone=Tone.SUCCESS))]

    async def list_schedules(self, cmd: c.ListSchedules) -> list[Effect]:
        """The space's recurring check-ins and polls."""
        schedules = await self.store.schedules(cmd.space)
        if not schedules:
            card = message_card(_("Schedules"), _(
                "Nothing comes back here yet. A facilitator can add a weekly check-in: "
                'schedule "How did this week go?" --every 1w'))
        else:
            lines = tuple(Text((_("#{number} poll: {text} — {when}") if s.options
                                else _("#{number} check-in: {text} — {when}")).format(
                                    number=s.number, text=s.text, when=describe(s)))
                          for s in schedules)
            card = Card(title=_("Schedules ({count})").format(count=len(schedules)), lines=lines)
        return [Reply(cmd.actor, cmd.space, card)]

    async def unschedule(self, cmd: c.RemoveSchedule) -> list[Effect]:
        """Stop a recurring schedule."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed(_("Only a facilitator can stop recurring check-ins here."))
        if not await self.store.delete_schedule(cmd.space, cmd.number):
            raise NotFound(_("There is no schedule #{number} here. Type schedules to see "
                             "them.").format(number=cmd.number))
        return [Reply(cmd.actor, cmd.space, message_card(
            _("Schedule stopped"),
            _("Schedule #{number} will not run again.").format(number=cmd.number),
            Tone.SUCCESS))]

    async def timezone(self, cmd: c.SetTimezone) -> list[Effect]:
        """Set or show the person's own time zone."""
        if cmd.timezone is None:
            current = await self.store.member_timezone(cmd.actor.key)
            space_zone = self.core.zone_of(cmd.space)
            text = (_("Your time zone is {zone}.").format(zone=current) if current else
                    _("You have not set a time zone; times use this space's ({zone}).").format(
                        zone=space_zone))
            return [Reply(cmd.actor, cmd.space, message_card(
                _("Your time zone"),
                text + " " + _("Change it with: timezone Europe/London")))]
        name = cmd.timezone.strip()
        zone(name)
        await self.store.set_member_timezone(cmd.actor.key, name)
        return [Reply(cmd.actor, cmd.space, message_card(
            _("Time zone saved"),
            _("Your time zone is now {zone}. Private reminders will respect it, and so will "
              "closing times you write, like --closes friday 17:00.").format(zone=name),
            Tone.SUCCESS))]


def later_card(ref: str, question: str, requests: int, closes_at: datetime, tz: str) -> Card:
    """The channel's word that a poll now closes later (and how many had asked)."""
    text = _("{question} — now closes {time}.").format(question=question, time=TIME)
    if requests:
        text += " " + ngettext("{count} had asked for more time.",
                               "{count} had asked for more time.", requests).format(
                                   count=requests)
    return Card(title=_("{ref} now closes later").format(ref=ref),
                lines=(Note(text, at=closes_at, tz=tz),))


def schedule_card(schedule: Schedule) -> Card:
    """A check-in as posted in its space."""
    return Card(title=_("Check-in: {text}").format(text=schedule.text),
                lines=(Text(_("Reply in the channel, or start a poll if the group needs to "
                              "decide something.")),
                       Note(_("This is recurring schedule #{number}; a facilitator can stop "
                              "it with unschedule #{number}.").format(number=schedule.number))))


async def occurrence_effects(core: Core, schedule: Schedule,
                             now: datetime) -> list[Effect]:
    """What one occurrence of a schedule posts: a check-in, or a new poll."""
    if not schedule.options:
        return [Post(schedule.space, public(lambda: schedule_card(schedule)))]
    closes_at = now + timedelta(seconds=schedule.poll_seconds) if schedule.poll_seconds else None
    spec = PollSpec(question=schedule.text, options=schedule.options[:MAX_OPTIONS],
                    kind=PollKind.CHOICE, method=DEFAULT_METHOD[PollKind.CHOICE],
                    closes_at=closes_at,
                    reminders=core.settings.reminders if closes_at else ())
    poll = await core.store.create_poll(schedule.space, schedule.creator, spec, new_salt(), now,
                                        poll_jobs(spec, now))
    eligible = await core.store.member_count(schedule.space)
    return [Post(schedule.space, public(lambda: poll_card(poll, 0, eligible, schedule.timezone)),
                 key=f"poll:{poll.id}")]
