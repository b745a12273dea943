"""Contributions, nudges and people's preferences: counted, never read. Part of the
core's shared vocabulary (see docs/voices.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from bot.i18n import pgettext
from bot.model import SpaceRef
from bot.timeparse import zone


class ContributionKind(StrEnum):
    """What someone did; counted, never read."""

    MESSAGE = "message"
    REPLY = "reply"
    VOTE = "vote"
    IDEA = "idea"
    REASON = "reason"
    RESPONSE = "response"
    #: Starting a poll, a proposal or an ideas round (issue 14: it is work for the group).
    START = "start"


def contribution_name(kind: ContributionKind) -> str:
    """A kind of contribution in the reader's language ("idea" / "syniad")."""
    names = {
        "message": pgettext("contribution", "message"),
        "reply": pgettext("contribution", "reply"),
        "vote": pgettext("contribution", "vote"),
        "idea": pgettext("contribution", "idea"),
        "reason": pgettext("contribution", "reason"),
        "response": pgettext("contribution", "response"),
        "start": pgettext("contribution", "start"),
    }
    return names[kind.value]


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
    #: The one private question, after someone's first contribution, whether they want
    #: involvement payments.
    PAYMENTS = "payments"
    #: A private reminder (one message, however many polls it lists) to someone who has
    #: not voted in a poll about to close. Logged so that the daily cap counts it.
    REMINDER = "reminder"


@dataclass(frozen=True)
class Nudge:
    """One private nudge or note, as logged: to whom, where, why, when. Never its text."""

    member: str
    space: SpaceRef
    reason: NudgeReason
    at: datetime
    poll_id: int | None = None


#: The daily cap counts the private messages of the last 24 hours, whatever the reader's
#: time zone: a local day would reset at midnight, just as quiet hours hold messages back
#: until the morning.
CAP_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Cap:
    """How many private messages the bot may start to one person: at most ``most`` logged
    in ``nudge_log`` after ``since`` (every reason counts: reminders, nudges, notes), less
    those kept free for more urgent messages already due to come (``keep_free``)."""

    since: datetime
    most: int
    #: Member -> their messages kept free for a poll's last reminder due soon.
    keep_free: Mapping[str, int] = field(default_factory=dict)

    def room(self, member: str) -> int:
        """How many messages ``member`` may have had since ``since`` for one more to go."""
        return self.most - self.keep_free.get(member, 0)


@dataclass(frozen=True)
class Preferences:
    """A member's own choices about nudges and involvement payments.

    Attributes:
        nudges: True or False once they said ``nudges on`` / ``nudges off``; None means
            the space's default (on, unless the config asks members to opt in).
        payments: True or False once they said ``payments on`` / ``payments off``; None
            means they have not said (shown as "not asked" in the record).
    """

    nudges: bool | None = None
    payments: bool | None = None


@dataclass(frozen=True)
class NudgePolicy:
    """Settings for nudges (``[nudges]`` in the config).

    Attributes:
        enabled: False turns member nudges off everywhere.
        opt_in: True nudges only members who said ``nudges on``.
        every: At most one nudge per member this often.
        quiet_start: Quiet hours start (the member's local time).
        quiet_end: Quiet hours end; equal to the start means no quiet hours.
        after_open: A poll must be open this long before its non-voters are nudged.
        per_day: At most this many private messages the bot starts to one person in any 24
            hours, reminders, nudges and notes together; 0 means no cap.
    """

    enabled: bool = True
    opt_in: bool = False
    every: timedelta = timedelta(days=3)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)
    after_open: timedelta = timedelta(hours=24)
    per_day: int = 3

    def cap(self, now: datetime, keep_free: Mapping[str, int] | None = None) -> Cap | None:
        """The cap on a message sent at ``now`` (None: no cap). A less urgent message
        leaves ``keep_free[member]`` of the person's messages for more urgent ones."""
        if self.per_day <= 0:
            return None
        return Cap(now - CAP_WINDOW, self.per_day, dict(keep_free or {}))

    def quiet_until(self, now: datetime, tz: str) -> datetime | None:
        """When the quiet hours that ``now`` falls in end (UTC), or None if not quiet."""
        if not self.quiet(now, tz):
            return None
        here = zone(tz)
        day = now.astimezone(here).date()
        for days in range(3):  # today's end, or tomorrow's (or later, across a DST gap)
            end = datetime.combine(day + timedelta(days=days), self.quiet_end, tzinfo=here)
            if end.astimezone(UTC) > now:
                return end.astimezone(UTC)
        return now + timedelta(days=1)  # not reached: the end of the hours always comes

    def quiet(self, now: datetime, tz: str) -> bool:
        """Whether ``now`` falls in the quiet hours of time zone ``tz``."""
        local = now.astimezone(zone(tz)).time()
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end


@dataclass(frozen=True)
class BalancePolicy:
    """Settings for the balance view and the note to facilitators.

    Attributes:
        days: The default window, in days (``balance --days N`` overrides it).
        threshold: A group whose voice ratio goes above this, while a decision is open,
            prompts a private note to facilitators. 0 turns the note off.
        min_group_size: Groups with fewer members show no figures, so nobody is singled out.
        min_contributions: No note before the window holds this many contributions.
    """

    days: int = 14
    threshold: float = 1.5
    min_group_size: int = 3
    min_contributions: int = 10
