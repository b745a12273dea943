"""Ending polls: the claim, close and cancel methods of ``SqlStore``.

A poll is claimed (OPEN -> CLOSING, so no vote lands after the count), counted by the
core, then finished: its decision logged, its ballots kept opened and shuffled, its
voters credited and its secrets shredded (``storage.closing``, each poll wholly or not
at all), and on PostgreSQL the secret tables rewritten once after the batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, or_, update

from bot.model import Decision, Opened, PollStatus
from bot.timed_work import NewJob
from storage import closing
from storage.base import StoreBase
from storage.tables import PollRow, utc

#: Polls closed per write transaction: a burst of closings holds SQLite's single writer
#: for a few tens of milliseconds at a time, so votes cast meanwhile are not held up long.
_CLOSES_PER_TRANSACTION = 250


class EndingMethods(StoreBase):
    """The claim, close and cancel methods of ``SqlStore`` (which keeps the poll caches
    these methods clear, ``_forget_polls``)."""

    async def claim_close(self, poll_id: int, now: datetime, stale_before: datetime) -> bool:
        """Stop voting on an OPEN poll (or take over a stale claim); True if this call won."""
        return poll_id in await self.claim_closes([poll_id], now, stale_before)

    async def claim_closes(
        self,
        poll_ids: Sequence[int],
        now: datetime,
        stale_before: datetime,
        due_by: datetime | None = None,
    ) -> set[int]:
        """Stop voting on OPEN polls (or take over stale claims); the ids this call won.

        With ``due_by`` (a timer closing), a poll whose closing time is later than that is
        not claimed: checked in the same statement, so an ``extend`` that committed a
        moment ago, in any process, always wins over the old closing time.
        """
        if not poll_ids:
            return set()
        table = PollRow.__table__
        claimable = or_(
            table.c.status == PollStatus.OPEN.value,
            and_(
                table.c.status == PollStatus.CLOSING.value,
                table.c.closing_since < utc(stale_before),
            ),
        )
        if due_by is not None:
            claimable = and_(
                claimable,
                or_(table.c.closes_at.is_(None), table.c.closes_at <= utc(due_by)),
            )
        stmt = (
            update(table)
            .where(table.c.id.in_(list(poll_ids)), claimable)
            .values(status=PollStatus.CLOSING.value, closing_since=utc(now))
            .returning(table.c.id)
        )
        async with self._write() as session:
            won = set((await session.exec(stmt)).scalars())
        self._forget_polls(set(poll_ids))
        return won

    async def release_closes(self, poll_ids: Sequence[int]) -> None:
        """Give CLOSING polls back to voting (their count failed and a person is waiting)."""
        table = PollRow.__table__
        async with self._write() as session:
            await session.exec(
                update(table)
                .where(table.c.id.in_(list(poll_ids)),
                       table.c.status == PollStatus.CLOSING.value)
                .values(status=PollStatus.OPEN.value, closing_since=None)
            )
        self._forget_polls(set(poll_ids))

    async def finish_close(
        self, poll_id: int, decision: Decision, opened: Opened | None = None,
        jobs: Sequence[NewJob] = (),
    ) -> bool:
        """Log the decision and shred voter tags and salt in one transaction (CLOSING only)."""
        return poll_id in await self.finish_closes(
            [(poll_id, decision)], None if opened is None else {poll_id: opened}, jobs
        )

    async def finish_closes(
        self, decisions: Sequence[tuple[int, Decision]],
        opened: Mapping[int, Opened] | None = None,
        jobs: Sequence[NewJob] = (),
    ) -> set[int]:
        """Close CLOSING polls: log each decision, keep the opened ballots (``opened``, by
        poll id), credit who took part, shred voter tags and salts, a few hundred polls to a
        transaction (each poll entirely or not at all); then empty SQLite's WAL once.
        Returns the ids closed (the rest were not CLOSING any more)."""
        if not decisions:
            return set()
        done: set[int] = set()
        try:
            for start in range(0, len(decisions), _CLOSES_PER_TRANSACTION):
                chunk = decisions[start : start + _CLOSES_PER_TRANSACTION]
                async with self._write() as session:
                    done |= await closing.finish_closes(session, chunk, self._dialect, opened,
                                                        jobs)
        finally:
            self._forget_polls({poll_id for poll_id, _ in decisions})
        if done:
            await self._wipe_residue()
        return done

    async def _wipe_residue(self) -> None:
        """After ended polls' secrets were deleted: on PostgreSQL rewrite the secret tables
        (``closing.rewrite_secret_tables``), on SQLite empty the WAL file."""
        if self._dialect == "postgresql":
            async with self._write() as session:
                await closing.rewrite_secret_tables(session)
        await self._checkpoint()

    async def cancel_poll(self, poll_id: int, decision: Decision) -> bool:
        """End an OPEN poll without a count: delete its ballots and salt, log it."""
        async with self._write() as session:
            done = await closing.cancel_poll(session, poll_id, decision, self._dialect)
        return await self._ended(poll_id, done)

    async def _ended(self, poll_id: int, done: bool) -> bool:
        self._forget_polls({poll_id})
        if done:
            await self._wipe_residue()
        return done
