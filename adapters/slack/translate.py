"""Slack payloads into the core's terms: who, where, and which messages count.

Nothing here calls Slack; ``directory.py`` adds what needs a lookup (names, roles).
"""

from __future__ import annotations

from typing import Any

from bot.model import SpaceRef
from bot.voice_model import ContributionKind
from bot.voices.handlers import MAX_EVENT_ID

PLATFORM = "slack"

#: Message subtypes that are a person writing in the channel. Everything else (joins,
#: edits, deletions, bot posts, topic changes ...) is not a contribution.
COUNTED_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
#: Conversation types that are a shared space (not a DM with the bot).
CHANNEL_TYPES = frozenset({"channel", "group"})


def team_of(body: dict[str, Any]) -> str:
    """The workspace id of a request (slash command, interaction or event)."""
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    if not team:
        user = body.get("user")
        team = user.get("team_id") if isinstance(user, dict) else None
    if not team:
        event = body.get("event") or {}
        team = event.get("team")
    return str(team or "")


def user_of(body: dict[str, Any]) -> str:
    """The acting person's user id."""
    user = body.get("user_id") or body.get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return str(user or "")


def channel_of(body: dict[str, Any]) -> str:
    """The channel a slash command or message action came from ("" if none)."""
    channel = body.get("channel_id") or body.get("channel")
    if isinstance(channel, dict):
        channel = channel.get("id")
    if not channel:
        channel = (body.get("container") or {}).get("channel_id")
    return str(channel or "")


def space(team: str, channel: str) -> SpaceRef:
    """The space for a Slack channel."""
    return SpaceRef(PLATFORM, team, channel)


def member_key(team: str, user: str) -> str:
    """A person's identity key, as the core keeps it (``Actor.key``)."""
    return f"{PLATFORM}:{team}:{user}"


def user_of_member(member: str) -> str:
    """The Slack user id inside an identity key."""
    return member.rsplit(":", 1)[-1]


def counted_message(event: dict[str, Any]) -> ContributionKind | None:
    """What a ``message`` event counts as: a message, a reply, or nothing.

    Bot posts, edits, deletions, joins and DMs with the bot are not contributions.
    A message in a thread (``thread_ts`` other than its own ``ts``) is a reply.
    """
    if event.get("type") != "message" or event.get("bot_id") or not event.get("user"):
        return None
    if event.get("subtype") not in COUNTED_SUBTYPES:
        return None
    if event.get("channel_type", "channel") not in CHANNEL_TYPES:
        return None
    thread = event.get("thread_ts")
    if thread and thread != event.get("ts"):
        return ContributionKind.REPLY
    return ContributionKind.MESSAGE


def event_id_of(body: dict[str, Any]) -> str | None:
    """The Events API ``event_id`` (the same on every retry of one event)."""
    value = body.get("event_id")
    if not value or len(str(value)) > MAX_EVENT_ID:
        return None
    return str(value)
