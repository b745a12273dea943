"""Cards for polls, outcomes and lists: what people see, in plain words with numbers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.anonymity import OPEN_POLL_NOTE, PROMISE
from bot.cards import Bar, Button, Card, Items, Line, Note, Text, Tone
from bot.counting.outcome import rule_words, tiebreak_seed
from bot.counting.tallies import tiebreak_order
from bot.model import MAX_OPTION_LENGTH, Decision, Outcome, Poll, PollKind, PollStatus
from bot.polls.ballots import vote_example
from bot.polls.kinds import KIND_WORDS, METHOD_WORDS

#: The action of a poll card's Vote button: ``vote:<poll id>`` (see ``vote_poll_id``).
VOTE_ACTION = "vote"


def participation(voted: int, eligible: int) -> str:
    """"7 of 12 have voted", worded for one or many."""
    eligible = max(eligible, voted)
    verb = "has" if voted == 1 else "have"
    return f"{voted} of {eligible} {verb} voted"


def poll_card(poll: Poll, voted: int, eligible: int, tz: str) -> Card:
    """The public poll message: question, how to vote, the promise, participation."""
    spec = poll.spec
    if spec.kind is PollKind.IDEAS:
        return ideas_card(poll, None, tz)
    kind = "Proposal" if spec.kind is PollKind.CONSENT else "Poll"
    lines: list[Line] = []
    if spec.kind is not PollKind.CONSENT:
        lines.append(Items(spec.options))
    how = KIND_WORDS[spec.kind]
    if spec.kind is PollKind.RANKED:
        how += f". How it is counted: {METHOD_WORDS[spec.method]}"
    if spec.kind is PollKind.DOTS:
        how += f" ({spec.dots} dots each)"
    if spec.max_picks:
        how += f" (up to {spec.max_picks})"
    lines.append(Text(f"How to vote: {how}. {vote_example(spec, poll.ref)}"))
    lines.append(Text(f"Rule: {rule_words(spec)}."
                      + (f" It counts only if at least {spec.quorum.describe()} vote."
                         if spec.quorum else "")
                      + (f" At least {spec.quorum_each:g}% of each group must vote."
                         if spec.quorum_each else "")))
    if spec.kind is not PollKind.CONSENT:
        # The draw is fixed now, and shown before anyone votes (help ties).
        order = tiebreak_order(tiebreak_seed(poll.number, spec.question), spec.options)
        lines.append(Note("If there is a tie, a draw picks the winner. The draw order is "
                          "options " + ", ".join(str(i + 1) for i in order) + "."))
    lines.append(Note(PROMISE if spec.anonymous else OPEN_POLL_NOTE))
    if spec.anonymous and not spec.show_results:
        lines.append(Note("Results stay hidden until the poll closes."))
    status = participation(voted, eligible) + "."
    if poll.status is PollStatus.OPEN:
        if spec.closes_at is not None:
            lines.append(Note(status + " Closes {time}.", at=spec.closes_at, tz=tz))
        else:
            lines.append(Note(status + " Open until someone closes it."))
        buttons = (Button("Vote", f"{VOTE_ACTION}:{poll.id}", primary=True,
                          spoken=f"Vote on poll {poll.number}: {spec.question}"),)
    else:
        word = "was cancelled" if poll.status is PollStatus.CANCELLED else "has closed"
        lines.append(Note(f"{status} This {kind.lower()} {word}."))
        buttons = ()
    return Card(title=f"{kind} {poll.ref}: {spec.question}", lines=tuple(lines), buttons=buttons)


def reason_line(stance: str, reason: str, answer: str | None = None) -> str:
    """A reason given with a block or disagreement, and its answer when there is one."""
    text = f"Reason given with a {stance}: {reason}"
    return text if answer is None else f"{text} — The answer: {answer}"


def outcome_lines(outcome: Outcome) -> list[Line]:
    """The body of an outcome: summary, reason, tallies with numbers, the story."""
    lines: list[Line] = [Text(outcome.summary), Text(outcome.reason)]
    total = max(outcome.voted, 1)
    top = max((figure for _, figure in outcome.tallies), default=0) or 1
    for label, figure in outcome.tallies:
        if outcome.unit in ("votes", "supporters"):
            unit = outcome.unit[:-1] if figure == 1 else outcome.unit
            text = f"{figure:g} {unit} ({100 * figure / total:.0f}%)"
            maximum = total
        else:
            text = f"{figure:g} {outcome.unit}"
            maximum = top
        lines.append(Bar(label, figure, maximum, text))
    if outcome.story:
        lines.append(Items(outcome.story, numbered=False))
    if outcome.groups:
        lines.append(Text("By group:"))
        lines.append(Items(tuple(f"{name}: {text}" for name, text in outcome.groups),
                           numbered=False))
    if outcome.reasons:
        # Numbered, because the proposer answers a reason by its number.
        answers = dict(outcome.responses)
        items = []
        for number, (stance, reason) in enumerate(outcome.reasons, start=1):
            text = reason_line(stance, reason, answers.get(number))
            if number not in answers and outcome.awaiting:
                text += " — Not answered yet."
            items.append(text)
        lines.append(Items(tuple(items)))
    if outcome.voters:
        lines.append(Items(tuple(f"{name}: {choice}" for name, choice in outcome.voters),
                           numbered=False))
    if outcome.follow_ups:
        lines.append(Text("What happened after:"))
        lines.append(Items(tuple(f"{day}: {text}" for day, text in outcome.follow_ups),
                           numbered=False))
    if outcome.unit != "ideas":
        lines.append(Note(participation(outcome.voted, outcome.eligible) + "."))
    return lines


def outcome_card(poll: Poll, outcome: Outcome, *, live: bool = False) -> Card:
    """The outcome of a poll; ``live`` marks a running tally of a poll still open."""
    title = f"{'Results so far' if live else 'Outcome'} of {poll.ref}: {poll.spec.question}"
    lines = outcome_lines(outcome)
    if live:
        lines = [Text("The poll is still open; this can change."), *lines[2:]]
        tone = Tone.INFO
    else:
        tone = Tone.SUCCESS if outcome.winners or outcome.passed else Tone.WARNING
    return Card(title=title, lines=tuple(lines), tone=tone)


def decision_card(decision: Decision) -> Card:
    """One entry of the decision log, shown in full."""
    title = f"Decision #{decision.poll_number}: {decision.question}"
    lines = outcome_lines(decision.outcome)
    lines.append(Note(f"Rule: {decision.rule}. Closed {{time}}.", at=decision.closed_at))
    return Card(title=title, lines=tuple(lines))


def polls_card(entries: Sequence[tuple[Poll, int, int]], eligible: int, tz: str) -> Card:
    """The open polls in a space, each with its participation and requests for more time."""
    if not entries:
        return Card(title="Open polls",
                    lines=(Text('There are no open polls here. Start one with: poll "Question?" '
                                '"Option 1" "Option 2"'),))
    lines: list[Line] = []
    for poll, voted, asked in entries:
        kind = "proposal" if poll.spec.kind is PollKind.CONSENT else f"{poll.spec.kind} poll"
        text = f"{poll.ref} ({kind}): {poll.spec.question} — {participation(voted, eligible)}."
        if poll.spec.kind is PollKind.IDEAS:
            text = (f"{poll.ref} (ideas round): {poll.spec.question} — see its ideas with "
                    f"ideas {poll.ref}.")
        if asked:
            text += f" {asked} asked for more time."
        if poll.spec.closes_at is not None:
            lines.append(Note(text + " Closes {time}.", at=poll.spec.closes_at, tz=tz))
        else:
            lines.append(Text(text))
    return Card(title=f"Open polls ({len(entries)})", lines=tuple(lines))


def decisions_card(decisions: Sequence[Decision]) -> Card:
    """The decision log, newest first, one line each."""
    if not decisions:
        return Card(title="Decision log", lines=(Text("No decisions have been logged here yet."),))
    lines: list[Line] = []
    for decision in decisions:
        cancelled = decision.status is PollStatus.CANCELLED
        status = "cancelled" if cancelled else decision.outcome.summary
        counted = participation(decision.outcome.voted, decision.outcome.eligible) + "; "
        if decision.kind is PollKind.IDEAS:
            counted = ""
        reasons = decision.outcome.reasons
        said = ""
        if reasons:
            answered = len(decision.outcome.responses)
            said = (f"{len(reasons)} reason{'s' if len(reasons) != 1 else ''} given, "
                    f"{answered} answered; ")
        lines.append(Note(f"#{decision.poll_number} {decision.question} — {status} "
                          f"({counted}{said}closed {{time}})", at=decision.closed_at))
    lines.append(Text("To see one in full, with its reasons and answers: decisions #N"))
    return Card(title="Decision log", lines=tuple(lines))


def ideas_card(poll: Poll, count: int | None, tz: str) -> Card:
    """The public card of an ideas round; ``count`` is how many ideas it has, if known."""
    ref = poll.ref
    lines: list[Line] = [
        Text(f'Anyone can add ideas: idea {ref} "your idea". Keep each one short (up to '
             f"{MAX_OPTION_LENGTH} letters), so it can become a poll option."),
        Note("Nobody can see who added which idea, not even the facilitators."),
    ]
    so_far = "" if count is None else f"{count} idea{'s' if count != 1 else ''} so far. "
    if poll.status is PollStatus.OPEN:
        if poll.spec.closes_at is not None:
            lines.append(Note(f"{so_far}Closes {{time}}. See them with: ideas {ref}",
                              at=poll.spec.closes_at, tz=tz))
        else:
            lines.append(Note(f"{so_far}Open until someone closes it. See them with: ideas {ref}"))
    else:
        word = "was cancelled" if poll.status is PollStatus.CANCELLED else "has closed"
        lines.append(Note(f"{so_far}This ideas round {word}."))
    return Card(title=f"Ideas round {ref}: {poll.spec.question}", lines=tuple(lines))


def vote_poll_id(card: Card) -> int | None:
    """The internal poll id behind a card's Vote button, if it has one (adapters put the
    vote buttons or form of that poll there)."""
    for button in card.buttons:
        kind, _, value = button.action.partition(":")
        if kind == VOTE_ACTION and value.isdigit():
            return int(value)
    return None
