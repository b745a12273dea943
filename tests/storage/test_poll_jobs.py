"""A poll's own jobs: added with the poll, replaced when its closing time moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.timed_work import JobKind
from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, job, rows, spec

HOUR = timedelta(hours=1)


def _poll_jobs(closes_in: timedelta) -> list:
    closes = T0 + closes_in
    return [job(closes - HOUR, JobKind.REMIND, data='{"lead":3600}'), job(closes, JobKind.CLOSE)]


async def test_jobs_are_added_with_the_poll(store: SqlStore) -> None:
    other = await store.create_poll(SPACE, "c", spec(), b"o", T0)
    poll = await store.create_poll(
        SPACE,
        "c",
        spec(closes_at=T0 + 3 * HOUR),
        b"s",
        T0,
        jobs=[*_poll_jobs(3 * HOUR), job(T0, poll_id=other.id)],
    )
    assert await rows(store.engine, "SELECT kind, poll_id, data FROM job ORDER BY id") == [
        ("remind", poll.id, '{"lead":3600}'),
        ("close", poll.id, "{}"),
        ("remind", other.id, "{}"),  # a job that names its poll keeps it
    ]


async def test_a_bad_job_stops_the_poll_too(store: SqlStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.create_poll(SPACE, "c", spec(), b"s", T0, jobs=[job(T0.replace(tzinfo=None))])
    assert await store.find_poll(SPACE, 1) is None
    assert (await store.create_poll(SPACE, "c", spec(), b"s", T0)).number == 1


async def test_extending_replaces_pending_jobs_and_keeps_claimed_and_done(
    engine, store: SqlStore
) -> None:
    closes = T0 + 3 * HOUR
    poll = await store.create_poll(
        SPACE,
        "c",
        spec(closes_at=closes),
        b"s",
        T0,
        jobs=[job(T0 + HOUR), job(T0 + 2 * HOUR), job(closes, JobKind.CLOSE)],
    )
    assert (await store.get_poll(poll.id)).spec.closes_at == closes  # now cached
    [first] = await store.claim_jobs("A", T0 + HOUR, T0 + 2 * HOUR, limit=9)
    assert await store.finish_jobs([(first.id, [])], "A", T0 + HOUR) == 1
    [second] = await store.claim_jobs("A", T0 + 2 * HOUR, T0 + 3 * HOUR, limit=9)

    later = T0 + 5 * HOUR
    assert await store.extend_poll(poll.id, later, _poll_jobs(5 * HOUR))

    assert await rows(
        engine, "SELECT id, kind, claimed_by, done_at IS NOT NULL FROM job ORDER BY id"
    ) == [
        (first.id, "remind", None, True),
        (second.id, "remind", "A", False),
        (4, "remind", None, False),
        (5, "close", None, False),
    ]
    assert await rows(engine, "SELECT poll_id FROM job WHERE id > 3") == [(poll.id,), (poll.id,)]
    extended = await store.get_poll(poll.id)
    assert extended is not None and extended.spec.closes_at == later
    assert (await SqlStore(engine).get_poll(poll.id)).spec.closes_at == later


async def test_only_an_open_poll_can_be_extended(engine, store: SqlStore) -> None:
    closes = T0 + 3 * HOUR
    poll = await store.create_poll(
        SPACE, "c", spec(closes_at=closes), b"s", T0, jobs=_poll_jobs(3 * HOUR)
    )
    assert await store.claim_close(poll.id, T0, T0)

    assert not await store.extend_poll(poll.id, T0 + 9 * HOUR, _poll_jobs(9 * HOUR))
    assert not await store.extend_poll(4040, T0 + 9 * HOUR, [])
    assert len(await rows(engine, "SELECT id FROM job")) == 2
    assert (await store.get_poll(poll.id)).spec.closes_at == closes


async def test_other_polls_jobs_are_left_alone(engine, store: SqlStore) -> None:
    one = await store.create_poll(SPACE, "c", spec(), b"1", T0, jobs=_poll_jobs(HOUR))
    two = await store.create_poll(SPACE, "c", spec(), b"2", T0, jobs=_poll_jobs(HOUR))
    assert await store.extend_poll(one.id, T0 + 2 * HOUR, [])
    assert await rows(engine, "SELECT DISTINCT poll_id FROM job") == [(two.id,)]


async def test_a_claim_for_some_platforms_leaves_the_others_jobs(store: SqlStore) -> None:
    console = await store.create_poll(SPACE, "c", spec(), b"a", T0, jobs=[job(T0)])
    slack = await store.create_poll(OTHER_SPACE, "c", spec(), b"b", T0, jobs=[job(T0)])
    await store.add_jobs([job(T0, JobKind.CLOSE)])  # neither poll nor schedule: anyone's
    # Read ahead, too, only its own platform's polls.
    assert await store.upcoming_targets(T0, 10, platforms=["slack"]) == ([slack.id], [])
    assert await store.upcoming_targets(T0, 10) == ([console.id, slack.id], [])
    mine = await store.claim_jobs("console-only", T0, T0 + HOUR, 10, platforms=["console"])
    assert {(j.poll_id, j.kind) for j in mine} == {
        (None, JobKind.CLOSE), (console.id, JobKind.REMIND)}
    theirs = await store.claim_jobs("slack-only", T0, T0 + HOUR, 10, platforms={"slack"})
    assert [j.poll_id for j in theirs] == [slack.id]
