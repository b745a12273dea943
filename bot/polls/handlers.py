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
from bot.errors import BadInput, NotAllowed, NotFound, PollClosed, about
from bot.i18n import _, public, space_languages, speaking
from bot.model import Actor, Decision, Outcome, Poll, PollKind, PollSpec, PollStatus, SpaceRef
from bot.polls.announce import POLL, announce_job, not_posted_yet
from bot.polls.ballots import describe_ballot, parse_ballot
from bot.polls.chain import decision_in_full
from bot.polls.closing import close_polls, decision_of
from bot.polls.counter import Counter
from bot.polls.jobs import poll_jobs
from bot.polls.kinds import build_spec
from bot.polls.views import (
    closing_reply,
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
            raise NotFound(_("There is no poll #{number} here. Type polls to see the open "
                             "ones.").format(number=number))
        return poll

    async def find_open(self, space: SpaceRef, number: int) -> Poll:
        """The open poll with this number.

        Raises:
            NotFound: No such poll here.
            PollClosed: It has ended.
        """
        poll = await self.find(space, number)
        if not poll.is_open:
            raise PollClosed(_("Poll {ref} has already ended. Type results {ref} to see the "
                               "outcome.").format(ref=poll.ref))
        return poll

    async def decision_for(self, poll: Poll) -> Decision | None:
        """The logged decision of an ended poll, if any."""
        for decision in await self.store.decisions(poll.space):
            if decision.poll_number == poll.number:
                return decision
        return None

    async def card(self, poll: Poll) -> Card:
        """The poll's public card with its current participation, already written in the
        space's language(s) (``bot.i18n.public``): post it as it is."""
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(poll.space)
        tz, own = self.core.zone_of(poll.space), await self.set_in(poll)
        return public(lambda: poll_card(poll, voted, eligible, tz, own))

    async def set_in(self, poll: Poll) -> str | None:
        """The creator's own time zone, which their ``--closes`` is read in (None: they set
        none, or the poll has no closing time), for the card to name."""
        if poll.spec.closes_at is None:
            return None
        return await self.store.member_timezone(poll.creator)

    async def check(self, cmd: c.CreatePoll) -> PollSpec:
        """Check what a person asked for, group rules included; nothing is stored.

        Raises:
            BadInput: With what was wrong and how to write it.
        """
        core = self.core
        # "--closes friday 17:00" is read in the creator's own zone when they set one.
        own = await self.store.member_timezone(cmd.actor.key)
        spec = build_spec(cmd, core.clock.now(), own or core.zone_of(cmd.space),
                          core.settings.reminders)
        with about("rule"):
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
        own, tz = await self.set_in(poll), self.core.zone_of(cmd.space)
        if spec.kind is PollKind.CONSENT:
            title = _("Your proposal {ref} is up").format(ref=poll.ref)
            saved = _("Your proposal {ref} is saved, but not posted yet").format(ref=poll.ref)
        else:
            title = _("Your poll {ref} is up").format(ref=poll.ref)
            saved = _("Your poll {ref} is saved, but not posted yet").format(ref=poll.ref)
        confirmation = message_card(
            title,
            _("People can vote with: vote {ref} ... You or a facilitator can end it with "
              "close {ref}.").format(ref=poll.ref) + closing_reply(spec.closes_at, own, tz, now),
            Tone.SUCCESS)
        return [
            Post(cmd.space, public(lambda: poll_card(poll, 0, eligible, tz, own)),
                 key=f"poll:{poll.id}"),
            Reply(cmd.actor, cmd.space, confirmation, after=f"poll:{poll.id}",
                  if_not_posted=not_posted_yet(confirmation, saved)),
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
            raise BadInput(_('{ref} is an ideas round, not a poll. Add an idea with: idea '
                             '{ref} "your idea", or see them with: ideas {ref}').format(
                                 ref=poll.ref))
        if poll.status is PollStatus.CANCELLED:
            raise PollClosed(_("Poll {ref} was cancelled, so it is not taking votes. It has no "
                               "outcome.").format(ref=poll.ref))
        if not poll.is_open:
            raise PollClosed(_("Poll {ref} has closed, so it is not taking votes any more. "
                               "Type results {ref} to see the outcome.").format(ref=poll.ref))
        closes_at = poll.spec.closes_at
        if closes_at is not None and self.core.clock.now() >= closes_at:
            # Its closing time has passed even if the count has not run yet.
            raise PollClosed(_("Poll {ref} closed at its closing time, so it is not taking "
                               "votes any more. Its outcome will be posted here.").format(
                                   ref=poll.ref))
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
        title = (_("Your vote has been changed on {ref}") if receipt.replaced
                 else _("Your vote is in on {ref}")).format(ref=poll.ref)
        promise = (_(PROMISE) if poll.spec.anonymous
                   else _("This is an open poll: names are shown."))
        text = " ".join((describe_ballot(poll.spec, ballot),
                         _("You can change it until the poll closes."), promise))
        tz, own = self.core.zone_of(cmd.space), await self.set_in(poll)
        return [
            Reply(cmd.actor, cmd.space, message_card(title, text, Tone.SUCCESS)),
            UpdatePost(cmd.space, f"poll:{poll.id}",
                       public(lambda: poll_card(poll, receipt.voted, eligible, tz, own))),
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
                card = message_card(_("Poll {ref}").format(ref=poll.ref),
                                    _("Poll {ref} was cancelled; nothing was counted.").format(
                                        ref=poll.ref))
            else:
                card = outcome_card(poll, decision.outcome)
            return [Reply(cmd.actor, cmd.space, card)]
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(cmd.space)
        if poll.status is PollStatus.CLOSING or not poll.spec.show_results:
            why = (_("Poll {ref} is being counted right now.")
                   if poll.status is PollStatus.CLOSING
                   else _("Poll {ref} is anonymous, so its results stay hidden until it closes "
                          "and nobody anchors on an early lead.")).format(ref=poll.ref)
            return [Reply(cmd.actor, cmd.space, message_card(
                _("Results of {ref}").format(ref=poll.ref),
                f"{why} {participation(voted, eligible)}."))]
        outcome = await self.counter.count(poll, eligible)
        return [Reply(cmd.actor, cmd.space, outcome_card(poll, outcome, live=True))]

    async def close(self, cmd: c.ClosePoll) -> list[Effect]:
        """``close #N``: by its creator or a facilitator."""
        poll = await self.find_open(cmd.space, cmd.poll)
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(_("Only the person who started {ref} or a facilitator can close "
                               "it. If you need more time or think it should close, ask "
                               "them.").format(ref=poll.ref))
        effects = await self.core.close_poll(poll, self.core.clock.now(), by=cmd.actor)
        if not effects:
            raise PollClosed(_("Poll {ref} is already being closed.").format(ref=poll.ref))
        return effects

    async def cancel(self, cmd: c.CancelPoll) -> list[Effect]:
        """``cancel #N``: nothing is counted and the ballots are deleted."""
        poll = await self.find_open(cmd.space, cmd.poll)
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(_("Only the person who started {ref} or a facilitator can cancel "
                               "it.").format(ref=poll.ref))
        now = self.core.clock.now()
        voted = await self.store.voted_count(poll.id)
        eligible = await self.store.member_count(cmd.space)
        # The decision log keeps the space's language, whoever cancelled it.
        with speaking(space_languages()[0]):
            outcome = Outcome(summary=_("Cancelled."),
                              reason=_("The poll was cancelled before it closed; nothing was "
                                       "counted and its ballots were deleted."),
                              voted=voted, eligible=eligible)
            decision = decision_of(poll, outcome, PollStatus.CANCELLED, now)
        if not await self.store.cancel_poll(poll.id, decision):
            raise PollClosed(_("Poll {ref} has already ended.").format(ref=poll.ref))
        cancelled = replace(poll, status=PollStatus.CANCELLED, closed_at=now)
        tz = self.core.zone_of(cmd.space)
        return [
            Post(cmd.space, public(lambda: message_card(
                _("Poll {ref} was cancelled").format(ref=poll.ref),
                _("{question} — nothing was counted and the ballots were deleted.").format(
                    question=poll.spec.question), Tone.WARNING))),
            UpdatePost(cmd.space, f"poll:{poll.id}",
                       public(lambda: poll_card(cancelled, voted, eligible, tz))),
        ]

    async def decisions(self, cmd: c.ListDecisions) -> list[Effect]:
        """``decisions``: the log; ``decisions #N``: one decision with its reasons and answers."""
        if cmd.poll is not None:
            # With every round of a proposal that was amended (bot.polls.chain).
            card = await decision_in_full(self.store, cmd.space, cmd.poll)
            if card is not None:
                return [Reply(cmd.actor, cmd.space, card)]
            raise NotFound(_("There is no decision #{number} here yet. Type decisions to see "
                             "the ones there are.").format(number=cmd.poll))
        decisions = await self.store.decisions(cmd.space, cmd.limit)
        return [Reply(cmd.actor, cmd.space, decisions_card(decisions))]
