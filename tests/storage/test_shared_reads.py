"""Cached reads on the vote path: one SELECT however many callers miss at once.

The caches' clock is a ``Ticker`` moved by hand; ``HeldReads`` holds read sessions
after their SELECT, so that a change can land while a read is in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.model import Poll, PollStatus
from storage import SqlStore
from tests.storage.helpers import SPACE, T0, StatementLog, Ticker, actor, decision, spec

SALT = b"salt" * 8
CALLERS = 100

#: The cached reads of the vote path, each with what it should return after ``setup``.
READS: dict[str, Callable[[SqlStore, Poll], Awaitable[Any]]] = {
    "find_poll": lambda store, poll: store.find_poll(SPACE, poll.number),
    "get_poll": lambda store, poll: store.get_poll(poll.id),
    "poll_salt": lambda store, poll: store.poll_salt(poll.id),
    "member_count": lambda store, poll: store.member_count(SPACE),
}


def expected(name: str, poll: Poll) -> Any:
    """What ``READS[name]`` returns for the poll made by ``setup``."""
    return {"poll_salt": SALT, "member_count": 2}.get(name, poll)


class Boom(Exception):
    """A failed SELECT."""


class HeldReads:
    """Holds each of the store's read sessions after its statements ran, until released."""

    def __init__(self, store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self._arrivals: asyncio.Queue[asyncio.Event] = asyncio.Queue()
        self._gates: list[asyncio.Event] = []
        self._holding = True
        original = store._read

        @asynccontextmanager
        async def held() -> AsyncIterator[AsyncSession]:
            async with original() as session:
                yield session
            if not self._holding:
                return
            gate = asyncio.Event()
            self._gates.append(gate)
            self._arrivals.put_nowait(gate)
            await gate.wait()

        monkeypatch.setattr(store, "_read", held)

    async def next(self) -> asyncio.Event:
        """Wait for the next read to be held; setting the event returned lets it finish."""
        try:
            # The timeout only stops a broken test from hanging.
            return await asyncio.wait_for(self._arrivals.get(), timeout=5)
        except TimeoutError:
            # Let every read finish, or closing the store would wait for them forever.
            self.stop()
            raise

    def stop(self) -> None:
        """Let every held read finish, and hold no more."""
        self._holding = False
        for gate in self._gates:
            gate.set()


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


@pytest.fixture
async def ticked(engine: AsyncEngine, ticker: Ticker) -> AsyncIterator[SqlStore]:
    """A started store whose caches expire by ``ticker``."""
    made = SqlStore(engine, monotonic=ticker)
    await made.start()
    yield made
    await made.close()


async def setup(store: SqlStore) -> Poll:
    """An open poll in SPACE with two members, everything cached at time 0."""
    poll = await store.create_poll(SPACE, "c", spec(), SALT, T0)
    await asyncio.gather(
        store.touch_member(SPACE, actor(1), T0), store.touch_member(SPACE, actor(2), T0)
    )
    for read in READS.values():
        await read(store, poll)
    return poll


def selects(log: StatementLog) -> int:
    return log.verbs.count("SELECT")


@pytest.mark.parametrize("name", READS)
async def test_concurrent_misses_after_expiry_share_one_select(
    engine: AsyncEngine, ticked: SqlStore, ticker: Ticker, name: str
) -> None:
    poll = await setup(ticked)
    log = StatementLog(engine)
    assert await READS[name](ticked, poll) == expected(name, poll)
    assert selects(log) == 0  # still cached

    ticker.now = 10.0
    results = await asyncio.gather(*(READS[name](ticked, poll) for _ in range(CALLERS)))
    assert results == [expected(name, poll)] * CALLERS
    assert selects(log) == 1
    assert await READS[name](ticked, poll) == expected(name, poll)
    assert selects(log) == 1  # cached again


@pytest.mark.parametrize("name", READS)
async def test_concurrent_first_reads_share_one_select(
    engine: AsyncEngine, ticked: SqlStore, name: str
) -> None:
    poll = await setup(ticked)
    # A second store has nothing cached (not even which id a number is): a restarted process.
    fresh = SqlStore(engine)
    log = StatementLog(engine)
    results = await asyncio.gather(*(READS[name](fresh, poll) for _ in range(CALLERS)))
    assert results == [expected(name, poll)] * CALLERS
    assert selects(log) == 1


@pytest.mark.parametrize("name", READS)
async def test_a_failed_shared_read_reaches_every_caller_and_the_next_call_retries(
    engine: AsyncEngine, ticked: SqlStore, ticker: Ticker, name: str
) -> None:
    poll = await setup(ticked)
    log = StatementLog(engine)
    armed = True

    def fail_once(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        nonlocal armed
        if armed and statement.startswith("SELECT"):
            armed = False
            raise Boom()

    event.listen(engine.sync_engine, "before_cursor_execute", fail_once)
    ticker.now = 10.0
    outcomes = await asyncio.gather(
        *(READS[name](ticked, poll) for _ in range(CALLERS)), return_exceptions=True
    )
    assert all(isinstance(outcome, Boom) for outcome in outcomes)
    assert selects(log) == 1

    assert await READS[name](ticked, poll) == expected(name, poll)
    assert selects(log) == 2


@pytest.mark.parametrize("lookup", ["get_poll after expiry", "find_poll by number"])
async def test_a_claim_during_an_in_flight_poll_read_is_respected(
    engine: AsyncEngine,
    ticked: SqlStore,
    ticker: Ticker,
    monkeypatch: pytest.MonkeyPatch,
    lookup: str,
) -> None:
    poll = await setup(ticked)
    if lookup == "find_poll by number":
        store = SqlStore(engine)  # knows no poll ids yet, so it looks the number up

        async def read() -> Poll | None:
            return await store.find_poll(SPACE, poll.number)
    else:
        store = ticked
        ticker.now = 10.0

        async def read() -> Poll | None:
            return await store.get_poll(poll.id)

    held = HeldReads(store, monkeypatch)
    log = StatementLog(engine)
    early = asyncio.create_task(read())
    release_early = await held.next()  # its SELECT saw the poll open
    assert await store.claim_close(poll.id, T0, T0)

    # Asked after the claim: a read of its own, not a share of the one from before it.
    late = asyncio.create_task(read())
    (await held.next()).set()
    second = await late
    assert second is not None and second.status is PollStatus.CLOSING
    # The read from before the claim lands last, and must not overwrite what the late one cached.
    release_early.set()
    first = await early
    assert first is not None and first.status is PollStatus.OPEN
    assert selects(log) == 2

    # The early read was not cached over the claim; the late one was.
    again = await read()
    assert again is not None and again.status is PollStatus.CLOSING
    assert selects(log) == 2


async def test_a_cancel_during_an_in_flight_salt_read_is_respected(
    engine: AsyncEngine, ticked: SqlStore, ticker: Ticker, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll = await setup(ticked)
    ticker.now = 10.0
    held = HeldReads(ticked, monkeypatch)
    early = asyncio.create_task(ticked.poll_salt(poll.id))
    release_early = await held.next()
    assert await ticked.cancel_poll(poll.id, decision(poll.number, status=PollStatus.CANCELLED))

    late = asyncio.create_task(ticked.poll_salt(poll.id))
    (await held.next()).set()
    assert await late is None
    release_early.set()
    assert await early == SALT
    held.stop()
    assert await ticked.poll_salt(poll.id) is None  # the shredded salt was not cached back


async def test_a_join_during_an_in_flight_count_is_respected(
    engine: AsyncEngine, ticked: SqlStore, ticker: Ticker, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup(ticked)
    ticker.now = 10.0
    held = HeldReads(ticked, monkeypatch)
    log = StatementLog(engine)
    early = asyncio.create_task(ticked.member_count(SPACE))
    release_early = await held.next()
    await ticked.touch_member(SPACE, actor(3), T0)

    late = asyncio.create_task(ticked.member_count(SPACE))
    (await held.next()).set()
    assert await late == 3
    release_early.set()
    assert await early == 2
    assert await ticked.member_count(SPACE) == 3
    assert selects(log) == 2


async def test_a_busy_poll_is_refreshed_in_the_background_before_it_expires(
    engine: AsyncEngine, ticked: SqlStore, ticker: Ticker, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll = await setup(ticked)
    # Another process claims the poll; this one learns of it within the TTL.
    assert await SqlStore(engine).claim_close(poll.id, T0, T0)
    held = HeldReads(ticked, monkeypatch)
    log = StatementLog(engine)

    ticker.now = 4.5  # within a second of expiry
    found = await asyncio.gather(*(ticked.find_poll(SPACE, poll.number) for _ in range(CALLERS)))
    # Everyone was answered from the cache while the refresh was still held.
    assert found == [poll] * CALLERS
    (await held.next()).set()

    # Past the old expiry: the refreshed entry, or a wait for the refresh, never a new read.
    ticker.now = 5.5
    refreshed = await ticked.find_poll(SPACE, poll.number)
    assert refreshed is not None and refreshed.status is PollStatus.CLOSING
    assert selects(log) == 1


async def test_a_poll_claimed_in_this_process_is_not_served_while_due_for_refresh(
    ticked: SqlStore, ticker: Ticker
) -> None:
    poll = await setup(ticked)
    ticker.now = 4.5
    assert await ticked.claim_close(poll.id, T0, T0)
    found = await ticked.find_poll(SPACE, poll.number)
    assert found is not None and found.status is PollStatus.CLOSING
