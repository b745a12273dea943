"""Cards for polls, outcomes and lists: what people see, in plain words with numbers.

Every card is written in the language of the moment (``bot.i18n``): a reply in the
reader's, a public post inside ``bot.i18n.public``. What people wrote (questions,
options, reasons) is shown as they wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from bot.anonymity import OPEN_POLL_NOTE, PROMISE
from bot.cards import Button, Card, Items, Line, Note, Text, Tone
from bot.counting.outcome import rule_words, tiebreak_seed
from bot.counting.tallies import tiebreak_order
from bot.i18n import _, current, format_time, ngettext, pgettext
from bot.i18n import ordinal as ordinal
from bot.model import (
    MAX_OPTION_LENGTH,
    Decision,
    Outcome,
    Poll,
    PollKind,
    PollSpec,
    PollStatus,
    Stance,
    kind_name,
)
from bot.polls.ballots import vote_example
from bot.polls.bars import place_bars as place_bars
from bot.polls.bars import tally_bars as tally_bars
from bot.polls.kinds import kind_words, method_words
from bot.timeparse import zone

#: The action of a poll card's Vote button: ``vote:<poll id>`` (see ``vote_poll_id``).
VOTE_ACTION = "vote"
#: Where a time is written in a Note; the adapter shows ``Note.at`` there.
TIME = "{time}"


def participation(voted: int, eligible: int) -> str:
    """"7 of 12 have voted", worded for one or many."""
    eligible = max(eligible, voted)
    return ngettext("{voted} of {eligible} has voted", "{voted} of {eligible} have voted",
                    voted).format(voted=voted, eligible=eligible)


def closing_words(at: datetime, tz: str, now: datetime | None) -> str:
    """A time written out in a named zone, e.g. "Friday 12 December, 17:00 (Asia/Karachi)";
    with the year when it is not the year of ``now``."""
    local = at.astimezone(zone(tz))
    same_year = now is not None and now.astimezone(zone(tz)).year == local.year
    pattern = "EEEE d MMMM, HH:mm" if same_year else "EEEE d MMMM y, HH:mm"
    return f"{format_time(at, tz, pattern)} ({tz})"


def closing_reply(at: datetime | None, own: str | None, tz: str, now: datetime) -> str:
    """For the creator's reply: when the poll closes, in the zone ``--closes`` was read in
    (``own``, theirs, else ``tz``, the space's); empty without a closing time."""
    if at is None:
        return ""
    when = closing_words(at, own or tz, now)
    if own:
        return " " + _("It closes {when}, in your time zone.").format(when=when)
    return " " + _("It closes {when}, in this space's time zone.").format(when=when)


@lru_cache(maxsize=4096)
def _fixed_lines(spec: PollSpec, ref: str, number: int, language: str) -> tuple[str, str, str]:
    """The lines of a poll card that never change while it is open (how to vote, the rule,
    the draw order), in one language. Cached: a card is drawn again after every vote."""
    order = tiebreak_order(tiebreak_seed(number, spec.question), spec.options)
    draw = _("If there is a tie, a draw picks the winner. The draw order is "
             "options {order}.").format(order=", ".join(str(i + 1) for i in order))
    return _how_to_vote(spec, ref), _rule_line(spec), draw


def _how_to_vote(spec: PollSpec, ref: str) -> str:
    how = kind_words(spec.kind)
    if spec.kind is PollKind.RANKED:
        sentence = _("How to vote: {how}. How it is counted: {method}.").format(
            how=how, method=method_words(spec.method))
    elif spec.kind is PollKind.DOTS:
        sentence = ngettext("How to vote: {how} ({dots} dot each).",
                            "How to vote: {how} ({dots} dots each).",
                            spec.dots or 0).format(how=how, dots=spec.dots)
    elif spec.max_picks:
        sentence = _("How to vote: {how} (up to {most}).").format(how=how, most=spec.max_picks)
    else:
        sentence = _("How to vote: {how}.").format(how=how)
    return f"{sentence} {vote_example(spec, ref)}"


def _rule_line(spec: PollSpec) -> str:
    sentences = [_("Rule: {rule}.").format(rule=rule_words(spec))]
    if spec.quorum:
        sentences.append(_("It counts only if at least {quorum} vote.").format(
            quorum=spec.quorum.describe()))
    if spec.quorum_each:
        sentences.append(_("At least {percent}% of each group must vote.").format(
            percent=f"{spec.quorum_each:g}"))
    return " ".join(sentences)


def _ended(poll: Poll, status: str) -> str:
    cancelled = poll.status is PollStatus.CANCELLED
    if poll.spec.kind is PollKind.CONSENT:
        word = (_("This proposal was cancelled.") if cancelled
                else _("This proposal has closed."))
    else:
        word = _("This poll was cancelled.") if cancelled else _("This poll has closed.")
    return f"{status} {word}"


def poll_card(poll: Poll, voted: int, eligible: int, tz: str,
              set_in: str | None = None) -> Card:
    """The public poll message: question, how to vote, the promise, participation.

    ``tz`` is the space's time zone. ``set_in`` is the creator's own zone, which their
    ``--closes`` was read in: when it is another zone, the card also gives the closing
    time in it, written out (a ``{time}`` is shown in each reader's own zone where the
    platform can, so naming a zone beside it would not be true).
    """
    spec = poll.spec
    if spec.kind is PollKind.IDEAS:
        return ideas_card(poll, None, tz)
    proposal = spec.kind is PollKind.CONSENT
    lines: list[Line] = []
    if poll.round is not None:
        # A later round of a proposal (amend): its history is posted just before it.
        lines.append(Text(_(
            "Round {number} of proposal #{first}, with new wording. Everyone can vote again. "
            "To read the reasons given before, and the answers, type: decisions {ref}").format(
                number=poll.round.number, first=poll.round.first, ref=poll.ref)))
    if not proposal:
        lines.append(Items(spec.options))
    how, rule, draw = _fixed_lines(spec, poll.ref, poll.number, current())
    lines.append(Text(how))
    lines.append(Text(rule))
    if not proposal:
        # The draw is fixed now, and shown before anyone votes (help ties).
        lines.append(Note(draw))
    lines.append(Note(_(PROMISE) if spec.anonymous else _(OPEN_POLL_NOTE)))
    if spec.anonymous and not spec.show_results:
        lines.append(Note(_("Results stay hidden until the poll closes.")))
    status = participation(voted, eligible) + "."
    if poll.status is PollStatus.OPEN:
        if spec.closes_at is not None:
            text = f"{status} " + _("Closes {time}.")
            if set_in is not None and set_in != tz:
                text = f"{status} " + _("Closes {time} — set as {when}.").format(
                    time=TIME, when=closing_words(spec.closes_at, set_in, poll.created_at))
            lines.append(Note(text, at=spec.closes_at, tz=tz))
        else:
            lines.append(Note(f"{status} " + _("Open until someone closes it.")))
        buttons = (Button(pgettext("button", "Vote"), f"{VOTE_ACTION}:{poll.id}", primary=True,
                          spoken=_("Vote on poll {number}: {question}").format(
                              number=poll.number, question=spec.question)),)
    else:
        lines.append(Note(_ended(poll, status)))
        buttons = ()
    title = (_("Proposal {ref}: {question}") if proposal
             else _("Poll {ref}: {question}")).format(ref=poll.ref, question=spec.question)
    return Card(title=title, lines=tuple(lines), buttons=buttons)


def reason_line(stance: str, reason: str, answer: str | None = None) -> str:
    """A reason given with a block or disagreement, and its answer when there is one.

    ``stance`` is the stance as stored ("block", "disagree")."""
    if stance == Stance.BLOCK.value:
        if answer is None:
            return _("Reason given with a block: {reason}").format(reason=reason)
        return _("Reason given with a block: {reason} — The answer: {answer}").format(
            reason=reason, answer=answer)
    if answer is None:
        return _("Reason given with a disagree: {reason}").format(reason=reason)
    return _("Reason given with a disagree: {reason} — The answer: {answer}").format(
        reason=reason, answer=answer)


def outcome_lines(outcome: Outcome, kind: PollKind | None = None) -> list[Line]:
    """The body of an outcome: summary, reason, tallies with numbers, the story.

    ``kind`` is the poll's kind: a proposal's tallies are stances, named in the reader's
    language."""
    lines: list[Line] = [Text(outcome.summary), Text(outcome.reason)]
    lines += (place_bars(outcome.tallies) if outcome.unit == "place"
              else tally_bars(outcome, kind))
    if outcome.story:
        lines.append(Items(outcome.story, numbered=False))
    if outcome.groups:
        lines.append(Text(_("By group:")))
        lines.append(Items(tuple(f"{name}: {text}" for name, text in outcome.groups),
                           numbered=False))
    if outcome.reasons:
        # Numbered, because the proposer answers a reason by its number.
        answers = dict(outcome.responses)
        items = []
        for number, (stance, reason) in enumerate(outcome.reasons, start=1):
            text = reason_line(stance, reason, answers.get(number))
            if number not in answers and outcome.awaiting:
                text += " — " + _("Not answered yet.")
            items.append(text)
        lines.append(Items(tuple(items)))
    if outcome.voters:
        lines.append(Items(tuple(f"{name}: {choice}" for name, choice in outcome.voters),
                           numbered=False))
    if outcome.follow_ups:
        lines.append(Text(_("What happened after:")))
        lines.append(Items(tuple(f"{day}: {text}" for day, text in outcome.follow_ups),
                           numbered=False))
    if outcome.unit != "ideas":
        lines.append(Note(participation(outcome.voted, outcome.eligible) + "."))
    return lines


def outcome_card(poll: Poll, outcome: Outcome, *, live: bool = False) -> Card:
    """The outcome of a poll; ``live`` marks a running tally of a poll still open."""
    title = (_("Results so far of {ref}: {question}") if live
             else _("Outcome of {ref}: {question}")).format(ref=poll.ref,
                                                             question=poll.spec.question)
    lines = outcome_lines(outcome, poll.spec.kind)
    if live:
        lines = [Text(_("The poll is still open; this can change.")), *lines[2:]]
        tone = Tone.INFO
    else:
        tone = Tone.SUCCESS if outcome.winners or outcome.passed else Tone.WARNING
        if poll.spec.kind is PollKind.CONSENT and outcome.passed is False:
            lines.append(Text(_("The person who proposed it, or a facilitator, can start a new "
                                'round with new wording: amend {ref} "new wording"').format(
                                    ref=poll.ref)))
    if poll.round is not None:
        lines.insert(0, Text(_("Round {number} of proposal #{first}.").format(
            number=poll.round.number, first=poll.round.first)))
    return Card(title=title, lines=tuple(lines), tone=tone)


def decision_card(decision: Decision) -> Card:
    """One entry of the decision log, shown in full."""
    title = _("Decision #{number}: {question}").format(number=decision.poll_number,
                                                       question=decision.question)
    lines = outcome_lines(decision.outcome, decision.kind)
    lines.append(Note(_("Rule: {rule}. Closed {time}.").format(rule=decision.rule, time=TIME),
                      at=decision.closed_at))
    return Card(title=title, lines=tuple(lines))


def polls_card(entries: Sequence[tuple[Poll, int, int]], eligible: int, tz: str) -> Card:
    """The open polls in a space, each with its participation and requests for more time."""
    if not entries:
        return Card(title=_("Open polls"),
                    lines=(Text(_('There are no open polls here. Start one with: poll '
                                  '"Question?" "Option 1" "Option 2"')),))
    lines: list[Line] = []
    for poll, voted, asked in entries:
        spec, ref = poll.spec, poll.ref
        if spec.kind is PollKind.IDEAS:
            text = _("{ref} (ideas round): {question} — see its ideas with ideas {ref}.").format(
                ref=ref, question=spec.question)
        elif spec.kind is PollKind.CONSENT:
            text = _("{ref} (proposal): {question} — {participation}.").format(
                ref=ref, question=spec.question, participation=participation(voted, eligible))
        else:
            text = _("{ref} ({kind} poll): {question} — {participation}.").format(
                ref=ref, kind=kind_name(spec.kind), question=spec.question,
                participation=participation(voted, eligible))
        if asked:
            text += " " + ngettext("{count} asked for more time.",
                                   "{count} asked for more time.", asked).format(count=asked)
        if spec.closes_at is not None:
            lines.append(Note(f"{text} " + _("Closes {time}."), at=spec.closes_at, tz=tz))
        else:
            lines.append(Text(text))
    return Card(title=_("Open polls ({count})").format(count=len(entries)), lines=tuple(lines))


def _decision_line(decision: Decision) -> str:
    """One decision in the log, with ``{time}`` where it closed."""
    outcome = decision.outcome
    status = _("cancelled") if decision.status is PollStatus.CANCELLED else outcome.summary
    if decision.round is not None:
        status += " " + _("Round {number} of #{first}.").format(number=decision.round.number,
                                                                first=decision.round.first)
    if decision.amended_as is not None:
        status += " " + _("Amended: see #{number}.").format(number=decision.amended_as)
    details = []
    if decision.kind is not PollKind.IDEAS:
        details.append(participation(outcome.voted, outcome.eligible))
    if outcome.reasons:
        details.append(ngettext("{count} reason given, {answered} answered",
                                "{count} reasons given, {answered} answered",
                                len(outcome.reasons)).format(count=len(outcome.reasons),
                                                             answered=len(outcome.responses)))
    details.append(_("closed {time}"))
    return _("#{number} {question} — {status} ({details})").format(
        number=decision.poll_number, question=decision.question, status=status,
        details="; ".join(details))


def decisions_card(decisions: Sequence[Decision]) -> Card:
    """The decision log, newest first, one line each."""
    if not decisions:
        return Card(title=_("Decision log"),
                    lines=(Text(_("No decisions have been logged here yet.")),))
    lines: list[Line] = [Note(_decision_line(decision), at=decision.closed_at)
                         for decision in decisions]
    lines.append(Text(_("To see one in full, with its reasons and answers: decisions #N")))
    return Card(title=_("Decision log"), lines=tuple(lines))


def ideas_card(poll: Poll, count: int | None, tz: str) -> Card:
    """The public card of an ideas round; ``count`` is how many ideas it has, if known."""
    ref = poll.ref
    lines: list[Line] = [
        Text(_('Anyone can add ideas: idea {ref} "your idea". Keep each one short (up to '
               "{most} letters), so it can become a poll option.").format(
                   ref=ref, most=MAX_OPTION_LENGTH)),
        Note(_("Nobody can see who added which idea, not even the facilitators.")),
    ]
    so_far = "" if count is None else ngettext(
        "{count} idea so far.", "{count} ideas so far.", count).format(count=count) + " "
    if poll.status is PollStatus.OPEN:
        if poll.spec.closes_at is not None:
            lines.append(Note(so_far + _("Closes {time}. See them with: ideas {ref}").format(
                time=TIME, ref=ref), at=poll.spec.closes_at, tz=tz))
        else:
            lines.append(Note(so_far + _("Open until someone closes it. See them with: ideas "
                                         "{ref}").format(ref=ref)))
    else:
        ended = (_("This ideas round was cancelled.") if poll.status is PollStatus.CANCELLED
                 else _("This ideas round has closed."))
        lines.append(Note(so_far + ended))
    return Card(title=_("Ideas round {ref}: {question}").format(ref=ref,
                                                                question=poll.spec.question),
                lines=tuple(lines))


def vote_poll_id(card: Card) -> int | None:
    """The internal poll id behind a card's Vote button, if it has one (adapters put the
    vote buttons or form of that poll there)."""
    for button in card.buttons:
        kind, _sep, value = button.action.partition(":")
        if kind == VOTE_ACTION and value.isdigit():
            return int(value)
    return None
