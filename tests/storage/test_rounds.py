"""Rounds of a proposal (``amend``): the link each round keeps, read back everywhere."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.errors import BadInput
from bot.model import Poll, PollStatus, Round
from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, decision, spec


async def _close(store: SqlStore, poll: Poll) -> None:
    assert await store.claim_close(poll.id, T0, T0)
    assert await store.finish_close(poll.id, decision(poll.number, space=poll.space))


async def _three_rounds(store: SqlStore) -> tuple[Poll, Poll, Poll]:
    first = await store.create_poll(SPACE, "c", spec("A"), b"1", T0)
    await _close(store, first)
    second = await store.create_poll(SPACE, "c", replace(spec("B"), follows=first.id), b"2", T0)
    await _close(store, second)
    third = await store.create_poll(SPACE, "c", replace(spec("C"), follows=second.id), b"3", T0)
    return first, second, third


async def test_a_later_round_knows_its_place_however_it_is_read(engine, store: SqlStore):
    first, second, third = await _three_rounds(store)
    assert first.round is None
    assert second.round == Round(number=2, first=1, previous=1)
    assert third.round == Round(number=3, first=1, previous=2)
    assert third.spec.follows == second.id

    # A second store has empty caches: every read goes to the database.
    fresh = SqlStore(engine)
    assert (await fresh.get_poll(third.id)).round == third.round
    assert (await fresh.find_poll(SPACE, 2)).round == second.round
    assert {p.id: p.round for p in (await fresh.get_polls([first.id, third.id])).values()} == {
        first.id: None, third.id: third.round}
    assert [(p.number, p.round) for p in await fresh.open_polls(SPACE)] == [(3, third.round)]
    assert (await fresh.next_round(first)).id == second.id
    assert (await fresh.next_round(second)).id == third.id
    assert await fresh.next_round(third) is None


async def test_the_decision_log_links_the_rounds_in_their_space_only(store: SqlStore):
    *_, third = await _three_rounds(store)
    await _close(store, third)
    elsewhere = await store.create_poll(OTHER_SPACE, "c", spec("X"), b"4", T0)
    await _close(store, elsewhere)

    for found in (await store.decisions(SPACE), await store.decisions(None)):
        links = {(d.space, d.poll_number): (d.round, d.amended_as) for d in found}
        assert links[(SPACE, 1)] == (None, 2)
        assert links[(SPACE, 2)] == (Round(2, 1, 1), 3)
        assert links[(SPACE, 3)] == (Round(3, 1, 2), None)
    assert [(d.round, d.amended_as) for d in await store.decisions(OTHER_SPACE)] == [(None, None)]


async def test_a_cancelled_round_leaves_the_round_before_free_to_amend(store: SqlStore):
    first = await store.create_poll(SPACE, "c", spec("A"), b"1", T0)
    await _close(store, first)
    dropped = await store.create_poll(SPACE, "c", replace(spec("B"), follows=first.id), b"2", T0)
    assert await store.cancel_poll(dropped.id, decision(2, status=PollStatus.CANCELLED))
    assert await store.next_round(first) is None

    again = await store.create_poll(SPACE, "c", replace(spec("C"), follows=first.id), b"3", T0)
    assert again.round == Round(2, 1, 1)
    assert (await store.next_round(first)).id == again.id
    links = {d.poll_number: (d.round, d.amended_as) for d in await store.decisions(SPACE)}
    assert links[1] == (None, 3)
    assert links[2] == (Round(2, 1, 1), None)


async def test_two_people_amending_at_once_make_one_round(engine, store: SqlStore):
    first = await store.create_poll(SPACE, "c", spec("A"), b"1", T0)
    await _close(store, first)
    other = SqlStore(engine)  # another process on the same database
    made = await asyncio.gather(
        store.create_poll(SPACE, "c", replace(spec("B"), follows=first.id), b"2", T0),
        other.create_poll(SPACE, "d", replace(spec("C"), follows=first.id), b"3", T0),
        return_exceptions=True)
    polls = [p for p in made if isinstance(p, Poll)]
    refusals = [e for e in made if isinstance(e, BadInput)]
    assert len(polls) == 1 and len(refusals) == 1, made
    assert f"#{polls[0].number}" in refusals[0].message
    assert [p.number for p in await store.open_polls(SPACE)] == [polls[0].number]
    with pytest.raises(BadInput):
        await store.create_poll(SPACE, "c", replace(spec("D"), follows=first.id), b"4", T0)
