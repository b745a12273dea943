"""What every Slack listener shares: who is acting, who is in the channel, and how a
command is run and a fault turned into a polite private message (in the person's
language: their choice, else Slack's locale for them, else the space's)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from adapters.slack.directory import Directory
from adapters.slack.sender import Sender
from adapters.slack.translate import PLATFORM, space
from bot.cards import Card, Tone, message_card
from bot.commands import Command, MembersNow, RolesSeen
from bot.effects import Reply
from bot.i18n import _, speaking
from bot.model import Actor, SpaceRef
from bot.service import Roundtable

log = logging.getLogger(__name__)


def sorry_card() -> Card:
    """The apology for a fault on our side, in the language being written in."""
    return message_card(_("Sorry, something went wrong"),
                        _("That did not work because of a fault on our side. Nothing was "
                          "changed by it that you need to undo; please try again in a moment."),
                        Tone.ERROR)


def not_here_card() -> Card:
    """What to do when the bot cannot see the channel, in the language being written in."""
    return message_card(_("I can't see this channel"),
                        _("Roundtable works in channels it has been added to. Add it with "
                          "/invite @Roundtable (or from the channel's settings, Integrations), "
                          "then try again. Nothing was started or changed."), Tone.WARNING)


class Context:
    """The core, the sender and the directory, and what listeners do with them.

    Args:
        core: The Roundtable service.
        sender: Performs effects on Slack.
        directory: Cached lookups of people and channels.
    """

    def __init__(self, core: Roundtable, sender: Sender, directory: Directory) -> None:
        self.core, self.sender, self.directory = core, sender, directory
        self.client = sender.client
        #: The member list last reported per space (the directory's cached list).
        self._reported: dict[str, list[str]] = {}

    async def actor(self, team: str, user: str, channel: str = "") -> Actor:
        """The person, with the roles Slack vouches for: workspace admins and owners are
        "admin", the channel's creator is "facilitator"."""
        person = await self.directory.person(team, user)
        roles = {"admin"} if person.admin else set()
        if channel and await self.directory.creator(channel) == user:
            roles.add("facilitator")
        return Actor(PLATFORM, team, user, person.name, frozenset(roles), locale=person.locale)

    def bare(self, team: str, user: str) -> Actor:
        """The person without any lookup (no name, no roles; their locale if already known),
        for answers that must not wait: a form opened while the trigger id is fresh."""
        return Actor(PLATFORM, team, user, locale=self.directory.known_locale(team, user))

    async def language(self, actor: Actor) -> str:
        """The language to write to the person in (``Roundtable.language_for``)."""
        return await self.core.language_for(actor)

    async def sync(self, actor: Actor, where: SpaceRef) -> bool:
        """Tell the core who is in the channel (when the cached list changed) and which
        user groups the person is in, so mapped groups stay in step.

        Returns False, having told the person how to fix it, when the bot cannot see the
        channel (a private channel it was not invited to, or a DM): nothing is stored then.
        """
        if not await self.report_members(actor, where):
            with speaking(await self.language(actor)):
                card = not_here_card()
            await self.sender.perform([Reply(actor, where, card)])
            return False
        groups = await self.directory.user_groups(where.workspace)
        await self.core.handle(RolesSeen(actor, where, tuple(sorted(groups.get(actor.user_id,
                                                                               ())))))
        return True

    async def report_members(self, actor: Actor, where: SpaceRef) -> bool:
        """Tell the core the channel's whole member list (``conversations.members``) when
        it changed: only those people vote there and count in its "7 of 12"; the core
        refuses anyone else. False when Slack would not say (the bot is not in it)."""
        members = await self.directory.members_with(where.channel, actor.user_id)
        if members is None:
            return False
        if self._reported.get(where.key) != members:
            people = []
            for user in members:
                person = await self.directory.person(where.workspace, user)
                if not person.bot:
                    people.append(Actor(PLATFORM, where.workspace, user, person.name))
            await self.core.handle(MembersNow(actor, where, tuple(people)))
            self._reported[where.key] = list(members)
        return True

    async def run(self, command: Command) -> None:
        """Handle one command and perform what it returns."""
        await self.sender.perform(await self.core.handle(command), wait=False)

    async def guarded(self, team: str, user: str, channel: str,
                      work: Callable[[], Awaitable[None]]) -> None:
        """Run the work; a fault becomes a private apology, logged by type only."""
        try:
            await work()
        except Exception as error:
            log.warning("Slack request failed with %s", type(error).__name__)
            await self.sorry(team, user, channel)

    async def sorry(self, team: str, user: str, channel: str) -> None:
        """The polite private message for a fault on our side."""
        try:
            to = self.bare(team, user)
            with speaking(await self.language(to)):
                card = sorry_card()
            await self.sender.reply(Reply(to, space(team, channel or user), card))
        except Exception as error:
            log.warning("could not send the apology either (%s)", type(error).__name__)
