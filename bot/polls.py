"""Poll kinds: checking a new poll, reading a ballot, and saying both in words."""

from __future__ import annotations

import re
from datetime import datetime

from bot.commands import CreatePoll
from bot.errors import BadInput
from bot.model import (
    DEFAULT_METHOD,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    MAX_REASON_LENGTH,
    MAX_SCORE,
    MIN_OPTIONS,
    RANKED_METHODS,
    Ballot,
    Method,
    PollKind,
    PollSpec,
    Quorum,
    Rule,
    Stance,
)
from bot.text import clean_text
from bot.timeparse import parse_duration, parse_when

DEFAULT_DOTS = 5
MAX_DOTS = 100

KIND_WORDS = {
    PollKind.CHOICE: "pick one option",
    PollKind.MULTI: "pick any options you support",
    PollKind.RANKED: "rank the options in order of preference",
    PollKind.SCORE: f"score each option from 0 to {MAX_SCORE}",
    PollKind.DOTS: "spread your dots across the options",
    PollKind.CONSENT: "agree, abstain, disagree or block",
    PollKind.IDEAS: "add your ideas",
}

METHOD_WORDS = {
    Method.PLURALITY: "most votes wins",
    Method.APPROVAL: "most support wins",
    Method.SCHULZE: "Schulze method (head-to-head comparisons)",
    Method.IRV: "instant runoff (lowest option drops out each round)",
    Method.BORDA: "Borda count (points by position)",
    Method.SCORE: "highest total score wins",
    Method.DOTS: "most dots wins",
    Method.CONSENT: "consent",
    Method.IDEAS: "ideas are collected, not counted",
}

_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_PAIR = re.compile(r"^(.+?)=(\d+)$")


def _clean(text: str) -> str:
    """Person-written text as it looks: normalised, hidden characters gone, one line."""
    return clean_text(text)


def build_spec(
    command: CreatePoll, now: datetime, tz: str, default_reminders: tuple[int, ...] = ()
) -> PollSpec:
    """Check what a person asked for and turn it into a poll spec.

    ``default_reminders`` (seconds before closing) apply when the command names none.

    Raises:
        BadInput: With a message that says what was wrong and how to write it.
    """
    try:
        kind = PollKind(command.kind.strip().lower())
    except ValueError:
        kind = None
    if kind is PollKind.IDEAS:
        raise BadInput('To collect ideas first, write: ideas "What should we focus on?" '
                       "--closes 3d. A facilitator can then turn them into a poll.")
    if kind is None:
        kinds = ", ".join(k.value for k in PollKind
                          if k not in (PollKind.CONSENT, PollKind.IDEAS))
        raise BadInput(
            f"I don't know the poll kind {command.kind!r}. Use one of: {kinds}. "
            'For a proposal, write: propose "your proposal".'
        ) from None
    question = _clean(command.question)
    if not question:
        raise BadInput('A poll needs a question. Write it in quotes: poll "Where should we meet?" '
                       '"Library" "Park"')
    if len(question) > MAX_QUESTION_LENGTH:
        raise BadInput(f"The question is {len(question)} characters long; "
                       f"please keep it to {MAX_QUESTION_LENGTH}.")
    options = check_options(kind, command.options)
    method = _check_method(kind, command.method)
    threshold = _check_threshold(kind, command.threshold)
    quorum = _check_quorum(command.quorum)
    rule = _check_rule(kind, command.rule)
    quorum_each = _check_quorum_each(command.quorum_each)
    max_picks = None
    if command.max_picks is not None:
        if kind is not PollKind.MULTI:
            raise BadInput("--max-picks only works with --kind multi.")
        if not 1 <= command.max_picks <= len(options):
            raise BadInput(f"--max-picks must be between 1 and the number of options "
                           f"({len(options)}).")
        max_picks = command.max_picks
    dots = None
    if command.dots is not None and kind is not PollKind.DOTS:
        raise BadInput("--dots only works with --kind dots.")
    if kind is PollKind.DOTS:
        dots = DEFAULT_DOTS if command.dots is None else command.dots
        if not 1 <= dots <= MAX_DOTS:
            raise BadInput(f"--dots must be between 1 and {MAX_DOTS}.")
    closes_at = parse_when(command.closes, now, tz) if command.closes is not None else None
    reminders = _check_reminders(command, closes_at, default_reminders)
    show = command.show_results if command.show_results is not None else not command.anonymous
    return PollSpec(
        question=question,
        options=options,
        kind=kind,
        method=method,
        anonymous=command.anonymous,
        show_results=show,
        quorum=quorum,
        threshold=threshold,
        closes_at=closes_at,
        max_picks=max_picks,
        dots=dots,
        reminders=reminders,
        rule=rule,
        quorum_each=quorum_each,
    )


def _check_rule(kind: PollKind, raw: str | None) -> Rule:
    if raw is None:
        return Rule.MAJORITY
    try:
        rule = Rule(raw.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Rule)
        raise BadInput(f"I don't know the rule {raw!r}. Use one of: {names}.") from None
    if rule is Rule.CONSENT and kind is not PollKind.CONSENT:
        raise BadInput('--rule consent is for proposals, where people can block: write '
                       'propose "your proposal" --rule consent.')
    if rule is Rule.EQUAL_WEIGHT and kind is PollKind.RANKED:
        raise BadInput("--rule equal-weight can't be used with ranked polls: the ranked methods "
                       "count whole ballots, so a ballot can't weigh a fraction. Use --rule "
                       "parity, or a score or dots poll with equal weight.")
    return rule


def _check_quorum_each(raw: str | None) -> float | None:
    if raw is None:
        return None
    match = _PERCENT.match(raw.strip())
    value = float(match.group(1)) if match else None
    if value is None or not 0 < value <= 100:
        raise BadInput("Write the quorum for each group as a percentage of its members, like "
                       "--quorum-each 50%.")
    return value


def _check_reminders(
    command: CreatePoll, closes_at: datetime | None, defaults: tuple[int, ...]
) -> tuple[int, ...]:
    if command.no_remind:
        if command.remind is not None:
            raise BadInput("Choose either --remind or --no-remind, not both.")
        return ()
    if command.remind is None:
        return defaults if closes_at is not None else ()
    if closes_at is None:
        raise BadInput("Reminders count back from the closing time: add --closes, like "
                       "--closes 3d --remind 24h,1h.")
    leads = []
    for part in command.remind.split(","):
        lead = parse_duration(part.strip())
        if lead is None or lead.total_seconds() <= 0:
            raise BadInput(f"I couldn't read {part.strip()!r} as a reminder time. Write how long "
                           "before closing, like --remind 24h,1h.")
        leads.append(int(lead.total_seconds()))
    if len(leads) > 5:
        raise BadInput("A poll can have at most 5 reminders.")
    return tuple(sorted(set(leads), reverse=True))


def check_options(kind: PollKind, raw: tuple[str, ...]) -> tuple[str, ...]:
    """Clean and check a poll's options (2–20, at most 80 characters, no duplicates).

    Raises:
        BadInput: With what was wrong.
    """
    if kind is PollKind.CONSENT:
        if raw:
            raise BadInput("A proposal has no options: people agree, abstain, disagree or block. "
                           'Write: propose "your proposal".')
        return tuple(stance.value for stance in Stance)
    options = tuple(_clean(option) for option in raw)
    if len(options) < MIN_OPTIONS:
        raise BadInput(f"A poll needs at least {MIN_OPTIONS} options, each in quotes: "
                       'poll "Where should we meet?" "Library" "Park"')
    if len(options) > MAX_OPTIONS:
        raise BadInput(f"A poll can have at most {MAX_OPTIONS} options; this one has "
                       f"{len(options)}. An ideas round can help narrow them down.")
    seen: dict[str, int] = {}
    for number, option in enumerate(options, start=1):
        if not option:
            raise BadInput(f"Option {number} is empty. Give every option some words.")
        if len(option) > MAX_OPTION_LENGTH:
            raise BadInput(f"Option {number} is {len(option)} characters long; please keep "
                           f"each option to {MAX_OPTION_LENGTH}.")
        # Compared as cleaned, so "Yes" and "Ye<zero-width space>s" are the same option.
        folded = option.casefold()
        if folded in seen:
            first = seen[folded]
            raise BadInput(f"Options {first} and {number} are the same: {options[first - 1]!r} "
                           "appears twice (capitals and hidden characters don't make options "
                           "different). Give each option once, or change the words of one.")
        seen[folded] = number
    return options


def _check_method(kind: PollKind, raw: str | None) -> Method:
    if raw is None:
        return DEFAULT_METHOD[kind]
    if kind is not PollKind.RANKED:
        raise BadInput("--method only applies to ranked polls (schulze, irv or borda).")
    try:
        method = Method(raw.strip().lower())
    except ValueError:
        method = None
    if method not in RANKED_METHODS:
        raise BadInput(f"I don't know the method {raw!r}. For ranked polls use schulze "
                       "(the default), irv or borda.")
    return method


def _check_threshold(kind: PollKind, raw: str | None) -> float | None:
    if raw is None:
        return None
    if kind not in (PollKind.CHOICE, PollKind.MULTI, PollKind.CONSENT):
        raise BadInput("--threshold works with choice and multi polls and with proposals.")
    match = _PERCENT.match(raw.strip())
    value = float(match.group(1)) if match else None
    if value is None or not 1 <= value <= 100:
        raise BadInput("Write the threshold as a percentage from 1% to 100%, like --threshold 60%.")
    return value


def _check_quorum(raw: str | None) -> Quorum | None:
    if raw is None:
        return None
    text = raw.strip()
    match = _PERCENT.match(text)
    if match:
        value = float(match.group(1))
        if 0 < value <= 100:
            return Quorum(percent=value)
    elif text.isdigit() and 1 <= int(text) <= 100_000:
        return Quorum(count=int(text))
    raise BadInput("Write the quorum as a number of ballots (--quorum 8) or a percentage of "
                   "members (--quorum 50%).")


def find_option(spec: PollSpec, word: str) -> int:
    """The index of the option a person meant, by number (1-based) or by its exact label.

    Raises:
        BadInput: No such option.
    """
    text = _clean(word)
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(spec.options):
            return number - 1
        raise BadInput(f"There is no option {number}; this poll has options 1 to "
                       f"{len(spec.options)}.")
    folded = text.casefold()
    for index, option in enumerate(spec.options):
        if option.casefold() == folded:
            return index
    raise BadInput(f"There is no option called {text!r}. Use the option's number (1 to "
                   f"{len(spec.options)}) or its exact name in quotes.")


def parse_ballot(spec: PollSpec, words: tuple[str, ...], ref: str = "#N") -> Ballot:
    """Read what a person voted from the words they gave.

    Args:
        spec: The poll's settings.
        words: What the person wrote after ``vote #N``.
        ref: The poll's reference (``Poll.ref``, e.g. "#2"), for the examples in errors.

    Raises:
        BadInput: With what was wrong and an example for this kind of poll.
    """
    words = tuple(w for w in (_clean(word) for word in words) if w)
    if not words:
        raise BadInput(f"Say what you vote for. {vote_example(spec, ref)}")
    if spec.kind is PollKind.CONSENT:
        return _parse_stance(words, ref)
    if spec.kind in (PollKind.SCORE, PollKind.DOTS):
        return _parse_points(spec, words, ref)
    if spec.kind is PollKind.CHOICE and len(words) > 1:
        # "vote #1 Town hall" without quotes still means the option "Town hall".
        try:
            return Ballot(picks=(find_option(spec, " ".join(words)),))
        except BadInput:
            raise BadInput(f"This poll takes one choice. {vote_example(spec, ref)}") from None
    picks = tuple(find_option(spec, word) for word in words)
    if len(set(picks)) != len(picks):
        repeated = next(p for p in picks if picks.count(p) > 1)
        raise BadInput(f"You named {spec.options[repeated]!r} more than once. Name each option "
                       f"once. {vote_example(spec, ref)}")
    if spec.kind is PollKind.MULTI:
        if spec.max_picks is not None and len(picks) > spec.max_picks:
            raise BadInput(f"You can pick at most {spec.max_picks} options in this poll; you "
                           f"picked {len(picks)}.")
        picks = tuple(sorted(picks))
    return Ballot(picks=picks)


def _parse_stance(words: tuple[str, ...], ref: str) -> Ballot:
    try:
        stance = Stance(words[0].strip().lower())
    except ValueError:
        raise BadInput("On a proposal, vote agree, abstain, disagree or block. A block or a "
                       f"disagreement can carry a reason: vote {ref} block it excludes night "
                       "workers") from None
    reason = _clean(" ".join(words[1:])) or None
    if stance is Stance.BLOCK and not reason:
        raise BadInput("A block needs a reason, so the group can answer it: "
                       f"vote {ref} block it excludes night workers")
    if stance in (Stance.AGREE, Stance.ABSTAIN):
        reason = None
    if reason and len(reason) > MAX_REASON_LENGTH:
        raise BadInput(f"Please keep your reason to {MAX_REASON_LENGTH} characters.")
    return Ballot(stance=stance, reason=reason)


def _parse_points(spec: PollSpec, words: tuple[str, ...], ref: str) -> Ballot:
    points: dict[int, int] = {}
    for word in words:
        match = _PAIR.match(word.strip())
        if not match:
            raise BadInput(f"I couldn't read {word!r}. {vote_example(spec, ref)}")
        index = find_option(spec, match.group(1))
        value = int(match.group(2))
        if index in points:
            raise BadInput(f"You gave {spec.options[index]!r} more than one value. Give each "
                           f"option once. {vote_example(spec, ref)}")
        if spec.kind is PollKind.SCORE and value > MAX_SCORE:
            raise BadInput(f"Scores go from 0 to {MAX_SCORE}; you gave "
                           f"{spec.options[index]!r} {value}.")
        points[index] = value
    if spec.kind is PollKind.DOTS:
        total = sum(points.values())
        assert spec.dots is not None
        if total > spec.dots:
            raise BadInput(f"You have {spec.dots} dots to spread and used {total}. "
                           "Take some off and vote again.")
        if total == 0:
            raise BadInput(f"Put at least one dot on an option. {vote_example(spec, ref)}")
    return Ballot(points=tuple(sorted(points.items())))


def vote_example(spec: PollSpec, ref: str = "#N") -> str:
    """An example of how to vote on this kind of poll, using its real options and dots.

    Args:
        spec: The poll's settings.
        ref: The poll's reference, e.g. "#2" (``Poll.ref``).
    """
    three = len(spec.options) >= 3
    dots = spec.dots or 1
    return _VOTE_EXAMPLES[spec.kind].format(
        ref=ref, dots=spec.dots, max_score=MAX_SCORE,
        some="1 3" if three else "1 2",
        ranking="3 1 2" if three else "2 1",
        spread=f"1={dots - dots // 2} 2={dots // 2}" if dots > 1 else "1=1")


_VOTE_EXAMPLES = {
    PollKind.CHOICE: "For example: vote {ref} 2",
    PollKind.MULTI: "For example: vote {ref} {some}",
    PollKind.RANKED: "List options best first, for example: vote {ref} {ranking}",
    PollKind.SCORE: "Give option=score pairs from 0 to {max_score}, for example: "
                    "vote {ref} 1=5 2=3",
    PollKind.DOTS: "Give option=dots pairs using up to {dots} dots, for example: "
                   "vote {ref} {spread}",
    PollKind.CONSENT: "For example: vote {ref} agree, or vote {ref} block and a reason",
    PollKind.IDEAS: 'Add an idea with: idea {ref} "your idea"',
}


def ballot_summary(spec: PollSpec, ballot: Ballot) -> str:
    """What a ballot says, in a few words: "Park", "Park, then Library", "Park 5, Pier 2"."""
    labels = spec.options
    if spec.kind is PollKind.CONSENT:
        assert ballot.stance is not None
        return ballot.stance.value + (f" ({ballot.reason})" if ballot.reason else "")
    if spec.kind is PollKind.RANKED:
        return ", then ".join(labels[i] for i in ballot.picks)
    if spec.kind in (PollKind.SCORE, PollKind.DOTS):
        return ", ".join(f"{labels[i]} {v}" for i, v in ballot.points)
    return ", ".join(labels[i] for i in ballot.picks)


def describe_ballot(spec: PollSpec, ballot: Ballot) -> str:
    """The ballot in words, for the voter's private confirmation only."""
    lead = {
        PollKind.CONSENT: "You said",
        PollKind.RANKED: "Your ranking",
        PollKind.SCORE: "Your scores",
        PollKind.DOTS: "Your dots",
    }.get(spec.kind, "You chose")
    return f"{lead}: {ballot_summary(spec, ballot)}."
