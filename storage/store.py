"""``SqlStore``: the ``bot.ports.Store`` protocol over SQLModel and SQLAlchemy (async).

This module holds polls, votes and closing. The other parts of the store are mixed
in from ``storage.members`` (members, post references), ``storage.jobs`` (timed
work), ``storage.schedules`` and ``storage.settings`` (members' own settings and
requests); the shared session plumbing is in ``storage.base``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.errors import PollClosed
from bot.model import Decision, Poll, PollSpec, PollStatus, SpaceRef, VoteReceipt
from bot.timed_work import NewJob
from storage.cache import TtlCache
from storage.convert import decision_from_row, job_values, new_poll_row, poll_from_row
from storage.ending import EndingMethods
from storage.groups import GroupMethods
from storage.jobs import JobMethods, drop_pending, insert_jobs
from storage.members import MemberMethods
from storage.reach import ReachMethods
from storage.rounds import RoundMethods
from storage.schedules import ScheduleMethods
from storage.schema import create_schema
from storage.settings import SettingMethods
from storage.tables import (
    BallotRow,
    ClosedBallotRow,
    DecisionRow,
    JobRow,
    ParticipationRow,
    PollRow,
    PollSecretRow,
    utc,
)
from storage.voices import VoiceMethods
from storage.votes import VoteRequest, VoteWriter

_ENDED = (PollStatus.CLOSED, PollStatus.CANCELLED)
#: Seconds a cached poll status or salt may lag behind a change made by another process.
_SHORT_TTL = 5.0
#: In an entry's last second it is renewed in the background, so busy polls never wait.
_SHORT_REFRESH = 1.0


class SqlStore(
    EndingMethods, JobMethods, ScheduleMethods, SettingMethods, MemberMethods, GroupMethods,
    VoiceMethods, ReachMethods, RoundMethods,
):
    """The store the core talks to (``bot.ports.Store``), on SQLite or PostgreSQL.

    Caches only speed up the vote path; every vote re-checks its poll's status in
    the transaction that writes it.

    Args:
        engine: From ``storage.make_engine``; the store disposes of it on ``close()``.
        monotonic: The clock the caches expire by; tests pass their own.
    """

    def __init__(
        self, engine: AsyncEngine, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(engine)
        self._monotonic = monotonic
        self._votes = VoteWriter(engine, self._gates, self._forget_polls)
        self._polls: TtlCache[int, Poll] = TtlCache(
            _SHORT_TTL, clock=self._cache_clock, refresh_ahead=_SHORT_REFRESH
        )
        self._poll_ids: TtlCache[tuple[str, int], int] = TtlCache(None)
        self._schedules = TtlCache(_SHORT_TTL, clock=self._cache_clock)
        self._salts: TtlCache[int, bytes] = TtlCache(
            _SHORT_TTL, clock=self._cache_clock, refresh_ahead=_SHORT_REFRESH
        )

    async def start(self) -> None:
        """Create the tables that do not exist yet, and add columns they lack."""
        async with self._gates.writing(), self._engine.begin() as conn:
            await create_schema(conn)

    async def close(self) -> None:
        """Write the votes and contributions still queued, then release every connection."""
        try:
            # A background write must not outlive the engine; then nothing held is lost.
            if self._flush_task is not None:
                await self._flush_task
            await self.flush_contributions()
        finally:
            self._closed = True
            await self._touches.close()
            await self._votes.close()
            # Background refreshes must not outlive the engine they read through.
            await asyncio.gather(self._polls.close(), self._salts.close(), self._counts.close())
            await self._engine.dispose()

    # -- polls ------------------------------------------------------------------------

    async def create_poll(
        self,
        space: SpaceRef,
        creator: str,
        spec: PollSpec,
        salt: bytes,
        now: datetime,
        jobs: Sequence[NewJob] = (),
    ) -> Poll:
        """Store a new open poll with the next free number in its space, its salt and its
        jobs (closing, reminders), in one transaction.

        Jobs without a ``poll_id`` get the new poll's id.
        """
        # Checked before the transaction: a naive due time must not cost a poll number.
        for job in jobs:
            job_values(job)

        async def insert() -> PollRow:
            async with self._write() as session:
                top = (
                    await session.exec(
                        select(func.max(PollRow.number)).where(PollRow.space == space.key)
                    )
                ).one()
                await self._refuse_second_round(session, space, spec.follows)
                row = new_poll_row(space, (top or 0) + 1, creator, spec, now)
                session.add(row)
                await session.flush()
                assert row.id is not None
                session.add(PollSecretRow(poll_id=row.id, salt=salt))
                await insert_jobs(session, [job_values(job, poll_id=row.id) for job in jobs])
            return row

        [poll] = await self._placed([poll_from_row(await self._numbered(insert))])
        self._remember(poll)
        self._salts.put(poll.id, salt)
        return poll

    async def extend_poll(self, poll_id: int, closes_at: datetime, jobs: Sequence[NewJob]) -> bool:
        """Move an OPEN poll's closing time and replace its pending jobs, in one transaction.

        Jobs a worker has claimed stay (they may be running); the rest of the poll's
        unfinished jobs are deleted and ``jobs`` added, those without a ``poll_id``
        for this poll. Returns False, changing nothing, if the poll is not open.
        """
        closes_at = utc(closes_at)
        rows = [job_values(job, poll_id=poll_id) for job in jobs]
        table = PollRow.__table__
        async with self._write() as session:
            moved = await session.exec(
                update(table)
                .where(table.c.id == poll_id, table.c.status == PollStatus.OPEN.value)
                .values(closes_at=closes_at)
            )
            if moved.rowcount == 1:
                await drop_pending(session, JobRow.__table__.c.poll_id == poll_id)
                await insert_jobs(session, rows)
        self._forget_polls({poll_id})
        return moved.rowcount == 1

    async def find_poll(self, space: SpaceRef, number: int) -> Poll | None:
        """The poll with this number in this space, if any."""
        poll_id = self._poll_ids.get((space.key, number))
        if poll_id is not None:
            # Numbers never move to another poll, so the id is enough from now on.
            return await self.get_poll(poll_id)
        # Not cached by id yet: share the read among everyone asking for this number.
        return await self._polls.share(
            ("number", space.key, number), partial(self._read_poll_number, space.key, number)
        )

    async def get_poll(self, poll_id: int) -> Poll | None:
        """The poll with this id, if any."""
        return await self._polls.load(poll_id, partial(self._read_poll, poll_id), forever=_is_final)

    async def get_polls(self, poll_ids: Sequence[int]) -> dict[int, Poll]:
        """The polls with these ids that exist, by id: cached ones from memory, the rest
        in one query (they are then cached too)."""
        found, missing = self._polls.get_many(poll_ids)
        if missing:
            stamp = self._polls.stamp()
            table = PollRow.__table__
            async with self._read() as session:
                # Plain rows, not ORM objects: a burst reads thousands at once.
                result = await session.exec(sa_select(table).where(table.c.id.in_(missing)))
                rows = result.all()
            for poll in await self._placed([poll_from_row(row) for row in rows]):
                found[poll.id] = self._remember(poll, stamp)
        return found

    async def _read_poll(self, poll_id: int) -> Poll | None:
        async with self._read() as session:
            row = await session.get(PollRow, poll_id)
        if row is None:
            return None
        [poll] = await self._placed([poll_from_row(row)])
        # The caller caches the poll itself; the id of a number never changes.
        self._poll_ids.put((poll.space.key, poll.number), poll.id)
        return poll

    async def _read_poll_number(self, space: str, number: int) -> Poll | None:
        stamp = self._polls.stamp()
        async with self._read() as session:
            row = (
                await session.exec(
                    select(PollRow).where(PollRow.space == space, PollRow.number == number)
                )
            ).first()
        if row is None:
            return None
        [poll] = await self._placed([poll_from_row(row)])
        return self._remember(poll, stamp)

    async def open_polls(self, space: SpaceRef) -> list[Poll]:
        """Open polls in the space, oldest first."""
        stamp = self._polls.stamp()
        async with self._read() as session:
            rows = (
                await session.exec(
                    select(PollRow)
                    .where(PollRow.space == space.key, PollRow.status == PollStatus.OPEN.value)
                    .order_by(col(PollRow.number))
                )
            ).all()
        return [self._remember(poll, stamp)
                for poll in await self._placed([poll_from_row(row) for row in rows])]

    async def poll_salt(self, poll_id: int) -> bytes | None:
        """The poll's salt; None once the poll has ended and the salt is shredded."""
        return await self._salts.load(poll_id, partial(self._read_salt, poll_id))

    async def poll_salts(self, poll_ids: Sequence[int]) -> dict[int, bytes | None]:
        """``poll_salt`` for several polls, with one read for those not cached."""
        found: dict[int, bytes | None] = {}
        missing = []
        for poll_id in poll_ids:
            cached = self._salts.get(poll_id)
            if cached is None:
                missing.append(poll_id)
            else:
                found[poll_id] = cached
        if missing:
            async with self._read() as session:
                rows = (await session.exec(
                    select(PollSecretRow.poll_id, PollSecretRow.salt)
                    .where(col(PollSecretRow.poll_id).in_(missing)))).all()
            read = {poll_id: bytes(salt) for poll_id, salt in rows}
            for poll_id in missing:
                found[poll_id] = read.get(poll_id)
        return found

    async def _read_salt(self, poll_id: int) -> bytes | None:
        async with self._read() as session:
            secret = await session.get(PollSecretRow, poll_id)
        return secret.salt if secret is not None else None

    def _remember(self, poll: Poll, stamp: int | None = None) -> Poll:
        self._polls.put(poll.id, poll, forever=_is_final(poll), stamp=stamp)
        self._poll_ids.put((poll.space.key, poll.number), poll.id)
        return poll

    def _forget_polls(self, poll_ids: set[int]) -> None:
        for poll_id in poll_ids:
            self._polls.drop(poll_id)
            self._salts.drop(poll_id)

    # -- votes --------------------------------------------------------------------------

    async def record_vote(
        self, poll_id: int, voter_tag: bytes, ballot: str, member: str, voter_name: str | None
    ) -> VoteReceipt:
        """Write or replace one ballot and mark the member as having voted (group commit).

        Raises:
            PollClosed: The poll is not open (checked inside the writing transaction).
        """
        self._check_open()
        # Built (and so checked) here, so that a bad value fails its own caller only.
        vote = VoteRequest(poll_id, voter_tag, ballot, member, voter_name)
        cached = self._polls.get(poll_id)
        # No poll ever goes back to OPEN, so a cached other status is final for voting.
        if cached is not None and cached.status is not PollStatus.OPEN:
            raise PollClosed()
        return await self._votes.submit(vote)

    async def voted_counts(self, poll_ids: Sequence[int]) -> dict[int, int]:
        """How many members have voted in each poll (every id given is in the answer)."""
        counts = dict.fromkeys(poll_ids, 0)
        if not counts:
            return counts
        column = col(ParticipationRow.poll_id)
        async with self._read() as session:
            rows = await session.exec(
                select(column, func.count())
                .where(column.in_(list(counts)))
                .group_by(column)
            )
            counts.update({poll_id: count for poll_id, count in rows.all()})
        return counts

    async def voted_count(self, poll_id: int) -> int:
        """How many members have voted in the poll."""
        return (await self.voted_counts([poll_id]))[poll_id]

    async def has_voted(self, poll_id: int, member: str) -> bool:
        """Whether the member has voted in the poll."""
        async with self._read() as session:
            found = await session.get(ParticipationRow, (poll_id, member))
        return found is not None

    async def ballots(self, poll_id: int) -> list[tuple[str | None, str]]:
        """All ballots of the poll as ``(voter_name, ballot)``, ordered by their random ids:
        sealed while the poll is open, in plain text once it has ended."""
        async with self._read() as session:
            found = []
            for table in (BallotRow, ClosedBallotRow):
                result = await session.exec(
                    select(table.voter_name, table.ballot)
                    .where(table.poll_id == poll_id)
                    .order_by(col(table.id))
                )
                found += [(name, ballot) for name, ballot in result.all()]
            return found

    async def decisions(
        self, space: SpaceRef | None = None, limit: int | None = None
    ) -> list[Decision]:
        """Logged decisions, newest first; all spaces when ``space`` is None."""
        query = select(DecisionRow).order_by(
            col(DecisionRow.closed_at).desc(), col(DecisionRow.id).desc()
        )
        if space is not None:
            query = query.where(DecisionRow.space == space.key)
        if limit is not None:
            query = query.limit(limit)
        async with self._read() as session:
            rows = (await session.exec(query)).all()
        return await self._linked([decision_from_row(row) for row in rows], space)


def _is_final(poll: Poll) -> bool:
    # An ended poll never changes again, so it may stay cached without expiry.
    return poll.status in _ENDED
