"""Domain values shared by the core, the store and the adapters.

Everything here is a frozen dataclass or an enum: plain values with no behaviour
that touches a platform or a database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

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


#: The method each kind uses unless the creator picks another (only ranked has a choice).
DEFAULT_METHOD = {
    PollKind.CHOICE: Method.PLURALITY,
    PollKind.MULTI: Method.APPROVAL,
    PollKind.RANKED: Method.SCHULZE,
    PollKind.SCORE: Method.SCORE,
    PollKind.DOTS: Method.DOTS,
    PollKind.CONSENT: Method.CONSENT,
}

RANKED_METHODS = (Method.SCHULZE, Method.IRV, Method.BORDA)


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


@dataclass(frozen=True)
class Actor:
    """Who did something, as the adapter knows them.

    Attributes:
        platform: "console", "slack" or "discord".
        workspace: Slack team id or Discord guild id ("local" in the playground).
        user_id: The platform's id for the person.
        name: Display name, for open polls and greetings only.
        roles: Platform roles the adapter vouches for, e.g. {"admin"}.
    """

    platform: str
    workspace: str
    user_id: str
    name: str = ""
    roles: frozenset[str] = frozenset()

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
        """The quorum in plain words."""
        if self.count is not None:
            return f"{self.count} ballot{'s' if self.count != 1 else ''}"
        return f"{self.percent:g}% of members"


@dataclass(frozen=True)
class PollSpec:
    """Everything a person chose when creating a poll; validated by ``bot.polls``."""

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


@dataclass(frozen=True)
class Poll:
    """A stored poll."""

    id: int
    space: SpaceRef
    number: int
    creator: str
    spec: PollSpec
    status: PollStatus
    created_at: datetime
    closed_at: datetime | None = None

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


class JobKind(StrEnum):
    """Timed work the database remembers."""

    #: Close a poll at its closing time.
    CLOSE = "close"
    #: Remind members who have not voted; ``data`` holds the lead time in seconds.
    REMIND = "remind"
    #: One occurrence of a recurring schedule.
    OCCUR = "occur"


@dataclass(frozen=True)
class NewJob:
    """A job to add. A job given with ``create_poll`` and no ``poll_id`` belongs to the new poll."""

    kind: JobKind
    due_at: datetime
    poll_id: int | None = None
    schedule_id: int | None = None
    #: Small JSON text with kind-specific details (never a ballot or a name).
    data: str = "{}"


@dataclass(frozen=True)
class Job:
    """A claimed job, ready to run."""

    id: int
    kind: JobKind
    due_at: datetime
    poll_id: int | None
    schedule_id: int | None
    data: str
    #: How many earlier runs failed.
    attempts: int


@dataclass(frozen=True)
class Schedule:
    """A recurring check-in (or poll) in a space.

    Exactly one of ``cron`` and ``every_seconds`` is set. ``options`` empty means a
    check-in message; otherwise each occurrence opens a poll with these options.
    """

    id: int
    space: SpaceRef
    number: int
    creator: str
    text: str
    cron: str | None
    every_seconds: int | None
    timezone: str
    options: tuple[str, ...] = ()
    #: How long each occurrence's poll stays open, in seconds (None: until closed by hand).
    poll_seconds: int | None = None
