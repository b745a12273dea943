"""Claiming, finishing and cancelling polls, and the decision log."""

from __future__ import annotations

from datetime import timedelta

from bot.model import PollStatus
from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, CommitCounter, decision, rows, spec, tag

LATER = T0 + timedelta(hours=1)


async def _voted_poll(store: SqlStore, voters: int = 3):
    poll = await store.create_poll(SPACE, "c", spec(), b"salt", T0)
    for i in range(voters):
        await store.record_vote(poll.id, tag(i), f'{{"p":[{i % 3}]}}', f"m{i}", None)
    return poll


async def test_claim_once_then_refuse(store: SqlStore) -> None:
    poll = await _voted_poll(store)
    assert await store.claim_close(poll.id, LATER, T0)
    assert not await store.claim_close(poll.id, LATER, T0)
    claimed = await store.get_poll(poll.id)
    assert claimed is not None and claimed.status is PollStatus.CLOSING
    assert not await store.claim_close(4040, LATER, T0)


async def test_stale_claim_can_be_taken_over(store: SqlStore) -> None:
    poll = await _voted_poll(store)
    assert await store.claim_close(poll.id, LATER, T0)
    # Claimed at LATER: fresh if stale means "before LATER", stale once it means after.
    assert not await store.claim_close(poll.id, LATER + timedelta(minutes=1), LATER)
    assert await store.claim_close(
        poll.id, LATER + timedelta(minutes=10), LATER + timedelta(minutes=5)
    )


async def test_finish_close_shreds_and_logs(engine, store: SqlStore) -> None:
    poll = await _voted_poll(store)
    assert await store.claim_close(poll.id, LATER, T0)
    assert await store.finish_close(poll.id, decision(poll.number))

    assert await rows(engine, "SELECT id FROM ballot WHERE poll_id = :p", p=poll.id) == []
    ballots = await rows(engine, "SELECT ballot FROM closed_ballot WHERE poll_id = :p",
                         p=poll.id)
    assert len(ballots) == 3
    assert sorted(b for _, b in await store.ballots(poll.id)) == [
        '{"p":[0]}',
        '{"p":[1]}',
        '{"p":[2]}',
    ]
    assert await rows(engine, "SELECT * FROM poll_secret") == []
    assert await store.poll_salt(poll.id) is None
    assert await store.voted_count(poll.id) == 3  # participation stays

    closed = await store.get_poll(poll.id)
    assert closed is not None and closed.status is PollStatus.CLOSED
    assert closed.closed_at == decision().closed_at
    assert await store.decisions(SPACE) == [decision(poll.number)]

    assert not await store.finish_close(poll.id, decision(poll.number))
    assert len(await store.decisions()) == 1


async def test_finish_close_needs_a_claim(store: SqlStore) -> None:
    poll = await _voted_poll(store)
    assert not await store.finish_close(poll.id, decision(poll.number))
    assert await store.poll_salt(poll.id) == b"salt"
    assert await store.decisions() == []


async def test_cancel_deletes_ballots_and_salt(engine, store: SqlStore) -> None:
    poll = await _voted_poll(store)
    cancelled = decision(poll.number, status=PollStatus.CANCELLED)
    assert await store.cancel_poll(poll.id, cancelled)

    assert await store.ballots(poll.id) == []
    assert await rows(engine, "SELECT * FROM poll_secret") == []
    assert await store.voted_count(poll.id) == 3
    ended = await store.get_poll(poll.id)
    assert ended is not None and ended.status is PollStatus.CANCELLED
    assert await store.decisions() == [cancelled]
    assert not await store.cancel_poll(poll.id, cancelled)


async def test_cancel_needs_an_open_poll(store: SqlStore) -> None:
    poll = await _voted_poll(store)
    assert await store.claim_close(poll.id, LATER, T0)
    assert not await store.cancel_poll(poll.id, decision(status=PollStatus.CANCELLED))
    assert len(await store.ballots(poll.id)) == 3


async def test_decisions_newest_first(store: SqlStore) -> None:
    for number, day in ((1, 3), (2, 1), (3, 2)):
        poll = await store.create_poll(SPACE, "c", spec(), bytes([number]), T0)
        assert await store.claim_close(poll.id, T0, T0)
        await store.finish_close(poll.id, decision(number, closed_at=T0 + timedelta(days=day)))
    other = await store.create_poll(OTHER_SPACE, "c", spec(), b"o", T0)
    await store.cancel_poll(other.id, decision(1, space=OTHER_SPACE, status=PollStatus.CANCELLED))

    assert [d.poll_number for d in await store.decisions(SPACE)] == [1, 3, 2]
    assert [d.poll_number for d in await store.decisions(SPACE, limit=2)] == [1, 3]
    assert len(await store.decisions()) == 4
    assert [d.space for d in await store.decisions(OTHER_SPACE)] == [OTHER_SPACE]


async def test_a_burst_of_closings_is_written_a_few_hundred_polls_at_a_time(store: SqlStore):
    polls = [await store.create_poll(SPACE, "c", spec(), b"salt", T0) for _ in range(300)]
    for poll in polls[:2]:
        await store.record_vote(poll.id, tag(poll.id), '{"p":[0]}', "m1", None)
    ids = [poll.id for poll in polls]
    assert await store.claim_closes(ids, LATER, T0) == set(ids)
    commits = CommitCounter(store.engine)
    closed = await store.finish_closes([(poll.id, decision(poll.number)) for poll in polls])
    assert closed == set(ids)
    # Two write transactions (250 + 50 polls), so votes elsewhere never wait long; on
    # PostgreSQL one more, after them, rewrites the secret tables once for the batch.
    assert commits.commits == (3 if store.engine.dialect.name == "postgresql" else 2)
    assert len(await store.decisions()) == 300
    assert await rows(store.engine, "SELECT count(*) FROM poll_secret") == [(0,)]
    assert await rows(store.engine, "SELECT count(*) FROM ballot WHERE voter_tag IS NOT NULL") \
        == [(0,)]
