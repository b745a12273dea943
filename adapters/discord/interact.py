"""Answering an interaction: defer at once, let the core decide, show its answer.

Every slash command, button, select and modal goes through ``Bridge.run``: it defers
(ephemerally) before any database work, so Discord's 3-second deadline is always met;
turns the command into effects; shows ``Reply`` effects as ephemeral follow-ups (and a
``PrivateFile`` as an ephemeral follow-up with the file attached); and performs the
rest (posts now, edits and DMs in the background). A ``RoundtableError`` becomes its
polite message; anything else a short apology, with only the exception's type logged
(a command may hold a ballot).

Everything shown to the one person is written in their language (``Bridge.language``:
their choice, else their Discord's, else the space's): the core writes its replies so,
and ``run`` speaks it while it builds the command (an error in what they typed) and the
adapter's own answers. Posts are written in the space's language (``Sender``).
"""

from __future__ import annotations

import inspect
import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord.render import card_embeds
from adapters.discord.send import Sender
from adapters.discord.translate import PLATFORM, actor_of, channel_members, role_ids, space_of
from bot.cards import Card, Text, Tone, message_card
from bot.commands import Command, CreatePoll, IdeasToPoll, MembersLeft, MembersSeen, RolesSeen
from bot.effects import Effect, Post, PrivateFile, Reply
from bot.errors import RoundtableError
from bot.i18n import _, speaking
from bot.model import Actor, PollKind, SpaceRef

log = logging.getLogger(__name__)

Build = Callable[[Actor, SpaceRef], "Command | Awaitable[Command]"]



# The adapter's own answers: functions, so each is written in the reader's language.

def apology() -> Card:
    """Something unexpected failed (only its type is logged)."""
    return message_card(
        _("Sorry, something went wrong"),
        _("That did not work because of a fault on our side. Nothing was changed by it that "
          "you need to undo; please try again in a moment."), Tone.ERROR)


def outside_server() -> Card:
    """A command used outside a server (in a DM with the bot)."""
    return message_card(
        _("Roundtable works in a server"),
        _("Use /roundtable in a channel of your server: decisions belong to a channel's "
          "group."))


def not_posted_card() -> Card:
    """A post that went wrong for a reason other than a new poll's."""
    return message_card(
        _("I could not post in this channel"),
        _("It is saved, but its message could not be posted here. Check that Roundtable may "
          "view this channel, send messages and embed links; meanwhile people can use "
          "/roundtable vote."), Tone.WARNING)


def old_version() -> Card:
    """A button, select or form from a version of the bot that no longer answers it."""
    return message_card(
        _("This no longer works"),
        _("This button is from an older version of Roundtable and no longer works. Type "
          "/roundtable polls to see what is open."))


def done() -> Card:
    """When the core had nothing to say to the person."""
    return Card(title=_("Done"), lines=(Text(_("Done.")),))


def file_not_sent() -> Card:
    """When a file for the person could not be attached: nobody got it."""
    return message_card(
        _("I could not send the file"),
        _("Discord did not take the file just now, so nobody got it. Please ask again in a "
          "minute."), Tone.ERROR)


def _not_posted_poll(poll, forbidden: bool) -> Card:
    # Whole sentences for each kind and reason: they read differently in Welsh.
    proposal = poll.spec.kind is PollKind.CONSENT
    if proposal:
        title = _("Your proposal {ref} is saved, but not posted")
        why = (_("Your proposal {ref} is saved, but I could not post it in this channel: "
                 "give Roundtable's role View Channel, Send Messages and Embed Links here, "
                 "then use /roundtable polls.") if forbidden else
               _("Your proposal {ref} is saved, but Discord did not take its message just "
                 "now: use /roundtable polls to see it."))
    else:
        title = _("Your poll {ref} is saved, but not posted")
        why = (_("Your poll {ref} is saved, but I could not post it in this channel: give "
                 "Roundtable's role View Channel, Send Messages and Embed Links here, then "
                 "use /roundtable polls.") if forbidden else
               _("Your poll {ref} is saved, but Discord did not take its message just now: "
                 "use /roundtable polls to see it."))
    return message_card(title.format(ref=poll.ref), why.format(ref=poll.ref) + " " + _(
        "People can already vote with /roundtable vote."), Tone.WARNING)

#: At most this many channel members are reported at once (the eligible voters).
MAX_MEMBERS_SEEN = 5000
#: Members whose last reported roles are remembered, to skip syncs when nothing changed.
MAX_REMEMBERED_ROLES = 100_000


class Bridge:
    """What every interaction handler shares: the core, the store and the sender."""

    def __init__(self, core, sender: Sender) -> None:
        self.core = core
        self.store = core.store
        self.sender = sender
        # (space key, member key) -> role ids last reported, so roles sync only on change.
        self._roles: dict[tuple[str, str], tuple[str, ...]] = {}

    async def run(self, interaction: discord.Interaction, build: Build) -> None:
        """Defer, build and handle the command, and answer the person privately, in their
        language."""
        try:
            if not interaction.response.is_done():
                await interaction.response.defer(ephemeral=True, thinking=True)
            with speaking(await self.language(interaction)):
                await self.answer(interaction, await self.effects_for(interaction, build))
        except Exception as error:
            log.error("could not answer an interaction (%s)", type(error).__name__)

    async def language(self, interaction: discord.Interaction) -> str:
        """The language to write to the person behind an interaction in: their own choice,
        else their Discord's (``interaction.locale``), else the space's. Use it for
        anything built for them alone: ``with speaking(await bridge.language(i)):``."""
        if interaction.guild_id is None:
            actor = Actor(PLATFORM, "", str(interaction.user.id),
                          locale=str(interaction.locale))
        else:
            actor = actor_of(interaction)
        return await self.core.language_for(actor)

    async def effects_for(self, interaction: discord.Interaction, build: Build) -> list[Effect]:
        """The core's answer to what the person asked for (errors included)."""
        if interaction.guild_id is None:
            return [Reply(Actor(PLATFORM, "", str(interaction.user.id)),
                          SpaceRef(PLATFORM, "", ""), outside_server())]
        actor, space = actor_of(interaction), space_of(interaction)
        try:
            await self.report_presence(interaction, actor, space)
            await self.sync_roles(actor, space, role_ids(interaction.user))
            command = build(actor, space)
            if inspect.isawaitable(command):
                command = await command
            if isinstance(command, CreatePoll | IdeasToPoll):
                await self.members_seen(interaction, actor, space)
            return await self.core.handle(command)
        except RoundtableError as error:
            return [self.core.error_reply(actor, space, error)]
        except Exception as error:
            log.error("unexpected error in a Discord interaction (%s)", type(error).__name__)
            return [Reply(actor, space, apology())]

    async def members_seen(self, interaction: discord.Interaction, actor: Actor,
                           space: SpaceRef) -> None:
        """Tell the core who can vote here (the "7 of 12"), before a poll opens."""
        members = channel_members(interaction, MAX_MEMBERS_SEEN)
        if members:
            await self.core.handle(MembersSeen(actor, space, members=members))

    async def report_presence(self, interaction: discord.Interaction, actor: Actor,
                              space: SpaceRef) -> None:
        """Tell the core whether the person is a member of the channel: Discord sends their
        permissions there with every interaction, and a member is someone who may view it.
        The core then decides; someone who cannot see the channel is refused."""
        permissions = interaction.permissions
        if permissions is not None and permissions.view_channel:
            await self.core.handle(MembersSeen(actor, space, members=(actor,)))
        else:
            await self.core.handle(MembersLeft(actor, space, members=(actor,)))

    async def sync_roles(self, actor: Actor, space: SpaceRef, roles: tuple[str, ...]) -> None:
        """Keep role-mapped groups in step with the roles a member holds (on change only)."""
        key = (space.key, actor.key)
        if self._roles.get(key) == roles:
            return
        await self.core.handle(RolesSeen(actor, space, role_ids=roles))
        if len(self._roles) >= MAX_REMEMBERED_ROLES:
            self._roles.clear()  # only a shortcut: forgetting costs one sync per member
        self._roles[key] = roles

    async def answer(self, interaction: discord.Interaction, effects: list[Effect]) -> None:
        """Perform public effects, then show the person their private replies."""
        mine = [e for e in effects if isinstance(e, Reply)
                and e.to.user_id == str(interaction.user.id)]
        replies = [e.card for e in mine]
        files = [e for e in effects if isinstance(e, PrivateFile)
                 and e.to.user_id == str(interaction.user.id)]
        others = [e for e in effects if not (isinstance(e, Reply) and e.card in replies)
                  and not any(e is f for f in files)]
        for effect in [e for e in others if isinstance(e, Post)]:
            try:
                await self.sender.post(effect)
            except discord.HTTPException as error:
                log.warning("could not post in a channel (%s)", type(error).__name__)
                # A reply that says this post is up ("Your poll #3 is up") is not true now.
                hanging = [e for e in mine if e.after is not None and e.after == effect.key]
                instead = [e.if_not_posted for e in hanging if e.if_not_posted is not None]
                replies = await self.not_posted(
                    effect, error, [c for c in replies if all(c != e.card for e in hanging)],
                    instead)
        try:
            await self.sender.perform([e for e in others if not isinstance(e, Post)],
                                      wait=False)
        except discord.HTTPException as error:
            log.warning("could not send (%s)", type(error).__name__)
        for card in replies or ([] if files else [done()]):
            await self.reply(interaction, card)
        for effect in files:
            await self.send_file(interaction, effect)

    async def send_file(self, interaction: discord.Interaction, effect: PrivateFile) -> None:
        """The file attached to an ephemeral message, so only the person who asked sees
        it; if Discord does not take it, a message saying so (nothing was shared)."""
        limit = getattr(interaction, "filesize_limit", None)
        if limit is not None and len(effect.content) > limit:
            await self.reply(interaction, message_card(
                _("The file is too big for Discord"),
                _("The file is {size} KB, and this server takes {limit} KB at most. Ask for "
                  "fewer days at a time.").format(size=len(effect.content) // 1024 + 1,
                                                   limit=limit // 1024), Tone.ERROR))
            return
        attached = discord.File(io.BytesIO(effect.content), filename=effect.filename)
        first = card_embeds(effect.card)[0]
        try:
            if interaction.response.is_done():
                await interaction.followup.send(embed=first, file=attached, ephemeral=True)
            else:
                await interaction.response.send_message(embed=first, file=attached,
                                                        ephemeral=True)
        except discord.HTTPException as error:
            # The error only: never who asked, the file's name or what is in it.
            log.warning("could not send a private file (%s %s)", type(error).__name__,
                        error.code)
            await self.reply(interaction, file_not_sent())

    async def not_posted(self, post: Post, error: discord.HTTPException,
                         replies: list[Card], instead: list[Card] | None = None) -> list[Card]:
        """The private answers once ``post`` failed (the replies that hung on it already
        taken out): for a new poll, one saying it is saved but not posted, and what to do
        on Discord (its permissions); for other posts, the core's own alternative
        (``instead``, from ``Reply.if_not_posted``) or that it could not be posted."""
        poll = None
        if post.key and post.key.startswith("poll:") and post.key[5:].isdigit():
            poll = await self.store.get_poll(int(post.key[5:]))
        if poll is None:
            if instead:
                return [*replies, *(c for c in instead if c not in replies)]
            card = not_posted_card()
            return [*replies, card] if card not in replies else replies
        return [*replies, _not_posted_poll(poll, isinstance(error, discord.Forbidden))]

    async def reply(self, interaction: discord.Interaction, card: Card,
                    **extra: Any) -> discord.Message | None:
        """Show a card to the person only (an ephemeral message); the message, when known.

        A card too long for one embed goes on in further private messages, each with
        one embed, so that a long answer (a person's whole ``my-data``) arrives whole.
        Call it while speaking the person's language (their "(continued)").
        """
        first, *rest = card_embeds(card)
        if interaction.response.is_done():
            message = await interaction.followup.send(embed=first, ephemeral=True, wait=True,
                                                      **extra)
        else:
            await interaction.response.send_message(embed=first, ephemeral=True, **extra)
            message = None
        for embed in rest:
            await interaction.followup.send(embed=embed, ephemeral=True)
        return message


def bridge_of(interaction: discord.Interaction) -> Bridge:
    """The bridge of the client that received the interaction."""
    return interaction.client.bridge  # type: ignore[attr-defined]
