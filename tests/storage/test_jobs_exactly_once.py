"""Each due job fires exactly once, however many workers share the database.

The guarantee: three bot processes (or three schedulers on separate connections)
on one database fire each of 300 due jobs exactly once. It is checked with three
stores on separate engines in one event loop, with three OS processes, and for a
worker that dies holding jobs.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bot.timed_work import JobKind
from storage import SqlStore, make_engine
from tests.storage.helpers import T0, job, rows

JOBS = 300
#: Small, so that the workers' claims interleave many times.
LIMIT = 7
NOW = T0 + timedelta(days=1)
ROOT = Path(__file__).resolve().parents[2]


async def _due_jobs(store: SqlStore) -> set[int]:
    """Add JOBS jobs, all due by NOW, and return their ids."""
    due = [T0 + timedelta(minutes=i % 50) for i in range(JOBS)]
    await store.add_jobs([job(at, JobKind.REMIND, data=f'{{"i":{i}}}') for i, at in enumerate(due)])
    return {job_id for (job_id,) in await rows(store.engine, "SELECT id FROM job")}


def _url(store: SqlStore) -> str:
    return store.engine.url.render_as_string(hide_password=False)


async def _assert_all_done_once(store: SqlStore, fired: list[list[int]], ids: set[int]) -> None:
    everything = [job_id for ids_of_one in fired for job_id in ids_of_one]
    twice = [job_id for job_id, times in Counter(everything).items() if times > 1]
    assert twice == []
    assert set(everything) == ids and len(everything) == JOBS
    assert (
        await rows(
            store.engine, "SELECT id FROM job WHERE done_at IS NULL OR claimed_by IS NOT NULL"
        )
        == []
    )


async def _work(worker: SqlStore, name: str, all_claimed: asyncio.Barrier) -> list[int]:
    lease_until = NOW + timedelta(hours=1)
    jobs = await worker.claim_jobs(name, NOW, lease_until, LIMIT)
    # Nobody finishes before everybody holds jobs: the workers certainly overlap.
    await all_claimed.wait()
    fired: list[int] = []
    while jobs:
        fired.extend(j.id for j in jobs)
        assert await worker.finish_jobs([(j.id, ()) for j in jobs], name, NOW) == len(jobs)
        jobs = await worker.claim_jobs(name, NOW, lease_until, LIMIT)
    return fired


async def test_three_stores_on_separate_engines(store: SqlStore) -> None:
    ids = await _due_jobs(store)
    workers = [SqlStore(make_engine(_url(store))) for _ in range(3)]
    all_claimed = asyncio.Barrier(len(workers))
    try:
        async with asyncio.timeout(60):
            fired = await asyncio.gather(
                *(_work(w, f"w{i}", all_claimed) for i, w in enumerate(workers))
            )
    finally:
        for worker in workers:
            await worker.close()

    await _assert_all_done_once(store, fired, ids)
    assert all(len(f) >= LIMIT for f in fired)


async def test_three_processes(store: SqlStore) -> None:
    ids = await _due_jobs(store)
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.storage.job_worker",
            _url(store),
            f"process-{i}",
            NOW.isoformat(),
            str(LIMIT),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        for i in range(3)
    ]
    try:
        async with asyncio.timeout(120):
            await _all_say(workers, b"ready\n")
            # Every worker is connected and waiting: let them all claim at once...
            await _tell(workers, b"go\n")
            # ...and, once each holds jobs, go on claiming and finishing together.
            await _all_say(workers, b"claimed\n")
            outputs = await asyncio.gather(*(worker.communicate(b"go\n") for worker in workers))
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()

    results = []
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    await _assert_all_done_once(store, [r["fired"] for r in results], ids)
    assert sum(r["finished"] for r in results) == JOBS
    assert all(len(r["fired"]) >= LIMIT for r in results)


async def _all_say(workers: list[asyncio.subprocess.Process], expected: bytes) -> None:
    for worker in workers:
        assert worker.stdout is not None and worker.stderr is not None
        line = await worker.stdout.readline()
        if line != expected:
            raise AssertionError(f"worker said {line!r}: {(await worker.stderr.read()).decode()}")


async def _tell(workers: list[asyncio.subprocess.Process], line: bytes) -> None:
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(line)
    await asyncio.gather(*(worker.stdin.drain() for worker in workers if worker.stdin))


async def test_a_crashed_workers_jobs_are_taken_over_after_its_lease(store: SqlStore) -> None:
    ids = await _due_jobs(store)
    crashed, survivor = store, SqlStore(store.engine)  # two stores stand in for two processes
    lease_end = NOW + timedelta(minutes=5)

    held = await crashed.claim_jobs("A", NOW, lease_end, limit=JOBS)
    assert {j.id for j in held} == ids
    # A "dies" here: it never finishes. While its lease lasts, B gets nothing...
    assert await survivor.claim_jobs("B", NOW + timedelta(minutes=1), lease_end, limit=JOBS) == []
    assert await survivor.claim_jobs("B", lease_end, lease_end, limit=JOBS) == []
    # ...and once it has run out, B takes over every job, each once.
    later = lease_end + timedelta(seconds=1)
    fired: list[int] = []
    while jobs := await survivor.claim_jobs("B", later, later + timedelta(minutes=5), LIMIT):
        fired.extend(j.id for j in jobs)
        done = [(j.id, [job(later + timedelta(days=1))]) for j in jobs]
        assert await survivor.finish_jobs(done, "B", later) == len(jobs)
    assert sorted(fired) == sorted(ids)

    # A comes back and finishes what it claimed: nothing is finished again or added.
    late = [(j.id, [job(later + timedelta(days=1))]) for j in held]
    assert await crashed.finish_jobs(late, "A", later) == 0
    follow_ups = await rows(store.engine, "SELECT id FROM job WHERE done_at IS NULL")
    assert len(follow_ups) == JOBS  # B's follow-ups only
    await crashed.fail_job(held[0].id, "A", "Late", None, later)
    assert await store.job_failures() == []
