"""The verbs of time: more-time, extend, schedule, schedules, unschedule, timezone."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands import (
    Command,
    CreateSchedule,
    ExtendPoll,
    ListSchedules,
    RemoveSchedule,
    RequestMoreTime,
    SetTimezone,
)
from bot.errors import BadInput, expect_no_args
from bot.i18n import N_, _
from bot.model import Actor, SpaceRef
from bot.parsing import ref_number, split_flags

_SCHEDULE_FLAGS = {"--cron": True, "--every": True, "--first": True, "--closes": True}
#: Added to "I expected a number like #1 after …" (English here: shown with ``_look()``).
_LOOK = N_("Type polls (or schedules) to see what there is.")


def _look() -> str:
    return " " + _(_LOOK)


def _more_time(args: list[str], actor: Actor, space: SpaceRef) -> RequestMoreTime:
    if len(args) != 1:
        raise BadInput(_("Say which poll, like: more-time #1"))
    return RequestMoreTime(actor, space, poll=ref_number(args[0], "more-time", _look()))


def _extend(args: list[str], actor: Actor, space: SpaceRef) -> ExtendPoll:
    if len(args) != 2:
        raise BadInput(_("Say which poll and by how long, like: extend #1 1d"))
    return ExtendPoll(actor, space, poll=ref_number(args[0], "extend", _look()), by=args[1])


def _schedule(args: list[str], actor: Actor, space: SpaceRef) -> CreateSchedule:
    positional, flags = split_flags(args, _SCHEDULE_FLAGS, "schedule")
    if not positional:
        raise BadInput(_('Write the check-in text first, in quotes: schedule "How did this '
                         'week go?" --cron "0 10 * * MON"'))
    if ("--cron" in flags) == ("--every" in flags):
        raise BadInput(_('Say when it repeats with either --cron "0 10 * * MON" or '
                         '--every 1w.'))
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


def _schedules(args: list[str], actor: Actor, space: SpaceRef) -> ListSchedules:
    expect_no_args("schedules", args)
    return ListSchedules(actor, space)


def _unschedule(args: list[str], actor: Actor, space: SpaceRef) -> RemoveSchedule:
    if len(args) != 1:
        raise BadInput(_("Say which schedule, like: unschedule #1"))
    return RemoveSchedule(actor, space, number=ref_number(args[0], "unschedule", _look()))


def _timezone(args: list[str], actor: Actor, space: SpaceRef) -> SetTimezone:
    if len(args) > 1:
        raise BadInput(_("Write timezone and a zone name, like: timezone Europe/London"))
    return SetTimezone(actor, space, timezone=args[0] if args else None)


#: Text verbs this wing reads.
PARSERS: dict[str, Callable[[list[str], Actor, SpaceRef], Command]] = {
    "more-time": _more_time,
    "extend": _extend,
    "schedule": _schedule,
    "schedules": _schedules,
    "unschedule": _unschedule,
    "timezone": _timezone,
}
