"""Domain values shared by the core, the store and the adapters.

Everything here is a frozen dataclass or an enum: plain values with no behaviour
that touches a platform or a database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.i18n import _, ngettext, pgettext

MAX_OPTIONS = 20
MIN_OPTIONS = 2
MAX_OPTION_LENGTH = 80
MAX_QUESTION_LENGTH = 300
MAX_REASON_LENGTH = 500
MAX_SCORE = 5


class PollKind(StrEnum):
    """What a ballot looks like."""

    CHOICE = "choice"
    MULTI = "multi"
    RANKED = "ranked"
    SCORE = "score"
    DOTS = "dots"
    CONSENT = "consent"
    #: An ideas round: people add ideas, nothing is voted on (see ``bot.coproduction.ideas``).
    IDEAS = "ideas"


class Method(StrEnum):
    """How ballots are counted."""

    PLURALITY = "plurality"
    APPROVAL = "approval"
    SCHULZE = "schulze"
    IRV = "irv"
    BORDA = "borda"
    SCORE = "score"
    DOTS = "dots"
    CONSENT = "consent"
    IDEAS = "ideas"


#: The method each kind uses unless the creator picks another (only ranked has a choice).
DEFAULT_METHOD = {
    PollKind.CHOICE: Method.PLURALITY,
    PollKind.MULTI: Method.APPROVAL,
    PollKind.RANKED: Method.SCHULZE,
    PollKind.SCORE: Method.SCORE,
    PollKind.DOTS: Method.DOTS,
    PollKind.CONSENT: Method.CONSENT,
    PollKind.IDEAS: Method.IDEAS,
}

RANKED_METHODS = (Method.SCHULZE, Method.IRV, Method.BORDA)


class Rule(StrEnum):
    """How groups count in a decision (see ``docs/counting.md``, "Groups and rules")."""

    #: The option with the most support wins; a proposal needs no block and more agree.
    MAJORITY = "majority"
    #: Proposals only: a block holds the proposal until the proposer answers it.
    CONSENT = "consent"
    #: The threshold (default: a majority) must be met within every group that took part.
    PARITY = "parity"
    #: Each group's ballots weigh the same in total, whatever its size.
    EQUAL_WEIGHT = "equal-weight"


#: Rules that need the space to have declared groups.
GROUP_RULES = (Rule.PARITY, Rule.EQUAL_WEIGHT)


class PollStatus(StrEnum):
    """Where a poll is in its life."""

    OPEN = "open"
    #: Claimed for closing: no more votes are taken; the count is being written.
    CLOSING = "closing"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Stance(StrEnum):
    """A position on a consent proposal."""

    AGREE = "agree"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"


def stance_name(stance: Stance) -> str:
    """A stance in the reader's language ("agree" / "cytuno"); people type the English."""
    names = {"agree": pgettext("stance", "agree"), "abstain": pgettext("stance", "abstain"),
             "disagree": pgettext("stance", "disagree"), "block": pgettext("stance", "block")}
    return names[stance.value]


def kind_name(kind: PollKind) -> str:
    """A kind of poll in the reader's language ("ranked" / "trefn")."""
    names = {"choice": pgettext("poll kind", "choice"), "multi": pgettext("poll kind", "multi"),
             "ranked": pgettext("poll kind", "ranked"), "score": pgettext("poll kind", "score"),
             "dots": pgettext("poll kind", "dots"), "ideas": pgettext("poll kind", "ideas"),
             "consent": pgettext("poll kind", "consent")}
    return names[kind.value]


def method_name(method: Method) -> str:
    """A counting method in the reader's language ("approval" / "cymeradwyo")."""
    names = {"plurality": pgettext("method", "plurality"), "irv": pgettext("method", "irv"),
             "approval": pgettext("method", "approval"), "borda": pgettext("method", "borda"),
             "schulze": pgettext("method", "schulze"), "score": pgettext("method", "score"),
             "dots": pgettext("method", "dots"), "consent": pgettext("method", "consent"),
             "ideas": pgettext("method", "ideas")}
    return names[method.value]


@dataclass(frozen=True)
class Actor:
    """Who did something, as the adapter knows them.

    Attributes:
        platform: "console", "slack" or "discord".
        workspace: Slack team id or Discord guild id ("local" in the playground).
        user_id: The platform's id for the person.
        name: Display name, for open polls and greetings only.
        roles: Platform roles the adapter vouches for, e.g. {"admin"}.
        locale: The language the platform says the person uses ("en-GB"), if it says;
            used when they have not chosen one with ``language``.
    """

    platform: str
    workspace: str
    user_id: str
    name: str = ""
    roles: frozenset[str] = frozenset()
    locale: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        """A stable identity for this person across spaces on one platform."""
        return f"{self.platform}:{self.workspace}:{self.user_id}"


@dataclass(frozen=True)
class SpaceRef:
    """Where a group decides: one channel on one platform."""

    platform: str
    workspace: str
    channel: str

    @property
    def key(self) -> str:
        """A stable identity for the space."""
        return f"{self.platform}:{self.workspace}:{self.channel}"


@dataclass(frozen=True)
class Quorum:
    """How many ballots a poll needs before its result counts.

    Exactly one of ``count`` and ``percent`` is set.
    """

    count: int | None = None
    percent: float | None = None

    def needed(self, eligible: int) -> int:
        """Ballots needed given how many people could vote."""
        if self.count is not None:
            return self.count
        assert self.percent is not None
        # Round up: "50% of 7" means 4 people, not 3.5. Rounding first keeps 0.1 + 0.2 honest.
        return math.ceil(round(self.percent * eligible / 100, 6))

    def describe(self) -> str:
        """The quorum in plain words, in the reader's language ("3 people", "50% of members")."""
        if self.count is not None:
            return ngettext("{count} person", "{count} people", self.count).format(
                count=self.count)
        return _("{percent}% of members").format(percent=f"{self.percent:g}")


@dataclass(frozen=True)
class PollSpec:
    """Everything a person chose when creating a poll; validated by ``bot.polls.kinds``."""

    question: str
    options: tuple[str, ...]
    kind: PollKind
    method: Method
    anonymous: bool = True
    show_results: bool = False
    quorum: Quorum | None = None
    #: Percent (1–100) of ballots the winner or proposal needs; None means a plain majority
    #: for proposals and most support for other kinds.
    threshold: float | None = None
    closes_at: datetime | None = None
    max_picks: int | None = None
    dots: int | None = None
    #: Lead times, in seconds before closing, for reminders to members who have not voted.
    #: Empty means no reminders.
    reminders: tuple[int, ...] = ()
    rule: Rule = Rule.MAJORITY
    #: Percent (1–100) of each group's members who must vote; None: no per-group quorum.
    quorum_each: float | None = None
    #: The id of the poll this proposal is a new round of (``amend #N``); None for a first
    #: round. An internal id, never shown: people see poll numbers (``Round``).
    follows: int | None = None


@dataclass(frozen=True)
class Round:
    """Where a later round of a proposal (``amend #N``) stands, in poll numbers.

    Attributes:
        number: Which round it is: 2, 3, ...
        first: The number of the proposal's first round.
        previous: The number of the round it follows.
    """

    number: int
    first: int
    previous: int


@dataclass(frozen=True)
class Poll:
    """A stored poll. ``round`` is set by the store on a later round of a proposal."""

    id: int
    space: SpaceRef
    number: int
    creator: str
    spec: PollSpec
    status: PollStatus
    created_at: datetime
    closed_at: datetime | None = None
    round: Round | None = None

    @property
    def ref(self) -> str:
        """How people refer to the poll in its space, e.g. ``#3``."""
        return f"#{self.number}"

    @property
    def is_open(self) -> bool:
        """True while votes are taken."""
        return self.status is PollStatus.OPEN


@dataclass(frozen=True)
class Ballot:
    """What one person chose, with nothing that says who they are.

    Attributes:
        picks: Option indices. Choice: one. Multi: the approved ones. Ranked: best first.
        points: (option index, points) pairs, for score and dots polls, sorted by option.
        stance: For consent proposals.
        reason: Why, for a block or disagreement.
    """

    picks: tuple[int, ...] = ()
    points: tuple[tuple[int, int], ...] = ()
    stance: Stance | None = None
    reason: str | None = None


@dataclass(frozen=True)
class VoteReceipt:
    """What the store reports after a vote is written."""

    replaced: bool
    voted: int


@dataclass(frozen=True)
class Verdict:
    """What an outcome says once every reason has been answered (see ``Outcome.pending``)."""

    summary: str
    reason: str
    passed: bool | None


@dataclass(frozen=True)
class Outcome:
    """The result of a closed poll, in aggregate only.

    Attributes:
        summary: One line in plain words ("Park wins." / "Passed." / "Not passed.").
        reason: Why, in plain words.
        winners: Labels of the winning options (empty for proposals or no result).
        passed: For proposals and thresholds: did it pass? None when not applicable.
        tallies: (label, figure) per option or stance, in display order.
        story: Short lines explaining the count (rounds, pairwise results).
        tied: Labels that were tied before the tie-break.
        voted: Ballots counted.
        eligible: Members who could vote.
        reasons: Reasons given for blocks and disagreements, without names on anonymous polls.
        unit: What the tally figures count ("votes", "points"...).
        voters: On open (non-anonymous) polls only: (name, what they chose).
        groups: (group name, plain-words line) per group: its breakdown, or "fewer than 5 —
            not shown" for small groups, and whether a parity rule held there.
        responses: (reason number, the proposer's answer); numbers count ``reasons`` from 1.
        awaiting: Reasons still to be answered before this outcome is final.
        pending: While ``awaiting``, what the outcome becomes once every reason is answered.
        follow_ups: (UTC day, what was done) recorded after the decision (``follow-up``).
    """

    summary: str
    reason: str
    winners: tuple[str, ...] = ()
    passed: bool | None = None
    tallies: tuple[tuple[str, float], ...] = ()
    story: tuple[str, ...] = ()
    tied: tuple[str, ...] = ()
    voted: int = 0
    eligible: int = 0
    reasons: tuple[tuple[str, str], ...] = ()
    unit: str = "votes"
    voters: tuple[tuple[str, str], ...] = ()
    groups: tuple[tuple[str, str], ...] = ()
    responses: tuple[tuple[int, str], ...] = ()
    awaiting: int = 0
    pending: Verdict | None = None
    follow_ups: tuple[tuple[str, str], ...] = ()

    @property
    def final(self) -> bool:
        """False while the proposer still has reasons to answer."""
        return self.awaiting == 0


@dataclass(frozen=True)
class Decision:
    """An entry in the decision log."""

    space: SpaceRef
    poll_number: int
    question: str
    kind: PollKind
    method: Method
    rule: str
    options: tuple[str, ...]
    status: PollStatus
    outcome: Outcome
    opened_at: datetime
    closed_at: datetime
    anonymous: bool = True
    #: On a later round of a proposal: which round, after which (filled in by the store).
    round: Round | None = None
    #: The number of the round that followed this one (``amend``), if any.
    amended_as: int | None = None


@dataclass(frozen=True)
class Opened:
    """What the core read out of a poll's sealed rows at close, for the store to keep.

    ``ballots`` are ``(voter_name, ballot JSON)`` in plain text (names only on open
    polls); ``ideas`` the round's ideas in the order they are listed (None: not a
    round); ``authors`` the members who added ideas, to be credited once each.
    """

    ballots: tuple[tuple[str | None, str], ...] = ()
    ideas: tuple[str, ...] | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """A declared constituency in a space, e.g. ``lived-experience``.

    ``role`` is the platform role (Discord role, Slack user group) mapped onto it, if any.
    """

    slug: str
    name: str
    role: str | None = None


