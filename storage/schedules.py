"""Recurring schedules: numbered per space, each with its next occurrence as a job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select, update
from sqlmodel import col

from bot.model import SpaceRef
from bot.timed_work import NewJob, Schedule
from storage.base import StoreBase
from storage.cache import TtlCache
from storage.convert import job_values, new_schedule_row, schedule_from_row
from storage.jobs import drop_pending, insert_jobs
from storage.tables import JobRow, ScheduleRow, utc

_schedule = ScheduleRow.__table__
_job = JobRow.__table__


class ScheduleMethods(StoreBase):
    """The schedule methods of ``SqlStore``."""

    #: Active schedules by id, made by ``SqlStore`` with the same expiry as its polls:
    #: a burst of check-ins read ahead (``bot.timing.timekeeper.Timekeeper.prepare``) is not read
    #: again when it falls due.
    _schedules: TtlCache[int, Schedule]

    async def create_schedule(
        self,
        space: SpaceRef,
        creator: str,
        schedule: Schedule,
        first: NewJob,
        now: datetime,
    ) -> Schedule:
        """Store an active schedule under the next free number in its space, with its
        first occurrence job, in one transaction.

        ``schedule.id``, ``.number``, ``.space`` and ``.creator`` are ignored; the job's
        ``schedule_id`` is set to the new schedule's id.
        """
        now = utc(now)
        job_values(first)  # Refuses a naive due time before anything is written.

        async def insert() -> ScheduleRow:
            async with self._write() as session:
                # Numbers of deleted (inactive) schedules count too: they are never reused.
                top = (
                    await session.exec(
                        select(func.max(_schedule.c.number)).where(_schedule.c.space == space.key)
                    )
                ).scalar_one()
                row = new_schedule_row(space, (top or 0) + 1, creator, schedule, now)
                session.add(row)
                await session.flush()
                assert row.id is not None
                await insert_jobs(session, [job_values(replace(first, schedule_id=row.id))])
            return row

        return schedule_from_row(await self._numbered(insert))

    async def schedules(self, space: SpaceRef) -> list[Schedule]:
        """The space's active schedules, by number."""
        async with self._read() as session:
            rows = (
                await session.exec(
                    select(ScheduleRow)
                    .where(col(ScheduleRow.space) == space.key, col(ScheduleRow.active))
                    .order_by(col(ScheduleRow.number))
                )
            ).scalars()
            return [schedule_from_row(row) for row in rows]

    async def get_schedule(self, schedule_id: int) -> Schedule | None:
        """An active schedule by id; None if there is none or it was deleted."""
        return (await self.get_schedules([schedule_id])).get(schedule_id)

    async def get_schedules(self, schedule_ids: Sequence[int]) -> dict[int, Schedule]:
        """The active schedules among these ids, by id: cached ones from memory, the rest
        in one query (they are then cached too)."""
        found, missing = self._schedules.get_many(schedule_ids)
        if not missing:
            return found
        stamp = self._schedules.stamp()
        async with self._read() as session:
            # Plain rows, not ORM objects: a burst reads thousands at once.
            rows = (
                await session.exec(
                    select(_schedule).where(_schedule.c.id.in_(missing), _schedule.c.active)
                )
            ).all()
        for row in rows:
            schedule = schedule_from_row(row)
            self._schedules.put(schedule.id, schedule, stamp=stamp)
            found[schedule.id] = schedule
        return found

    async def delete_schedule(self, space: SpaceRef, number: int) -> bool:
        """Deactivate a schedule and delete its pending, unclaimed jobs; False if none.

        An occurrence already claimed by a worker still runs; that worker finds the
        schedule gone through ``get_schedule`` (a worker in another process, once its
        cached copy expires, within seconds).
        """
        async with self._write() as session:
            found = (
                await session.exec(
                    update(_schedule)
                    .where(
                        _schedule.c.space == space.key,
                        _schedule.c.number == number,
                        _schedule.c.active,
                    )
                    .values(active=False)
                    .returning(_schedule.c.id)
                )
            ).scalar_one_or_none()
            if found is None:
                return False
            await drop_pending(session, _job.c.schedule_id == found)
        self._schedules.drop(found)
        return True
