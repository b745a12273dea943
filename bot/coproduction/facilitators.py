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
from bot.i18n import N_, _, speaking
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
        raise NotFound(_("I can't find {word!r} here. Use their @mention or the name they "
                         "show here; they need to have been in this channel.").format(word=word))
    if len(found) > 1:
        raise BadInput(_("More than one person here is called {name!r}. Use their @mention "
                         "instead.").format(name=target))
    member, name = found[0]
    return member, name or target


def _parse_facilitator(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if len(args) != 2 or args[0].lower() not in ("add", "remove"):
        raise BadInput(_("Write facilitator add @sam or facilitator remove @sam. Type "
                         "facilitators to see who facilitates here."))
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
            raise NotAllowed(_("Only a facilitator can change who facilitates here. Type "
                               "facilitators to see who can, and ask one of them."))
        member, name = await find_person(self.store, cmd.space, cmd.person)
        if cmd.remove:
            if not await self.store.remove_facilitator(cmd.space, member):
                raise BadInput(_("{name} is not a named facilitator here. People with the "
                                 "facilitator or admin role on the platform facilitate through "
                                 "that role, which only the platform can change.").format(
                                     name=name))
            done = _("{name} is no longer a facilitator here.")
            told = N_("You are no longer a facilitator of #{channel}.")
        else:
            if member in await self.store.facilitators(cmd.space):
                return [Reply(cmd.actor, cmd.space, message_card(
                    _("Facilitators"), _("{name} is already a facilitator here.").format(
                        name=name)))]
            await self.store.add_facilitator(cmd.space, member)
            done = _("{name} is now a facilitator here.")
            told = N_("You are now a facilitator of #{channel}: you can manage groups and close "
                      "or extend anyone's poll. Type help group to start.")
        # Told in the language they chose, whatever the language of whoever named them.
        language = (await self.core.languages_of([member]))[member]
        with speaking(language):
            note = message_card(_("Facilitators"),
                                _(told).format(channel=cmd.space.channel))
        return [Reply(cmd.actor, cmd.space, message_card(_("Facilitators"),
                                                         done.format(name=name), Tone.SUCCESS)),
                DirectMessage(cmd.space.platform, member, note)]

    async def list(self, cmd: c.ListFacilitators) -> list[Effect]:
        """Who facilitates the space."""
        keys = await self.store.facilitators(cmd.space)
        names = await self.store.member_names(cmd.space, keys)
        listed = sorted(names.get(k) or k.rsplit(":", 1)[-1] for k in keys)
        text = (_("Named here: {names}.").format(names=", ".join(listed)) if listed
                else _("Nobody is named here yet."))
        more = _("People with the admin role run the group too. To add someone, a "
                 "facilitator types: facilitator add @sam")
        return [Reply(cmd.actor, cmd.space, message_card(_("Facilitators"), f"{text} {more}"))]
