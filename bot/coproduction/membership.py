"""Who may take part where: channel membership as the platform reports it.

Only people the platform reports in a channel vote, add ideas or start polls there;
the adapters report them (``MembersSeen``, ``MembersLeft``, ``MembersNow``) and the
core decides (``Roundtable.may_take_part``). Some commands are about the person alone
and work anywhere, even in a private conversation with the bot: each wing says which
(``bot.registry.Wing``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot import commands as c
from bot.context import Core
from bot.effects import Effect
from bot.errors import NotAllowed
from bot.i18n import N_, _

#: The answer to a command sent in a private conversation that works only in a channel
#: (shown with ``_(NOT_PRIVATE)``, in the reader's language).
NOT_PRIVATE = N_("That works in a channel where Roundtable has been added: type it there. In a "
                 "private message you can use help, timezone, nudges, payments, my-data and "
                 "forget-me.")


def not_a_member(command: c.Command) -> NotAllowed:
    """The polite refusal for someone the platform has not reported in the channel."""
    after = _("Ask to be added to the channel first, then try again. Nothing was recorded.")
    if isinstance(command, c.CastVote):
        why = _("You can only vote in polls of channels you are a member of. Poll #{number} "
                "belongs to a channel you are not in.").format(number=command.poll)
    elif isinstance(command, c.AddIdea):
        why = _("You can only add ideas in channels you are a member of.")
    elif isinstance(command, c.CreatePoll | c.IdeasToPoll | c.StartIdeas):
        why = _("You can only start a poll in a channel you are a member of.")
    else:
        why = _("Only members of this channel can do that here.")
    return NotAllowed(f"{why} {after}")


class MembershipCommands:
    """Handlers for the adapters' reports of who is in a channel."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {c.MembersSeen: self.seen, c.MembersLeft: self.left, c.MembersNow: self.now}

    async def seen(self, cmd: c.MembersSeen) -> list[Effect]:
        """People the platform reports in the space join it."""
        now = self.core.clock.now()
        # Concurrent touches are written together by the store.
        await asyncio.gather(*(self.store.touch_member(cmd.space, m, now) for m in cmd.members))
        return []

    async def left(self, cmd: c.MembersLeft) -> list[Effect]:
        """People who left are members no more."""
        # Most reports are of people already gone: only the members left cost a write.
        gone = [m.key for m in cmd.members if await self.store.is_member(cmd.space, m.key)]
        await self.store.remove_members(cmd.space, gone)
        return []

    async def now(self, cmd: c.MembersNow) -> list[Effect]:
        """The whole member list: those listed are members, anyone else has left."""
        await self.store.set_members(cmd.space, cmd.members, self.core.clock.now())
        return []
