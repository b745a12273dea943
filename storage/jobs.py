"""Timed work: claiming due jobs so that each runs once, even with several processes.

A worker claims jobs with one conditional UPDATE that sets ``claimed_by`` and a
lease. On SQLite the UPDATE runs inside ``BEGIN IMMEDIATE``, which lets one writer
in at a time across processes; on PostgreSQL its sub-select takes the rows with
``FOR UPDATE SKIP LOCKED``, so concurrent claims pass each other by instead of
waiting or taking the same rows. A worker that stops keeps its jobs only until the
lease runs out; after that another may take them over, and the first worker's late
``finish_jobs`` then finishes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.timed_work import Job, JobKind, NewJob
from storage.base import StoreBase
from storage.convert import job_from_row, job_values
from storage.tables import MAX_JOB_ERROR, JobRow, PollRow, ScheduleRow, utc

_job = JobRow.__table__
_poll = PollRow.__table__
_schedule = ScheduleRow.__table__
#: The columns a claim returns, in the order ``Job`` needs them.
_JOB_COLUMNS = (
    _job.c.id,
    _job.c.kind,
    _job.c.due_at,
    _job.c.poll_id,
    _job.c.schedule_id,
    _job.c.data,
    _job.c.attempts,
)
#: Ids per ``IN (...)`` list: one statement for any usual batch, and well below the
#: bound-parameter limits of SQLite (32,766) and asyncpg (32,767).
_IDS_PER_STATEMENT = 10_000


async def insert_jobs(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert job rows (from ``convert.job_values``) in one statement, inside ``session``."""
    if rows:
        await session.exec(insert(_job), params=list(rows))


async def drop_pending(session: AsyncSession, which: ColumnElement[bool]) -> None:
    """Delete the jobs matching ``which`` that are neither done nor claimed.

    A claimed job is left alone even if its lease ran out: its worker may be running
    it right now, and deleting the row would not stop that run.
    """
    await session.exec(
        delete(_job).where(which, _job.c.done_at.is_(None), _job.c.claimed_by.is_(None))
    )


def _on_platforms(platforms: list[str]) -> ColumnElement[bool]:
    """Jobs whose poll or schedule is on one of ``platforms``, or that have neither."""
    return or_(
        and_(_job.c.poll_id.is_(None), _job.c.schedule_id.is_(None)),
        exists().where(_poll.c.id == _job.c.poll_id, _poll.c.platform.in_(platforms)),
        exists().where(_schedule.c.id == _job.c.schedule_id,
                       _schedule.c.platform.in_(platforms)),
    )


class JobMethods(StoreBase):
    """The timed-work methods of ``SqlStore``."""

    async def add_jobs(self, jobs: Sequence[NewJob]) -> None:
        """Add jobs in one transaction."""
        rows = [job_values(job) for job in jobs]
        if not rows:
            return
        async with self._write() as session:
            await insert_jobs(session, rows)

    async def claim_jobs(
        self, worker: str, now: datetime, lease_until: datetime, limit: int,
        kinds: Sequence[JobKind] | None = None,
        platforms: Collection[str] | None = None,
    ) -> list[Job]:
        """Claim up to ``limit`` due jobs for ``worker`` until ``lease_until``, earliest first.

        Due means not done, ``due_at <= now``, and unclaimed or with a lease that ran out
        before ``now``. ``kinds``, if given, claims only jobs of those kinds;
        ``platforms``, only jobs whose poll or schedule is on one of those platforms
        (and jobs with neither).
        """
        now, lease_until = utc(now), utc(lease_until)
        if limit <= 0 or (kinds is not None and not kinds):
            return []
        due: tuple[ColumnElement[bool], ...] = (
            _job.c.done_at.is_(None),
            _job.c.due_at <= now,
            or_(_job.c.lease_until.is_(None), _job.c.lease_until < now),
        )
        if kinds is not None:
            due += (_job.c.kind.in_([JobKind(kind).value for kind in kinds]),)
        if platforms is not None:
            due += (_on_platforms(sorted(platforms)),)
        # A read first: most ticks find nothing due, and a read does not wait for (or
        # hold up) writers, where the claim below is a write transaction.
        async with self._read() as session:
            if (await session.exec(select(_job.c.id).where(*due).limit(1))).first() is None:
                return []
        pick = select(_job.c.id).where(*due).order_by(_job.c.due_at, _job.c.id).limit(limit)
        if self._dialect == "postgresql":
            # Rows another claim has locked are skipped, not waited for; rows it has
            # claimed and committed fail the WHERE when re-checked under the lock.
            pick = pick.with_for_update(skip_locked=True)
        stmt = (
            update(_job)
            .where(_job.c.id.in_(pick))
            .values(claimed_by=worker, lease_until=lease_until)
            .returning(*_JOB_COLUMNS)
        )
        async with self._write() as session:
            rows = (await session.exec(stmt)).all()
        # RETURNING follows no particular order.
        return sorted((job_from_row(row) for row in rows), key=lambda job: (job.due_at, job.id))

    async def finish_jobs(
        self,
        done: Sequence[tuple[int, Sequence[NewJob]]],
        worker: str,
        now: datetime,
        again: Sequence[tuple[int, NewJob]] = (),
    ) -> int:
        """Mark jobs done and add the follow-ups of those finished, in one transaction.

        ``again`` lists jobs that come round again (a check-in's next occurrence, a
        poll's next nudge sweep): each keeps its row, moved to its next due time and
        released, so recurring work does not add a row every time it runs.

        A job is finished (or moved) only if ``worker`` still holds it; a worker whose
        lease ran out and whose job was taken over finishes nothing and adds nothing. An
        id given twice counts once, with its last follow-ups. Returns how many finished.
        """
        now = utc(now)
        # Built first, so that a bad follow-up fails before anything is written.
        follow_ups = {job_id: [job_values(job) for job in jobs] for job_id, jobs in done}
        again = [(job_id, job) for job_id, job in again]
        for _, job in again:
            utc(job.due_at)  # checked before anything is written
        if not follow_ups and not again:
            return 0
        ids = list(follow_ups)
        async with self._write() as session:
            finished: set[int] = set()
            for start in range(0, len(ids), _IDS_PER_STATEMENT):
                chunk = ids[start : start + _IDS_PER_STATEMENT]
                result = await session.exec(
                    update(_job)
                    .where(
                        _job.c.id.in_(list(chunk)),
                        _job.c.claimed_by == worker,
                        _job.c.done_at.is_(None),
                    )
                    .values(done_at=now, claimed_by=None, lease_until=None)
                    .returning(_job.c.id)
                )
                finished.update(result.scalars())
            await insert_jobs(
                session, [row for job_id in ids if job_id in finished for row in follow_ups[job_id]]
            )
            moved = await self._move(session, again, worker) if again else set()
        return len(finished) + len(moved)

    async def _move(
        self, session: AsyncSession, again: Sequence[tuple[int, NewJob]], worker: str
    ) -> set[int]:
        """Move held jobs to their next due time and release them; the ids moved.

        Jobs moving to the same time with the same details (a thousand spaces' weekly
        check-ins) move in one statement.
        """
        alike: dict[tuple[datetime, str], list[int]] = {}
        for job_id, job in again:
            alike.setdefault((utc(job.due_at), job.data), []).append(job_id)
        moved: set[int] = set()
        for (due, data), ids in alike.items():
            for start in range(0, len(ids), _IDS_PER_STATEMENT):
                result = await session.exec(
                    update(_job)
                    .where(
                        _job.c.id.in_(ids[start : start + _IDS_PER_STATEMENT]),
                        _job.c.claimed_by == worker,
                        _job.c.done_at.is_(None),
                    )
                    .values(due_at=due, data=data, attempts=0, claimed_by=None,
                            lease_until=None)
                    .returning(_job.c.id)
                )
                moved.update(result.scalars())
        return moved

    async def renew_leases(
        self, job_ids: Sequence[int], worker: str, lease_until: datetime
    ) -> set[int]:
        """Extend ``worker``'s claim on these unfinished jobs; the ids it still holds."""
        if not job_ids:
            return set()
        held: set[int] = set()
        async with self._write() as session:
            for start in range(0, len(job_ids), _IDS_PER_STATEMENT):
                result = await session.exec(
                    update(_job)
                    .where(
                        _job.c.id.in_(list(job_ids[start : start + _IDS_PER_STATEMENT])),
                        _job.c.claimed_by == worker,
                        _job.c.done_at.is_(None),
                    )
                    .values(lease_until=utc(lease_until))
                    .returning(_job.c.id)
                )
                held.update(result.scalars())
        return held

    async def fail_job(
        self, job_id: int, worker: str, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        """Record a failed run of a job ``worker`` holds; nothing happens if it does not.

        The job is released to run again at ``retry_at``, or with None given up on:
        done and marked failed. ``error`` keeps its first 200 characters.
        """
        values: dict[str, Any] = {
            "attempts": _job.c.attempts + 1,
            "last_error": error[:MAX_JOB_ERROR],
            "claimed_by": None,
            "lease_until": None,
        }
        if retry_at is None:
            values.update(done_at=utc(now), failed=True)
        else:
            values["due_at"] = utc(retry_at)
        stmt = (
            update(_job)
            .where(_job.c.id == job_id, _job.c.claimed_by == worker, _job.c.done_at.is_(None))
            .values(values)
        )
        async with self._write() as session:
            await session.exec(stmt)

    async def next_due(self) -> datetime | None:
        """When ``claim_jobs`` could next return a job, if any job is pending.

        That is a pending job's ``due_at``, or for a job claimed past its due time, the
        end of its lease: a scheduler that woke at ``due_at`` would find it still held
        and ask again at once, over and over, until the lease ran out.
        """
        leased = and_(_job.c.lease_until.is_not(None), _job.c.lease_until > _job.c.due_at)
        ready_at = case((leased, _job.c.lease_until), else_=_job.c.due_at)
        async with self._read() as session:
            return (
                await session.exec(select(func.min(ready_at)).where(_job.c.done_at.is_(None)))
            ).scalar_one()

    async def prune_jobs(self, before: datetime) -> int:
        """Delete jobs that finished (or were given up on) before ``before``; how many.

        Only finished rows go: a pending job, however old, is work still to do.
        """
        async with self._write() as session:
            result = await session.exec(
                delete(_job).where(_job.c.done_at.is_not(None), _job.c.done_at < utc(before))
            )
        return result.rowcount

    async def upcoming_targets(
        self, until: datetime, limit: int, platforms: Collection[str] | None = None
    ) -> tuple[list[int], list[int]]:
        """The polls and schedules of unclaimed pending jobs due by ``until``, earliest
        jobs first, at most ``limit`` jobs: ``(poll ids, schedule ids)``, each once.
        ``platforms`` as for ``claim_jobs``."""
        which: tuple[ColumnElement[bool], ...] = (
            _job.c.done_at.is_(None), _job.c.due_at <= utc(until), _job.c.claimed_by.is_(None))
        if platforms is not None:
            which += (_on_platforms(sorted(platforms)),)
        async with self._read() as session:
            result = await session.exec(
                select(_job.c.poll_id, _job.c.schedule_id)
                .where(*which)
                .order_by(_job.c.due_at, _job.c.id)
                .limit(limit)
            )
            rows = result.all()
        polls = dict.fromkeys(poll for poll, _ in rows if poll is not None)
        schedules = dict.fromkeys(schedule for _, schedule in rows if schedule is not None)
        return list(polls), list(schedules)

    async def next_due_after(self, after: datetime) -> datetime | None:
        """The earliest due time later than ``after`` among pending jobs, if any.

        Cheap (one step down the pending-jobs index), so a scheduler can ask after every
        tick and wake exactly when the next job falls due.
        """
        async with self._read() as session:
            return (
                await session.exec(
                    select(func.min(_job.c.due_at)).where(
                        _job.c.done_at.is_(None), _job.c.due_at > utc(after)
                    )
                )
            ).scalar_one()

    async def job_failures(self) -> list[tuple[int, str, int, str]]:
        """Jobs given up on, oldest first: (id, kind, attempts, last error)."""
        async with self._read() as session:
            result = await session.exec(
                select(_job.c.id, _job.c.kind, _job.c.attempts, _job.c.last_error)
                .where(_job.c.failed)
                .order_by(_job.c.id)
            )
            return [(job_id, kind, tries, error or "") for job_id, kind, tries, error in result]
