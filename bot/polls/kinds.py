"""Poll kinds: checking a new poll and saying what it is in words (ballots are read in
``bot.polls.ballots``)."""

from __future__ import annotations

import re
from datetime import datetime

from bot.commands import CreatePoll
from bot.errors import BadInput, about
from bot.i18n import N_, _
from bot.model import (
    DEFAULT_METHOD,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    MAX_SCORE,
    MIN_OPTIONS,
    RANKED_METHODS,
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

# How to vote on each kind, and how each method counts: English here, shown with
# ``kind_words`` and ``method_words`` in the reader's language.
KIND_WORDS = {
    PollKind.CHOICE: N_("pick one option"),
    PollKind.MULTI: N_("pick any options you support"),
    PollKind.RANKED: N_("put the options in order, best first"),
    PollKind.SCORE: N_("score each option from 0 to {max_score}"),
    PollKind.DOTS: N_("spread your dots across the options"),
    PollKind.CONSENT: N_("agree, abstain, disagree or block"),
    PollKind.IDEAS: N_("add your ideas"),
}

METHOD_WORDS = {
    Method.PLURALITY: N_("most votes wins"),
    Method.APPROVAL: N_("most support wins"),
    Method.SCHULZE: N_("every pair of options is compared"),
    Method.IRV: N_("the last option drops out, round by round"),
    Method.BORDA: N_("points for each place"),
    Method.SCORE: N_("highest total score wins"),
    Method.DOTS: N_("most dots wins"),
    Method.CONSENT: N_("consent"),
    Method.IDEAS: N_("ideas are collected, not counted"),
}


def kind_words(kind: PollKind) -> str:
    """How to vote on a kind of poll, in the reader's language ("pick one option")."""
    return _(KIND_WORDS[kind]).format(max_score=MAX_SCORE)


def method_words(method: Method) -> str:
    """How a method counts, in the reader's language ("most votes wins")."""
    return _(METHOD_WORDS[method])

_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
PAIR = re.compile(r"^(.+?)=(\d+)$")


def clean(text: str) -> str:
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
    with about("kind"):
        kind = _check_kind(command.kind)
    with about("question"):
        question = _check_question(command.question)
    with about("options"):
        options = check_options(kind, command.options)
    with about("kind"):
        method = _check_method(kind, command.method)
    threshold = _check_threshold(kind, command.threshold)
    with about("quorum"):
        quorum = _check_quorum(command.quorum)
    with about("rule"):
        rule = _check_rule(kind, command.rule)
        quorum_each = _check_quorum_each(command.quorum_each)
    with about("kind"):
        max_picks = _check_max_picks(kind, command.max_picks, len(options))
        dots = _check_dots(kind, command.dots)
    with about("closes"):
        closes_at = parse_when(command.closes, now, tz) if command.closes is not None else None
    with about("remind"):
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


def _check_kind(written: str) -> PollKind:
    try:
        kind = PollKind(written.strip().lower())
    except ValueError:
        kind = None
    if kind is PollKind.IDEAS:
        raise BadInput(_('To collect ideas first, write: ideas "What should we focus on?" '
                         "--closes 3d. A facilitator can then turn them into a poll."))
    if kind is None:
        kinds = ", ".join(k.value for k in PollKind
                          if k not in (PollKind.CONSENT, PollKind.IDEAS))
        raise BadInput(_(
            "I don't know the poll kind {kind}. Use one of: {kinds}. "
            'For a proposal, write: propose "your proposal".'
        ).format(kind=repr(written), kinds=kinds))
    return kind


def _check_question(written: str) -> str:
    question = clean(written)
    if not question:
        raise BadInput(_('A poll needs a question. Write it in quotes: poll "Where should we '
                         'meet?" "Library" "Park"'))
    if len(question) > MAX_QUESTION_LENGTH:
        raise BadInput(_("The question is {length} characters long; please keep it to "
                         "{most}.").format(length=len(question), most=MAX_QUESTION_LENGTH))
    return question


def _check_max_picks(kind: PollKind, max_picks: int | None, options: int) -> int | None:
    if max_picks is None:
        return None
    if kind is not PollKind.MULTI:
        raise BadInput(_("--max-picks only works with --kind multi."))
    if not 1 <= max_picks <= options:
        raise BadInput(_("--max-picks must be between 1 and the number of options "
                         "({count}).").format(count=options))
    return max_picks


def _check_dots(kind: PollKind, dots: int | None) -> int | None:
    if dots is not None and kind is not PollKind.DOTS:
        raise BadInput(_("--dots only works with --kind dots."))
    if kind is not PollKind.DOTS:
        return None
    dots = DEFAULT_DOTS if dots is None else dots
    if not 1 <= dots <= MAX_DOTS:
        raise BadInput(_("--dots must be between 1 and {most}.").format(most=MAX_DOTS))
    return dots


def _check_rule(kind: PollKind, raw: str | None) -> Rule:
    if raw is None:
        return Rule.MAJORITY
    try:
        rule = Rule(raw.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Rule)
        raise BadInput(_("I don't know the rule {rule}. Use one of: {names}.").format(
            rule=repr(raw), names=names)) from None
    if rule is Rule.CONSENT and kind is not PollKind.CONSENT:
        raise BadInput(_('--rule consent is for proposals, where people can block: write '
                         'propose "your proposal" --rule consent.'))
    if rule is Rule.EQUAL_WEIGHT and kind is PollKind.RANKED:
        raise BadInput(_("--rule equal-weight can't be used with ranked polls: the ranked "
                         "methods count whole ballots, so a ballot can't weigh a fraction. Use "
                         "--rule parity, or a score or dots poll with equal weight."))
    return rule


def _check_quorum_each(raw: str | None) -> float | None:
    if raw is None:
        return None
    match = _PERCENT.match(raw.strip())
    value = float(match.group(1)) if match else None
    if value is None or not 0 < value <= 100:
        raise BadInput(_("Write the quorum for each group as a percentage of its members, like "
                         "--quorum-each 50%."))
    return value


def _check_reminders(
    command: CreatePoll, closes_at: datetime | None, defaults: tuple[int, ...]
) -> tuple[int, ...]:
    if command.no_remind:
        if command.remind is not None:
            raise BadInput(_("Choose either --remind or --no-remind, not both."))
        return ()
    if command.remind is None:
        return defaults if closes_at is not None else ()
    if closes_at is None:
        raise BadInput(_("Reminders count back from the closing time: add --closes, like "
                         "--closes 3d --remind 24h,1h."))
    leads = []
    for part in command.remind.split(","):
        lead = parse_duration(part.strip())
        if lead is None or lead.total_seconds() <= 0:
            raise BadInput(_("I couldn't read {text} as a reminder time. Write how long "
                             "before closing, like --remind 24h,1h.").format(
                                 text=repr(part.strip())))
        leads.append(int(lead.total_seconds()))
    if len(leads) > 5:
        raise BadInput(_("A poll can have at most 5 reminders."))
    return tuple(sorted(set(leads), reverse=True))


def check_options(kind: PollKind, raw: tuple[str, ...]) -> tuple[str, ...]:
    """Clean and check a poll's options (2–20, at most 80 characters, no duplicates).

    Raises:
        BadInput: With what was wrong.
    """
    if kind is PollKind.CONSENT:
        if raw:
            raise BadInput(_("A proposal has no options: people agree, abstain, disagree or "
                             'block. Write: propose "your proposal".'))
        return tuple(stance.value for stance in Stance)
    options = tuple(clean(option) for option in raw)
    if len(options) < MIN_OPTIONS:
        raise BadInput(_("A poll needs at least {least} options, each in quotes: "
                         'poll "Where should we meet?" "Library" "Park"').format(
                             least=MIN_OPTIONS))
    if len(options) > MAX_OPTIONS:
        raise BadInput(_("A poll can have at most {most} options; this one has {count}. An "
                         "ideas round can help narrow them down.").format(
                             most=MAX_OPTIONS, count=len(options)))
    seen: dict[str, int] = {}
    for number, option in enumerate(options, start=1):
        if not option:
            raise BadInput(_("Option {number} is empty. Give every option some words.").format(
                number=number))
        if len(option) > MAX_OPTION_LENGTH:
            raise BadInput(_("Option {number} is {length} characters long; please keep each "
                             "option to {most}.").format(number=number, length=len(option),
                                                         most=MAX_OPTION_LENGTH))
        # Compared as cleaned, so "Yes" and "Ye<zero-width space>s" are the same option.
        folded = option.casefold()
        if folded in seen:
            first = seen[folded]
            raise BadInput(_("Options {first} and {number} are the same: {option} appears "
                             "twice (capitals and hidden characters don't make options "
                             "different). Give each option once, or change the words of "
                             "one.").format(first=first, number=number,
                                            option=repr(options[first - 1])))
        seen[folded] = number
    return options


def _check_method(kind: PollKind, raw: str | None) -> Method:
    if raw is None:
        return DEFAULT_METHOD[kind]
    if kind is not PollKind.RANKED:
        raise BadInput(_("--method only applies to ranked polls (schulze, irv or borda)."))
    try:
        method = Method(raw.strip().lower())
    except ValueError:
        method = None
    if method not in RANKED_METHODS:
        raise BadInput(_("I don't know the method {method}. For ranked polls use schulze "
                         "(the default), irv or borda.").format(method=repr(raw)))
    return method


def _check_threshold(kind: PollKind, raw: str | None) -> float | None:
    if raw is None:
        return None
    if kind not in (PollKind.CHOICE, PollKind.MULTI, PollKind.CONSENT):
        raise BadInput(_("--threshold works with choice and multi polls and with proposals."))
    match = _PERCENT.match(raw.strip())
    value = float(match.group(1)) if match else None
    if value is None or not 1 <= value <= 100:
        raise BadInput(_("Write the threshold as a percentage from 1% to 100%, like "
                         "--threshold 60%."))
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
    raise BadInput(_("Write the quorum as a number of ballots (--quorum 8) or a percentage of "
                     "members (--quorum 50%)."))
