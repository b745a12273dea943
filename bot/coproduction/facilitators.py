"""Facilitators named by hand, and finding the person an ``@mention`` or name means.

A space's facilitators are whoever the platform vouches for with the role
"facilitator" or "admin" (the space's creator, on Slack and Discord) plus the
people they name here. Facilitators manage groups, turn ideas into polls and
can close or extend anyone's poll.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import commands as c
from bot.cards import Tone, message_card
from bot.context import Core
from bot.effects import DirectMessage, Effect, Reply
from bot.errors import BadInput, NotAllowed, NotFound, expect_no_args
from bot.model import Actor, SpaceRef
from bot.ports import GroupStore


def mention_target(word: str) -> str:
    """The user id or name in a mention: ``<@U123|bob>`` and ``<@!42>`` and ``@bob`` alike."""
    text = word.strip()
    if text.startswith("<@") and text.endswith(">"):
        text = text[2:-1].lstrip("!&")
    return text.split("|", 1)[0].lstrip("@").strip()


async def find_person(store: GroupStore, space: SpaceRef, word: str) -> tuple[str, str]:
    """The member a mention or name means, as (key, display name).

    Raises:
        NotFound: Nobody here by that id or name.
        BadInput: Several people here share the name.
    """
    target = mention_target(word)
    found = await store.find_members(space, target) if target else []
    if not found:
        raise NotFound(f"I can't find {word!r} here. Use their @mention or the name they show "
                       "here; they need to have been in this channel.")
    if len(found) > 1:
        raise BadInput(f"More than one person here is called {target!r}. Use their @mention "
                       "instead.")
    member, name = found[0]
    return member, name or target


def _parse_facilitator(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if len(args) != 2 or args[0].lower() not in ("add", "remove"):
        raise BadInput("Write facilitator add @sam or facilitator remove @sam. Type facilitators "
                       "to see who facilitates here.")
    return c.ChangeFacilitator(actor, space, person=args[1], remove=args[0].lower() == "remove")


def _parse_facilitators(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    expect_no_args("facilitators", args)
    return c.ListFacilitators(actor, space)


#: Text verbs this module parses.
PARSERS: dict[str, Callable] = {
    "facilitator": _parse_facilitator,
    "facilitators": _parse_facilitators,
}


class FacilitatorCommands:
    """Handlers for naming and listing facilitators (``bot.coproduction.wing``)."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {c.ChangeFacilitator: self.change, c.ListFacilitators: self.list}

    async def change(self, cmd: c.ChangeFacilitator) -> list[Effect]:
        """Name someone a facilitator, or stop them being one."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed("Only a facilitator can change who facilitates here. Type "
                             "facilitators to see who can, and ask one of them.")
        member, name = await find_person(self.store, cmd.space, cmd.person)
        if cmd.remove:
            if not await self.store.remove_facilitator(cmd.space, member):
                raise BadInput(f"{name} is not a named facilitator here. People with the "
                               "facilitator or admin role on the platform facilitate through "
                               "that role, which only the platform can change.")
            done, told = (f"{name} is no longer a facilitator here.",
                          f"You are no longer a facilitator of #{cmd.space.channel}.")
        else:
            if member in await self.store.facilitators(cmd.space):
                return [Reply(cmd.actor, cmd.space, message_card(
                    "Facilitators", f"{name} is already a facilitator here."))]
            await self.store.add_facilitator(cmd.space, member)
            done, told = (f"{name} is now a facilitator here.",
                          f"You are now a facilitator of #{cmd.space.channel}: you can manage "
                          "groups and close or extend anyone's poll. Type help group to start.")
        return [Reply(cmd.actor, cmd.space, message_card("Facilitators", done, Tone.SUCCESS)),
                DirectMessage(cmd.space.platform, member, message_card("Facilitators", told))]

    async def list(self, cmd: c.ListFacilitators) -> list[Effect]:
        """Who facilitates the space."""
        keys = await self.store.facilitators(cmd.space)
        names = await self.store.member_names(cmd.space, keys)
        listed = sorted(names.get(k) or k.rsplit(":", 1)[-1] for k in keys)
        text = f"Named here: {', '.join(listed)}." if listed else "Nobody is named here yet."
        return [Reply(cmd.actor, cmd.space, message_card("Facilitators", text + (
            " People with the admin role run the group too. To add someone, a facilitator "
            "types: facilitator add @sam")))]
