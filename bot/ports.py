"""The interfaces the core needs from the outside world: a store and a clock.

The core depends on these protocols only; ``storage/`` implements the store and
the wiring (``roundtable/bootstrap.py``) picks the implementations. The group,
ideas, voices and reach parts of the store are declared in ``bot.store_parts``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.model import Actor, Decision, Group, Opened, Poll, PollSpec, SpaceRef, VoteReceipt
from bot.store_parts import (
    GroupStore,
    IdeaStore,
    JobStore,
    ReachStore,
    ScheduleStore,
    VoiceStore,
)
from bot.timed_work import NewJob, Schedule


class Clock(Protocol):
    """Tells the time, in UTC."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to: for the playground and for tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        """The fake current time."""
        return self._now

    def advance(self, by: timedelta) -> datetime:
        """Move the clock forward and return the new time."""
        self._now += by
        return self._now

    def set(self, at: datetime) -> None:
        """Put the clock at ``at`` (never backwards)."""
        self._now = max(self._now, at)


class Store(JobStore, ScheduleStore, Protocol):
    """Everything the core reads and writes. Implemented by ``storage.SqlStore``.

    The groups, ideas, voices and reach parts are declared in ``bot.store_parts``
    (``GroupStore``, ``IdeaStore``, ``VoiceStore``, ``ReachStore``), and so are the
    timed work and schedules (``JobStore``, ``ScheduleStore``, which it extends); ``SqlStore``
    implements them all.

    Ballots and participation are written together but kept in separate tables with
    nothing linking them; see ``docs/anonymity.md``.
    """

    async def start(self) -> None:
        """Create tables if needed and get ready to serve."""
        ...

    async def close(self) -> None:
        """Finish pending writes and release connections."""
        ...

    # -- members and spaces -------------------------------------------------

    async def touch_member(self, space: SpaceRef, actor: Actor, now: datetime, *,
                           join: bool = True) -> None:
        """Record that ``actor`` belongs to ``space`` (cheap when already known).

        With ``join=False`` only a known member's name is updated: acting in a space
        never makes someone its member; only the platform's report does.
        """
        ...

    async def is_member(self, space: SpaceRef, member: str) -> bool:
        """Whether the platform reported ``member`` in the space (and not since gone)."""
        ...

    async def set_members(self, space: SpaceRef, members: Sequence[Actor], now: datetime) -> None:
        """The platform's whole member list for the space: add the new, remove the rest."""
        ...

    async def remove_members(self, space: SpaceRef, members: Sequence[str]) -> None:
        """These members (identity keys) left the space: they no longer vote or count."""
        ...

    async def member_count(self, space: SpaceRef) -> int:
        """How many members the space has: the people who can vote there."""
        ...

    async def member_keys(self, space: SpaceRef) -> list[str]:
        """The identity keys of the space's members."""
        ...

    async def facilitators(self, space: SpaceRef) -> set[str]:
        """Identity keys of the space's facilitators."""
        ...

    async def add_facilitator(self, space: SpaceRef, member: str) -> None:
        """Make a member a facilitator of the space."""
        ...

    # -- polls ----------------------------------------------------------------

    async def create_poll(
        self,
        space: SpaceRef,
        creator: str,
        spec: PollSpec,
        salt: bytes,
        now: datetime,
        jobs: Sequence[NewJob] = (),
    ) -> Poll:
        """Store a new open poll with the next free number in its space.

        ``jobs`` (its closing and reminders) are added in the same transaction; those
        without a ``poll_id`` get the new poll's id.

        Raises:
            BadInput: ``spec.follows`` names a poll that already has a later round (two
                people amended it at once; checked in the transaction).
        """
        ...

    async def find_poll(self, space: SpaceRef, number: int) -> Poll | None:
        """The poll with this number in this space, if any."""
        ...

    async def get_poll(self, poll_id: int) -> Poll | None:
        """The poll with this id, if any."""
        ...

    async def open_polls(self, space: SpaceRef) -> list[Poll]:
        """Open polls in the space, oldest first."""
        ...

    async def poll_salt(self, poll_id: int) -> bytes | None:
        """The poll's salt for voter tags; None once the poll has closed."""
        ...

    async def next_round(self, poll: Poll) -> Poll | None:
        """The later round of a proposal that follows ``poll`` (``amend``), if any.

        A cancelled round does not count. Polls read from the store carry their place in
        the chain (``Poll.round``), and decisions theirs (``round``, ``amended_as``).
        """
        ...

    # -- votes ----------------------------------------------------------------

    async def record_vote(
        self, poll_id: int, voter_tag: bytes, ballot: str, member: str, voter_name: str | None
    ) -> VoteReceipt:
        """Write or replace one ballot and mark the member as having voted.

        Concurrent calls are written together in one short transaction (group
        commit); each caller returns when the transaction holding its vote commits.
        The ballot is kept with the slugs of the member's groups at that moment, for
        group rules; they are cleared at close with the voter tags.

        Raises:
            PollClosed: The poll is no longer open (checked inside the transaction).
        """
        ...

    async def voted_count(self, poll_id: int) -> int:
        """How many members have voted in the poll."""
        ...

    async def has_voted(self, poll_id: int, member: str) -> bool:
        """Whether the member has voted in the poll."""
        ...

    async def ballots(self, poll_id: int) -> list[tuple[str | None, str]]:
        """All ballots of a poll as ``(voter_name, ballot)``.

        ``voter_name`` is None on anonymous polls. The order carries no meaning.
        """
        ...

    # -- closing --------------------------------------------------------------

    async def claim_close(self, poll_id: int, now: datetime, stale_before: datetime) -> bool:
        """Atomically stop voting on a poll so that this process may count it.

        Succeeds for an OPEN poll, or a CLOSING one whose claim is older than
        ``stale_before``. Returns False when another process holds the claim or
        the poll has ended.
        """
        ...

    async def release_closes(self, poll_ids: Sequence[int]) -> None:
        """Put CLOSING polls back to OPEN, e.g. when a count asked for by a person failed."""
        ...

    async def finish_close(
        self, poll_id: int, decision: Decision, opened: Opened | None = None,
        jobs: Sequence[NewJob] = (),
    ) -> bool:
        """Log the decision, keep what ``opened`` holds (the poll's ballots or ideas in plain
        text, the idea authors to credit), credit its voters, and shred the poll's sealed
        rows, voter tags and salt, in one transaction.

        Only succeeds for a poll in CLOSING; returns False otherwise.
        """
        ...

    async def claim_closes(self, poll_ids: Sequence[int], now: datetime,
                           stale_before: datetime, due_by: datetime | None = None) -> set[int]:
        """``claim_close`` for several polls in one statement; returns the ids won.

        With ``due_by`` (a timer closing), a poll whose closing time is later is not
        claimed, so an ``extend`` committed a moment ago in any process wins.
        """
        ...

    async def finish_closes(
        self, decisions: Sequence[tuple[int, Decision]],
        opened: Mapping[int, Opened] | None = None,
        jobs: Sequence[NewJob] = (),
    ) -> set[int]:
        """``finish_close`` for several polls (``opened`` by poll id; ``jobs`` added for each
        poll closed, in the same transaction); returns the ids closed."""
        ...

    # -- batch reads for timed work (one query for a claimed batch of jobs) -----

    async def get_polls(self, poll_ids: Sequence[int]) -> dict[int, Poll]:
        """The polls that exist among these ids, by id."""
        ...

    async def voted_counts(self, poll_ids: Sequence[int]) -> dict[int, int]:
        """How many have voted in each poll, by id (every id given is in the answer)."""
        ...

    async def member_counts(self, spaces: Sequence[SpaceRef]) -> dict[str, int]:
        """How many members each space has, by space key."""
        ...

    async def members_without_votes(self, poll_ids: Sequence[int]) -> dict[int, list[str]]:
        """For each poll: member keys of its space's members who have not voted, sorted."""
        ...

    async def get_schedules(self, schedule_ids: Sequence[int]) -> dict[int, Schedule]:
        """The active schedules among these ids, by id."""
        ...

    async def poll_salts(self, poll_ids: Sequence[int]) -> dict[int, bytes | None]:
        """``poll_salt`` for several polls, by id (None where the salt is gone)."""
        ...

    async def groups_of(self, spaces: Sequence[SpaceRef]) -> dict[str, list[Group]]:
        """Each space's groups, by space key."""
        ...

    async def tagged_ballots_of(
        self, poll_ids: Sequence[int]
    ) -> dict[int, list[tuple[str | None, str, frozenset[str]]]]:
        """``GroupStore.tagged_ballots`` for several polls, by poll id."""
        ...

    async def cancel_poll(self, poll_id: int, decision: Decision) -> bool:
        """End an OPEN poll without a count: delete its ballots and salt, log it.

        Returns False when the poll was not open.
        """
        ...

    async def decisions(self, space: SpaceRef | None = None, limit: int | None = None) -> list[
        Decision
    ]:
        """Logged decisions, newest first; all spaces when ``space`` is None."""
        ...

    # -- adapter bookkeeping ----------------------------------------------------

    async def remember_post(self, key: str, platform: str, ref: str) -> None:
        """Remember where an adapter posted a message the core may update later."""
        ...

    async def posted(self, wanted: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (key, platform) posts are on record."""
        ...

    async def find_post(self, key: str, platform: str) -> str | None:
        """Where an adapter posted the message with this key, if it said."""
        ...

    # -- members' own settings and requests ---------------------------------------

    async def set_member_timezone(self, member: str, timezone: str) -> None:
        """Remember a member's time zone (for reminders and quiet hours)."""
        ...

    async def member_timezone(self, member: str) -> str | None:
        """A member's time zone, if they set one."""
        ...

    async def member_timezones(self, members: Collection[str]) -> dict[str, str]:
        """The time zones of those of ``members`` who set one."""
        ...

    async def set_member_language(self, member: str, language: str | None) -> None:
        """Remember the language a member chose ("cy", "en"); None forgets it."""
        ...

    async def member_languages(self, members: Collection[str]) -> dict[str, str]:
        """The languages of those of ``members`` who chose one."""
        ...

    async def members_without_vote(self, poll_id: int, space: SpaceRef) -> list[str]:
        """Members of the space who have not voted in the poll."""
        ...

    async def request_more_time(self, poll_id: int, member: str) -> int:
        """Record that a member asked for more time (once per member); return the count."""
        ...

    async def time_requests(self, poll_id: int) -> int:
        """How many members asked for more time on the poll."""
        ...


__all__ = ["Clock", "FakeClock", "GroupStore", "IdeaStore", "JobStore", "ReachStore",
           "ScheduleStore", "Store", "SystemClock", "VoiceStore"]
