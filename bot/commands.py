"""Commands: what a person asked the bot to do, already separated from any platform.

Adapters build these (from slash commands, buttons, modals or typed text via
``bot.words.grammar``); ``Roundtable.handle`` answers each with a list of effects.
Values a person typed stay as text here; the service checks them, so that
every adapter gets the same polite answers to the same mistakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.model import Actor, SpaceRef


@dataclass(frozen=True)
class Command:
    """Base: who asked, and where."""

    actor: Actor
    space: SpaceRef


@dataclass(frozen=True)
class CreatePoll(Command):
    """Open a poll (or, with kind "consent", a proposal)."""

    question: str
    options: tuple[str, ...] = ()
    kind: str = "choice"
    method: str | None = None
    anonymous: bool = True
    #: None means the default: hidden until close for anonymous polls, shown for open ones.
    show_results: bool | None = None
    quorum: str | None = None
    threshold: str | None = None
    closes: str | None = None
    max_picks: int | None = None
    dots: int | None = None
    #: Lead times before closing, e.g. "24h,1h"; None means the space's defaults.
    remind: str | None = None
    no_remind: bool = False
    #: "majority" (None), "consent", "parity" or "equal-weight".
    rule: str | None = None
    #: Per-group quorum, e.g. "50%".
    quorum_each: str | None = None


@dataclass(frozen=True)
class CastVote(Command):
    """Vote, or change a vote, on an open poll.

    ``choices`` are the words the person gave: option numbers or labels, ``N=V``
    pairs for score and dots, or a stance and reason for proposals.
    """

    poll: int
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListPolls(Command):
    """Show the open polls in the space."""


@dataclass(frozen=True)
class ShowResults(Command):
    """Show a poll's results, or its participation while results are hidden."""

    poll: int


@dataclass(frozen=True)
class ClosePoll(Command):
    """Close a poll now and announce the outcome."""

    poll: int


@dataclass(frozen=True)
class CancelPoll(Command):
    """End a poll without counting it."""

    poll: int


@dataclass(frozen=True)
class ListDecisions(Command):
    """Show the space's decision log, newest first; with ``poll``, that one decision in
    full, with the reasons given and the answers to them."""

    limit: int = 10
    poll: int | None = None


@dataclass(frozen=True)
class Help(Command):
    """Show what the bot can do, or how to write one command."""

    topic: str | None = None


@dataclass(frozen=True)
class SetLanguage(Command):
    """Choose the language the bot writes to this person in ("cy", "en"); with
    ``show`` only say which it is; with None go back to the space's language."""

    language: str | None = None
    show: bool = False


@dataclass(frozen=True)
class MembersSeen(Command):
    """An adapter reports who belongs to the space (channel members, the playground's people).

    Members are the people who can vote, so they make the "7 of 12" in participation.
    """

    members: tuple[Actor, ...] = ()


@dataclass(frozen=True)
class MembersLeft(Command):
    """An adapter reports people who left the space (or can no longer see it).

    They no longer vote there or count in its "7 of 12"; what they did stays counted.
    """

    remembers_actor: ClassVar[bool] = False
    members: tuple[Actor, ...] = ()


@dataclass(frozen=True)
class MembersNow(Command):
    """An adapter reports the space's whole member list (e.g. Slack's
    ``conversations.members``): those listed are members, anyone else has left."""

    remembers_actor: ClassVar[bool] = False
    members: tuple[Actor, ...] = ()


@dataclass(frozen=True)
class RequestMoreTime(Command):
    """Ask, privately, for a poll to stay open longer."""

    poll: int


@dataclass(frozen=True)
class ExtendPoll(Command):
    """Move a poll's closing time (and its reminders) later by ``by``, e.g. "1d"."""

    poll: int
    by: str


@dataclass(frozen=True)
class CreateSchedule(Command):
    """A recurring check-in, or (with options) a recurring poll."""

    text: str
    options: tuple[str, ...] = ()
    cron: str | None = None
    every: str | None = None
    first: str | None = None
    closes: str | None = None


@dataclass(frozen=True)
class ListSchedules(Command):
    """Show the space's recurring schedules."""


@dataclass(frozen=True)
class RemoveSchedule(Command):
    """Stop a recurring schedule."""

    number: int


@dataclass(frozen=True)
class SetTimezone(Command):
    """Set (or, with None, show) the person's own time zone."""

    timezone: str | None = None


# -- groups, facilitators, answers and ideas (handled in bot.coproduction) ------------


@dataclass(frozen=True)
class AddGroup(Command):
    """Declare a group in the space (facilitators)."""

    slug: str
    name: str | None = None


@dataclass(frozen=True)
class RemoveGroup(Command):
    """Remove a declared group and its memberships (facilitators)."""

    slug: str


@dataclass(frozen=True)
class JoinGroup(Command):
    """Join a group by saying you belong to it."""

    slug: str


@dataclass(frozen=True)
class LeaveGroup(Command):
    """Leave a group."""

    slug: str


@dataclass(frozen=True)
class AssignGroup(Command):
    """Put someone in a group, or (``remove``) take them out (facilitators)."""

    slug: str
    person: str
    remove: bool = False


@dataclass(frozen=True)
class MapGroup(Command):
    """Map a platform role onto a group, or with None remove the mapping (facilitators)."""

    slug: str
    role: str | None


@dataclass(frozen=True)
class ListGroups(Command):
    """Show the space's groups with member counts."""


@dataclass(frozen=True)
class RolesSeen(Command):
    """An adapter reports the platform roles (ids) the actor holds now.

    Mapped group memberships follow: groups mapped to a role they hold are joined, and
    mapped memberships whose role is gone are left. Memberships people declared
    themselves or were assigned are never touched.
    """

    role_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeFacilitator(Command):
    """Name someone a facilitator of the space, or (``remove``) stop them being one."""

    person: str
    remove: bool = False


@dataclass(frozen=True)
class ListFacilitators(Command):
    """Show who facilitates the space."""


@dataclass(frozen=True)
class Respond(Command):
    """The proposer answers a reason given with a block or disagreement.

    ``reason`` is the reason's number in the outcome, "all", or None for the only one left.
    """

    poll: int
    text: str
    reason: str | None = None


@dataclass(frozen=True)
class FollowUp(Command):
    """After a decision: what was done about it, kept in the log and posted."""

    poll: int
    text: str


@dataclass(frozen=True)
class Amend(Command):
    """Open a new round of a proposal that did not pass, with new wording."""

    poll: int
    text: str


@dataclass(frozen=True)
class StartIdeas(Command):
    """Open an ideas round."""

    question: str
    closes: str | None = None


@dataclass(frozen=True)
class AddIdea(Command):
    """Add an idea to an open round, anonymously."""

    round: int
    text: str


@dataclass(frozen=True)
class ListIdeas(Command):
    """Show a round's ideas, numbered, without authors."""

    round: int


@dataclass(frozen=True)
class IdeasToPoll(Command):
    """Turn chosen ideas into a poll (facilitators); ``poll`` holds the poll's flags."""

    round: int
    picks: str
    poll: CreatePoll
