"""Private nudges to quieter members, and the balance note to facilitators.

Each poll has a nudge sweep (``JobKind.NUDGE``), added with its other jobs and run
every hour while it is open. A sweep:

1. sends the facilitators (and the poll's creator) one private note, at most once
   per poll, when a declared group's voice ratio is above the threshold;
2. on anonymous polls open at least ``after_open``, nudges members who have not
   voted — privately, at most once per member every ``every``, never in their quiet
   hours, never to someone who said ``nudges off``, and never within
   ``REMINDER_GAP`` of one of the poll's own reminders. See docs/voices.md.

Both count towards the daily cap on private messages (``NudgePolicy.per_day``) and are
less urgent than a poll's last reminder: they go only if they leave room for the last
reminders the person is due to get in the next 24 hours (``less_urgent_cap``). A nudge
held back by quiet hours waits for them to end: the next sweep runs when the first held
member's quiet hours end, if that is within the hour.

Each note and nudge is written in the language its reader chose (else the space's),
looked up once per sweep for everyone it writes to.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta

from bot.cards import Card
from bot.context import Core
from bot.effects import DirectMessage, Effect
from bot.errors import BadInput
from bot.i18n import speaking
from bot.model import Poll, PollKind, SpaceRef
from bot.timed_work import SWEEP_EVERY, Job, JobKind, NewJob
from bot.timeparse import zone
from bot.voice_model import CAP_WINDOW, Cap, Nudge, NudgeReason
from bot.voices.balance import Balance, lopsided, measure
from bot.voices.cards import balance_note_card, nudge_card

#: No nudge this close (before or after) to one of the poll's own reminders: one private
#: message about a poll at a time is plenty.
REMINDER_GAP = timedelta(hours=12)
#: The creator of a poll whose creator asked to be forgotten.
_NOBODY = "forgotten"
#: A private message still to write: to whom, and how to build it in their language.
_Letter = tuple[str, Callable[[], Card]]


def window_start(now: datetime, days: int) -> date:
    """The first UTC day of a window of ``days`` days that ends today."""
    return now.date() - timedelta(days=days - 1)


async def less_urgent_cap(core: Core, members: Collection[str], now: datetime) -> Cap | None:
    """The daily cap for a message less urgent than a poll's last reminder (an earlier
    reminder, a nudge, a note): it must leave room for the last reminders each person is
    due to get in the next 24 hours, so that a decision about to close comes first."""
    policy = core.settings.nudges
    if policy.per_day <= 0 or not members:
        return policy.cap(now)
    return policy.cap(now, await core.store.last_calls_due(members, now, now + CAP_WINDOW))


def member_zone(own: str | None, fallback: str) -> str:
    """A member's own time zone if it is usable, else the space's."""
    if own:
        try:
            zone(own)
            return own
        except BadInput:
            pass
    return fallback


def near_reminder(poll: Poll, now: datetime) -> bool:
    """Whether one of the poll's reminders is (or was) due within ``REMINDER_GAP`` of now."""
    closes = poll.spec.closes_at
    if closes is None:
        return False
    return any(abs(closes - timedelta(seconds=lead) - now) < REMINDER_GAP
               for lead in poll.spec.reminders)


class NudgeSweep:
    """Runs one poll's nudge sweep; called by ``bot.timing.job_runner.JobRunner``."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store
        self.policy = core.settings.nudges
        self.balance = core.settings.balance

    async def run(self, job: Job, now: datetime) -> tuple[list[Effect], list[NewJob]]:
        """The sweep's nudges and note, and the next sweep while the poll stays open."""
        poll = await self.store.get_poll(job.poll_id) if job.poll_id is not None else None
        if poll is None or not poll.is_open:
            return [], []
        if poll.spec.closes_at is not None and poll.spec.closes_at <= now:
            return [], []
        notes = await self._balance_note(poll, now)
        nudges, wake = await self._nudges(poll, now)
        following = now + SWEEP_EVERY if wake is None else min(now + SWEEP_EVERY, wake)
        return (await self._write(poll, notes + nudges),
                [NewJob(JobKind.NUDGE, following, poll_id=poll.id)])

    async def _write(self, poll: Poll, letters: list[_Letter]) -> list[Effect]:
        """Each letter in its reader's language, looked up for all of them at once."""
        if not letters:
            return []
        languages = await self.core.languages_of({member for member, _build in letters})
        effects: list[Effect] = []
        for member, build in letters:
            with speaking(languages.get(member)):
                effects.append(DirectMessage(poll.space.platform, member, build()))
        return effects

    async def space_balance(self, space: SpaceRef, now: datetime, days: int) -> Balance:
        """The space's balance of voices over the last ``days`` days."""
        groups = await self.store.groups(space)
        group_members = await self.store.group_members(space) if groups else {}
        members = await self.store.member_keys(space)
        totals = await self.store.contribution_totals(space, window_start(now, days))
        return measure(groups, group_members, members, totals, self.balance.min_group_size)

    async def _balance_note(self, poll: Poll, now: datetime) -> list[_Letter]:
        if self.balance.threshold <= 0:
            return []
        if self.policy.quiet(now, self.core.zone_of(poll.space)):
            return []  # the next sweep in daytime sends it
        days = self.balance.days
        balance = await self.space_balance(poll.space, now, days)
        heavy = lopsided(balance, self.balance)
        if not heavy:
            return []
        to = sorted((await self.store.facilitators(poll.space) | {poll.creator}) - {_NOBODY})
        notes = [Nudge(m, poll.space, NudgeReason.BALANCE, now, poll.id) for m in to]
        sent = await self.store.claim_balance_note(poll.id, now, notes,
                                                   await less_urgent_cap(self.core, to, now))
        if not sent:
            return []
        return [(note.member, lambda: balance_note_card(poll, balance, heavy, days))
                for note in sent]

    async def _nudges(self, poll: Poll, now: datetime) -> tuple[list[_Letter], datetime | None]:
        """The nudges sent now, and when the first member held back by quiet hours wakes."""
        policy = self.policy
        if (not policy.enabled or not poll.spec.anonymous or poll.spec.kind is PollKind.IDEAS
                or now - poll.created_at < policy.after_open or near_reminder(poll, now)):
            return [], None
        waiting = [m for m in await self.store.members_without_vote(poll.id, poll.space)
                   if m != poll.creator]
        if not waiting:
            return [], None
        not_since = now - policy.every
        allowed = await self.store.nudge_targets(waiting, not_since, policy.opt_in)
        space_zone = self.core.zone_of(poll.space)
        zones = {m: member_zone(own, space_zone) for m, own in allowed.items()}
        wakes = {policy.quiet_until(now, tz) for tz in set(zones.values())}
        wake = min((when for when in wakes if when is not None), default=None)
        awake = [m for m, tz in zones.items() if not policy.quiet(now, tz)]
        if not awake:
            return [], wake
        totals = await self.store.contribution_totals(
            poll.space, window_start(now, self.balance.days))
        nudges = [Nudge(m, poll.space, NudgeReason.NOT_VOTED if totals.get(m) else
                        NudgeReason.QUIET, now, poll.id) for m in awake]
        sent = await self.store.claim_nudges(nudges, not_since, policy.opt_in,
                                             await less_urgent_cap(self.core, awake, now))
        return [(n.member, lambda n=n: nudge_card(poll, n.reason, zones[n.member]))
                for n in sent], wake
