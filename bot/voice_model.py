"""Contributions, nudges and people's preferences: counted, never read. Part of the
core's shared vocabulary (see docs/voices.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.model import SpaceRef


class ContributionKind(StrEnum):
    """What someone did; counted, never read."""

    MESSAGE = "message"
    REPLY = "reply"
    VOTE = "vote"
    IDEA = "idea"
    REASON = "reason"
    RESPONSE = "response"


@dataclass(frozen=True)
class Contribution:
    """One counted contribution: who, where, what kind, which day. Never any text.

    ``event_id`` is the platform's id for the event (Slack ``event_id``, Discord message
    id), so that a replayed event is never counted twice; None for the bot's own events.
    """

    space: SpaceRef
    member: str
    kind: ContributionKind
    at: datetime
    event_id: str | None = None


@dataclass(frozen=True)
class ContributionCount:
    """How many contributions of one kind a member made in a space (on ``day``, or over a
    range when ``day`` is None). ``space`` is the space's key."""

    space: str
    member: str
    kind: ContributionKind
    day: date | None
    count: int


class NudgeReason(StrEnum):
    """Why a private nudge or note was sent (kept in the nudge log, for caps and audit)."""

    #: No contribution in the balance window, and not yet voted in an open poll.
    QUIET = "quiet"
    #: Has contributed lately, but not yet voted in an open poll.
    NOT_VOTED = "not-voted"
    #: To a facilitator: one group's share of the voice is well above its share of members.
    BALANCE = "balance"


@dataclass(frozen=True)
class Nudge:
    """One private nudge or note, as logged: to whom, where, why, when. Never its text."""

    member: str
    space: SpaceRef
    reason: NudgeReason
    at: datetime
    poll_id: int | None = None


@dataclass(frozen=True)
class Preferences:
    """A member's own choices about nudges and involvement payments.

    Attributes:
        nudges: True or False once they said ``nudges on`` / ``nudges off``; None means
            the space's default (on, unless the config asks members to opt in).
        payments: False once they said ``payments off`` (they do not want payment).
    """

    nudges: bool | None = None
    payments: bool = True
