"""The interfaces the core needs from the outside world: a store and a clock.

The core depends on these protocols only; ``storage/`` implements the store and
the wiring (``roundtable/bootstrap.py``) picks the implementations.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from bot.model import (
    Actor,
    Contribution,
    ContributionCount,
    Decision,
    Group,
    Job,
    NewJob,
    Nudge,
    Outcome,
    Poll,
    PollSpec,
    Preferences,
    Schedule,
    SpaceRef,
    VoteReceipt,
)


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


class Store(Protocol):
    """Everything the core reads and writes. Implemented by ``storage.SqlStore``.

    The groups, ideas and voices parts are declared in ``GroupStore``, ``IdeaStore`` and
    ``VoiceStore`` below; ``SqlStore`` implements them all.

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

    async def touch_member(self, space: SpaceRef, actor: Actor, now: datetime) -> None:
        """Record that ``actor`` belongs to ``space`` (cheap when already known)."""
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

    async def finish_close(self, poll_id: int, decision: Decision) -> bool:
        """Log the decision and shred the poll's voter tags and salt, in one transaction.

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

    async def finish_closes(self, decisions: Sequence[tuple[int, Decision]]) -> set[int]:
        """``finish_close`` for several polls in one transaction; returns the ids closed."""
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

    async def members_without_votes(
        self, polls: Sequence[tuple[int, SpaceRef]]
    ) -> dict[int, list[str]]:
        """For each ``(poll id, space)``: member keys of those who have not voted, sorted."""
        ...

    async def get_schedules(self, schedule_ids: Sequence[int]) -> dict[int, Schedule]:
        """The active schedules among these ids, by id."""
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

    async def find_post(self, key: str, platform: str) -> str | None:
        """Where an adapter posted the message with this key, if it said."""
        ...

    # -- timed work (see docs/timing.md) ------------------------------------------

    async def add_jobs(self, jobs: Sequence[NewJob]) -> None:
        """Add jobs in one transaction."""
        ...

    async def claim_jobs(
        self, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Job]:
        """Atomically claim up to ``limit`` due jobs for ``worker``, earliest first.

        A job is due when it is not done, ``due_at <= now``, and it is unclaimed or its
        lease has run out (its worker stopped). Two workers never get the same job while
        a lease holds: a conditional UPDATE (``FOR UPDATE SKIP LOCKED`` on PostgreSQL).
        """
        ...

    async def finish_jobs(
        self, done: Sequence[tuple[int, Sequence[NewJob]]], worker: str, now: datetime
    ) -> int:
        """Mark jobs done and add their follow-up jobs (e.g. the next occurrence), atomically.

        Only jobs still claimed by ``worker`` are finished (and only their follow-ups
        added); returns how many were.
        """
        ...

    async def renew_leases(self, job_ids: Sequence[int], worker: str,
                           lease_until: datetime) -> set[int]:
        """Extend ``worker``'s claim on unfinished jobs it holds; returns the ids still held."""
        ...

    async def fail_job(
        self, job_id: int, worker: str, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        """Record a failed run: count it, keep ``error`` (a short type name, never a payload),
        and either release the job to run again at ``retry_at`` or, with None, give up on
        it (it is then done, marked failed)."""
        ...

    async def next_due(self) -> datetime | None:
        """When the earliest pending job falls due, if there is one."""
        ...

    async def next_due_after(self, after: datetime) -> datetime | None:
        """The earliest due time later than ``after`` among pending jobs (cheap)."""
        ...

    async def job_failures(self) -> list[tuple[int, str, int, str]]:
        """Jobs given up on: (id, kind, attempts, last error)."""
        ...

    async def extend_poll(
        self, poll_id: int, closes_at: datetime, jobs: Sequence[NewJob]
    ) -> bool:
        """Move an OPEN poll's closing time and replace its pending (unclaimed, not done)
        jobs with ``jobs``, in one transaction. False if the poll is not open."""
        ...

    # -- schedules ------------------------------------------------------------------

    async def create_schedule(
        self,
        space: SpaceRef,
        creator: str,
        schedule: Schedule,
        first: NewJob,
        now: datetime,
    ) -> Schedule:
        """Store a schedule with the next free number in its space (``schedule.id`` and
        ``schedule.number`` are ignored) and its first occurrence job (whose
        ``schedule_id`` is filled in), in one transaction."""
        ...

    async def schedules(self, space: SpaceRef) -> list[Schedule]:
        """The space's active schedules, by number."""
        ...

    async def get_schedule(self, schedule_id: int) -> Schedule | None:
        """An active schedule by id."""
        ...

    async def delete_schedule(self, space: SpaceRef, number: int) -> bool:
        """Remove a schedule and its pending jobs; False if there was none."""
        ...

    # -- members' own settings and requests ---------------------------------------

    async def set_member_timezone(self, member: str, timezone: str) -> None:
        """Remember a member's time zone (for reminders and quiet hours)."""
        ...

    async def member_timezone(self, member: str) -> str | None:
        """A member's time zone, if they set one."""
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


class GroupStore(Protocol):
    """Groups declared in a space and who belongs to them (implemented in storage/groups.py)."""

    async def add_group(self, space: SpaceRef, group: Group) -> bool:
        """Declare a group; False if the slug is already taken in the space."""
        ...

    async def groups(self, space: SpaceRef) -> list[Group]:
        """The space's groups, by slug."""
        ...

    async def join_group(self, space: SpaceRef, slug: str, member: str, source: str) -> bool:
        """Add a member to a group (source: "self", "assigned" or "mapped"); False if
        already in it. The group must exist."""
        ...

    async def leave_group(self, space: SpaceRef, slug: str, member: str) -> bool:
        """Take a member out of a group; False if they were not in it."""
        ...

    async def group_members(self, space: SpaceRef) -> dict[str, set[str]]:
        """Group slug -> member keys, for every group of the space (empty sets included)."""
        ...

    async def member_groups(self, space: SpaceRef, member: str) -> list[str]:
        """The slugs of the groups a member is in, sorted."""
        ...

    # Beyond the six above: what the group commands, rules and answers need.

    async def remove_group(self, space: SpaceRef, slug: str) -> bool:
        """Remove a group and its memberships; False if there was no such group."""
        ...

    async def set_group_role(self, space: SpaceRef, slug: str, role: str | None) -> bool:
        """Map a platform role onto a group; False if there is no such group. With None the
        mapping ends and those who joined through it stay, as if assigned."""
        ...

    async def sync_mapped(
        self, space: SpaceRef, member: str, slugs: Iterable[str]
    ) -> tuple[list[str], list[str]]:
        """Make the member's "mapped" memberships exactly ``slugs`` (others untouched);
        return the slugs joined and left."""
        ...

    async def remove_facilitator(self, space: SpaceRef, member: str) -> bool:
        """Stop a member being a named facilitator; False if they were not one."""
        ...

    async def find_members(self, space: SpaceRef, word: str) -> list[tuple[str, str]]:
        """Members whose user id or display name is ``word`` (any case), as (key, name)."""
        ...

    async def member_names(self, space: SpaceRef, members: Iterable[str]) -> dict[str, str]:
        """Display names of these members of the space."""
        ...

    async def tagged_ballots(self, poll_id: int) -> list[tuple[str | None, str, frozenset[str]]]:
        """Ballots as (voter name, ballot, the voter's group slugs when voting). Votes are
        tagged by ``record_vote``; the tags are cleared when the poll closes."""
        ...

    async def update_outcome(
        self, space: SpaceRef, poll_number: int, change: Callable[[Outcome], Outcome]
    ) -> Decision | None:
        """Apply ``change`` to a logged outcome atomically (it may raise to change nothing);
        None if the poll has no logged decision."""
        ...


class IdeaStore(Protocol):
    """Ideas in an ideas round, without authors (implemented in storage/ideas.py)."""

    async def add_idea(self, poll_id: int, text: str, folded: str) -> int | None:
        """Add an idea to an open round; its number, or None if ``folded`` is taken.

        Raises:
            PollClosed: The round is not open.
        """
        ...

    async def ideas(self, poll_id: int) -> list[str]:
        """The round's ideas, in the order they arrived."""
        ...


class VoiceStore(Protocol):
    """Counted contributions (implemented in storage/voices.py)."""

    async def record_contribution(self, item: Contribution) -> None:
        """Count one contribution. Cheap: aggregated in memory and written in batches;
        an ``event_id`` already seen is ignored. Nothing is lost on a clean ``close()``."""
        ...

    async def flush_contributions(self) -> None:
        """Write every contribution still held in memory."""
        ...

    async def contribution_totals(self, space: SpaceRef, since: date) -> dict[str, int]:
        """Member -> contributions of every kind in the space from ``since`` (a UTC day) on."""
        ...

    async def contribution_counts(
        self, member: str, space: SpaceRef | None = None
    ) -> list[ContributionCount]:
        """A member's counts per space, day and kind (all spaces when ``space`` is None)."""
        ...

    async def involvement_counts(
        self, since: date, until: date
    ) -> list[tuple[ContributionCount, str]]:
        """Every member's counts per space and kind over ``since``..``until`` (UTC days,
        inclusive), each with the member's display name in that space."""
        ...

    async def participated_polls(self, member: str, space: SpaceRef | None = None) -> list[Poll]:
        """The polls a member voted in (never what they chose), oldest first."""
        ...

    # -- preferences and the nudge log ---------------------------------------------------

    async def preferences(self, member: str) -> Preferences:
        """A member's nudge and payment choices."""
        ...

    async def preferences_of(self, members: Collection[str]) -> dict[str, Preferences]:
        """Member -> preferences, for every member asked about."""
        ...

    async def set_preferences(
        self, member: str, *, nudges: bool | None = None, payments: bool | None = None
    ) -> None:
        """Record a member's choice; a preference given as None is left as it was."""
        ...

    async def nudge_targets(
        self, members: Sequence[str], not_since: datetime, opt_in: bool
    ) -> dict[str, str | None]:
        """The members who may be nudged now (not opted out, not nudged at or after
        ``not_since``), each with their own time zone if they set one."""
        ...

    async def claim_nudges(
        self, nudges: Sequence[Nudge], not_since: datetime, opt_in: bool
    ) -> list[Nudge]:
        """Atomically re-check and log the nudges that may still be sent; return those."""
        ...

    async def claim_balance_note(self, poll_id: int, now: datetime,
                                 notes: Sequence[Nudge]) -> bool:
        """Mark a poll's balance note as sent and log ``notes``; False if sent before."""
        ...

    async def nudge_counts(self, space: SpaceRef, since: datetime) -> dict[str, int]:
        """Reason -> nudges and notes sent in the space since ``since``."""
        ...

    # -- a person's own record -------------------------------------------------------------

    async def member_spaces(self, member: str) -> list[str]:
        """The keys of the spaces a member belongs to."""
        ...

    async def member_record(self, member: str) -> dict[str, Any]:
        """Everything stored under a member's key, JSON-ready (never a ballot or a choice)."""
        ...

    async def forget_member(self, member: str) -> None:
        """Erase a member's rows (group memberships aside), keeping anonymous aggregates."""
        ...


class ReachStore(Protocol):
    """Members a platform could not reach privately (implemented in storage/reach.py)."""

    async def mark_unreachable(self, member: str, now: datetime) -> None:
        """Record that a private message to ``member`` was refused (DMs closed)."""
        ...

    async def unreachable_since(self, members: Collection[str]) -> dict[str, datetime]:
        """Member -> when a private message to them was last refused, for those asked about."""
        ...

    async def clear_unreachable(self, member: str) -> None:
        """Forget that a member could not be reached."""
        ...
