"""Effects: what the core wants said or shown. Adapters render them.

The core never calls a platform; it returns a list of these. Each adapter keeps
one map from effect type to the function that performs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.cards import Card
from bot.model import Actor, SpaceRef


@dataclass(frozen=True)
class Post:
    """A public message in a space.

    ``key`` names the message (e.g. ``poll:42``) so that a later ``UpdatePost``
    can change it in place instead of posting again.
    """

    space: SpaceRef
    card: Card
    key: str | None = None


@dataclass(frozen=True)
class Reply:
    """A private answer to the person who acted, shown only to them (ephemeral)."""

    to: Actor
    space: SpaceRef
    card: Card
    #: The key of a ``Post`` in the same answer that this reply says is up ("Your poll #3
    #: is up"). If that post fails, the adapter shows ``if_not_posted`` instead: one true
    #: thing, never "is up" beside "could not post".
    after: str | None = None
    if_not_posted: Card | None = None
    #: Set when the command did not work: ``REFUSED`` (a polite refusal, the person can
    #: do something about it) or ``FAULT`` (a fault on our side). Counted by metrics.
    failure: str | None = None


REFUSED, FAULT = "refused", "fault"


@dataclass(frozen=True)
class DirectMessage:
    """A private message to a member, outside the space (reminders, nudges)."""

    platform: str
    member: str
    card: Card


@dataclass(frozen=True)
class UpdatePost:
    """Change an earlier post (the one with ``key``) to show ``card``."""

    space: SpaceRef
    key: str
    card: Card


@dataclass(frozen=True)
class PrivateFile:
    """A file for the person who asked, and no one else, with a short message (``card``).

    Slack sends it in the person's direct message with the bot, Discord as an ephemeral
    attachment, the playground saves it to disk. If it cannot be sent, the adapter tells
    the person so. The bytes are left out of ``repr``, so a log line never carries them.
    """

    to: Actor
    space: SpaceRef
    filename: str
    content: bytes = field(repr=False)
    card: Card


Effect = Post | Reply | DirectMessage | UpdatePost | PrivateFile
