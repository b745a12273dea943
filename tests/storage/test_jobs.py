"""Timed work: claiming, finishing, failing and retrying jobs, and leases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.timed_work import Job, JobKind
from storage import SqlStore
from tests.storage.helpers import T0, StatementLog, job, rows

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
LEASE = T0 + 10 * MINUTE


async def test_claim_takes_due_jobs_earliest_first(store: SqlStore) -> None:
    await store.add_jobs(
        [
            job(T0 - MINUTE, JobKind.CLOSE, data='{"n":1}'),
            job(T0 + MINUTE),  # not due yet
            job(T0 - 2 * MINUTE),
            job(T0 - MINUTE),  # same time as the first: the lower id goes first
        ]
    )
    claimed = await store.claim_jobs("A", T0, LEASE, limit=10)

    assert [(j.id, j.due_at) for j in claimed] == [
        (3, T0 - 2 * MINUTE),
        (1, T0 - MINUTE),
        (4, T0 - MINUTE),
    ]
    first = claimed[1]
    assert first.kind is JobKind.CLOSE and first.data == '{"n":1}'
    assert (first.poll_id, first.schedule_id, first.attempts) == (None, None, 0)
    assert first.due_at.utcoffset() == timedelta(0)
    # Claimed jobs are held while the lease lasts; the one not yet due stays put.
    assert await store.claim_jobs("B", T0, LEASE, limit=10) == []
    assert [j.id for j in await store.claim_jobs("B", T0 + MINUTE, LEASE, limit=10)] == [2]


async def test_claim_respects_the_limit(store: SqlStore) -> None:
    await store.add_jobs([job(T0 - i * MINUTE) for i in range(5)])
    assert [j.id for j in await store.claim_jobs("A", T0, LEASE, limit=2)] == [5, 4]
    assert [j.id for j in await store.claim_jobs("A", T0, LEASE, limit=2)] == [3, 2]
    assert [j.id for j in await store.claim_jobs("A", T0, LEASE, limit=2)] == [1]
    assert await store.claim_jobs("A", T0, LEASE, limit=0) == []


async def test_a_claim_can_take_only_some_kinds(store: SqlStore) -> None:
    await store.add_jobs([job(T0 - MINUTE, JobKind.CLOSE), job(T0 - MINUTE, JobKind.OCCUR),
                          job(T0, JobKind.REMIND), job(T0, JobKind.CLOSE)])
    closings = await store.claim_jobs("A", T0, LEASE, limit=10, kinds=[JobKind.CLOSE])
    assert [(j.id, j.kind) for j in closings] == [(1, JobKind.CLOSE), (4, JobKind.CLOSE)]
    assert await store.claim_jobs("A", T0, LEASE, limit=10, kinds=[]) == []
    # The other kinds were left for another claim.
    rest = await store.claim_jobs("B", T0, LEASE, limit=10)
    assert [(j.id, j.kind) for j in rest] == [(2, JobKind.OCCUR), (3, JobKind.REMIND)]


async def test_an_expired_lease_can_be_taken_over(store: SqlStore) -> None:
    await store.add_jobs([job()])
    assert len(await store.claim_jobs("A", T0, LEASE, limit=1)) == 1
    # Until the lease has run out (the moment itself included) the job stays with A.
    assert await store.claim_jobs("B", LEASE - MINUTE, LEASE + MINUTE, limit=1) == []
    assert await store.claim_jobs("B", LEASE, LEASE + MINUTE, limit=1) == []
    taken = await store.claim_jobs("B", LEASE + MINUTE, LEASE + 10 * MINUTE, limit=1)
    assert [j.id for j in taken] == [1]
    assert await rows(store.engine, "SELECT claimed_by FROM job") == [("B",)]


async def test_finish_marks_done_and_adds_follow_ups(store: SqlStore) -> None:
    await store.add_jobs([job(), job(), job()])
    one, two, three = await store.claim_jobs("A", T0, LEASE, limit=3)
    follow = job(T0 + MINUTE, JobKind.OCCUR, data='{"next":1}')

    finished = await store.finish_jobs([(one.id, [follow]), (two.id, [])], "A", T0)

    assert finished == 2
    assert await rows(
        store.engine, "SELECT id, claimed_by, done_at IS NOT NULL FROM job ORDER BY id"
    ) == [(1, None, True), (2, None, True), (3, "A", False), (4, None, False)]
    # Done jobs never come back; the follow-up falls due at its own time.
    assert await store.claim_jobs("B", LEASE + MINUTE, LEASE + 2 * MINUTE, limit=9) == [
        Job(3, JobKind.REMIND, three.due_at, None, None, "{}", 0),
        Job(4, JobKind.OCCUR, T0 + MINUTE, None, None, '{"next":1}', 0),
    ]
    # Finishing again (or a job never claimed) does nothing and adds nothing.
    assert await store.finish_jobs([(one.id, [follow])], "A", T0) == 0
    assert await store.finish_jobs([], "A", T0) == 0
    assert len(await rows(store.engine, "SELECT id FROM job")) == 4


async def test_a_worker_that_lost_its_lease_finishes_nothing(store: SqlStore) -> None:
    await store.add_jobs([job(), job()])
    mine = await store.claim_jobs("A", T0, LEASE, limit=2)
    theirs = await store.claim_jobs("B", LEASE + MINUTE, LEASE + 10 * MINUTE, limit=2)
    assert [j.id for j in theirs] == [j.id for j in mine]

    late = await store.finish_jobs([(j.id, [job(T0 + MINUTE)]) for j in mine], "A", LEASE)
    assert late == 0
    assert len(await rows(store.engine, "SELECT id FROM job")) == 2  # no follow-ups added
    assert await store.finish_jobs([(j.id, [job(T0 + MINUTE)]) for j in theirs], "B", LEASE) == 2
    assert len(await rows(store.engine, "SELECT id FROM job")) == 4


async def test_a_lapsed_lease_nobody_took_still_finishes(store: SqlStore) -> None:
    await store.add_jobs([job()])
    [held] = await store.claim_jobs("A", T0, LEASE, limit=1)
    assert await store.finish_jobs([(held.id, [])], "A", LEASE + MINUTE) == 1


async def test_fail_with_a_retry_releases_the_job(store: SqlStore) -> None:
    await store.add_jobs([job()])
    [held] = await store.claim_jobs("A", T0, LEASE, limit=1)
    retry_at = T0 + 5 * MINUTE
    await store.fail_job(held.id, "A", "TimeoutError" + "x" * 300, retry_at, T0)

    assert await store.claim_jobs("B", retry_at - MINUTE, LEASE, limit=1) == []
    assert await store.next_due() == retry_at
    [again] = await store.claim_jobs("B", retry_at, LEASE, limit=1)
    assert (again.id, again.due_at, again.attempts) == (held.id, retry_at, 1)
    [(error,)] = await rows(store.engine, "SELECT last_error FROM job")
    assert error.startswith("TimeoutError") and len(error) == 200
    assert await store.job_failures() == []


async def test_fail_without_a_retry_gives_up(store: SqlStore) -> None:
    await store.add_jobs([job(kind=JobKind.CLOSE)])
    [held] = await store.claim_jobs("A", T0, LEASE, limit=1)
    await store.fail_job(held.id, "A", "KeyError", T0 + MINUTE, T0)
    [held] = await store.claim_jobs("A", T0 + MINUTE, LEASE, limit=1)
    await store.fail_job(held.id, "A", "ValueError", None, T0 + MINUTE)

    assert await store.job_failures() == [(held.id, "close", 2, "ValueError")]
    assert await store.next_due() is None
    assert await store.claim_jobs("B", LEASE + MINUTE, LEASE + 2 * MINUTE, limit=9) == []
    assert await rows(store.engine, "SELECT claimed_by, done_at IS NOT NULL FROM job") == [
        (None, True)
    ]


async def test_only_the_holder_can_fail_a_job(store: SqlStore) -> None:
    await store.add_jobs([job()])
    [held] = await store.claim_jobs("A", T0, LEASE, limit=1)
    await store.fail_job(held.id, "B", "KeyError", None, T0)
    assert await store.job_failures() == []
    assert await store.finish_jobs([(held.id, [])], "A", T0) == 1
    await store.fail_job(held.id, "A", "KeyError", None, T0)  # already done: ignored
    assert await store.job_failures() == []


async def test_next_due(store: SqlStore) -> None:
    assert await store.next_due() is None
    await store.add_jobs([job(T0 + 2 * MINUTE), job(T0 + MINUTE), job(T0 + 3 * MINUTE)])
    assert await store.next_due() == T0 + MINUTE

    [held] = await store.claim_jobs("A", T0 + MINUTE, T0 + 5 * MINUTE, limit=1)
    # Held until its lease ends, so the job due at +2 min is the next one a claim could get.
    assert await store.next_due() == T0 + 2 * MINUTE
    await store.claim_jobs("A", T0 + 3 * MINUTE, T0 + 5 * MINUTE, limit=2)
    assert await store.next_due() == T0 + 5 * MINUTE
    await store.finish_jobs([(held.id, [])], "A", T0)
    assert await store.next_due() == T0 + 5 * MINUTE


async def test_a_thousand_finish_in_two_statements(store: SqlStore) -> None:
    await store.add_jobs([job(T0 - i * timedelta(seconds=1)) for i in range(1000)])
    claimed = await store.claim_jobs("A", T0, LEASE, limit=1000)
    assert len(claimed) == 1000
    log = StatementLog(store.engine)

    done = [(j.id, [job(T0 + MINUTE)]) for j in claimed]
    assert await store.finish_jobs(done, "A", T0) == 1000

    # One UPDATE ... RETURNING id, then one bulk INSERT of the follow-ups.
    assert log.verbs == ["UPDATE", "INSERT"]
    assert len(await rows(store.engine, "SELECT id FROM job WHERE done_at IS NULL")) == 1000


async def test_naive_times_are_refused(store: SqlStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.add_jobs([job(T0.replace(tzinfo=None))])
    await store.add_jobs([job()])
    [held] = await store.claim_jobs("A", T0, LEASE, limit=1)
    with pytest.raises(ValueError, match="naive"):
        await store.finish_jobs([(held.id, [job(T0.replace(tzinfo=None))])], "A", T0)
    assert await rows(store.engine, "SELECT claimed_by FROM job") == [("A",)]


async def test_renewing_keeps_only_the_jobs_still_held(store: SqlStore) -> None:
    await store.add_jobs([job(T0 - MINUTE), job(T0 - MINUTE), job(T0 - MINUTE)])
    first, second, third = await store.claim_jobs("A", T0, T0 + MINUTE, limit=3)
    await store.finish_jobs([(first.id, [])], "A", T0)
    # B takes over the third once A's lease has run out...
    [taken] = await store.claim_jobs("B", T0 + 2 * MINUTE, T0 + 3 * MINUTE, limit=1)
    assert taken.id == second.id
    # ... so A keeps only what it still holds and is not done with.
    held = await store.renew_leases([first.id, second.id, third.id], "A", T0 + 10 * MINUTE)
    assert held == {third.id}
    assert await store.claim_jobs("C", T0 + 150 * SECOND, T0 + 6 * MINUTE, limit=3) == []


async def test_a_claim_with_nothing_due_writes_nothing(store: SqlStore) -> None:
    await store.add_jobs([job(T0 + MINUTE)])
    log = StatementLog(store.engine)
    assert await store.claim_jobs("A", T0, LEASE, limit=10) == []
    assert log.verbs == ["SELECT"]


async def test_a_job_that_comes_round_again_keeps_its_row(store: SqlStore) -> None:
    await store.add_jobs([job(T0 - MINUTE, JobKind.OCCUR), job(T0 - MINUTE, JobKind.OCCUR)])
    [mine] = await store.claim_jobs("A", T0, LEASE, limit=1)
    [theirs] = await store.claim_jobs("A", T0, T0 + MINUTE, limit=1)
    # A's short lease on the second ran out and B took it: A moves only the first.
    [taken] = await store.claim_jobs("B", T0 + 2 * MINUTE, LEASE, limit=2)
    assert taken.id == theirs.id
    again = [(mine.id, job(T0 + 7 * MINUTE, JobKind.OCCUR, data='{"n":2}')),
             (theirs.id, job(T0 + 7 * MINUTE, JobKind.OCCUR))]
    assert await store.finish_jobs([], "A", T0, again) == 1
    assert await rows(store.engine, "SELECT count(*) FROM job") == [(2,)]
    [moved] = await store.claim_jobs("C", T0 + 7 * MINUTE, T0 + 8 * MINUTE, limit=5)
    assert (moved.id, moved.due_at, moved.data, moved.attempts) == (
        mine.id, T0 + 7 * MINUTE, '{"n":2}', 0)


async def test_pruning_deletes_only_old_finished_jobs(store: SqlStore) -> None:
    await store.add_jobs([job(T0 - MINUTE), job(T0 - MINUTE), job(T0 + 90 * MINUTE)])
    old, recent = await store.claim_jobs("A", T0, LEASE, limit=2)
    await store.finish_jobs([(old.id, [])], "A", T0)
    await store.finish_jobs([(recent.id, [])], "A", T0 + 60 * MINUTE)
    assert await store.prune_jobs(T0 + 30 * MINUTE) == 1
    remaining = await rows(store.engine, "SELECT id FROM job ORDER BY id")
    assert [r[0] for r in remaining] == [recent.id, recent.id + 1]
