"""The discord.py client: gateway events in, each turned into a core command.

- interactions: the ``/roundtable`` tree, the poll components (dynamic items,
  registered at start-up so they survive restarts) and our modals;
- ``on_message``: a counted contribution (never read: no message-content intent);
- ``on_member_update``: role changes keep role-mapped groups in step;
- ``on_raw_member_remove``: someone who leaves the server leaves its channels' members.

Membership: who is a channel's member (may vote there, counts in "7 of 12") is what
Discord reports: the permissions sent with each interaction (view the channel or not),
the author of a message in it, and member events. The core refuses anyone else.

``allowed_mentions`` is none for everything the client sends.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from adapters.discord import votes
from adapters.discord.commands import RoundtableCommands
from adapters.discord.components import DYNAMIC_ITEMS, is_ours
from adapters.discord.interact import Bridge, apology, bridge_of, old_version
from adapters.discord.modals import handle_modal
from adapters.discord.translate import PLATFORM, member_actor, role_ids, spoke_from
from bot.cards import Card, Text
from bot.commands import MembersLeft, MembersSeen
from bot.i18n import _, speaking
from bot.model import Actor, SpaceRef

log = logging.getLogger(__name__)


def intents(members: bool = True) -> discord.Intents:
    """Only what the bot needs: guilds, guild messages (without content) and, for role
    sync, members (privileged: enable "Server Members Intent" in the developer portal)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.members = members
    return wanted


class ClientHooks:
    """Roundtable's event handlers, shared by the plain and the sharded client."""

    bridge: Bridge
    sync_commands: bool = True

    async def setup_hook(self) -> None:
        """Register the persistent components and, if asked, publish the slash commands."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # type: ignore[attr-defined]
        if self.sync_commands:
            await self.tree.sync()  # type: ignore[attr-defined]

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Modal submits are answered from the interaction alone (see ``modals``); a click
        on a private vote form this process no longer holds is told it expired; and a
        component or modal whose id no handler knows (from an older version) is told so
        privately, rather than left to fail with "This interaction failed"."""
        if interaction.type not in (discord.InteractionType.component,
                                    discord.InteractionType.modal_submit):
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        try:
            if interaction.type is discord.InteractionType.component:
                if is_ours(custom_id):
                    await votes.answer_stale_form(interaction)
                else:
                    await self.answer_old_version(interaction)
            elif not (custom_id.startswith("rt:") and await handle_modal(interaction)):
                await self.answer_old_version(interaction)
        except discord.HTTPException as error:
            log.warning("could not answer an interaction (%s)", type(error).__name__)

    async def answer_old_version(self, interaction: discord.Interaction) -> None:
        """Tell the person, in their language, that what they used no longer works."""
        with speaking(await self.bridge.language(interaction)):
            await self.bridge.reply(interaction, old_version())

    async def on_message(self, message: discord.Message) -> None:
        """Count a message or a reply; its text is never seen."""
        spoke = spoke_from(message)
        if spoke is None:
            return
        try:
            # Whoever writes in a channel can see it: Discord reports them a member there.
            await self.bridge.core.handle(MembersSeen(spoke.actor, spoke.space,
                                                      members=(spoke.actor,)))
            await self.bridge.core.handle(spoke)
        except Exception as error:
            log.warning("a message was not counted (%s)", type(error).__name__)

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Someone left the server (or was removed): they no longer vote in its channels."""
        guild = str(payload.guild_id)
        actor = Actor(PLATFORM, guild, str(payload.user.id))
        prefix = f"{PLATFORM}:{guild}:"
        try:
            for key in await self.bridge.store.member_spaces(actor.key):
                if key.startswith(prefix):
                    space = SpaceRef(PLATFORM, guild, key[len(prefix):])
                    await self.bridge.core.handle(MembersLeft(actor, space, members=(actor,)))
        except Exception as error:
            log.warning("a departure was not recorded (%s)", type(error).__name__)

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """Follow role changes in every channel of the server the member belongs to."""
        roles = role_ids(after)
        if role_ids(before) == roles:
            return
        actor = member_actor(after)
        prefix = f"{PLATFORM}:{after.guild.id}:"
        try:
            for key in await self.bridge.store.member_spaces(actor.key):
                if key.startswith(prefix):
                    space = SpaceRef(PLATFORM, str(after.guild.id), key[len(prefix):])
                    await self.bridge.sync_roles(actor, space, roles)
        except Exception as error:
            log.warning("roles were not synced (%s)", type(error).__name__)


class RoundtableClient(ClientHooks, discord.Client):
    """One connection to the gateway (the default)."""


class ShardedRoundtableClient(ClientHooks, discord.AutoShardedClient):
    """Several shards in one process (``[discord] shard_count`` / ``shard_ids``)."""


async def on_tree_error(interaction: discord.Interaction,
                        error: app_commands.AppCommandError) -> None:
    """Options Discord let through but we could not read, and anything unexpected; told in
    the person's language."""
    bridge = bridge_of(interaction)
    try:
        with speaking(await bridge.language(interaction)):
            await bridge.reply(interaction, _tree_error_card(error))
    except discord.HTTPException as failure:
        log.warning("could not answer a failed command (%s)", type(failure).__name__)


def _tree_error_card(error: app_commands.AppCommandError) -> Card:
    if isinstance(error, app_commands.TransformerError):
        return Card(_("That didn't work"), (Text(_(
            "I couldn't read {value}. Check the option and try again.").format(
                value=repr(error.value))),))
    if isinstance(error, app_commands.NoPrivateMessage):
        return Card(_("Roundtable works in a server"), (Text(_(
            "Use /roundtable in a channel of your server.")),))
    log.error("slash command failed (%s)", type(getattr(error, "original", error)).__name__)
    return apology()


def make_client(*, shard_count: int | None = None, shard_ids: list[int] | None = None,
                members_intent: bool = True) -> discord.Client:
    """A client with the command tree attached; sharded when shards are configured."""
    options = {"intents": intents(members_intent),
               "allowed_mentions": discord.AllowedMentions.none()}
    client: discord.Client
    if shard_count is not None or shard_ids is not None:
        client = ShardedRoundtableClient(shard_count=shard_count, shard_ids=shard_ids, **options)
    else:
        client = RoundtableClient(**options)
    tree = app_commands.CommandTree(client)
    tree.add_command(RoundtableCommands())
    tree.on_error = on_tree_error  # type: ignore[method-assign]
    client.tree = tree  # type: ignore[attr-defined]
    return client
