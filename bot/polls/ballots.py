"""Ballots: reading what someone voted from their words, and saying it back in words.

Poll kinds and how a new poll is checked are in ``bot.polls.kinds``.
"""

from __future__ import annotations

from bot.counting.outcome import ballot_summary
from bot.errors import BadInput
from bot.model import MAX_REASON_LENGTH, MAX_SCORE, Ballot, PollKind, PollSpec, Stance
from bot.polls.kinds import PAIR, clean


def find_option(spec: PollSpec, word: str) -> int:
    """The index of the option a person meant, by number (1-based) or by its exact label.

    Raises:
        BadInput: No such option.
    """
    text = clean(word)
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
    words = tuple(w for w in (clean(word) for word in words) if w)
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
    reason = clean(" ".join(words[1:])) or None
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
        match = PAIR.match(word.strip())
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


def describe_ballot(spec: PollSpec, ballot: Ballot) -> str:
    """The ballot in words, for the voter's private confirmation only."""
    lead = {
        PollKind.CONSENT: "You said",
        PollKind.RANKED: "Your ranking",
        PollKind.SCORE: "Your scores",
        PollKind.DOTS: "Your dots",
    }.get(spec.kind, "You chose")
    return f"{lead}: {ballot_summary(spec, ballot)}."
