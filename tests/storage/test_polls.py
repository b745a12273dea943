"""Creating and finding polls."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta, timezone

import pytest

from bot.model import PollStatus, Quorum
from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, spec


async def test_numbers_count_up_per_space(store: SqlStore) -> None:
    first = await store.create_poll(SPACE, "console:local:u1", spec("A"), b"s1", T0)
    second = await store.create_poll(SPACE, "console:local:u1", spec("B"), b"s2", T0)
    elsewhere = await store.create_poll(OTHER_SPACE, "slack:T1:U1", spec("C"), b"s3", T0)

    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert first.id != second.id != elsewhere.id
    assert first.status is PollStatus.OPEN and first.is_open
    found = await store.find_poll(SPACE, 2)
    assert found is not None and found.id == second.id and found.spec.question == "B"
    assert (await store.find_poll(OTHER_SPACE, 1)) == elsewhere
    assert await store.find_poll(SPACE, 3) is None
    assert await store.get_poll(999) is None


async def test_concurrent_creations_get_distinct_numbers(engine, store: SqlStore) -> None:
    # A second store on the same database stands in for a second process.
    other = SqlStore(engine)
    polls = await asyncio.gather(
        *(
            (store if i % 2 else other).create_poll(SPACE, "c", spec(f"Q{i}"), bytes([i]), T0)
            for i in range(10)
        )
    )
    assert sorted(poll.number for poll in polls) == list(range(1, 11))


async def test_spec_round_trips(engine, store: SqlStore) -> None:
    closes = (T0 + timedelta(hours=5)).astimezone(timezone(timedelta(hours=-7)))
    created = await store.create_poll(SPACE, "creator", spec(closes_at=closes), b"salt", T0)

    # A second store on the same database has nothing cached, so this reads the row.
    fresh = SqlStore(engine)
    loaded = await fresh.get_poll(created.id)
    assert loaded == created
    assert loaded.spec.options == ("Park", "Library", "Café")
    assert loaded.spec.quorum == Quorum(percent=50.0)
    assert loaded.spec.threshold == 60.0
    assert loaded.spec.closes_at == closes
    assert loaded.spec.closes_at.utcoffset() == timedelta(0)
    assert loaded.created_at == T0 and loaded.created_at.tzinfo is not None
    assert loaded.space == SPACE and loaded.creator == "creator"


async def test_reminders_round_trip(engine, store: SqlStore) -> None:
    with_reminders = replace(spec(), reminders=(86_400, 3_600, 600))
    made = await store.create_poll(SPACE, "c", with_reminders, b"1", T0)
    plain = await store.create_poll(SPACE, "c", spec(), b"2", T0)

    fresh = SqlStore(engine)
    assert (await fresh.get_poll(made.id)).spec.reminders == (86_400, 3_600, 600)
    assert (await fresh.get_poll(plain.id)).spec.reminders == ()
    assert await fresh.get_poll(made.id) == made


async def test_open_polls_oldest_first(store: SqlStore) -> None:
    one = await store.create_poll(SPACE, "c", spec("A"), b"1", T0)
    two = await store.create_poll(SPACE, "c", spec("B"), b"2", T0)
    await store.create_poll(OTHER_SPACE, "c", spec("C"), b"3", T0)
    assert [p.id for p in await store.open_polls(SPACE)] == [one.id, two.id]

    assert await store.claim_close(one.id, T0, T0)
    assert [p.id for p in await store.open_polls(SPACE)] == [two.id]


async def test_salt_is_stored_with_the_poll(engine, store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"\x00secret-salt", T0)
    assert await store.poll_salt(poll.id) == b"\x00secret-salt"
    assert await SqlStore(engine).poll_salt(poll.id) == b"\x00secret-salt"
    assert await store.poll_salt(12345) is None


async def test_naive_times_are_refused(store: SqlStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.create_poll(SPACE, "c", spec(), b"s", T0.replace(tzinfo=None))
    assert await store.find_poll(SPACE, 1) is None
