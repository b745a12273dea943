"""The text command grammar shared by the playground and Slack.

``parse("poll \\"Lunch?\\" \\"Soup\\" \\"Pie\\" --kind ranked", actor, space)`` returns
a ``CreatePoll`` command. Only syntax is checked here (quotes, flags, numbers);
the service checks meaning, so buttons and forms get the same answers.
"""

from __future__ import annotations

import re
import shlex

from bot.commands import (
    CancelPoll,
    CastVote,
    ClosePoll,
    Command,
    CreatePoll,
    CreateSchedule,
    ExtendPoll,
    Help,
    ListDecisions,
    ListPolls,
    ListSchedules,
    RemoveSchedule,
    RequestMoreTime,
    SetTimezone,
    ShowResults,
)
from bot.errors import BadInput, expect_no_args
from bot.groups import PARSERS as GROUP_PARSERS
from bot.model import Actor, SpaceRef
from bot.text import clean_text
from bot.voices import PARSERS as VOICE_PARSERS

MAX_COMMAND_LENGTH = 4000

# Phones and word processors turn straight quotes into curly ones.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
_POLL_REF = re.compile(r"^#?(\d{1,9})$")
_TIME_OF_DAY = re.compile(r"^\d{1,2}(:\d{2})?\s*(am|pm)?$", re.IGNORECASE)

#: Flags of ``poll`` and ``propose``: name -> takes a value.
_POLL_FLAGS = {
    "--kind": True,
    "--method": True,
    "--open": False,
    "--anonymous": False,
    "--show-results": False,
    "--hide-results": False,
    "--quorum": True,
    "--threshold": True,
    "--closes": True,
    "--max-picks": True,
    "--dots": True,
    "--remind": True,
    "--no-remind": False,
    "--rule": True,
    "--quorum-each": True,
}
_PROPOSE_FLAGS = {k: v for k, v in _POLL_FLAGS.items()
                  if k not in ("--kind", "--method", "--max-picks", "--dots")}

#: Verbs parsed by the groups and voices modules.
EXTRA_PARSERS = {**GROUP_PARSERS, **VOICE_PARSERS}

_SCHEDULE_FLAGS = {"--cron": True, "--every": True, "--first": True, "--closes": True}


def tokenize(text: str) -> list[str]:
    """Split a command into words; double quotes group words, apostrophes are just letters.

    Raises:
        BadInput: A double quote was opened and not closed.
    """
    lexer = shlex.shlex(text.translate(_QUOTES), posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.escape = ""
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        raise BadInput('A quote mark was opened but not closed. Put each question and option in '
                       'a pair of double quotes, like: poll "Lunch?" "Soup" "Pie"') from None


def parse(text: str, actor: Actor, space: SpaceRef) -> Command:
    """Read one command as a person typed it.

    Raises:
        BadInput: With what was wrong and how to write it.
    """
    if len(text) > MAX_COMMAND_LENGTH:
        raise BadInput(f"That command is too long ({len(text)} characters). Keep it under "
                       f"{MAX_COMMAND_LENGTH}.")
    # Look-alike and hidden characters go before anything is read (see bot.text).
    words = tokenize(clean_text(text))
    if not words:
        return Help(actor, space)
    verb, args = words[0].lower(), words[1:]
    if verb == "poll":
        return _parse_poll(args, actor, space, proposal=False)
    if verb in ("propose", "proposal"):
        return _parse_poll(args, actor, space, proposal=True)
    if verb == "vote":
        if not args:
            raise BadInput("Say which poll and what you vote for, like: vote #1 2")
        return CastVote(actor, space, poll=_poll_ref(args[0], "vote"), choices=tuple(args[1:]))
    if verb in ("polls", "list"):
        expect_no_args(verb, args)
        return ListPolls(actor, space)
    if verb in ("results", "close", "cancel"):
        if len(args) != 1:
            raise BadInput(f"Say which poll, like: {verb} #1")
        number = _poll_ref(args[0], verb)
        kinds = {"results": ShowResults, "close": ClosePoll, "cancel": CancelPoll}
        return kinds[verb](actor, space, poll=number)
    if verb in ("decisions", "log"):
        limit = 10
        if args:
            if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= 100:
                raise BadInput("Write decisions, or decisions 20 to see more (up to 100).")
            limit = int(args[0])
        return ListDecisions(actor, space, limit=limit)
    if verb == "more-time":
        if len(args) != 1:
            raise BadInput("Say which poll, like: more-time #1")
        return RequestMoreTime(actor, space, poll=_poll_ref(args[0], verb))
    if verb == "extend":
        if len(args) != 2:
            raise BadInput("Say which poll and by how long, like: extend #1 1d")
        return ExtendPoll(actor, space, poll=_poll_ref(args[0], verb), by=args[1])
    if verb == "schedule":
        return _parse_schedule(args, actor, space)
    if verb == "schedules":
        expect_no_args(verb, args)
        return ListSchedules(actor, space)
    if verb == "unschedule":
        if len(args) != 1:
            raise BadInput("Say which schedule, like: unschedule #1")
        return RemoveSchedule(actor, space, number=_poll_ref(args[0], verb))
    if verb == "timezone":
        if len(args) > 1:
            raise BadInput("Write timezone and a zone name, like: timezone Europe/London")
        return SetTimezone(actor, space, timezone=args[0] if args else None)
    if verb in EXTRA_PARSERS:
        return EXTRA_PARSERS[verb](args, actor, space)
    if verb in ("help", "?"):
        return Help(actor, space, topic=" ".join(args).lower() or None)
    raise BadInput(f"I don't know the command {words[0]!r}. Type help to see what you can do.")


def _poll_ref(word: str, verb: str) -> int:
    match = _POLL_REF.match(word.strip())
    if not match:
        raise BadInput(f"I expected a number like #1 after {verb}, not {word!r}. "
                       "Type polls (or schedules) to see what there is.")
    return int(match.group(1))


def _split_flags(
    args: list[str], allowed: dict[str, bool], verb: str
) -> tuple[list[str], dict[str, str | None]]:
    """Separate quoted/positional words from ``--flags`` (with their values)."""
    positional: list[str] = []
    flags: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("--"):
            name = word.lower()
            if name not in allowed:
                known = ", ".join(allowed)
                raise BadInput(
                    f"I don't know the option {word!r} for {verb}. You can use: {known}.")
            if allowed[name]:
                if i + 1 >= len(args) or args[i + 1].startswith("--"):
                    raise BadInput(f"{word} needs a value after it; type help {verb} for examples.")
                value = args[i + 1]
                i += 2
                # "--closes friday 17:00" and "--closes 2026-12-04 17:00" take two words.
                if name in ("--closes", "--first") and i < len(args) and _TIME_OF_DAY.match(
                        args[i]):
                    value += " " + args[i]
                    i += 1
                flags[name] = value
            else:
                flags[name] = None
                i += 1
        else:
            positional.append(word)
            i += 1
    return positional, flags


def _parse_poll(args: list[str], actor: Actor, space: SpaceRef, *, proposal: bool) -> CreatePoll:
    allowed = _PROPOSE_FLAGS if proposal else _POLL_FLAGS
    verb = "propose" if proposal else "poll"
    positional, flags = _split_flags(args, allowed, verb)
    if not positional:
        example = ('propose "Move the meeting to Thursdays"' if proposal
                   else 'poll "Where should we meet?" "Library" "Park"')
        raise BadInput(f"Write the question first, in quotes: {example}")
    if "--open" in flags and "--anonymous" in flags:
        raise BadInput("Choose either --open or --anonymous, not both.")
    if "--show-results" in flags and "--hide-results" in flags:
        raise BadInput("Choose either --show-results or --hide-results, not both.")
    show = True if "--show-results" in flags else False if "--hide-results" in flags else None
    if proposal and len(positional) > 1:
        raise BadInput('A proposal is one piece of text in quotes: propose "Move the meeting to '
                       'Thursdays". For options, use poll instead.')
    return CreatePoll(
        actor,
        space,
        question=positional[0],
        options=tuple(positional[1:]),
        kind="consent" if proposal else flags.get("--kind") or "choice",
        method=flags.get("--method"),
        anonymous="--open" not in flags,
        show_results=show,
        quorum=flags.get("--quorum"),
        threshold=flags.get("--threshold"),
        closes=flags.get("--closes"),
        max_picks=_number(flags, "--max-picks"),
        dots=_number(flags, "--dots"),
        remind=flags.get("--remind"),
        no_remind="--no-remind" in flags,
        rule=flags.get("--rule"),
        quorum_each=flags.get("--quorum-each"),
    )


def parse_poll_args(args: list[str], actor: Actor, space: SpaceRef) -> CreatePoll:
    """Read ``poll`` arguments (question, options, flags); used by ``ideas #N to-poll``.

    Raises:
        BadInput: With what was wrong and how to write it.
    """
    return _parse_poll(args, actor, space, proposal=False)


def _parse_schedule(args: list[str], actor: Actor, space: SpaceRef) -> CreateSchedule:
    positional, flags = _split_flags(args, _SCHEDULE_FLAGS, "schedule")
    if not positional:
        raise BadInput('Write the check-in text first, in quotes: schedule "How did this week '
                       'go?" --cron "0 10 * * MON"')
    if ("--cron" in flags) == ("--every" in flags):
        raise BadInput('Say when it repeats with either --cron "0 10 * * MON" or --every 1w.')
    return CreateSchedule(
        actor,
        space,
        text=positional[0],
        options=tuple(positional[1:]),
        cron=flags.get("--cron"),
        every=flags.get("--every"),
        first=flags.get("--first"),
        closes=flags.get("--closes"),
    )


def _number(flags: dict[str, str | None], name: str) -> int | None:
    value = flags.get(name)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 6:
        raise BadInput(f"{name} needs a whole number, like {name} 3.")
    return int(value)
