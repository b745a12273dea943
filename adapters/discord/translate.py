"""Who and where: Discord users, members and channels as the core's actors and spaces.

A space is a channel. A thread belongs to its parent channel's space (its messages
count as replies there), so a group's conversation stays in one balance.
"""

from __future__ import annotations

import discord

from bot.model import Actor, SpaceRef
from bot.voice_model import ContributionKind
from bot.voices.handlers import Spoke

PLATFORM = "discord"
#: Message types that are someone writing (not joins, pins, boosts or bot notices).
_SPOKEN = (discord.MessageType.default, discord.MessageType.reply)


def facilitator_roles(permissions: discord.Permissions | None) -> frozenset[str]:
    """The roles Discord vouches for: Manage Server makes a facilitator, Administrator too."""
    if permissions is None:
        return frozenset()
    if permissions.administrator:
        return frozenset({"admin", "facilitator"})
    if permissions.manage_guild:
        return frozenset({"facilitator"})
    return frozenset()


def display_name(user: discord.abc.User) -> str:
    """The name a member shows in the server (their nickname, else their global name)."""
    return getattr(user, "display_name", None) or user.name


def role_ids(user: discord.abc.User) -> tuple[str, ...]:
    """The ids of the roles a member holds (none for a user outside a server)."""
    # ``Member.roles`` needs the guild's roles cached; the ids come with every member.
    return tuple(str(role_id) for role_id in getattr(user, "_roles", ()))


def channel_of(channel: object, channel_id: int | None) -> str:
    """The space's channel id: a thread's parent, else the channel itself."""
    parent = getattr(channel, "parent_id", None)
    if isinstance(channel, discord.Thread) and parent is not None:
        return str(parent)
    return str(channel_id if channel_id is not None else getattr(channel, "id", ""))


def actor_of(interaction: discord.Interaction) -> Actor:
    """The person behind an interaction in a server, with the language their Discord is
    set to ("en-GB"): the core writes to them in it when they have not chosen one."""
    return Actor(PLATFORM, str(interaction.guild_id), str(interaction.user.id),
                 display_name(interaction.user), facilitator_roles(interaction.permissions),
                 locale=str(interaction.locale))


def space_of(interaction: discord.Interaction) -> SpaceRef:
    """The channel an interaction came from, as a space."""
    return SpaceRef(PLATFORM, str(interaction.guild_id),
                    channel_of(interaction.channel, interaction.channel_id))


def member_actor(member: discord.Member) -> Actor:
    """A server member (from a member or message event) as an actor."""
    return Actor(PLATFORM, str(member.guild.id), str(member.id), display_name(member),
                 facilitator_roles(getattr(member, "guild_permissions", None)))


def channel_members(interaction: discord.Interaction, limit: int) -> tuple[Actor, ...]:
    """The people who can see the interaction's channel, as far as the member cache knows.

    Only with the members intent (and the guild chunked) does the cache hold everyone;
    without it this is empty and members are learned as they take part.
    """
    guild = interaction.guild
    channel = interaction.channel
    if guild is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return ()
    found = []
    for member in guild.members:
        if member.bot or not channel.permissions_for(member).view_channel:
            continue
        found.append(member_actor(member))
        if len(found) >= limit:
            break
    return tuple(found)


def spoke_from(message: discord.Message) -> Spoke | None:
    """A message in a server channel as a counted contribution, or None if it is not one.

    Its text is never looked at (the bot has no message-content intent): only who, where,
    whether it is a reply, and its id, so a replayed event is counted once.
    """
    guild = message.guild
    if guild is None or message.author.bot or message.webhook_id is not None:
        return None
    if message.type not in _SPOKEN or not isinstance(message.author, discord.Member):
        return None
    in_thread = isinstance(message.channel, discord.Thread)
    reply = in_thread or message.type is discord.MessageType.reply
    space = SpaceRef(PLATFORM, str(guild.id), channel_of(message.channel, message.channel.id))
    kind = ContributionKind.REPLY if reply else ContributionKind.MESSAGE
    return Spoke(member_actor(message.author), space, kind=kind, event_id=str(message.id))
