"""Ballots: reading what someone voted from their words, and saying it back in words.

Poll kinds and how a new poll is checked are in ``bot.polls.kinds``.
"""

from __future__ import annotations

from bot.counting.outcome import ballot_summary
from bot.errors import BadInput
from bot.i18n import N_, _
from bot.model import (
    MAX_REASON_LENGTH,
    MAX_SCORE,
    Ballot,
    PollKind,
    PollSpec,
    Stance,
)
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
        raise BadInput(_("There is no option {number}; this poll has options 1 to "
                         "{count}.").format(number=number, count=len(spec.options)))
    folded = text.casefold()
    for index, option in enumerate(spec.options):
        if option.casefold() == folded:
            return index
    raise BadInput(_("There is no option called {name}. Use the option's number (1 to "
                     "{count}) or its exact name in quotes.").format(
                         name=repr(text), count=len(spec.options)))


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
        raise BadInput(_("Say what you vote for.") + " " + vote_example(spec, ref))
    if spec.kind is PollKind.CONSENT:
        return _parse_stance(words, ref)
    if spec.kind in (PollKind.SCORE, PollKind.DOTS):
        return _parse_points(spec, words, ref)
    if spec.kind is PollKind.CHOICE and len(words) > 1:
        # "vote #1 Town hall" without quotes still means the option "Town hall".
        try:
            return Ballot(picks=(find_option(spec, " ".join(words)),))
        except BadInput:
            raise BadInput(_("This poll takes one choice.") + " "
                           + vote_example(spec, ref)) from None
    picks = tuple(find_option(spec, word) for word in words)
    if len(set(picks)) != len(picks):
        repeated = next(p for p in picks if picks.count(p) > 1)
        raise BadInput(_("You named {option} more than once. Name each option once.").format(
            option=repr(spec.options[repeated])) + " " + vote_example(spec, ref))
    if spec.kind is PollKind.MULTI:
        if spec.max_picks is not None and len(picks) > spec.max_picks:
            raise BadInput(_("You can pick at most {most} options in this poll; you picked "
                             "{count}.").format(most=spec.max_picks, count=len(picks)))
        picks = tuple(sorted(picks))
    return Ballot(picks=picks)


#: The stances in Welsh, beside the English words (which always work): word -> stance.
STANCE_WORDS: dict[str, Stance] = {
    "cytuno": Stance.AGREE,
    "ymatal": Stance.ABSTAIN,
    "anghytuno": Stance.DISAGREE,
    "blocio": Stance.BLOCK, "rhwystro": Stance.BLOCK,
}


def _parse_stance(words: tuple[str, ...], ref: str) -> Ballot:
    word = words[0].strip().lower()
    try:
        stance = STANCE_WORDS.get(word) or Stance(word)
    except ValueError:
        raise BadInput(_("On a proposal, vote agree, abstain, disagree or block. A block or a "
                         "disagreement can carry a reason: vote {ref} block it excludes night "
                         "workers").format(ref=ref), about="stance") from None
    reason = clean(" ".join(words[1:])) or None
    if stance is Stance.BLOCK and not reason:
        raise BadInput(_("A block needs a reason, so the group can answer it: "
                         "vote {ref} block it excludes night workers").format(ref=ref),
                       about="reason")
    if stance in (Stance.AGREE, Stance.ABSTAIN):
        reason = None
    if reason and len(reason) > MAX_REASON_LENGTH:
        raise BadInput(_("Please keep your reason to {most} characters.").format(
            most=MAX_REASON_LENGTH), about="reason")
    return Ballot(stance=stance, reason=reason)


def _parse_points(spec: PollSpec, words: tuple[str, ...], ref: str) -> Ballot:
    points: dict[int, int] = {}
    for word in words:
        match = PAIR.match(word.strip())
        if not match:
            raise BadInput(_("I couldn't read {word}.").format(word=repr(word)) + " "
                           + vote_example(spec, ref))
        index = find_option(spec, match.group(1))
        value = int(match.group(2))
        if index in points:
            raise BadInput(_("You gave {option} more than one value. Give each option "
                             "once.").format(option=repr(spec.options[index])) + " "
                           + vote_example(spec, ref))
        if spec.kind is PollKind.SCORE and value > MAX_SCORE:
            raise BadInput(_("Scores go from 0 to {most}; you gave {option} {value}.").format(
                most=MAX_SCORE, option=repr(spec.options[index]), value=value))
        points[index] = value
    if spec.kind is PollKind.DOTS:
        total = sum(points.values())
        assert spec.dots is not None
        if total > spec.dots:
            raise BadInput(_("You have {dots} dots to spread and used {total}. Take some off "
                             "and vote again.").format(dots=spec.dots, total=total))
        if total == 0:
            raise BadInput(_("Put at least one dot on an option.") + " "
                           + vote_example(spec, ref))
    return Ballot(points=tuple(sorted(points.items())))


def vote_example(spec: PollSpec, ref: str = "#N") -> str:
    """An example of how to vote on this kind of poll, using its real options and dots.

    Args:
        spec: The poll's settings.
        ref: The poll's reference, e.g. "#2" (``Poll.ref``).
    """
    three = len(spec.options) >= 3
    dots = spec.dots or 1
    return _(_VOTE_EXAMPLES[spec.kind]).format(
        ref=ref, dots=spec.dots, max_score=MAX_SCORE,
        some="1 3" if three else "1 2",
        ranking="3 1 2" if three else "2 1",
        spread=f"1={dots - dots // 2} 2={dots // 2}" if dots > 1 else "1=1")


#: How to vote on each kind: English here, shown in the reader's language (``vote_example``).
_VOTE_EXAMPLES = {
    PollKind.CHOICE: N_("For example: vote {ref} 2"),
    PollKind.MULTI: N_("For example: vote {ref} {some}"),
    PollKind.RANKED: N_("List options best first, for example: vote {ref} {ranking}"),
    PollKind.SCORE: N_("Give option=score pairs from 0 to {max_score}, for example: "
                       "vote {ref} 1=5 2=3"),
    PollKind.DOTS: N_("Give option=dots pairs using up to {dots} dots, for example: "
                      "vote {ref} {spread}"),
    PollKind.CONSENT: N_("For example: vote {ref} agree, or vote {ref} block and a reason"),
    PollKind.IDEAS: N_('Add an idea with: idea {ref} "your idea"'),
}


def describe_ballot(spec: PollSpec, ballot: Ballot) -> str:
    """The ballot in words, for the voter's private confirmation only."""
    summary = ballot_summary(spec, ballot)  # stances named in the reader's language
    if spec.kind is PollKind.CONSENT:
        return _("You said: {ballot}.").format(ballot=summary)
    if spec.kind is PollKind.RANKED:
        return _("Your ranking: {ballot}.").format(ballot=summary)
    if spec.kind is PollKind.SCORE:
        return _("Your scores: {ballot}.").format(ballot=summary)
    if spec.kind is PollKind.DOTS:
        return _("Your dots: {ballot}.").format(ballot=summary)
    return _("You chose: {ballot}.").format(ballot=summary)
