"""Recurring schedules: numbering, listing, deleting, and their occurrence jobs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event

from bot.timed_work import JobKind, Schedule
from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, job, rows

DAY = timedelta(days=1)


def _schedule(text: str = "How is everyone doing?", **changes: object) -> Schedule:
    values: dict[str, object] = {
        "id": 0,
        "space": OTHER_SPACE,  # ignored: the space passed to create_schedule counts
        "number": 0,
        "creator": "ignored",
        "text": text,
        "cron": "0 9 * * mon",
        "every_seconds": None,
        "timezone": "Europe/London",
    }
    return Schedule(**{**values, **changes})  # type: ignore[arg-type]


async def test_schedules_are_numbered_per_space(store: SqlStore) -> None:
    first = await store.create_schedule(SPACE, "m1", _schedule("A"), job(T0 + DAY), T0)
    second = await store.create_schedule(
        SPACE,
        "m2",
        _schedule("B", cron=None, every_seconds=3600, options=("Yes", "No"), poll_seconds=600),
        job(T0 + DAY),
        T0,
    )
    elsewhere = await store.create_schedule(OTHER_SPACE, "m3", _schedule("C"), job(T0), T0)

    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert first.space == SPACE and first.creator == "m1"
    assert second == Schedule(
        id=second.id,
        space=SPACE,
        number=2,
        creator="m2",
        text="B",
        cron=None,
        every_seconds=3600,
        timezone="Europe/London",
        options=("Yes", "No"),
        poll_seconds=600,
    )
    assert await store.schedules(SPACE) == [first, second]
    assert await store.get_schedule(second.id) == second
    assert await store.get_schedule(999) is None


async def test_the_first_occurrence_belongs_to_the_schedule(store: SqlStore) -> None:
    made = await store.create_schedule(
        SPACE, "m1", _schedule(), job(T0 + DAY, JobKind.OCCUR, schedule_id=77), T0
    )
    [occurrence] = await store.claim_jobs("w", T0 + DAY, T0 + 2 * DAY, limit=5)
    assert occurrence.kind is JobKind.OCCUR
    assert (occurrence.schedule_id, occurrence.poll_id) == (made.id, None)


async def test_deleting_removes_pending_jobs_but_not_claimed_ones(store: SqlStore) -> None:
    kept = await store.create_schedule(SPACE, "m1", _schedule("kept"), job(T0), T0)
    gone = await store.create_schedule(SPACE, "m1", _schedule("gone"), job(T0 + DAY), T0)
    await store.add_jobs([job(T0 + 2 * DAY, JobKind.OCCUR, schedule_id=gone.id)])
    [running] = await store.claim_jobs("w", T0 + DAY, T0 + 2 * DAY, limit=1)
    assert running.schedule_id == kept.id
    await store.add_jobs([job(T0 + 3 * DAY, JobKind.OCCUR, schedule_id=kept.id)])
    [claimed] = await store.claim_jobs("w", T0 + DAY, T0 + 2 * DAY, limit=1)
    assert claimed.schedule_id == gone.id

    assert await store.delete_schedule(SPACE, gone.number)

    assert await store.schedules(SPACE) == [kept]
    assert await store.get_schedule(gone.id) is None
    assert await rows(store.engine, "SELECT schedule_id, claimed_by FROM job ORDER BY id") == [
        (kept.id, "w"),
        (gone.id, "w"),  # being run right now: left to its worker
        (kept.id, None),
    ]
    assert not await store.delete_schedule(SPACE, gone.number)
    assert not await store.delete_schedule(OTHER_SPACE, kept.number)
    assert not await store.delete_schedule(SPACE, 99)


async def test_numbers_are_not_reused_after_a_deletion(store: SqlStore) -> None:
    await store.create_schedule(SPACE, "m1", _schedule(), job(), T0)
    assert await store.delete_schedule(SPACE, 1)
    again = await store.create_schedule(SPACE, "m1", _schedule(), job(), T0)
    assert again.number == 2


async def test_concurrent_creations_get_distinct_numbers(engine, store: SqlStore) -> None:
    # A second store on the same database stands in for a second process.
    other = SqlStore(engine)
    made = await asyncio.gather(
        *(
            (store if i % 2 else other).create_schedule(SPACE, "m", _schedule(f"S{i}"), job(), T0)
            for i in range(8)
        )
    )
    assert sorted(schedule.number for schedule in made) == list(range(1, 9))
    assert len(await rows(engine, "SELECT id FROM job WHERE schedule_id IS NOT NULL")) == 8


async def test_a_read_schedule_is_remembered_until_it_changes(store: SqlStore) -> None:
    made = await store.create_schedule(SPACE, "m1", _schedule(), job(T0 + DAY), T0)
    other = await store.create_schedule(SPACE, "m2", _schedule("B"), job(T0 + DAY), T0)
    assert set(await store.get_schedules([made.id, other.id])) == {made.id, other.id}
    # A burst of check-ins read ahead is not read again when it falls due.
    statements: list[str] = []
    event.listen(store.engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))
    assert (await store.get_schedules([made.id]))[made.id] == made
    assert not any("FROM schedule" in statement for statement in statements)
    # Unscheduled, or its creator forgotten: this process never sees the old copy again.
    assert await store.delete_schedule(SPACE, made.number)
    assert await store.get_schedules([made.id]) == {}
    await store.forget_member("m2")
    assert (await store.get_schedules([other.id]))[other.id].creator != "m2"
