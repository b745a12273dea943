"""The rounds of a proposal in the decision log (``amend #N``; issue 14).

A proposal that did not pass, or was blocked, can go to a new round with new wording
(``bot.coproduction.rounds``). Each round is a poll of its own; the store links them
(``Poll.round``, ``Decision.round`` and ``Decision.amended_as``). A proposal is settled
only when a round passes with no block. This module says so in the log: which rounds
there were, what each came to, the reasons given and the answers to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.cards import Card, Items, Line, Text
from bot.i18n import _
from bot.model import Decision, Outcome, Poll, PollKind, PollStatus, SpaceRef, Stance
from bot.polls.views import decision_card, reason_line
from bot.ports import Store


def blocked(outcome: Outcome) -> bool:
    """Whether anyone blocked."""
    return any(label == Stance.BLOCK.value and figure > 0 for label, figure in outcome.tallies)


def settled(outcome: Outcome) -> bool:
    """Passed with no block (or will, once its reasons are answered): no new round then."""
    verdict = outcome.pending.passed if outcome.pending is not None else outcome.passed
    return verdict is True and not blocked(outcome)


def open_to_amend(decision: Decision) -> bool:
    """Whether a logged decision can go to a new round (``amend``): a closed proposal that
    did not settle and has no later round yet. ``amend`` says why, when it cannot."""
    return (decision.kind is PollKind.CONSENT and decision.status is PollStatus.CLOSED
            and decision.amended_as is None and not settled(decision.outcome))


def reasons_items(outcome: Outcome) -> tuple[str, ...]:
    """The reasons given in a round, numbered as in its outcome, each with its answer."""
    answers = dict(outcome.responses)
    items = []
    for number, (stance, reason) in enumerate(outcome.reasons, start=1):
        answer = answers.get(number)
        items.append(reason_line(stance, reason, answer)
                     + ("" if answer is not None else " — " + _("No answer yet.")))
    return tuple(items)


def chain_of(decisions: Sequence[Decision], number: int) -> list[Decision]:
    """The logged rounds of the proposal that decision ``number`` belongs to, first first."""
    by_number = {d.poll_number: d for d in decisions}
    first = by_number[number]
    seen = {number}
    while first.round is not None and first.round.previous in by_number \
            and first.round.previous not in seen:
        seen.add(first.round.previous)
        first = by_number[first.round.previous]
    chain = [first]
    seen = {first.poll_number}
    while chain[-1].amended_as in by_number and chain[-1].amended_as not in seen:
        seen.add(chain[-1].amended_as)
        chain.append(by_number[chain[-1].amended_as])
    return chain


def history_lines(chain: Sequence[Decision], *, skip: int | None = None) -> list[Line]:
    """Each round: its wording and result, then its reasons and answers (``skip``: the
    round shown in full elsewhere on the card, listed without them)."""
    lines: list[Line] = []
    for number, decision in enumerate(chain, start=1):
        shown = decision.round.number if decision.round is not None else number
        result = (_("Cancelled.") if decision.status is PollStatus.CANCELLED
                  else decision.outcome.summary)
        lines.append(Text(_("Round {number}, #{poll}: {question} — {result}").format(
            number=shown, poll=decision.poll_number, question=decision.question,
            result=result)))
        if decision.poll_number != skip and decision.outcome.reasons:
            lines.append(Items(reasons_items(decision.outcome)))
    return lines


def standing(chain: Sequence[Decision], open_round: Poll | None) -> str:
    """Where the proposal stands now, in one sentence."""
    if open_round is not None:
        number = open_round.round.number if open_round.round is not None else len(chain) + 1
        return _("Round {number}, {ref}, is open now. Vote on it with: vote {ref} agree (or "
                 "abstain, disagree, block).").format(number=number, ref=open_round.ref)
    last = chain[-1]
    number = last.round.number if last.round is not None else len(chain)
    ref = f"#{last.poll_number}"
    if last.status is not PollStatus.CANCELLED and settled(last.outcome):
        if last.outcome.final:
            return _("This is the final decision: round {number}, {ref}, passed with no "
                     "block.").format(number=number, ref=ref)
        return _("Round {number}, {ref}, passed with no block. It is final once every reason "
                 "has an answer.").format(number=number, ref=ref)
    return _("No round has passed with no block yet. The person who proposed it, or a "
             'facilitator, can start a new round: amend {ref} "new wording"').format(ref=ref)


async def decision_in_full(store: Store, space: SpaceRef, number: int) -> Card | None:
    """What ``decisions #N`` shows: the decision in full and, for a proposal with more than
    one round, every round with its result. An open later round shows the rounds before it.
    None when #N is neither a decision nor a later round of one."""
    decisions = await store.decisions(space)
    found = next((d for d in decisions if d.poll_number == number), None)
    if found is None:
        poll = await store.find_poll(space, number)
        if poll is None or poll.round is None or poll.status is PollStatus.CANCELLED:
            return None
        if not any(d.poll_number == poll.round.previous for d in decisions):
            return None
        chain = chain_of(decisions, poll.round.previous)
        lines = [Text(_("Round {number} of proposal #{first}. It is not decided yet. The "
                        "rounds before it:").format(number=poll.round.number,
                                                    first=poll.round.first)),
                 *history_lines(chain), Text(standing(chain, poll))]
        return Card(title=_("Proposal {ref}: {question}").format(ref=poll.ref,
                                                                 question=poll.spec.question),
                    lines=tuple(lines))
    card = decision_card(found)
    if found.round is None and found.amended_as is None:
        return card
    chain = chain_of(decisions, number)
    # A later round not in the log yet is still open (or being counted).
    after = chain[-1].amended_as
    open_round = await store.find_poll(space, after) if after is not None else None
    if open_round is not None and open_round.status not in (PollStatus.OPEN,
                                                            PollStatus.CLOSING):
        open_round = None
    lines = [Text(_("All rounds of this proposal:")), *history_lines(chain, skip=number),
             Text(standing(chain, open_round))]
    return replace(card, lines=card.lines + tuple(lines))
