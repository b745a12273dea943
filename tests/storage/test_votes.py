"""Recording votes through the group-commit writer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import PollClosed
from bot.model import VoteReceipt
from storage import SqlStore, make_engine
from tests.storage.helpers import SPACE, T0, CommitCounter, spec, sqlite_url, tag


async def _count(engine, table: str, poll_id: int) -> int:
    async with engine.connect() as conn:
        query = text(f"SELECT count(*) FROM {table} WHERE poll_id = :p")
        return (await conn.execute(query, {"p": poll_id})).scalar_one()


async def test_new_vote_then_replacement(store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)

    first = await store.record_vote(poll.id, tag(1), '{"p":[0]}', "m1", None)
    other = await store.record_vote(poll.id, tag(2), '{"p":[1]}', "m2", None)
    again = await store.record_vote(poll.id, tag(1), '{"p":[2]}', "m1", None)

    assert first == VoteReceipt(replaced=False, voted=1)
    assert other == VoteReceipt(replaced=False, voted=2)
    assert again == VoteReceipt(replaced=True, voted=2)
    assert sorted(b for _, b in await store.ballots(poll.id)) == ['{"p":[1]}', '{"p":[2]}']
    assert await store.voted_count(poll.id) == 2
    assert await store.has_voted(poll.id, "m1")
    assert not await store.has_voted(poll.id, "m3")


async def test_names_are_kept_only_when_given(store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(anonymous=False), b"s", T0)
    await store.record_vote(poll.id, tag(1), "{}", "m1", "Ann")
    await store.record_vote(poll.id, tag(2), "{}", "m2", None)
    assert sorted(await store.ballots(poll.id), key=str) == [("Ann", "{}"), (None, "{}")]


async def test_concurrent_votes_share_transactions(engine, store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    counter = CommitCounter(engine)

    receipts = await asyncio.gather(
        *(
            store.record_vote(poll.id, tag(i), f'{{"p":[{i % 3}]}}', f"m{i}", None)
            for i in range(500)
        )
    )

    assert all(not receipt.replaced for receipt in receipts)
    assert max(receipt.voted for receipt in receipts) == 500
    assert await _count(engine, "ballot", poll.id) == 500
    assert await _count(engine, "participation", poll.id) == 500
    assert counter.commits < 50


async def test_same_tag_twice_in_one_batch_keeps_the_later(store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    first, second = await asyncio.gather(
        store.record_vote(poll.id, tag(1), "early", "m1", None),
        store.record_vote(poll.id, tag(1), "late", "m1", None),
    )
    assert first == VoteReceipt(replaced=False, voted=1)
    assert second == VoteReceipt(replaced=True, voted=1)
    assert await store.ballots(poll.id) == [(None, "late")]


async def test_vote_after_claim_is_refused_and_not_written(engine, store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    await store.record_vote(poll.id, tag(1), "{}", "m1", None)
    assert await store.claim_close(poll.id, T0, T0)

    with pytest.raises(PollClosed):
        await store.record_vote(poll.id, tag(2), "{}", "m2", None)
    assert await _count(engine, "ballot", poll.id) == 1
    assert await _count(engine, "participation", poll.id) == 1
    assert not await store.has_voted(poll.id, "m2")


async def test_claim_by_another_process_is_seen_by_the_vote(engine, store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    await store.get_poll(poll.id)  # cached as open in this store
    other = SqlStore(engine)
    assert await other.claim_close(poll.id, T0, T0)

    with pytest.raises(PollClosed):
        await store.record_vote(poll.id, tag(1), "{}", "m1", None)
    assert await _count(engine, "ballot", poll.id) == 0


async def test_one_closed_poll_does_not_spoil_the_batch(engine, store: SqlStore) -> None:
    open_poll = await store.create_poll(SPACE, "c", spec("open"), b"s1", T0)
    claimed = await store.create_poll(SPACE, "c", spec("claimed"), b"s2", T0)
    assert await store.claim_close(claimed.id, T0, T0)

    results = await asyncio.gather(
        store.record_vote(open_poll.id, tag(1), "{}", "m1", None),
        store.record_vote(claimed.id, tag(1), "{}", "m1", None),
        store.record_vote(open_poll.id, tag(2), "{}", "m2", None),
        store.record_vote(404, tag(1), "{}", "m1", None),
        return_exceptions=True,
    )

    assert results[0] == VoteReceipt(replaced=False, voted=2)
    assert isinstance(results[1], PollClosed)
    assert results[2] == VoteReceipt(replaced=False, voted=2)
    assert isinstance(results[3], PollClosed)
    assert await _count(engine, "ballot", claimed.id) == 0


async def test_failed_batch_fails_every_caller_and_writes_nothing(
    engine, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)

    async def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store._votes, "_write_ballots", broken)
    results = await asyncio.gather(
        *(store.record_vote(poll.id, tag(i), "{}", f"m{i}", None) for i in range(5)),
        return_exceptions=True,
    )
    assert all(isinstance(result, RuntimeError) for result in results)
    assert await _count(engine, "ballot", poll.id) == 0
    assert await _count(engine, "participation", poll.id) == 0

    monkeypatch.undo()
    assert await store.record_vote(poll.id, tag(1), "{}", "m1", None) == VoteReceipt(False, 1)


async def test_bad_values_fail_only_their_caller(store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    with pytest.raises(TypeError):
        await store.record_vote(poll.id, "not bytes", "{}", "m1", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await store.record_vote(poll.id, tag(1), {"p": 1}, "m1", None)  # type: ignore[arg-type]


async def test_close_writes_queued_votes(tmp_path: Path) -> None:
    path = tmp_path / "drain.db"
    store = SqlStore(make_engine(sqlite_url(path)))
    await store.start()
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    pending = [
        asyncio.ensure_future(store.record_vote(poll.id, tag(i), "{}", f"m{i}", None))
        for i in range(20)
    ]
    await asyncio.sleep(0)  # a yield, not a wait: lets the callers queue their votes
    await store.close()
    assert all(task.done() and not task.exception() for task in pending)

    reopened = SqlStore(make_engine(sqlite_url(path)))
    assert await reopened.voted_count(poll.id) == 20
    await reopened.close()


async def test_votes_racing_a_claim_are_either_counted_or_refused(engine, store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    closer = SqlStore(engine)  # another process, as far as turn-taking goes
    under_way = asyncio.Event()

    async def voter(i: int) -> list[VoteReceipt | BaseException]:
        results: list[VoteReceipt | BaseException] = []
        for k in range(6):
            try:
                results.append(
                    await store.record_vote(poll.id, tag(i * 10 + k), "{}", f"m{i}.{k}", None)
                )
            except PollClosed as refused:
                results.append(refused)
            if k == 1:
                under_way.set()
        return results

    async def claim_while_voting() -> bool:
        await under_way.wait()
        return await closer.claim_close(poll.id, T0, T0)

    *chains, claimed = await asyncio.gather(*(voter(i) for i in range(50)), claim_while_voting())
    votes = [vote for chain in chains for vote in chain]
    accepted = [vote for vote in votes if isinstance(vote, VoteReceipt)]
    assert claimed is True
    assert 0 < len(accepted) < len(votes)  # the claim really landed mid-stream
    assert all(isinstance(vote, (VoteReceipt, PollClosed)) for vote in votes)
    assert len(await store.ballots(poll.id)) == len(accepted)
    assert await store.voted_count(poll.id) == len(accepted)
