"""``export contributions``: a facilitator gets this channel's contribution record as a
CSV file, privately (issue 14, "Fair recognition").

The rows and columns are those of ``roundtable export contributions --format csv``
(``bot.voices.involvement``): counts only, never what anyone chose. Only this space's
rows are in it, and it goes only to the facilitator who asked (``PrivateFile``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from bot.cards import Card, Note, Text, Tone
from bot.commands import Command
from bot.context import Core
from bot.effects import Effect, PrivateFile
from bot.errors import BadInput, NotAllowed
from bot.i18n import _, ngettext
from bot.model import Actor, SpaceRef
from bot.voices.involvement import involvement_csv, involvement_rows

#: Days in the record when no --from is given: the last 30, today included.
DEFAULT_DAYS = 30
#: The longest period one file covers (a leap year).
MAX_DAYS = 366
EXAMPLE = "export contributions --from 2026-01-01 --to 2026-01-31"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FLAGS = {"--from": "since", "--to": "until"}


@dataclass(frozen=True)
class ExportContributions(Command):
    """A facilitator asks for this space's contribution record; days as typed
    (``YYYY-MM-DD``), None for the default."""

    since: str | None = None
    until: str | None = None


def _parse_export(args: list[str], actor: Actor, space: SpaceRef) -> ExportContributions:
    if not args or args[0].lower() != "contributions":
        if args and args[0].lower() in ("decisions", "log"):
            raise BadInput(_("Here you can export the record of who took part: export "
                             "contributions. To see the decisions made here, type: decisions"))
        raise BadInput(_("Write export contributions to get the record of who took part, as "
                         "a file. To choose the days, add --from and --to, like: {example}"
                         ).format(example=EXAMPLE))
    days: dict[str, str] = {}
    rest = args[1:]
    while rest:
        flag = rest[0].lower()
        if flag not in _FLAGS:
            raise BadInput(_("Choose the days with --from and --to, like: {example}").format(
                example=EXAMPLE))
        if len(rest) < 2:
            raise BadInput(_("{flag} needs a day after it, like: {flag} 2026-01-31").format(
                flag=flag))
        days[_FLAGS[flag]] = rest[1]
        rest = rest[2:]
    return ExportContributions(actor, space, **days)


#: Text verbs this module parses.
PARSERS: dict[str, Callable] = {"export": _parse_export}


def _day(text: str, flag: str) -> date:
    text = text.strip()
    try:
        if _DAY.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise BadInput(_("{flag} {text!r} is not a day I can read. Write the year, month and "
                     "day, like: {example} (year-month-day).").format(
        flag=flag, text=text, example=EXAMPLE))


def period(since: str | None, until: str | None, today: date) -> tuple[date, date]:
    """The days of the record, both included: by default the last ``DEFAULT_DAYS``; --to
    alone goes back that far from it, --from alone runs to today.

    Raises:
        BadInput: A day that is not YYYY-MM-DD, the days the wrong way round, or more
            than ``MAX_DAYS``.
    """
    last = _day(until, "--to") if until is not None else today
    first = (_day(since, "--from") if since is not None
             else last - timedelta(days=DEFAULT_DAYS - 1))
    if first > last:
        raise BadInput(_("The --from day ({first}) is after the --to day ({last}). Put the "
                         "earlier day first.").format(first=first, last=last))
    if (last - first).days + 1 > MAX_DAYS:
        raise BadInput(_("One file can cover {most} days at most. Ask for one year at a "
                         "time.").format(most=MAX_DAYS))
    return first, last


def filename(space: SpaceRef, first: date, last: date) -> str:
    """A file name that says what it is: ``contributions-general-2026-01-01-to-....csv``."""
    channel = re.sub(r"[^A-Za-z0-9_-]+", "-", space.channel).strip("-")[:40] or "channel"
    return f"contributions-{channel}-{first}-to-{last}.csv"


def record_card(first: date, last: date, people: int) -> Card:
    """The short message that comes with the file."""
    if people:
        who = ngettext("{n} person took part in these days.",
                       "{n} people took part in these days.", people).format(n=people)
    else:
        who = _("Nobody took part in these days, so the file has only its headings.")
    return Card(title=_("The record of who took part"), lines=(
        Text(_("This file is for this channel, from {first} to {last}. Both days count, "
               "in UTC time.").format(first=first, last=last)),
        Text(who),
        Note(_("It holds counts only. It never shows what anyone chose. Only you got it: "
               "share it only with the people who handle payments.")),
    ), tone=Tone.SUCCESS)


class ExportCommands:
    """The handler of ``export contributions``."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {ExportContributions: self.export}

    async def export(self, cmd: ExportContributions) -> list[Effect]:
        """This space's record as a CSV file, for the facilitator who asked only."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed(_("Only a facilitator can export the record of who took part. "
                               "Type facilitators to see who runs the group here."))
        today = self.core.clock.now().astimezone(UTC).date()
        first, last = period(cmd.since, cmd.until, today)
        rows = await involvement_rows(self.core.store, first, last, space=cmd.space)
        content = involvement_csv(rows).encode("utf-8")
        return [PrivateFile(cmd.actor, cmd.space, filename(cmd.space, first, last), content,
                            record_card(first, last, len(rows)))]
