"""The group-commit queue on its own, with a fake batch writer."""

from __future__ import annotations

import asyncio

import pytest

from storage.batch import GroupCommit


class FakeWriter:
    """Records each batch; fails requests that are negative."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, batch: list[int]) -> list[int | Exception]:
        self.batches.append(list(batch))
        await self.release.wait()
        return [ValueError(str(n)) if n < 0 else n * 10 for n in batch]


async def test_concurrent_requests_share_a_batch() -> None:
    writer = FakeWriter()
    queue: GroupCommit[int, int] = GroupCommit(writer, "test")
    results = await asyncio.gather(*(queue.submit(n) for n in range(100)))
    assert results == [n * 10 for n in range(100)]
    assert writer.batches == [list(range(100))]


async def test_requests_arriving_during_a_write_form_the_next_batch() -> None:
    writer = FakeWriter()
    writer.release.clear()
    queue: GroupCommit[int, int] = GroupCommit(writer, "test")
    first = asyncio.ensure_future(queue.submit(1))
    while not writer.batches:
        await asyncio.sleep(0)  # a yield, not a wait
    later = [asyncio.ensure_future(queue.submit(n)) for n in (2, 3, 4)]
    writer.release.set()
    assert await first == 10
    assert await asyncio.gather(*later) == [20, 30, 40]
    assert writer.batches == [[1], [2, 3, 4]]


async def test_a_refused_request_fails_only_its_caller() -> None:
    queue: GroupCommit[int, int] = GroupCommit(FakeWriter(), "test")
    results = await asyncio.gather(
        queue.submit(1), queue.submit(-1), queue.submit(2), return_exceptions=True
    )
    assert results[0] == 10 and results[2] == 20
    assert isinstance(results[1], ValueError)


async def test_a_failed_batch_fails_every_caller_and_the_queue_recovers() -> None:
    calls = 0

    async def flaky(batch: list[int]) -> list[int | Exception]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("disk gone")
        return list(batch)

    queue: GroupCommit[int, int] = GroupCommit(flaky, "test")
    results = await asyncio.gather(*(queue.submit(n) for n in range(3)), return_exceptions=True)
    assert all(isinstance(result, OSError) for result in results)
    assert await queue.submit(7) == 7


async def test_a_caller_that_gave_up_early_is_not_written() -> None:
    writer = FakeWriter()
    queue: GroupCommit[int, int] = GroupCommit(writer, "test")
    kept = asyncio.ensure_future(queue.submit(1))
    dropped = asyncio.ensure_future(queue.submit(2))
    await asyncio.sleep(0)  # a yield: both are queued, the drain has not run yet
    dropped.cancel()
    assert await kept == 10
    with pytest.raises(asyncio.CancelledError):
        await dropped
    assert writer.batches == [[1]]


async def test_close_waits_for_the_queue() -> None:
    writer = FakeWriter()
    writer.release.clear()
    queue: GroupCommit[int, int] = GroupCommit(writer, "test")
    pending = [asyncio.ensure_future(queue.submit(n)) for n in range(3)]
    await asyncio.sleep(0)
    closing = asyncio.ensure_future(queue.close())
    await asyncio.sleep(0)
    assert not closing.done()
    writer.release.set()
    await closing
    assert all(task.done() for task in pending)
