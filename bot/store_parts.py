"""The group, ideas, voices, reach, job and schedule parts of the store protocol
(``bot.ports.Store``).

Kept apart from ``bot.ports`` only for size; ``storage.SqlStore`` implements them all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from bot.model import Decision, Group, Outcome, Poll, SpaceRef
from bot.timed_work import Job, JobKind, NewJob, Schedule
from bot.voice_model import Cap, Contribution, ContributionCount, Nudge, Preferences


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
        self, space: SpaceRef, poll_number: int, change: Callable[[Outcome], Outcome],
        jobs: Callable[[], Sequence[NewJob]] | None = None,
    ) -> Decision | None:
        """Apply ``change`` to a logged outcome atomically (it may raise to change nothing),
        with the jobs ``jobs()`` gives after it; None if the poll has no logged decision."""
        ...


class IdeaStore(Protocol):
    """Ideas in an ideas round, never beside who added them (storage/ideas.py).

    While the round is open, ideas are sealed and ``folded`` is a keyed hash; the
    author is kept only as a tag in a table of its own, to credit them at close.
    """

    async def add_idea(self, poll_id: int, text: str, folded: str, author: bytes) -> int | None:
        """Add an idea to an open round; how many it now has, or None if ``folded`` is taken.

        Raises:
            PollClosed: The round is not open.
        """
        ...

    async def ideas(self, poll_id: int) -> list[str]:
        """The round's ideas as stored: sealed while open, in an order that means nothing;
        after close in plain text, in the order they are listed."""
        ...

    async def idea_authors(self, poll_id: int) -> set[bytes]:
        """The tags of the people who added ideas to an open round."""
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
        self, nudges: Sequence[Nudge], not_since: datetime, opt_in: bool,
        cap: Cap | None = None,
    ) -> list[Nudge]:
        """Atomically re-check and log the nudges that may still be sent (within the daily
        ``cap`` too); return those."""
        ...

    async def last_calls_due(
        self, members: Collection[str], after: datetime, until: datetime
    ) -> dict[str, int]:
        """Member -> the moments after ``after``, up to ``until``, at which a poll's last
        pending reminder is due to reach them (open polls they have not voted in)."""
        ...

    async def claim_messages(self, messages: Sequence[Nudge], cap: Cap | None) -> list[Nudge]:
        """Atomically log the private messages (most urgent first) that fit under the daily
        ``cap`` (None: all); return those."""
        ...

    async def claim_payments_question(self, member: str, space: SpaceRef,
                                      now: datetime) -> bool:
        """Log the one question about payments to ``member`` unless asked before or they
        said already; whether this call claimed it."""
        ...

    async def claim_balance_note(self, poll_id: int, now: datetime,
                                 notes: Sequence[Nudge], cap: Cap | None = None) -> list[Nudge]:
        """Mark a poll's balance note as sent and log the ``notes`` that fit under ``cap``;
        those notes, or none if it was sent before (or none fits: not marked then)."""
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


class JobStore(Protocol):
    """Timed work: jobs claimed exactly once (implemented in storage/jobs.py; see
    docs/timing.md)."""

    async def add_jobs(self, jobs: Sequence[NewJob]) -> None:
        """Add jobs in one transaction."""
        ...

    async def claim_jobs(
        self, worker: str, now: datetime, lease_until: datetime, limit: int,
        kinds: Sequence[JobKind] | None = None,
        platforms: Collection[str] | None = None,
    ) -> list[Job]:
        """Atomically claim up to ``limit`` due jobs for ``worker``, earliest first.

        A job is due when it is not done, ``due_at <= now``, and it is unclaimed or its
        lease has run out (its worker stopped). Two workers never get the same job while
        a lease holds: a conditional UPDATE (``FOR UPDATE SKIP LOCKED`` on PostgreSQL).
        ``kinds``, if given, claims only jobs of those kinds; ``platforms``, only jobs
        whose poll or schedule is on one of those platforms (and jobs with neither).
        """
        ...

    async def upcoming_targets(
        self, until: datetime, limit: int, platforms: Collection[str] | None = None
    ) -> tuple[list[int], list[int]]:
        """The poll and schedule ids of unclaimed pending jobs due by ``until`` (at most
        ``limit`` jobs, earliest first; ``platforms`` as for ``claim_jobs``), for reading
        them ahead."""
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

    async def prune_jobs(self, before: datetime) -> int:
        """Delete jobs finished (or given up on) before ``before``; returns how many."""
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


class ScheduleStore(Protocol):
    """Recurring check-ins and polls (implemented in storage/schedules.py)."""

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
