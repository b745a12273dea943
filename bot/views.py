"""Cards for polls, outcomes and lists: what people see, in plain words with numbers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.anonymity import OPEN_POLL_NOTE, PROMISE
from bot.cards import Bar, Button, Card, Items, Line, Note, Text, Tone
from bot.model import Decision, Outcome, Poll, PollKind, PollStatus
from bot.outcome import rule_words
from bot.polls import KIND_WORDS, METHOD_WORDS, vote_example


def participation(voted: int, eligible: int) -> str:
    """"7 of 12 have voted", worded for one or many."""
    eligible = max(eligible, voted)
    verb = "has" if voted == 1 else "have"
    return f"{voted} of {eligible} {verb} voted"


def poll_card(poll: Poll, voted: int, eligible: int, tz: str) -> Card:
    """The public poll message: question, how to vote, the promise, participation."""
    spec = poll.spec
    kind = "Proposal" if spec.kind is PollKind.CONSENT else "Poll"
    lines: list[Line] = []
    if spec.kind is not PollKind.CONSENT:
        lines.append(Items(spec.options))
    how = KIND_WORDS[spec.kind]
    if spec.kind is PollKind.RANKED:
        how += f"; counted by {METHOD_WORDS[spec.method]}"
    if spec.kind is PollKind.DOTS:
        how += f" ({spec.dots} dots each)"
    if spec.max_picks:
        how += f" (up to {spec.max_picks})"
    lines.append(Text(f"How to vote: {how}. {vote_example(spec, poll.ref)}"))
    lines.append(Text(f"Rule: {rule_words(spec)}."
                      + (f" Quorum: {spec.quorum.describe()}." if spec.quorum else "")))
    lines.append(Note(PROMISE if spec.anonymous else OPEN_POLL_NOTE))
    if spec.anonymous and not spec.show_results:
        lines.append(Note("Results stay hidden until the poll closes."))
    status = participation(voted, eligible) + "."
    if poll.status is PollStatus.OPEN:
        if spec.closes_at is not None:
            lines.append(Note(status + " Closes {time}.", at=spec.closes_at, tz=tz))
        else:
            lines.append(Note(status + " Open until someone closes it."))
        buttons = (Button("Vote", f"vote:{poll.id}", primary=True),)
    else:
        word = "was cancelled" if poll.status is PollStatus.CANCELLED else "has closed"
        lines.append(Note(f"{status} This {kind.lower()} {word}."))
        buttons = ()
    return Card(title=f"{kind} {poll.ref}: {spec.question}", lines=tuple(lines), buttons=buttons)


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
    for stance, reason in outcome.reasons:
        lines.append(Text(f"Reason given with a {stance}: {reason}"))
    if outcome.voters:
        lines.append(Items(tuple(f"{name}: {choice}" for name, choice in outcome.voters),
                           numbered=False))
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
        lines.append(Note(f"#{decision.poll_number} {decision.question} — {status} "
                          f"({participation(decision.outcome.voted, decision.outcome.eligible)}; "
                          "closed {time})", at=decision.closed_at))
    return Card(title="Decision log", lines=tuple(lines))


def message_card(title: str, text: str, tone: Tone = Tone.INFO) -> Card:
    """A short card with one paragraph."""
    return Card(title=title, lines=(Text(text),), tone=tone)
