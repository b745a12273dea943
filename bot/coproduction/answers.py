""""You said, we did": the proposer answers each reason before a passed proposal is final.

Pure functions on outcomes. The semantics (also in ``docs/counting.md``):

- Every reason given with a block or a disagreement can be answered by the proposer
  after the proposal closes (``respond #N``); answers are kept in the decision log
  beside the reasons, neither with names.
- A proposal that passes while any reason is unanswered is not final: its outcome
  says how many answers are awaited, and becomes final (and is announced again)
  when the last one comes.
- Under ``--rule consent`` blocks do not stop the count: a block is unresolved until
  it is answered, and the proposal passes if, apart from the blocks, it meets its
  threshold (more agree than disagree by default). Under the default rule a block
  still stops it, at once and for good; its reasons can still be answered.
- A proposal that fails is final at once, whatever is answered later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot import commands as c
from bot.cards import Tone, message_card
from bot.context import Core
from bot.counting.rules import waiting_words
from bot.effects import Effect, Post, Reply
from bot.errors import BadInput, NotAllowed, NotFound
from bot.i18n import _, ngettext, public, space_languages, speaking
from bot.model import (
    MAX_REASON_LENGTH,
    Actor,
    Outcome,
    PollKind,
    PollStatus,
    SpaceRef,
)
from bot.parsing import ref_number
from bot.polls.announce import (
    ANSWER,
    FOLLOW_UP,
    announce_job,
    answer_key,
    answer_not_posted_yet,
    answers_card,
    final_card,
    final_key,
    follow_up_card,
    follow_up_key,
)
from bot.text import clean_text
from bot.timed_work import NewJob
from bot.voice_model import ContributionKind


def unanswered(outcome: Outcome) -> list[int]:
    """Numbers (from 1) of the reasons without an answer yet."""
    done = {number for number, _ in outcome.responses}
    return [n for n in range(1, len(outcome.reasons) + 1) if n not in done]


def answer(outcome: Outcome, which: str | None, text: str, ref: str) -> tuple[Outcome, list[int]]:
    """Record the proposer's answer to one reason, or with "all" to every unanswered one.

    Args:
        outcome: The proposal's logged outcome.
        which: A reason's number, "all", or None when exactly one reason is unanswered.
        text: The answer.
        ref: The proposal's reference (``#3``), for messages.

    Returns:
        The new outcome, and the numbers of the reasons answered.

    Raises:
        BadInput: No such reason, it was answered already, or the answer is empty or long.
    """
    text = clean_text(text)
    if not text:
        raise BadInput(_('Write your answer in quotes: respond {ref} 1 "what we '
                         'changed"').format(ref=ref))
    if len(text) > MAX_REASON_LENGTH:
        raise BadInput(_("Please keep your answer to {most} characters; it has "
                         "{length}.").format(most=MAX_REASON_LENGTH, length=len(text)))
    total = len(outcome.reasons)
    if total == 0:
        raise BadInput(_("Nobody gave a reason with a block or a disagreement on {ref}, so "
                         "there is nothing to answer.").format(ref=ref))
    open_numbers = unanswered(outcome)
    if which is None:
        if len(open_numbers) != 1:
            left = ", ".join(str(n) for n in open_numbers) or _("none")
            raise BadInput(ngettext(
                "{ref} has {total} reason (still unanswered: {left}). Say which you are "
                'answering: respond {ref} 1 "what we changed", or all.',
                "{ref} has {total} reasons (still unanswered: {left}). Say which you are "
                'answering: respond {ref} 1 "what we changed", or all.', total).format(
                    ref=ref, total=total, left=left))
        chosen = open_numbers
    elif which.lower() == "all":
        if not open_numbers:
            raise BadInput(_("Every reason on {ref} already has an answer.").format(ref=ref))
        chosen = open_numbers
    else:
        number = int(which) if which.isdigit() else 0
        if not 1 <= number <= total:
            raise BadInput(_("{ref} has reasons 1 to {total}; type results {ref} to read "
                             "them.").format(ref=ref, total=total))
        if number not in open_numbers:
            raise BadInput(_("Reason {number} on {ref} already has an answer. Answers are kept "
                             "as given, so the log shows what was said.").format(number=number,
                                                                                 ref=ref))
        chosen = [number]
    responses = tuple(sorted(outcome.responses + tuple((n, text) for n in chosen)))
    left = total - len(responses)
    changed = replace(outcome, responses=responses)
    if outcome.pending is not None:
        # Kept in the decision log for everyone: written in the space's language.
        with speaking(space_languages()[0]):
            if left == 0:
                done = _("Every reason has been answered.")
                changed = replace(changed, summary=outcome.pending.summary,
                                  reason=f"{outcome.pending.reason} {done}",
                                  passed=outcome.pending.passed, awaiting=0, pending=None)
            else:
                changed = replace(changed, awaiting=left,
                                  reason=f"{waiting_words(left)} {outcome.pending.reason}")
    return changed, chosen


def _parse_respond(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if len(args) < 2:
        raise BadInput(_('Say which proposal and your answer: respond #3 1 "what we changed" '
                         "(1 is the reason's number in the outcome)."))
    number = ref_number(args[0], "respond")
    which = None
    if len(args) > 2 and (args[1].isdigit() or args[1].lower() == "all"):
        which, args = args[1], args[1:]
    return c.Respond(actor, space, poll=number, text=" ".join(args[1:]), reason=which)


def _parse_follow_up(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if len(args) < 2:
        raise BadInput(_('Say which decision and what was done: follow-up #3 "We booked the '
                         'room for Thursdays"'))
    return c.FollowUp(actor, space, poll=ref_number(args[0], "follow-up"),
                      text=" ".join(args[1:]))


#: Text verbs this module parses.
PARSERS: dict[str, Callable] = {"respond": _parse_respond, "follow-up": _parse_follow_up}


class AnswerCommands:
    """The ``respond`` handler, and the note that tells a proposer answers are awaited."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {c.Respond: self.respond, c.FollowUp: self.follow_up}

    async def follow_up(self, cmd: c.FollowUp) -> list[Effect]:
        """After a decision, record what was done about it ("you said, we did"): kept in
        the decision log, posted in the channel. By whoever started it or a facilitator."""
        poll = await self.store.find_poll(cmd.space, cmd.poll)
        ref = f"#{cmd.poll}"
        if poll is None or poll.status is not PollStatus.CLOSED:
            if poll is not None and poll.status is PollStatus.CANCELLED:
                why = _("{ref} was cancelled, so there is nothing to follow up.")
            else:
                why = _("{ref} is not a decision yet, so there is nothing to follow up.")
            see = _("Type decisions to see the decisions made here.")
            raise BadInput(f"{why.format(ref=ref)} {see}")
        if not await self.core.may_manage(cmd.actor, cmd.space, poll):
            raise NotAllowed(_("Only the person who started {ref} or a facilitator can record "
                               "what happened after it. You can say it in the channel.").format(
                                   ref=ref))
        text = clean_text(cmd.text)
        if not text:
            raise BadInput(_('Write what was done, in quotes: follow-up {ref} "We booked the '
                             'room"').format(ref=ref))
        if len(text) > MAX_REASON_LENGTH:
            raise BadInput(_("Please keep it to {most} letters; it has {length}.").format(
                most=MAX_REASON_LENGTH, length=len(text)))
        day = self.core.clock.now().date().isoformat()
        numbers: list[int] = []

        def change(outcome: Outcome) -> Outcome:
            numbers.append(len(outcome.follow_ups) + 1)
            return replace(outcome, follow_ups=(*outcome.follow_ups, (day, text)))

        def announcement() -> list[NewJob]:
            return [announce_job(FOLLOW_UP, self.core.clock.now(), poll_id=poll.id,
                                 numbers=numbers[-1:])]

        if await self.store.update_outcome(cmd.space, poll.number, change,
                                           jobs=announcement) is None:
            raise BadInput(_still_counting(ref))
        key = follow_up_key(poll, numbers[-1])
        return [
            Reply(cmd.actor, cmd.space, message_card(
                _("Thank you: it is in the decision log"),
                _("It is posted in the channel and kept with {ref}. Anyone can read it with: "
                  "decisions {ref}").format(ref=ref), Tone.SUCCESS),
                after=key, if_not_posted=answer_not_posted_yet(
                    ref, "follow-up", creator=cmd.actor.key == poll.creator)),
            Post(cmd.space, public(lambda: follow_up_card(poll, day, text)), key=key),
        ]

    async def respond(self, cmd: c.Respond) -> list[Effect]:
        """The proposer answers a reason; the last answer makes a passed proposal final."""
        poll = await self.store.find_poll(cmd.space, cmd.poll)
        ref = f"#{cmd.poll}"
        if poll is None:
            raise NotFound(_("There is no proposal {ref} here. Type decisions to see past "
                             "ones.").format(ref=ref))
        if poll.spec.kind is not PollKind.CONSENT:
            raise BadInput(_("{ref} is a poll, not a proposal: only proposals have reasons to "
                             "answer.").format(ref=ref))
        if cmd.actor.key != poll.creator:
            raise NotAllowed(_("Only the person who proposed {ref} can answer its reasons. You "
                               "can add your view in the channel.").format(ref=ref))
        if poll.status is PollStatus.CANCELLED:
            raise BadInput(_("{ref} was cancelled, so it has no reasons to answer.").format(
                ref=ref))
        if poll.status is not PollStatus.CLOSED:
            raise BadInput(_("Reasons on {ref} are answered once it has closed: until then "
                             "they stay hidden. Its outcome will list them, numbered.").format(
                                 ref=ref))
        seen: list[tuple[Outcome, Outcome, list[int]]] = []

        def change(outcome: Outcome) -> Outcome:
            changed, numbers = answer(outcome, cmd.reason, cmd.text, ref)
            seen.append((outcome, changed, numbers))
            return changed

        def announcement() -> list[NewJob]:
            # Stored with the answer: if the post below never lands, the job posts it.
            before, after, numbers = seen[-1]
            return [announce_job(ANSWER, self.core.clock.now(), poll_id=poll.id,
                                 numbers=numbers,
                                 final=bool(before.awaiting and not after.awaiting))]

        decision = await self.store.update_outcome(cmd.space, poll.number, change,
                                                   jobs=announcement)
        if decision is None:
            raise BadInput(_still_counting(ref))
        before, _after, numbers = seen[-1]
        await self.core.contribute(cmd.space, cmd.actor, ContributionKind.RESPONSE)
        after = decision.outcome
        text = _("It is posted in the channel and kept in the decision log with the reason, "
                 "without names.")
        if after.awaiting:
            text += " " + ngettext("{count} still to answer.", "{count} still to answer.",
                                   after.awaiting).format(count=after.awaiting)
        key = answer_key(poll, numbers)
        effects: list[Effect] = [
            Reply(cmd.actor, cmd.space, message_card(
                _("Your answer is recorded"), text, Tone.SUCCESS),
                after=key, if_not_posted=answer_not_posted_yet(ref)),
            Post(cmd.space, public(lambda: answers_card(poll, after, numbers)), key=key),
        ]
        if before.awaiting and not after.awaiting:
            effects.append(Post(cmd.space, public(lambda: final_card(poll, after)),
                                key=final_key(poll)))
        return effects


def _still_counting(ref: str) -> str:
    """The answer while a decision's count is still being written."""
    return _("{ref} is still being counted. Please try again in a moment.").format(ref=ref)
