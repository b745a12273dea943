"""New rounds of a proposal: ``amend #N "new wording"`` (issue 14, "blocks that lead
somewhere").

The semantics (also in ``docs/counting.md``):

- A proposal that ended without passing, or with a block, can go to a new round with
  new wording. Its proposer or a facilitator says ``amend #N "new wording"``.
- The new round is a new proposal in the same space, linked to the round before
  (``PollSpec.follows``). It keeps every setting: the rule, threshold, quorums,
  anonymity, whether results show, and the reminders.
- Its closing time: as long after it opens as the round before was set to run (from
  its opening to its closing time, with any ``extend``). A round with no closing time
  is followed by one with none. A fixed length, not the space's default, because the
  group chose it for this proposal; ``extend`` still moves it.
- The new round belongs to the person who proposed the round before (they answer its
  reasons and may amend it again), unless they have left: then to whoever amended it.
- Everyone votes again, including whoever blocked, and still anonymously: the round is
  a poll of its own with its own salt, so its voter tags share nothing with the round
  before (whose tags and salt were shredded when it closed).
- Before it, the channel sees what was said in every earlier round: each reason and
  the answer to it, without names.
- A proposal is settled only when a round passes with no block. A round cannot be
  amended while open (``close #N`` first), once it passed with no block, or once it
  has a later round (amend that one instead). A cancelled round does not count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot import commands as c
from bot.anonymity import new_salt
from bot.cards import Card, Line, Text, Tone, message_card
from bot.context import Core
from bot.effects import Effect, Post, Reply
from bot.errors import BadInput, NotAllowed, NotFound
from bot.i18n import _, public
from bot.model import (
    MAX_QUESTION_LENGTH,
    Actor,
    Decision,
    Poll,
    PollKind,
    PollSpec,
    PollStatus,
    SpaceRef,
)
from bot.parsing import ref_number
from bot.polls.announce import POLL, announce_job, not_posted_yet
from bot.polls.chain import history_lines, settled
from bot.polls.counter import Counter
from bot.polls.jobs import poll_jobs
from bot.polls.views import poll_card
from bot.text import clean_text
from bot.voice_model import ContributionKind


def next_spec(poll: Poll, wording: str, now: datetime) -> PollSpec:
    """The settings of the round after ``poll``: the same, with the new wording, a fresh
    closing time of the same length, and the link to ``poll``."""
    closes_at = None
    if poll.spec.closes_at is not None:
        closes_at = now + (poll.spec.closes_at - poll.created_at)
    return replace(poll.spec, question=wording, closes_at=closes_at, follows=poll.id)


def earlier_rounds(decisions: list[Decision], poll: Poll) -> list[Decision]:
    """The logged rounds up to and including ``poll``'s, first round first."""
    by_number = {d.poll_number: d for d in decisions}
    chain: list[Decision] = []
    number: int | None = poll.number
    while number is not None and number in by_number and len(chain) < len(by_number):
        decision = by_number[number]
        chain.insert(0, decision)
        number = decision.round.previous if decision.round is not None else None
    return chain


def history_card(new: Poll, chain: list[Decision]) -> Card:
    """Posted just before the new round's card: what was said in the rounds before it.
    Written in the reader's language: post it inside ``bot.i18n.public``."""
    first = f"#{new.round.first}" if new.round else f"#{chain[0].poll_number}"
    number = new.round.number if new.round else len(chain) + 1
    lines: list[Line] = [
        Text(_("Proposal {first} goes to round {number} as {ref}, with new wording: "
               "{question}").format(first=first, number=number, ref=new.ref,
                                    question=new.spec.question)),
        *history_lines(chain),
    ]
    tail = _("Everyone can vote again, including anyone who blocked.")
    if new.spec.anonymous:
        tail += " " + _("Votes stay secret, as before: nobody can link a vote to the last "
                        "round.")
    lines.append(Text(tail))
    return Card(title=_("New round of proposal {first}: what was said before").format(
        first=first), lines=tuple(lines))


def _parse_amend(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if len(args) < 2:
        raise BadInput(_('Say which proposal and its new wording: amend #3 "Move the meeting '
                         'to Thursday evenings"'))
    return c.Amend(actor, space, poll=ref_number(args[0], "amend"), text=" ".join(args[1:]))


#: Text verbs this module parses.
PARSERS: dict[str, Callable] = {"amend": _parse_amend}


class RoundCommands:
    """The ``amend`` handler."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {c.Amend: self.amend}

    async def _amendable(self, cmd: c.Amend) -> tuple[Poll, list[Decision]]:
        """The round to amend and the decisions of the space, or a polite refusal."""
        poll = await self.store.find_poll(cmd.space, cmd.poll)
        ref = f"#{cmd.poll}"
        if poll is None:
            raise NotFound(_("There is no proposal {ref} here. Type decisions to see past "
                             "ones.").format(ref=ref))
        if poll.spec.kind is not PollKind.CONSENT:
            raise BadInput(_("{ref} is a poll, not a proposal: only proposals go to a new "
                             'round. To ask again, start a new poll: poll "Question?" "Option" '
                             '"Option"').format(ref=ref))
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(_("Only the person who proposed {ref} or a facilitator can start "
                               "a new round of it. You can suggest new wording in the "
                               "channel.").format(ref=ref))
        if poll.status is PollStatus.CANCELLED:
            raise BadInput(_('{ref} was cancelled. To try again, write: propose "your '
                             'proposal"').format(ref=ref))
        if poll.status is PollStatus.OPEN:
            raise BadInput(_("{ref} is still open. Wait for it to close, or close it now with: "
                             "close {ref}. Then you can start a new round.").format(ref=ref))
        later = await self.store.next_round(poll)
        if later is not None:
            if later.is_open:
                why = _("{ref} already has a new round: {later} is open now. To change the "
                        "wording again, amend {later} once it has closed.")
            else:
                why = _("{ref} already has a new round: {later} came after it. To change the "
                        "wording again, amend {later} once it has closed.")
            raise BadInput(why.format(ref=ref, later=later.ref))
        decisions = await self.store.decisions(cmd.space)
        decision = next((d for d in decisions if d.poll_number == poll.number), None)
        if poll.status is not PollStatus.CLOSED or decision is None:
            raise BadInput(_("{ref} is being counted right now. Please try again in a "
                             "moment.").format(ref=ref))
        if settled(decision.outcome):
            raise BadInput(_("{ref} passed with no block, so it is decided. To change it, put "
                             'a new proposal: propose "your proposal"').format(ref=ref))
        return poll, decisions

    async def amend(self, cmd: c.Amend) -> list[Effect]:
        """``amend #N "new wording"``: a new round of a proposal that did not pass."""
        ref = f"#{cmd.poll}"
        text = clean_text(cmd.text)
        if not text:
            raise BadInput(_('Write the new wording in quotes: amend {ref} "Move the meeting '
                             'to Thursday evenings"').format(ref=ref))
        if len(text) > MAX_QUESTION_LENGTH:
            raise BadInput(_("The new wording is {length} characters long; please keep it to "
                             "{most}.").format(length=len(text), most=MAX_QUESTION_LENGTH))
        poll, decisions = await self._amendable(cmd)
        now = self.core.clock.now()
        spec = next_spec(poll, text, now)
        # The space's groups may have gone since the round before.
        await Counter(self.core).check_rule(cmd.space, spec)
        creator = poll.creator
        if not await self.store.is_member(cmd.space, creator):
            creator = cmd.actor.key
        # Stored with its announcement job, like any new poll (bot.polls.announce).
        new = await self.store.create_poll(cmd.space, creator, spec, new_salt(), now,
                                           [*poll_jobs(spec, now), announce_job(POLL, now)])
        await self.core.contribute(cmd.space, cmd.actor, ContributionKind.START)
        eligible = await self.store.member_count(cmd.space)
        key = f"poll:{new.id}"
        confirmation = message_card(
            _("Your new round {ref} is up").format(ref=new.ref),
            _("Everyone can vote again with: vote {ref} ... The earlier rounds stay in the "
              "decision log, linked to it: decisions {ref}").format(ref=new.ref), Tone.SUCCESS)
        chain = earlier_rounds(decisions, poll)
        tz = self.core.zone_of(cmd.space)
        return [
            Post(cmd.space, public(lambda: history_card(new, chain))),
            Post(cmd.space, public(lambda: poll_card(new, 0, eligible, tz)), key=key),
            Reply(cmd.actor, cmd.space, confirmation, after=key,
                  if_not_posted=not_posted_yet(confirmation)),
        ]

