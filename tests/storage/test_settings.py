"""Members' own settings, requests for more time, and who has not voted yet."""

from __future__ import annotations

from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, actor, spec, tag


async def test_member_timezone_is_remembered_and_replaced(engine, store: SqlStore) -> None:
    assert await store.member_timezone("console:local:u1") is None
    await store.set_member_timezone("console:local:u1", "Europe/Berlin")
    await store.set_member_timezone("console:local:u2", "America/Chicago")
    await store.set_member_timezone("console:local:u1", "Asia/Tokyo")

    assert await store.member_timezone("console:local:u1") == "Asia/Tokyo"
    assert await SqlStore(engine).member_timezone("console:local:u2") == "America/Chicago"


async def test_member_language_is_remembered_beside_the_time_zone(engine, store: SqlStore) -> None:
    await store.set_member_timezone("console:local:u1", "Europe/London")
    await store.set_member_language("console:local:u1", "cy")
    await store.set_member_language("console:local:u2", "en")
    await store.set_member_language("console:local:u2", None)

    again = SqlStore(engine)
    assert await again.member_languages(["console:local:u1", "console:local:u2", "x"]) == {
        "console:local:u1": "cy"}
    # Each setting keeps its value when the other is set.
    assert await again.member_timezone("console:local:u1") == "Europe/London"
    await store.set_member_timezone("console:local:u1", "Asia/Tokyo")
    assert await again.member_languages(["console:local:u1"]) == {"console:local:u1": "cy"}


async def test_more_time_is_counted_once_per_member(store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"1", T0)
    other = await store.create_poll(SPACE, "c", spec(), b"2", T0)
    assert await store.time_requests(poll.id) == 0

    assert await store.request_more_time(poll.id, "m1") == 1
    assert await store.request_more_time(poll.id, "m2") == 2
    assert await store.request_more_time(poll.id, "m1") == 2
    assert await store.request_more_time(other.id, "m1") == 1

    assert await store.time_requests(poll.id) == 2
    assert await store.time_requests(other.id) == 1


async def test_members_without_vote(store: SqlStore) -> None:
    for n in (1, 2, 3, 4):
        await store.touch_member(SPACE, actor(n), T0)
    await store.touch_member(OTHER_SPACE, actor(5), T0)
    poll = await store.create_poll(SPACE, "c", spec(), b"1", T0)
    other = await store.create_poll(SPACE, "c", spec(), b"2", T0)
    await store.record_vote(poll.id, tag(2), "{}", actor(2).key, None)
    await store.record_vote(poll.id, tag(4), "{}", actor(4).key, None)
    await store.record_vote(other.id, tag(1), "{}", actor(1).key, None)
    # Someone who voted but is not (yet) a known member is simply not listed.
    await store.record_vote(poll.id, tag(9), "{}", "console:local:u9", None)

    assert await store.members_without_vote(poll.id, SPACE) == [actor(1).key, actor(3).key]
    assert await store.members_without_vote(other.id, SPACE) == [
        actor(2).key,
        actor(3).key,
        actor(4).key,
    ]
    assert await store.members_without_vote(poll.id, OTHER_SPACE) == [actor(5).key]


async def test_my_data_shows_the_chosen_language(store: SqlStore) -> None:
    await store.set_member_language("console:local:u1", "cy")
    record = await store.member_record("console:local:u1")
    assert record["settings"]["language"] == "cy"
    assert record["settings"]["timezone"] is None
