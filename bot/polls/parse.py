"""The verbs of polls and proposals: poll, propose, vote, polls, results, close, cancel,
decisions."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands import (
    CancelPoll,
    CastVote,
    ClosePoll,
    Command,
    CreatePoll,
    ListDecisions,
    ListPolls,
    ShowResults,
)
from bot.errors import BadInput, expect_no_args
from bot.i18n import N_, _
from bot.model import Actor, SpaceRef
from bot.parsing import ref_number, split_flags, whole_number

#: Flags of ``poll`` and ``propose``: name -> takes a value.
POLL_FLAGS = {
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
PROPOSE_FLAGS = {k: v for k, v in POLL_FLAGS.items()
                 if k not in ("--kind", "--method", "--max-picks", "--dots")}
#: Added to "I expected a number like #1 after …" (English here: shown with ``_(LOOK)``).
LOOK = N_("Type polls (or schedules) to see what there is.")


def poll_ref(word: str, verb: str) -> int:
    """The poll number in ``#3``; a polite ``BadInput`` if it is not one."""
    return ref_number(word, verb, " " + _(LOOK))


def _poll(args: list[str], actor: Actor, space: SpaceRef, *, proposal: bool) -> CreatePoll:
    allowed = PROPOSE_FLAGS if proposal else POLL_FLAGS
    verb = "propose" if proposal else "poll"
    positional, flags = split_flags(args, allowed, verb)
    if not positional:
        if proposal:
            raise BadInput(_('Write the question first, in quotes: propose "Move the meeting to '
                             'Thursdays"'))
        raise BadInput(_('Write the question first, in quotes: poll "Where should we meet?" '
                         '"Library" "Park"'))
    if "--open" in flags and "--anonymous" in flags:
        raise BadInput(_("Choose either --open or --anonymous, not both."))
    if "--show-results" in flags and "--hide-results" in flags:
        raise BadInput(_("Choose either --show-results or --hide-results, not both."))
    show = True if "--show-results" in flags else False if "--hide-results" in flags else None
    if proposal and len(positional) > 1:
        raise BadInput(_('A proposal is one piece of text in quotes: propose "Move the meeting '
                         'to Thursdays". For options, use poll instead.'))
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
        max_picks=whole_number(flags, "--max-picks"),
        dots=whole_number(flags, "--dots"),
        remind=flags.get("--remind"),
        no_remind="--no-remind" in flags,
        rule=flags.get("--rule"),
        quorum_each=flags.get("--quorum-each"),
    )


def parse_poll_args(args: list[str], actor: Actor, space: SpaceRef) -> CreatePoll:
    """Read ``poll`` arguments (question, options, flags); also used by ``ideas #N to-poll``.

    Raises:
        BadInput: With what was wrong and how to write it.
    """
    return _poll(args, actor, space, proposal=False)


def _propose(args: list[str], actor: Actor, space: SpaceRef) -> CreatePoll:
    return _poll(args, actor, space, proposal=True)


def _vote(args: list[str], actor: Actor, space: SpaceRef) -> CastVote:
    if not args:
        raise BadInput(_("Say which poll and what you vote for, like: vote #1 2"))
    return CastVote(actor, space, poll=poll_ref(args[0], "vote"), choices=tuple(args[1:]))


def _list(verb: str) -> Callable[[list[str], Actor, SpaceRef], Command]:
    def parse(args: list[str], actor: Actor, space: SpaceRef) -> Command:
        expect_no_args(verb, args)
        return ListPolls(actor, space)
    return parse


def _one_poll(verb: str, make: Callable[..., Command]) -> Callable[..., Command]:
    def parse(args: list[str], actor: Actor, space: SpaceRef) -> Command:
        if len(args) != 1:
            raise BadInput(_("Say which poll, like: {verb} #1").format(verb=verb))
        return make(actor, space, poll=poll_ref(args[0], verb))
    return parse


def _decisions(args: list[str], actor: Actor, space: SpaceRef) -> ListDecisions:
    limit = 10
    if len(args) == 1 and args[0].startswith("#"):
        return ListDecisions(actor, space, poll=poll_ref(args[0], "decisions"))
    if args:
        if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= 100:
            raise BadInput(_("Write decisions, or decisions 20 to see more (up to 100)."))
        limit = int(args[0])
    return ListDecisions(actor, space, limit=limit)


#: Text verbs this wing reads.
PARSERS: dict[str, Callable[[list[str], Actor, SpaceRef], Command]] = {
    "poll": parse_poll_args,
    "propose": _propose,
    "proposal": _propose,
    "vote": _vote,
    "polls": _list("polls"),
    "list": _list("list"),
    "results": _one_poll("results", ShowResults),
    "close": _one_poll("close", ClosePoll),
    "cancel": _one_poll("cancel", CancelPoll),
    "decisions": _decisions,
    "log": _decisions,
}
