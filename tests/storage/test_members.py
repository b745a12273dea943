"""Members, facilitators and post references."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, CommitCounter, actor


async def test_touch_member_counts_each_person_once(engine, store: SqlStore) -> None:
    counter = CommitCounter(engine)
    for _ in range(3):
        await store.touch_member(SPACE, actor(1), T0)
    await store.touch_member(SPACE, actor(2), T0)
    await store.touch_member(OTHER_SPACE, actor(1), T0)

    # Known members with unchanged names cost no write at all.
    assert counter.commits == 3
    assert await store.member_count(SPACE) == 2
    assert await store.member_count(OTHER_SPACE) == 1
    assert await store.member_keys(SPACE) == ["console:local:u1", "console:local:u2"]


async def test_member_count_sees_new_members(store: SqlStore) -> None:
    assert await store.member_count(SPACE) == 0
    await store.touch_member(SPACE, actor(1), T0)
    assert await store.member_count(SPACE) == 1
    await store.touch_member(SPACE, actor(2), T0)
    assert await store.member_count(SPACE) == 2


async def test_rename_updates_the_name_and_keeps_joined_at(engine, store: SqlStore) -> None:
    await store.touch_member(SPACE, actor(1, "Ann"), T0)
    await store.touch_member(SPACE, actor(1, "Annie"), T0.replace(year=2026))
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT name, joined_at FROM space_member"))).all()
    assert len(rows) == 1 and rows[0][0] == "Annie"
    assert str(rows[0][1]).startswith("2025-03-01")
    assert await store.member_count(SPACE) == 1


async def test_facilitators(store: SqlStore) -> None:
    assert await store.facilitators(SPACE) == set()
    await store.add_facilitator(SPACE, "console:local:u1")
    await store.add_facilitator(SPACE, "console:local:u1")
    await store.add_facilitator(SPACE, "console:local:u2")
    await store.add_facilitator(OTHER_SPACE, "slack:T1:U3")
    assert await store.facilitators(SPACE) == {"console:local:u1", "console:local:u2"}


async def test_post_references(store: SqlStore) -> None:
    assert await store.find_post("poll:1", "slack") is None
    await store.remember_post("poll:1", "slack", "C1/171.1")
    await store.remember_post("poll:1", "discord", "555")
    await store.remember_post("poll:1", "slack", "C1/172.2")
    assert await store.find_post("poll:1", "slack") == "C1/172.2"
    assert await store.find_post("poll:1", "discord") == "555"


async def test_a_crowd_joining_at_once_shares_transactions(engine, store: SqlStore) -> None:
    counter = CommitCounter(engine)
    await asyncio.gather(*(store.touch_member(SPACE, actor(i), T0) for i in range(200)))
    assert await store.member_count(SPACE) == 200
    assert counter.commits < 10


async def test_acting_renames_a_member_but_never_adds_a_stranger(engine, store: SqlStore) -> None:
    await store.touch_member(SPACE, actor(1, "Ann"), T0)
    assert await store.is_member(SPACE, actor(1).key)
    assert not await store.is_member(SPACE, actor(2).key)
    # Someone acting who was never reported: nothing written, not a member.
    await store.touch_member(SPACE, actor(2, "Mal"), T0, join=False)
    assert not await store.is_member(SPACE, actor(2).key)
    assert await store.member_keys(SPACE) == [actor(1).key]
    # A known member acting under a new name: the name follows.
    await store.touch_member(SPACE, actor(1, "Annie"), T0, join=False)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT member, name FROM space_member"))).all()
    assert rows == [(actor(1).key, "Annie")]
    # A later report of the stranger does make them a member.
    await store.touch_member(SPACE, actor(2, "Mal"), T0)
    assert await store.is_member(SPACE, actor(2).key)


async def test_members_leave_and_a_whole_list_replaces_the_old(store: SqlStore) -> None:
    for n in (1, 2, 3):
        await store.touch_member(SPACE, actor(n), T0)
    await store.touch_member(OTHER_SPACE, actor(2), T0)
    assert await store.member_count(SPACE) == 3
    await store.remove_members(SPACE, [actor(2).key])
    assert not await store.is_member(SPACE, actor(2).key)
    assert await store.is_member(OTHER_SPACE, actor(2).key)
    assert await store.member_count(SPACE) == 2
    # Rejoining after leaving works, even though the name was known.
    await store.touch_member(SPACE, actor(2), T0)
    assert await store.is_member(SPACE, actor(2).key)
    await store.set_members(SPACE, [actor(3), actor(4)], T0)
    assert await store.member_keys(SPACE) == [actor(3).key, actor(4).key]
    assert await store.member_count(SPACE) == 2
    assert not await store.is_member(SPACE, actor(1).key)
