"""Ending one poll among several (storage/closing.py): only that poll ends.

Each test has more than one poll open, so that a filter lost from a statement (every
open poll cancelled, another poll's salt or ideas deleted, a batch's closing times
mixed up) changes what people see. PostgreSQL variants run when
``ROUNDTABLE_TEST_POSTGRES_URL`` is set, including its own branch: the secret tables
rewritten after a close or a cancel, and a closer that lost a race logging nothing.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from bot.model import Method, Opened, PollKind, PollSpec, PollStatus
from bot.timed_work import JobKind, NewJob
from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, decision, rows, spec, tag

LATER = T0 + timedelta(hours=1)
DAY1 = T0 + timedelta(days=1)          # 2025-03-02
DAY2 = T0 + timedelta(days=2)          # 2025-03-03
IDEAS = PollSpec(question="What next?", options=(), kind=PollKind.IDEAS, method=Method.IDEAS)


async def _poll(store: SqlStore, voters: list[str], salt: bytes, space=SPACE, **kwargs):
    """A poll with one stored (sealed-looking) ballot per voter."""
    poll = await store.create_poll(space, "c", spec(**kwargs), salt, T0)
    for n, member in enumerate(voters):
        await store.record_vote(poll.id, tag(poll.id * 100 + n), f"sealed:{poll.id}:{member}",
                                member, None)
    return poll


async def _round(store: SqlStore, ideas: list[str], salt: bytes):
    poll = await store.create_poll(SPACE, "c", IDEAS, salt, T0)
    for n, idea in enumerate(ideas):
        assert await store.add_idea(poll.id, f"sealed:{idea}", f"folded:{idea}",
                                    tag(poll.id * 100 + n)) is not None
    return poll


async def _status(store: SqlStore, poll_id: int) -> PollStatus:
    poll = await store.get_poll(poll_id)
    assert poll is not None
    return poll.status


async def _stored(store: SqlStore, poll_id: int) -> list[str]:
    return sorted(ballot for _, ballot in await store.ballots(poll_id))


async def _credits(store: SqlStore, kind: str = "vote") -> dict[tuple[str, date, str], int]:
    found = await rows(store.engine, "SELECT space, day, member, count FROM contribution "
                       "WHERE kind = :k", k=kind)
    return {(space, day if isinstance(day, date) else date.fromisoformat(day), member): count
            for space, day, member, count in found}


# -- cancelling -------------------------------------------------------------------------


async def test_cancelling_one_poll_leaves_every_other_poll_open_and_intact(store: SqlStore):
    polls = [await _poll(store, ["m1", "m2"], bytes([n]) * 32) for n in (1, 2, 3)]
    elsewhere = await _poll(store, ["m9"], b"\x09" * 32, space=OTHER_SPACE)
    first, middle, last = polls
    cancelled = decision(middle.number, status=PollStatus.CANCELLED, closed_at=DAY1)

    assert await store.cancel_poll(middle.id, cancelled)

    assert await _status(store, middle.id) is PollStatus.CANCELLED
    assert (await store.get_poll(middle.id)).closed_at == DAY1
    assert await store.ballots(middle.id) == []
    assert await store.poll_salt(middle.id) is None
    for poll, salt in ((first, b"\x01"), (last, b"\x03"), (elsewhere, b"\x09")):
        assert await _status(store, poll.id) is PollStatus.OPEN
        assert await store.poll_salt(poll.id) == salt * 32
        voters = ["m9"] if poll is elsewhere else ["m1", "m2"]
        assert await _stored(store, poll.id) == sorted(f"sealed:{poll.id}:{m}" for m in voters)
    assert await store.decisions() == [cancelled]
    # The others still take votes, and can still be closed with every ballot.
    await store.record_vote(first.id, tag(7), "sealed:late", "m3", None)
    assert await store.claim_close(first.id, DAY1, T0)
    assert await store.finish_close(first.id, decision(first.number, closed_at=DAY1))
    assert len(await store.ballots(first.id)) == 3


async def test_cancelling_a_round_keeps_the_other_rounds_ideas(store: SqlStore):
    kept = await _round(store, ["A picnic", "Music"], b"\x01" * 32)
    gone = await _round(store, ["A quiz"], b"\x02" * 32)
    assert await store.cancel_poll(gone.id, decision(gone.number, status=PollStatus.CANCELLED))
    assert await store.ideas(gone.id) == []
    assert await store.idea_authors(gone.id) == set()
    assert sorted(await store.ideas(kept.id)) == ["sealed:A picnic", "sealed:Music"]
    assert len(await store.idea_authors(kept.id)) == 2
    assert await _status(store, kept.id) is PollStatus.OPEN


async def test_a_cancel_credits_each_voter_once_on_the_day_of_the_cancel(store: SqlStore):
    poll = await _poll(store, ["m1", "m2"], b"\x01" * 32)
    other = await _poll(store, ["m1"], b"\x02" * 32)
    assert await store.cancel_poll(poll.id, decision(poll.number, status=PollStatus.CANCELLED,
                                                     closed_at=DAY2))
    assert await _credits(store) == {(SPACE.key, DAY2.date(), "m1"): 1,
                                     (SPACE.key, DAY2.date(), "m2"): 1}
    # A closing the same day adds to the count; it does not replace it.
    assert await store.claim_close(other.id, DAY2, T0)
    assert await store.finish_close(other.id, decision(other.number, closed_at=DAY2))
    assert (await _credits(store))[(SPACE.key, DAY2.date(), "m1")] == 2


async def test_a_poll_is_cancelled_only_while_open(store: SqlStore):
    poll = await _poll(store, ["m1"], b"\x01" * 32)
    cancelled = decision(poll.number, status=PollStatus.CANCELLED)
    assert await store.cancel_poll(poll.id, cancelled)
    assert not await store.cancel_poll(poll.id, cancelled)
    assert not await store.cancel_poll(9999, cancelled)
    assert await store.decisions() == [cancelled]


# -- closing one poll of several, and a batch ------------------------------------------------


async def test_closing_one_claimed_poll_leaves_the_other_claimed_and_open_polls(store):
    one = await _poll(store, ["m1", "m2"], b"\x01" * 32)
    two = await _poll(store, ["m1"], b"\x02" * 32)
    three = await _poll(store, ["m3"], b"\x03" * 32)
    assert await store.claim_closes([one.id, two.id], LATER, T0) == {one.id, two.id}

    assert await store.finish_closes([(one.id, decision(one.number))]) == {one.id}

    assert await _status(store, one.id) is PollStatus.CLOSED
    assert await store.poll_salt(one.id) is None
    assert await _status(store, two.id) is PollStatus.CLOSING
    assert await _status(store, three.id) is PollStatus.OPEN
    assert await store.poll_salt(two.id) == b"\x02" * 32
    assert await store.poll_salt(three.id) == b"\x03" * 32
    assert await rows(store.engine, "SELECT poll_id, count(*) FROM ballot WHERE voter_tag "
                      "IS NOT NULL GROUP BY poll_id ORDER BY poll_id") == [(two.id, 1),
                                                                           (three.id, 1)]
    assert [d.poll_number for d in await store.decisions()] == [one.number]
    # The other claimed poll is finished later, with its own ballot.
    assert await store.finish_closes([(two.id, decision(two.number))]) == {two.id}
    assert await _stored(store, two.id) == [f"sealed:{two.id}:m1"]


async def test_a_batch_closes_only_its_claimed_polls_each_with_its_own_time_and_ballots(store):
    a = await _poll(store, ["m1", "m2"], b"\x01" * 32)
    b = await _poll(store, ["m1"], b"\x02" * 32)
    c = await _poll(store, ["m2", "m3"], b"\x03" * 32)
    unclaimed = await _poll(store, ["m1"], b"\x04" * 32)
    assert await store.claim_closes([a.id, b.id, c.id], LATER, T0) == {a.id, b.id, c.id}
    opened = {a.id: Opened(ballots=((None, '{"p":[0]}'), (None, '{"p":[2]}'))),
              c.id: Opened(ballots=((None, '{"p":[1]}'), (None, '{"p":[1]}')))}
    check = NewJob(JobKind.ANNOUNCE, LATER + timedelta(seconds=30), data='{"what":"outcome"}')

    closed = await store.finish_closes(
        [(a.id, decision(a.number, closed_at=DAY1)), (b.id, decision(b.number, closed_at=DAY1)),
         (c.id, decision(c.number, closed_at=DAY2)),
         (unclaimed.id, decision(unclaimed.number, closed_at=DAY2))],
        opened, [check])

    assert closed == {a.id, b.id, c.id}
    times = {p: (await store.get_poll(p)).closed_at for p in (a.id, b.id, c.id)}
    assert times == {a.id: DAY1, b.id: DAY1, c.id: DAY2}
    # Opened polls keep what the core opened; b (not opened) keeps its ballot as stored.
    assert await _stored(store, a.id) == ['{"p":[0]}', '{"p":[2]}']
    assert await _stored(store, b.id) == [f"sealed:{b.id}:m1"]
    assert await _stored(store, c.id) == ['{"p":[1]}', '{"p":[1]}']
    # The poll nobody claimed is untouched: open, its salt and tagged ballot in place.
    assert await _status(store, unclaimed.id) is PollStatus.OPEN
    assert await store.poll_salt(unclaimed.id) == b"\x04" * 32
    assert await rows(store.engine, "SELECT poll_id FROM ballot WHERE voter_tag IS NOT NULL"
                      ) == [(unclaimed.id,)]
    assert sorted(d.poll_number for d in await store.decisions()) == sorted(
        [a.number, b.number, c.number])
    # Each poll closed here got the follow-up job, with its own id; the other none.
    assert sorted(await rows(store.engine, "SELECT poll_id, kind FROM job")) == sorted(
        (p, "announce") for p in (a.id, b.id, c.id))
    # Credits: once per poll taken part in, on each poll's closing day.
    assert await _credits(store) == {
        (SPACE.key, DAY1.date(), "m1"): 2, (SPACE.key, DAY1.date(), "m2"): 1,
        (SPACE.key, DAY2.date(), "m2"): 1, (SPACE.key, DAY2.date(), "m3"): 1}


async def test_a_poll_is_closed_only_once_and_only_after_a_claim(store: SqlStore):
    poll = await _poll(store, ["m1"], b"\x01" * 32)
    assert await store.finish_closes([(poll.id, decision(poll.number))]) == set()
    assert await _status(store, poll.id) is PollStatus.OPEN
    assert await store.claim_close(poll.id, LATER, T0)
    assert await store.finish_closes([(poll.id, decision(poll.number))]) == {poll.id}
    assert await store.finish_closes([(poll.id, decision(poll.number))]) == set()
    assert len(await store.decisions()) == 1
    assert await _credits(store) == {(SPACE.key, DAY1.date(), "m1"): 1}


async def test_the_logged_status_of_a_closing_is_kept(store: SqlStore):
    # A decision that says "cancelled" ends the poll cancelled; any other says closed.
    a = await _poll(store, [], b"\x01" * 32)
    b = await _poll(store, [], b"\x02" * 32)
    assert await store.claim_closes([a.id, b.id], LATER, T0) == {a.id, b.id}
    assert await store.finish_closes([
        (a.id, decision(a.number, status=PollStatus.CANCELLED)),
        (b.id, decision(b.number, status=PollStatus.OPEN)),
    ]) == {a.id, b.id}
    assert await _status(store, a.id) is PollStatus.CANCELLED
    assert await _status(store, b.id) is PollStatus.CLOSED


async def test_closing_rounds_numbers_their_ideas_and_credits_each_author_once(store):
    picnic = await _round(store, ["x", "y", "z"], b"\x01" * 32)
    quiz = await _round(store, ["q"], b"\x02" * 32)
    empty = await _round(store, [], b"\x03" * 32)
    still_open = await _round(store, ["keep"], b"\x04" * 32)
    ids = [picnic.id, quiz.id, empty.id]
    assert await store.claim_closes(ids, LATER, T0) == set(ids)
    opened = {picnic.id: Opened(ideas=("A picnic", "Music", "Zumba"), authors=("m1", "m2")),
              quiz.id: Opened(ideas=("A quiz",), authors=("m1",)),
              empty.id: Opened(ideas=())}

    assert await store.finish_closes([(p, decision(n)) for n, p in enumerate(ids, 1)],
                                     opened) == set(ids)

    assert await rows(store.engine, "SELECT number, text FROM idea WHERE poll_id = :p "
                      "ORDER BY number", p=picnic.id) == [(1, "A picnic"), (2, "Music"),
                                                        (3, "Zumba")]
    assert await store.ideas(quiz.id) == ["A quiz"]
    assert await store.ideas(empty.id) == []
    assert await store.ideas(still_open.id) == ["sealed:keep"]
    assert len(await store.idea_authors(still_open.id)) == 1
    assert await rows(store.engine, "SELECT DISTINCT poll_id FROM idea_author") == [
        (still_open.id,)]
    # m1 added ideas to two rounds closed that day: two; m2 to one.
    assert await _credits(store, "idea") == {(SPACE.key, DAY1.date(), "m1"): 2,
                                             (SPACE.key, DAY1.date(), "m2"): 1}


async def test_idea_credits_add_up_across_closings_on_one_day(store: SqlStore):
    first = await _round(store, ["a"], b"\x01" * 32)
    second = await _round(store, ["b"], b"\x02" * 32)
    for n, poll in enumerate((first, second), 1):
        assert await store.claim_close(poll.id, LATER, T0)
        assert await store.finish_close(poll.id, decision(n), Opened(ideas=("x",),
                                                                     authors=("m1",)))
    assert await _credits(store, "idea") == {(SPACE.key, DAY1.date(), "m1"): 2}


async def test_an_open_polls_names_and_ballots_move_as_stored(store: SqlStore):
    poll = await store.create_poll(SPACE, "c", spec(anonymous=False), b"\x01" * 32, T0)
    await store.record_vote(poll.id, tag(1), '{"p":[1]}', "m1", "Ana")
    await store.record_vote(poll.id, tag(2), '{"p":[0]}', "m2", "Bo")
    assert await store.claim_close(poll.id, LATER, T0)
    assert await store.finish_close(poll.id, decision(poll.number))
    assert sorted(await store.ballots(poll.id)) == [("Ana", '{"p":[1]}'), ("Bo", '{"p":[0]}')]


# -- PostgreSQL only ---------------------------------------------------------------------------


def _postgres_only(store: SqlStore) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")


async def _secrets(store: SqlStore) -> dict[str, list[tuple]]:
    return {
        "ballot": sorted(await rows(store.engine, "SELECT id, poll_id, voter_tag, voter_groups, "
                                    "voter_name, ballot FROM ballot")),
        "idea_author": sorted(await rows(store.engine, "SELECT poll_id, tag FROM idea_author")),
        "poll_secret": sorted(await rows(store.engine, "SELECT poll_id, salt FROM poll_secret")),
    }


async def _files(store: SqlStore) -> dict[str, int]:
    found = await rows(store.engine, "SELECT relname, pg_relation_filenode(oid) FROM pg_class "
                       "WHERE relname IN ('ballot', 'idea_author', 'poll_secret')")
    return dict(found)


async def _raw(store: SqlStore, relation: str) -> bytes:
    async with store.engine.connect() as conn:
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        pages = (await conn.execute(
            text("SELECT pg_relation_size(:r) / current_setting('block_size')::int"),
            {"r": relation})).scalar_one()
        raw = b"".join([bytes((await conn.execute(
            text("SELECT get_raw_page(:r, :n)"), {"r": relation, "n": n})).scalar_one())
            for n in range(pages)])
        await conn.commit()
    return raw


@pytest.mark.parametrize("end", ["close", "cancel"])
async def test_postgres_rewrites_the_secret_tables_keeping_open_polls_whole(store, end):
    _postgres_only(store)
    ending = await _poll(store, ["m1", "m2"], b"\xe1" * 32)
    open_poll = await _poll(store, ["m1", "m3"], b"\x0b" * 32)
    open_round = await _round(store, ["keep", "this"], b"\x0c" * 32)
    other = await _poll(store, ["m9"], b"\x0d" * 32, space=OTHER_SPACE)
    before = await _secrets(store)
    files = await _files(store)
    ending_tags = [tag(ending.id * 100 + n) for n in range(2)]

    if end == "close":
        assert await store.claim_close(ending.id, LATER, T0)
        assert await store.finish_close(ending.id, decision(ending.number))
    else:
        assert await store.cancel_poll(ending.id, decision(ending.number,
                                                           status=PollStatus.CANCELLED))

    after = await _secrets(store)
    # Every open poll's rows are there as they were; the ended poll's are gone.
    assert after == {table: [row for row in found if row[0 if table != "ballot" else 1]
                             != ending.id] for table, found in before.items()}
    assert {row[0] for row in after["poll_secret"]} == {open_poll.id, open_round.id, other.id}
    # The three tables are new files (TRUNCATE), so no dead copy of the ended poll's
    # salt, tags or sealed ballots is left in them.
    assert all(files[name] != node for name, node in (await _files(store)).items())
    assert b"\xe1" * 32 not in await _raw(store, "poll_secret")
    assert b"\x0b" * 32 in await _raw(store, "poll_secret")
    ballots = await _raw(store, "ballot")
    assert not any(t in ballots for t in ending_tags)
    assert f"sealed:{ending.id}:m1".encode() not in ballots
    assert f"sealed:{open_poll.id}:m1".encode() in ballots
    # The open poll still closes with its ballots.
    assert await store.claim_close(open_poll.id, LATER, T0)
    assert await store.finish_close(open_poll.id, decision(open_poll.number))
    assert await _stored(store, open_poll.id) == [f"sealed:{open_poll.id}:m1",
                                                  f"sealed:{open_poll.id}:m3"]


async def _waiting_for_a_lock(store: SqlStore) -> None:
    """Returns once a backend of this database waits for a lock."""
    while not (await rows(store.engine, "SELECT count(*) FROM pg_stat_activity WHERE "
                          "datname = current_database() AND wait_event_type = 'Lock'"))[0][0]:
        pass


async def test_postgres_a_closer_that_lost_the_race_logs_no_second_decision(store):
    # Process A's claim went stale and process B took it over; both finish at once. B is
    # committing (it holds the poll's row); A must wait, then see the poll closed.
    _postgres_only(store)
    poll = await _poll(store, ["m1"], b"\x01" * 32)
    assert await store.claim_close(poll.id, LATER, T0)
    async with store.engine.connect() as other:
        await other.execute(text("UPDATE poll SET status = 'closed' WHERE id = :p"),
                            {"p": poll.id})
        finishing = asyncio.create_task(store.finish_close(poll.id, decision(poll.number)))
        await asyncio.wait_for(_waiting_for_a_lock(store), timeout=30)
        await other.commit()
    assert await asyncio.wait_for(finishing, timeout=30) is False
    assert await store.decisions() == []
    assert await _credits(store) == {}
