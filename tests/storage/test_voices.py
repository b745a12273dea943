"""Counted contributions (batched, deduplicated, flushed on demand), preferences, nudge log."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

import storage.voices as voices
from bot.voice_model import Contribution, ContributionKind, Nudge, NudgeReason
from storage import SqlStore
from tests.storage.helpers import OTHER_SPACE, SPACE, T0, CommitCounter, Ticker, actor, rows

MSG, REPLY, VOTE = ContributionKind.MESSAGE, ContributionKind.REPLY, ContributionKind.VOTE
A, B, C = actor(1).key, actor(2).key, actor(3).key
SINCE = T0.date() - timedelta(days=30)


def said(member: str, event: str | None = None, kind=MSG, at=T0, space=SPACE) -> Contribution:
    return Contribution(space, member, kind, at, event)


async def _stored(engine) -> list[tuple]:
    return await rows(engine, "SELECT space, day, member, kind, count FROM contribution "
                              "ORDER BY space, day, member, kind")


async def test_counts_are_summed_in_memory_and_written_in_one_batch(engine, store: SqlStore):
    commits = CommitCounter(engine)
    for _ in range(3):
        await store.record_contribution(said(A))
    await store.record_contribution(said(A, kind=REPLY))
    await store.record_contribution(said(B, at=T0 + timedelta(days=1)))
    assert await _stored(engine) == []  # nothing written yet: it is cheap
    await store.flush_contributions()
    assert commits.commits == 1
    day = str(T0.date()) if engine.dialect.name == "sqlite" else T0.date()
    stored = await _stored(engine)
    assert (SPACE.key, day, A, "message", 3) in stored and len(stored) == 3
    # The next batch adds to the stored counts.
    await store.record_contribution(said(A))
    assert (await store.contribution_totals(SPACE, SINCE)) == {A: 5, B: 1}


async def test_a_replayed_event_is_counted_once(store: SqlStore):
    for event in ("E1", "E2", "E1", "E3", "E1"):  # replays inside one batch
        await store.record_contribution(said(A, event))
    await store.flush_contributions()
    for event in ("E2", "E3", "E4"):  # replays after the first batch was written
        await store.record_contribution(said(A, event))
    # The same id on another platform is another event.
    await store.record_contribution(said(A, "E1", space=OTHER_SPACE))
    assert await store.contribution_totals(SPACE, SINCE) == {A: 4}
    assert await store.contribution_totals(OTHER_SPACE, SINCE) == {A: 1}


async def test_two_processes_sharing_a_database_count_an_event_once(engine, store: SqlStore):
    other = SqlStore(engine)
    await store.record_contribution(said(A, "Ev1"))
    await other.record_contribution(said(A, "Ev1"))
    await asyncio.gather(store.flush_contributions(), other.flush_contributions())
    assert await store.contribution_totals(SPACE, SINCE) == {A: 1}


async def test_event_ids_are_kept_as_hashes_and_pruned_after_a_week(engine, store: SqlStore):
    ticker = Ticker()
    store._monotonic = ticker
    await store.record_contribution(said(A, "old-event"))
    await store.flush_contributions()
    (digest,) = (await rows(engine, "SELECT digest FROM seen_event"))[0]
    assert b"old-event" not in bytes(digest)
    ticker.now += voices.PRUNE_EVERY + 1
    await store.record_contribution(said(A, "new", at=T0 + timedelta(days=9)))
    await store.flush_contributions()
    assert len(await rows(engine, "SELECT digest FROM seen_event")) == 1


async def test_a_big_batch_is_written_in_the_background(engine, store: SqlStore, monkeypatch):
    monkeypatch.setattr(voices, "FLUSH_EVENTS", 10)
    for n in range(10):
        await store.record_contribution(said(A, f"e{n}"))
    assert store._flush_task is not None
    await store._flush_task
    assert (await _stored(engine))[0][-1] == 10


async def test_an_old_event_is_written_in_the_background(engine, store: SqlStore):
    ticker = Ticker()
    store._monotonic = ticker
    await store.record_contribution(said(A))
    ticker.now += voices.FLUSH_AFTER
    await store.record_contribution(said(B))
    await store._flush_task
    assert len(await _stored(engine)) == 2


async def test_a_failed_write_keeps_the_batch_for_the_next(store: SqlStore, monkeypatch):
    real = store._write_batch
    calls = []

    async def flaky(batch):
        calls.append(batch.size)
        if len(calls) == 1:
            raise ConnectionError("database away")
        await real(batch)

    monkeypatch.setattr(store, "_write_batch", flaky)
    await store.record_contribution(said(A, "E1"))
    await store.record_contribution(said(A))
    with pytest.raises(ConnectionError):
        await store.flush_contributions()
    await store.record_contribution(said(A, "E1"))  # a replay, while the batch waited
    await store.record_contribution(said(B))
    assert await store.contribution_totals(SPACE, SINCE) == {A: 2, B: 1}


async def test_bad_values_fail_their_caller_and_hold_nothing(store: SqlStore):
    with pytest.raises(ValueError):
        await store.record_contribution(said(A, at=T0.replace(tzinfo=None)))
    with pytest.raises(ValueError):
        await store.record_contribution(said(A, kind="shout"))
    with pytest.raises(TypeError):
        await store.record_contribution(said(None))  # type: ignore[arg-type]
    assert store._held.size == 0


async def test_reads_per_member_and_for_the_export(store: SqlStore):
    await store.touch_member(SPACE, actor(1, "Ann"), T0)
    await store.record_contribution(said(A))
    await store.record_contribution(said(A, kind=VOTE, at=T0 + timedelta(days=2)))
    await store.record_contribution(said(A, space=OTHER_SPACE))
    await store.record_contribution(said(B, at=T0 - timedelta(days=40)))
    mine = await store.contribution_counts(A, SPACE)
    assert [(c.kind, c.day, c.count) for c in mine] == [
        (MSG, T0.date(), 1), (VOTE, T0.date() + timedelta(days=2), 1)]
    assert len(await store.contribution_counts(A)) == 3
    assert await store.contribution_totals(SPACE, T0.date() + timedelta(days=1)) == {A: 1}
    report = await store.involvement_counts(T0.date(), T0.date() + timedelta(days=2))
    assert [(c.space, c.member, c.kind, c.count, name) for c, name in report] == [
        (SPACE.key, A, MSG, 1, "Ann"), (SPACE.key, A, VOTE, 1, "Ann"),
        (OTHER_SPACE.key, A, MSG, 1, "")]


async def test_the_payments_question_is_asked_once_even_after_a_restart(engine, store):
    assert await store.claim_payments_question(A, SPACE, T0) is True
    assert await store.claim_payments_question(A, SPACE, T0) is False
    await store.set_preferences(B, payments=False)
    assert await store.claim_payments_question(B, SPACE, T0) is False  # B has said
    await store.flush_contributions()
    again = SqlStore(engine)  # another process, or the same after a restart
    assert await again.claim_payments_question(A, SPACE, T0) is False
    assert await again.claim_payments_question(B, SPACE, T0) is False
    assert await again.claim_payments_question(C, SPACE, T0) is True
    await again.flush_contributions()
    logged = await rows(engine, "SELECT member, reason FROM nudge_log ORDER BY member")
    assert logged == [(A, "payments"), (C, "payments")]


async def test_preferences(store: SqlStore):
    assert (await store.preferences(A)).nudges is None
    await store.set_preferences(A, nudges=False)
    await store.set_preferences(A, payments=False)
    await store.set_preferences(B, payments=True)
    prefs = await store.preferences_of([A, B, C])
    assert (prefs[A].nudges, prefs[A].payments) == (False, False)
    assert (prefs[B].nudges, prefs[B].payments) == (None, True)
    # C never said: "not asked", not an assumed yes (issue 14).
    assert (prefs[C].nudges, prefs[C].payments) == (None, None)


def _nudge(member: str, at=T0, reason=NudgeReason.QUIET) -> Nudge:
    return Nudge(member, SPACE, reason, at, None)


async def test_nudges_are_capped_opted_out_and_logged(engine, store: SqlStore):
    await store.set_member_timezone(B, "Asia/Tokyo")
    await store.set_preferences(C, nudges=False)
    cap = T0 - timedelta(days=3)
    assert await store.nudge_targets([A, B, C], cap, opt_in=False) == {A: None, B: "Asia/Tokyo"}
    assert await store.nudge_targets([A, B, C], cap, opt_in=True) == {}
    sent = await store.claim_nudges([_nudge(A), _nudge(C)], cap, opt_in=False)
    assert [n.member for n in sent] == [A]
    # Within three days: capped.
    later = T0 + timedelta(days=2)
    assert await store.claim_nudges([_nudge(A, later)], later - timedelta(days=3), False) == []
    assert A not in await store.nudge_targets([A], later - timedelta(days=3), False)
    much_later = T0 + timedelta(days=3, seconds=1)
    assert await store.claim_nudges([_nudge(A, much_later)], T0 + timedelta(seconds=1), False)
    assert await rows(engine, "SELECT member, reason FROM nudge_log ORDER BY id") == [
        (A, "quiet"), (A, "quiet")]
    assert await store.nudge_counts(SPACE, T0 - timedelta(days=30)) == {"quiet": 2}


async def test_opt_in_nudges_only_those_who_said_nudges_on(store: SqlStore):
    await store.set_preferences(B, nudges=True)
    cap = T0 - timedelta(days=3)
    sent = await store.claim_nudges([_nudge(A), _nudge(B)], cap, opt_in=True)
    assert [n.member for n in sent] == [B]


async def test_racing_sweeps_nudge_a_person_once(engine, store: SqlStore):
    other = SqlStore(engine)
    cap = T0 - timedelta(days=3)
    results = await asyncio.gather(*(s.claim_nudges([_nudge(A)], cap, False)
                                     for s in (store, other, store, other)))
    assert sum(len(r) for r in results) == 1


async def test_the_balance_note_is_claimed_once_per_poll(engine, store: SqlStore):
    from tests.storage.helpers import spec

    poll = await store.create_poll(SPACE, A, spec(), b"s", T0)
    note = _nudge(A, reason=NudgeReason.BALANCE)
    assert await store.claim_balance_note(poll.id, T0, [note])
    assert not await store.claim_balance_note(poll.id, T0 + timedelta(hours=1), [note])
    assert await store.nudge_counts(SPACE, T0) == {"balance": 1}


async def test_window_reads_do_not_reach_other_days(store: SqlStore):
    await store.record_contribution(said(A, at=T0 - timedelta(days=1)))
    await store.record_contribution(said(A))
    assert await store.contribution_totals(SPACE, T0.date()) == {A: 1}
    assert await store.contribution_totals(SPACE, date(2000, 1, 1)) == {A: 2}


async def test_forget_member_leaves_no_trace_but_keeps_open_turnout(engine, store: SqlStore):
    from sqlmodel import SQLModel

    from tests.storage.helpers import decision, spec, tag

    await store.touch_member(SPACE, actor(1, "Ann"), T0)
    await store.touch_member(SPACE, actor(2, "Ben"), T0)
    await store.add_facilitator(SPACE, A)
    await store.set_member_timezone(A, "Europe/Paris")
    await store.set_preferences(A, payments=False)
    open_poll = await store.create_poll(SPACE, A, spec(), b"1", T0)
    ended = await store.create_poll(SPACE, B, spec(), b"2", T0)
    for poll in (open_poll, ended):
        await store.record_vote(poll.id, tag(1), "{}", A, None)
        await store.record_vote(poll.id, tag(2), "{}", B, None)
    await store.request_more_time(open_poll.id, A)
    assert await store.claim_close(ended.id, T0, T0)
    assert await store.finish_close(ended.id, decision(ended.number))
    await store.claim_nudges([_nudge(A)], T0 - timedelta(days=3), False)
    await store.record_contribution(said(A))
    await store.flush_contributions()
    await store.record_contribution(said(A, "held-event"))  # still in memory

    await store.forget_member(A)
    await store.flush_contributions()
    async with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            found = (await conn.execute(table.select())).all()
            assert A not in repr(found), table.name
    assert await store.voted_count(open_poll.id) == 2
    assert await store.time_requests(open_poll.id) == 1
    assert await store.voted_count(ended.id) == 1  # its turnout is in the decision log
    assert len(await store.ballots(ended.id)) == 2
    assert (await store.get_poll(open_poll.id)).creator == "forgotten"
    assert await store.member_keys(SPACE) == [B]
    # B's vote in the ended poll was credited at its close; nothing of A's is left.
    assert await store.contribution_totals(SPACE, SINCE) == {B: 1}
    # A replay of an event held when they were forgotten is still refused, and not counted.
    await store.record_contribution(said(B, "held-event"))
    assert await store.contribution_totals(SPACE, SINCE) == {B: 1}


async def test_a_refused_direct_message_is_in_my_data_and_goes_with_forget_me(store: SqlStore):
    person = actor("dana").key
    await store.mark_unreachable(person, T0)
    record = await store.member_record(person)
    assert record["direct_messages_refused_since"] == T0.isoformat()
    await store.forget_member(person)
    assert await store.unreachable_since([person]) == {}
    assert (await store.member_record(person))["direct_messages_refused_since"] is None
