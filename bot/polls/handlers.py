"""The poll commands: start, vote, list, results, close, cancel, and the decision log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot import commands as c
from bot.anonymity import PROMISE, new_salt, sealed_size
from bot.cards import Card, Tone, message_card
from bot.context import Core
from bot.effects import Effect, Post, Reply, UpdatePost
from bot.errors import BadInput, NotAllowed, NotFound, PollClosed
from bot.model import Actor, Decision, Outcome, Poll, PollKind, PollSpec, PollStatus, SpaceRef
from bot.polls.announce import POLL, announce_job, not_posted_yet
from bot.polls.ballots import describe_ballot, parse_ballot
from bot.polls.closing import close_polls, decision_of
from bot.polls.counter import Counter
from bot.polls.jobs import poll_jobs
from bot.polls.kinds import build_spec
from bot.polls.views import (
    decision_card,
    decisions_card,
    outcome_card,
    participation,
    poll_card,
    polls_card,
)
from bot.records import ballot_to_json
from bot.voice_model import ContributionKind


class PollCommands:
    """Handlers for the poll commands, and what other wings ask of polls (through the core)."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store
        self.counter = Counter(core)

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {
            c.CreatePoll: self.create,
            c.CastVote: self.vote,
            c.ListPolls: self.list,
            c.ShowResults: self.results,
            c.ClosePoll: self.close,
            c.CancelPoll: self.cancel,
            c.ListDecisions: self.decisions,
        }

    # -- what the core offers other wings ---------------------------------------------

    async def find(self, space: SpaceRef, number: int) -> Poll:
        """The poll with this number, open or not.

        Raises:
            NotFound: No such poll here.
        """
        poll = await self.store.find_poll(space, number)
        if poll is None:
            raise NotFound(f"There is no poll #{number} here. Type polls to see the open ones.")
        return poll

    async def find_open(self, space: SpaceRef, number: int) -> Poll:
        """The open poll with this number.

        Raises:
            NotFound: No such poll here.
            PollClosed: It has ended.
        """
        poll = await self.find(space, number)
        if not poll.is_open:
            raise PollClosed(f"Poll {poll.ref} has already ended. Type results {poll.ref} to "
                             "see the outcome.")
        return poll

    async def decision_for(self, poll: Poll) -> Decision | None:
        """The logged decision of an ended poll, if any."""
        for decision in await self.store.decisions(poll.space):
            if decision.poll_number == poll.number:
                return decision
        return None

    async def card(self, poll: Poll) -> Card:
        """The poll's public card with its current participation."""
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(poll.space)
        return poll_card(poll, voted, eligible, self.core.zone_of(poll.space))

    async def check(self, cmd: c.CreatePoll) -> PollSpec:
        """Check what a person asked for, group rules included; nothing is stored.

        Raises:
            BadInput: With what was wrong and how to write it.
        """
        core = self.core
        spec = build_spec(cmd, core.clock.now(), core.zone_of(cmd.space), core.settings.reminders)
        await self.counter.check_rule(cmd.space, spec)
        return spec

    async def open(self, cmd: c.CreatePoll, spec: PollSpec) -> list[Effect]:
        """Store a checked poll and announce it."""
        now = self.core.clock.now()
        await self.store.touch_member(cmd.space, cmd.actor, now, join=False)
        # The card is posted at once (below); the ANNOUNCE job, stored with the poll,
        # posts it from the database if that first try does not land (bot.polls.announce).
        poll = await self.store.create_poll(cmd.space, cmd.actor.key, spec, new_salt(), now,
                                            [*poll_jobs(spec, now), announce_job(POLL, now)])
        eligible = await self.store.member_count(cmd.space)
        kind = "proposal" if spec.kind is PollKind.CONSENT else "poll"
        confirmation = message_card(
            f"Your {kind} {poll.ref} is up",
            f"People can vote with: vote {poll.ref} ... You or a facilitator can end it with "
            f"close {poll.ref}.", Tone.SUCCESS)
        return [
            Post(cmd.space, poll_card(poll, 0, eligible, self.core.zone_of(cmd.space)),
                 key=f"poll:{poll.id}"),
            Reply(cmd.actor, cmd.space, confirmation, after=f"poll:{poll.id}",
                  if_not_posted=not_posted_yet(confirmation)),
        ]

    async def close_now(self, poll: Poll, now: datetime, by: Actor | None) -> list[Effect]:
        """Claim, count, log and shred; return the announcements. Empty if someone else won.

        Raises:
            Exception: Whatever stopped the count or the write; the poll stays claimed
                until its claim goes stale, then another try can take it over.
        """
        closed = (await close_polls(self.core, [poll], now, by))[poll.id]
        if isinstance(closed, Exception):
            raise closed
        return closed

    # -- commands ---------------------------------------------------------------------

    async def create(self, cmd: c.CreatePoll) -> list[Effect]:
        """``poll`` and ``propose``. Starting one counts as a contribution (it is public
        who started it)."""
        effects = await self.core.open_poll(cmd, await self.core.check_poll(cmd))
        await self.core.contribute(cmd.space, cmd.actor, ContributionKind.START)
        return effects

    async def vote(self, cmd: c.CastVote) -> list[Effect]:
        """Vote, or change a vote; sealed before the store sees it."""
        poll = await self.find(cmd.space, cmd.poll)
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
        if closes_at is not None and self.core.clock.now() >= closes_at:
            # Its closing time has passed even if the count has not run yet.
            raise PollClosed(f"Poll {poll.ref} closed at its closing time, so it is not taking "
                             "votes any more. Its outcome will be posted here.")
        ballot = parse_ballot(poll.spec, cmd.choices, poll.ref)
        salt = await self.store.poll_salt(poll.id)
        if salt is None:
            raise PollClosed()
        await self.store.touch_member(cmd.space, cmd.actor, self.core.clock.now(), join=False)
        keyring = self.core.keyring
        receipt = await self.store.record_vote(
            poll.id,
            keyring.voter_tag(salt, cmd.actor.key),
            # Sealed, and padded to one size for the poll's kind: a copy of the database
            # without the master secret holds no readable choice, whatever order rows sit in.
            keyring.seal(salt, ballot_to_json(ballot), sealed_size(poll.spec)),
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
                       poll_card(poll, receipt.voted, eligible, self.core.zone_of(cmd.space))),
        ]

    async def list(self, cmd: c.ListPolls) -> list[Effect]:
        """``polls``: the open polls here, with participation."""
        polls = await self.store.open_polls(cmd.space)
        voted = await self.store.voted_counts([poll.id for poll in polls])
        entries = [(poll, voted[poll.id], await self.store.time_requests(poll.id))
                   for poll in polls]
        eligible = await self.store.member_count(cmd.space)
        return [Reply(cmd.actor, cmd.space,
                      polls_card(entries, eligible, self.core.zone_of(cmd.space)))]

    async def results(self, cmd: c.ShowResults) -> list[Effect]:
        """``results #N``: the outcome, or the running tally of a poll that shows it."""
        poll = await self.find(cmd.space, cmd.poll)
        if poll.spec.kind is PollKind.IDEAS:
            return await self.core.show_round(cmd.actor, poll)
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
        outcome = await self.counter.count(poll, eligible)
        return [Reply(cmd.actor, cmd.space, outcome_card(poll, outcome, live=True))]

    async def close(self, cmd: c.ClosePoll) -> list[Effect]:
        """``close #N``: by its creator or a facilitator."""
        poll = await self.find_open(cmd.space, cmd.poll)
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(f"Only the person who started {poll.ref} or a facilitator can close "
                             "it. If you need more time or think it should close, ask them.")
        effects = await self.core.close_poll(poll, self.core.clock.now(), by=cmd.actor)
        if not effects:
            raise PollClosed(f"Poll {poll.ref} is already being closed.")
        return effects

    async def cancel(self, cmd: c.CancelPoll) -> list[Effect]:
        """``cancel #N``: nothing is counted and the ballots are deleted."""
        poll = await self.find_open(cmd.space, cmd.poll)
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(f"Only the person who started {poll.ref} or a facilitator can "
                             "cancel it.")
        now = self.core.clock.now()
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
                       poll_card(cancelled, voted, eligible, self.core.zone_of(cmd.space))),
        ]

    async def decisions(self, cmd: c.ListDecisions) -> list[Effect]:
        """``decisions``: the log; ``decisions #N``: one decision with its reasons and answers."""
        if cmd.poll is not None:
            for decision in await self.store.decisions(cmd.space):
                if decision.poll_number == cmd.poll:
                    return [Reply(cmd.actor, cmd.space, decision_card(decision))]
            raise NotFound(f"There is no decision #{cmd.poll} here yet. Type decisions to see "
                           "the ones there are.")
        decisions = await self.store.decisions(cmd.space, cmd.limit)
        return [Reply(cmd.actor, cmd.space, decisions_card(decisions))]
