"""The core service: turns commands into effects (and, through ``bot.timing``, due jobs)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot import commands as c
from bot.announce import POLL, announce_job, not_posted_yet
from bot.anonymity import PROMISE, Keyring, new_salt, sealed_size
from bot.balance import BalancePolicy
from bot.ballots import describe_ballot, parse_ballot
from bot.cards import Card, Tone
from bot.closing import close_polls, decision_of
from bot.effects import FAULT, REFUSED, Effect, Post, Reply, UpdatePost
from bot.errors import BadInput, NotAllowed, NotFound, PollClosed, RoundtableError
from bot.groups import GroupCommands
from bot.help import help_card
from bot.membership import (
    NOT_PRIVATE,
    OPEN_TO_ALL,
    PRIVATE_COMMANDS,
    QUIETLY_MEMBERS_ONLY,
    MembershipCommands,
    not_a_member,
)
from bot.model import Actor, Decision, Outcome, Poll, PollKind, PollSpec, PollStatus, SpaceRef
from bot.nudges import NudgePolicy
from bot.polls import build_spec
from bot.ports import Clock, Store
from bot.records import ballot_to_json
from bot.scheduling import TimedCommands, occurrence_effects
from bot.timed_work import Schedule
from bot.timing import poll_jobs
from bot.views import (
    decisions_card,
    message_card,
    outcome_card,
    participation,
    poll_card,
    polls_card,
)
from bot.voice_model import Contribution, ContributionKind
from bot.voices import VoiceCommands

log = logging.getLogger(__name__)

#: Roles an adapter may vouch for that make someone a facilitator of every space it reports.
FACILITATOR_ROLES = frozenset({"facilitator", "admin"})


@dataclass(frozen=True)
class Settings:
    """Settings the core needs from the config file."""

    timezone: str = "UTC"
    #: Reminders before a poll closes, in seconds, unless the poll says otherwise.
    reminders: tuple[int, ...] = (86400, 3600)
    #: Groups with fewer ballots than this get no breakdown of their own in outcomes.
    min_group_size: int = 5
    nudges: NudgePolicy = field(default_factory=NudgePolicy)
    balance: BalancePolicy = field(default_factory=BalancePolicy)


class Roundtable:
    """The decision core. Adapters call ``handle``; a ``bot.timing.Timekeeper`` runs due jobs.

    Args:
        store: Where everything is kept.
        clock: Where the time comes from.
        keyring: Makes anonymous voter tags from the master secret.
        settings: Defaults from the config file.
    """

    def __init__(self, store: Store, clock: Clock, keyring: Keyring,
                 settings: Settings | None = None) -> None:
        self.store = store
        self.clock = clock
        self.keyring = keyring
        self.settings = settings or Settings()
        self._handlers: dict[type, Callable] = {
            c.CreatePoll: self._create_poll,
            c.CastVote: self._vote,
            c.ListPolls: self._list_polls,
            c.ShowResults: self._results,
            c.ClosePoll: self._close_command,
            c.CancelPoll: self._cancel,
            c.ListDecisions: self._decisions,
            c.Help: self._help,
        }
        self._handlers.update(MembershipCommands(self).handlers())
        self._handlers.update(TimedCommands(self).handlers())
        self.groups = GroupCommands(self)
        self._handlers.update(self.groups.handlers())
        self._handlers.update(VoiceCommands(self).handlers())

    async def handle(self, command: c.Command) -> list[Effect]:
        """Carry out one command and return what should be shown.

        Never raises: a ``RoundtableError`` becomes a private reply with its message,
        anything else a private apology (logged without the command's contents).
        """
        return await self._carry_out(command, remember=True)

    async def handle_private(self, command: c.Command) -> list[Effect]:
        """Carry out a command sent outside any channel: a direct message with the bot.

        Only commands about the person alone are taken (``PRIVATE_COMMANDS``); the
        others get a reply saying to type them in a channel. The conversation is not a
        space: nobody is recorded as its member, and platform roles count for nothing
        in it. Never raises, like ``handle``.
        """
        if not isinstance(command, PRIVATE_COMMANDS):
            return [self.error_reply(command.actor, command.space, NotAllowed(NOT_PRIVATE))]
        private = replace(command, actor=replace(command.actor, roles=frozenset()))
        return await self._carry_out(private, remember=False)

    async def _carry_out(self, command: c.Command, *, remember: bool) -> list[Effect]:
        try:
            # The core decides who may take part: only those the platform reports in the
            # channel. Before anything else, so a refusal stores nothing at all.
            if remember and not await self.may_take_part(command):
                if isinstance(command, QUIETLY_MEMBERS_ONLY):
                    return []
                raise not_a_member(command)
            effects = await self._handlers[type(command)](command)
            # Only after success: a rejected command stores nothing, not even a presence.
            # (Nor does forget-me: the person it erased must not be recorded again.)
            if remember and getattr(command, "remembers_actor", True):
                await self._touch(command)
            return effects
        except RoundtableError as error:
            return [self.error_reply(command.actor, command.space, error)]
        except Exception:
            # The type name only: the command may hold a ballot, and a ballot must never
            # meet a name in a log line.
            log.exception("unexpected error while handling %s", type(command).__name__)
            return [Reply(command.actor, command.space, message_card(
                "Sorry, something went wrong",
                "That did not work because of a fault on our side. Nothing was changed by it "
                "that you need to undo; please try again in a moment.", Tone.ERROR),
                failure=FAULT)]

    def error_reply(self, actor: Actor, space: SpaceRef, error: RoundtableError) -> Reply:
        """A private reply that explains an error to the person who caused it."""
        return Reply(actor, space, message_card("That didn't work", error.message, Tone.ERROR),
                     failure=REFUSED)

    # -- helpers ------------------------------------------------------------------

    async def contribute(self, space: SpaceRef, actor: Actor, kind: ContributionKind,
                         event_id: str | None = None) -> None:
        """Count a contribution (who, where, what kind, when; never its text)."""
        await self.store.record_contribution(
            Contribution(space, actor.key, kind, self.clock.now(), event_id))

    async def _touch(self, cmd: c.Command) -> None:
        # Acting keeps a member's name up to date; it never makes someone a member.
        await self.store.touch_member(cmd.space, cmd.actor, self.clock.now(), join=False)

    async def may_take_part(self, command: c.Command) -> bool:
        """Whether the command's person may give it in its channel: a member the platform
        reported there, or a command open to all (``OPEN_TO_ALL``)."""
        if isinstance(command, OPEN_TO_ALL):
            return True
        return await self.store.is_member(command.space, command.actor.key)

    def zone_of(self, space: SpaceRef) -> str:
        """The time zone a space reads times in."""
        return self.settings.timezone

    async def is_facilitator(self, actor: Actor, space: SpaceRef) -> bool:
        """Whether the person facilitates the space (platform role or named)."""
        if actor.roles & FACILITATOR_ROLES:
            return True
        return actor.key in await self.store.facilitators(space)

    async def _poll(self, space: SpaceRef, number: int) -> Poll:
        poll = await self.store.find_poll(space, number)
        if poll is None:
            raise NotFound(f"There is no poll #{number} here. Type polls to see the open ones.")
        return poll

    async def may_manage(self, actor: Actor, space: SpaceRef, poll: Poll) -> bool:
        """Whether the person may close, cancel or extend the poll."""
        return actor.key == poll.creator or await self.is_facilitator(actor, space)

    async def find_open_poll(self, space: SpaceRef, number: int) -> Poll:
        """The open poll with this number.

        Raises:
            NotFound: No such poll here.
            PollClosed: It has ended.
        """
        poll = await self._poll(space, number)
        if not poll.is_open:
            raise PollClosed(f"Poll {poll.ref} has already ended. Type results {poll.ref} to "
                             "see the outcome.")
        return poll

    async def schedule_occurrence(self, schedule: Schedule, now: datetime) -> list[Effect]:
        """What one occurrence of a recurring schedule posts."""
        return await occurrence_effects(self, schedule, now)

    async def render_poll(self, poll: Poll) -> Card:
        """The poll's public card with its current participation."""
        if poll.spec.kind is PollKind.IDEAS:
            return await self.groups.ideas.card(poll)
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(poll.space)
        return poll_card(poll, voted, eligible, self.zone_of(poll.space))

    # -- commands -------------------------------------------------------------------

    async def _create_poll(self, cmd: c.CreatePoll) -> list[Effect]:
        return await self.open_poll(cmd, await self.check_poll(cmd))

    async def check_poll(self, cmd: c.CreatePoll) -> PollSpec:
        """Check what a person asked for, group rules included; nothing is stored.

        Raises:
            BadInput: With what was wrong and how to write it.
        """
        spec = build_spec(cmd, self.clock.now(), self.zone_of(cmd.space), self.settings.reminders)
        await self.groups.check_rule(cmd.space, spec)
        return spec

    async def open_poll(self, cmd: c.CreatePoll, spec: PollSpec) -> list[Effect]:
        """Store a checked poll and announce it."""
        now = self.clock.now()
        await self._touch(cmd)
        # The card is posted at once (below); the ANNOUNCE job, stored with the poll,
        # posts it from the database if that first try does not land (bot.announce).
        poll = await self.store.create_poll(cmd.space, cmd.actor.key, spec, new_salt(), now,
                                            [*poll_jobs(spec, now), announce_job(POLL, now)])
        eligible = await self.store.member_count(cmd.space)
        kind = "proposal" if spec.kind is PollKind.CONSENT else "poll"
        confirmation = message_card(
            f"Your {kind} {poll.ref} is up",
            f"People can vote with: vote {poll.ref} ... You or a facilitator can end it with "
            f"close {poll.ref}.", Tone.SUCCESS)
        return [
            Post(cmd.space, poll_card(poll, 0, eligible, self.zone_of(cmd.space)),
                 key=f"poll:{poll.id}"),
            Reply(cmd.actor, cmd.space, confirmation, after=f"poll:{poll.id}",
                  if_not_posted=not_posted_yet(confirmation)),
        ]

    async def _vote(self, cmd: c.CastVote) -> list[Effect]:
        poll = await self._poll(cmd.space, cmd.poll)
        if poll.spec.kind is PollKind.IDEAS:
            raise BadInput(f'{poll.ref} is an ideas round, not a poll. Add an idea with: idea '
                           f'{poll.ref} "your idea", or see them with: ideas {poll.ref}')
        if poll.status is PollStatus.CANCELLED:
            raise PollClosed(f"Poll {poll.ref} was cancelled, so it is not taking votes. It "
                             "has no outcome.")
        if not poll.is_open:
            raise PollClosed(f"Poll {poll.ref} has closed, so it is not taking votes any more. "
                             f"Type results {poll.ref} to see the outcome.")
        closes_at = poll.spec.closes_at
        if closes_at is not None and self.clock.now() >= closes_at:
            # Its closing time has passed even if the count has not run yet.
            raise PollClosed(f"Poll {poll.ref} closed at its closing time, so it is not taking "
                             "votes any more. Its outcome will be posted here.")
        ballot = parse_ballot(poll.spec, cmd.choices, poll.ref)
        salt = await self.store.poll_salt(poll.id)
        if salt is None:
            raise PollClosed()
        await self._touch(cmd)
        receipt = await self.store.record_vote(
            poll.id,
            self.keyring.voter_tag(salt, cmd.actor.key),
            # Sealed, and padded to one size for the poll's kind: a copy of the database
            # without the master secret holds no readable choice, whatever order rows sit in.
            self.keyring.seal(salt, ballot_to_json(ballot), sealed_size(poll.spec)),
            cmd.actor.key,
            None if poll.spec.anonymous else (cmd.actor.name or cmd.actor.user_id),
        )
        # Taking part is credited when the poll ends (storage.closing), never here: a
        # contribution counted at the vote would let anyone who diffs `balance` around it
        # see that somebody voted, or changed their vote, and a reason counted here would
        # say who blocked.
        eligible = await self.store.member_count(cmd.space)
        first = "Your vote has been changed" if receipt.replaced else "Your vote is in"
        promise = PROMISE if poll.spec.anonymous else "This is an open poll: names are shown."
        text = (f"{describe_ballot(poll.spec, ballot)} You can change it until the poll closes. "
                f"{promise}")
        return [
            Reply(cmd.actor, cmd.space, message_card(f"{first} on {poll.ref}", text, Tone.SUCCESS)),
            UpdatePost(cmd.space, f"poll:{poll.id}",
                       poll_card(poll, receipt.voted, eligible, self.zone_of(cmd.space))),
        ]

    async def _list_polls(self, cmd: c.ListPolls) -> list[Effect]:
        polls = await self.store.open_polls(cmd.space)
        voted = await self.store.voted_counts([poll.id for poll in polls])
        entries = [(poll, voted[poll.id], await self.store.time_requests(poll.id))
                   for poll in polls]
        eligible = await self.store.member_count(cmd.space)
        return [Reply(cmd.actor, cmd.space, polls_card(entries, eligible, self.zone_of(cmd.space)))]

    async def _results(self, cmd: c.ShowResults) -> list[Effect]:
        poll = await self._poll(cmd.space, cmd.poll)
        if poll.spec.kind is PollKind.IDEAS:
            return await self.groups.ideas.show(cmd.actor, poll)
        if poll.status in (PollStatus.CLOSED, PollStatus.CANCELLED):
            decision = await self.decision_for(poll)
            if poll.status is PollStatus.CANCELLED or decision is None:
                card = message_card(f"Poll {poll.ref}", f"Poll {poll.ref} was cancelled; "
                                    "nothing was counted.")
            else:
                card = outcome_card(poll, decision.outcome)
            return [Reply(cmd.actor, cmd.space, card)]
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(cmd.space)
        if poll.status is PollStatus.CLOSING or not poll.spec.show_results:
            why = ("is being counted right now" if poll.status is PollStatus.CLOSING
                   else "is anonymous, so its results stay hidden until it closes and nobody "
                        "anchors on an early lead")
            return [Reply(cmd.actor, cmd.space, message_card(
                f"Results of {poll.ref}",
                f"Poll {poll.ref} {why}. {participation(voted, eligible)}."))]
        outcome = await self._count(poll, eligible)
        return [Reply(cmd.actor, cmd.space, outcome_card(poll, outcome, live=True))]

    async def decision_for(self, poll: Poll) -> Decision | None:
        """The logged decision of an ended poll, if any."""
        for decision in await self.store.decisions(poll.space):
            if decision.poll_number == poll.number:
                return decision
        return None

    async def _close_command(self, cmd: c.ClosePoll) -> list[Effect]:
        poll = await self.find_open_poll(cmd.space, cmd.poll)
        if not await self.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(f"Only the person who started {poll.ref} or a facilitator can close "
                             "it. If you need more time or think it should close, ask them.")
        effects = await self.close_poll(poll, self.clock.now(), by=cmd.actor)
        if not effects:
            raise PollClosed(f"Poll {poll.ref} is already being closed.")
        return effects

    async def _count(self, poll: Poll, eligible: int, *, closing: bool = False) -> Outcome:
        # Group rules, breakdowns and waiting for answers live in bot.groups / bot.rules.
        return await self.groups.count(poll, eligible, closing=closing)

    async def close_poll(self, poll: Poll, now: datetime, by: Actor | None) -> list[Effect]:
        """Claim, count, log and shred; return the announcements. Empty if someone else won.

        ``by`` is None when the poll's timer closes it (see ``bot.closing``).

        Raises:
            Exception: Whatever stopped the count or the write; the poll stays claimed
                until its claim goes stale, then another try can take it over.
        """
        if poll.spec.kind is PollKind.IDEAS:
            return await self.groups.ideas.close_round(poll, now, by)
        closed = (await close_polls(self, [poll], now, by))[poll.id]
        if isinstance(closed, Exception):
            raise closed
        return closed

    async def _cancel(self, cmd: c.CancelPoll) -> list[Effect]:
        poll = await self.find_open_poll(cmd.space, cmd.poll)
        if not await self.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(f"Only the person who started {poll.ref} or a facilitator can "
                             "cancel it.")
        now = self.clock.now()
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(cmd.space)
        outcome = Outcome(summary="Cancelled.", reason="The poll was cancelled before it closed; "
                          "nothing was counted and its ballots were deleted.",
                          voted=voted, eligible=eligible)
        decision = decision_of(poll, outcome, PollStatus.CANCELLED, now)
        if not await self.store.cancel_poll(poll.id, decision):
            raise PollClosed(f"Poll {poll.ref} has already ended.")
        cancelled = replace(poll, status=PollStatus.CANCELLED, closed_at=now)
        return [
            Post(cmd.space, message_card(f"Poll {poll.ref} was cancelled",
                                         f"{poll.spec.question} — nothing was counted and the "
                                         "ballots were deleted.", Tone.WARNING)),
            UpdatePost(cmd.space, f"poll:{poll.id}",
                       poll_card(cancelled, voted, eligible, self.zone_of(cmd.space))),
        ]

    async def _decisions(self, cmd: c.ListDecisions) -> list[Effect]:
        decisions = await self.store.decisions(cmd.space, cmd.limit)
        return [Reply(cmd.actor, cmd.space, decisions_card(decisions))]

    async def _help(self, cmd: c.Help) -> list[Effect]:
        return [Reply(cmd.actor, cmd.space, help_card(cmd.topic))]
