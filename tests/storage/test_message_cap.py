"""The daily cap on private messages, counted from the nudge log (issue 14).

Every reason counts, per person, over the last 24 hours; a claim checks and logs in one
transaction, so stores racing each other (other processes) never pass the cap.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from bot.timed_work import JobKind, NewJob
from bot.voice_model import Cap, Nudge, NudgeReason
from storage import SqlStore
from tests.storage.helpers import SPACE, T0, actor, spec, tag

A, B, C = actor(1).key, actor(2).key, actor(3).key
DAY = timedelta(hours=24)


def _message(member: str, at=T0, reason=NudgeReason.REMINDER) -> Nudge:
    return Nudge(member, SPACE, reason, at, None)


async def test_every_reason_counts_per_person_over_the_last_24_hours(store: SqlStore):
    # A had a nudge 25 hours ago (outside the window), a note and the payments question.
    await store.claim_messages([_message(A, T0 - timedelta(hours=25), NudgeReason.QUIET),
                                _message(A, T0 - timedelta(hours=23), NudgeReason.BALANCE),
                                _message(A, T0 - timedelta(hours=1), NudgeReason.PAYMENTS)],
                               None)
    cap = Cap(T0 - DAY, 3)
    offered = [_message(A), _message(B), _message(A, T0 + timedelta(seconds=1)), _message(B)]
    sent = await store.claim_messages(offered, cap)
    # A had room for one more, B (nobody else's messages count for B) for all of theirs.
    assert [(n.member, n.at) for n in sent] == [(A, T0), (B, T0), (B, T0)]
    assert await store.nudge_counts(SPACE, T0 - timedelta(minutes=1)) == {"reminder": 3}
    assert await store.claim_messages([_message(A, T0 + timedelta(minutes=1))], cap) == []
    # A day after the note, its slot is free again.
    later = T0 + timedelta(hours=1)
    assert await store.claim_messages([_message(A, later)], Cap(later - DAY, 3))


async def test_room_kept_free_for_more_urgent_messages(store: SqlStore):
    cap = Cap(T0 - DAY, 3, {A: 2})
    assert len(await store.claim_messages([_message(A), _message(A), _message(B)], cap)) == 2
    assert await store.claim_messages([_message(A)], cap) == []
    assert await store.claim_messages([_message(A)], Cap(T0 - DAY, 3))  # the urgent one


async def test_a_nudge_held_back_by_the_cap_can_go_later(store: SqlStore):
    await store.claim_messages([_message(A), _message(A)], None)
    every = T0 - timedelta(days=3)
    nudge = _message(A, reason=NudgeReason.QUIET)
    assert await store.claim_nudges([nudge], every, False, Cap(T0 - DAY, 2)) == []
    # Not marked as nudged: a later sweep, with room, may nudge.
    assert A in await store.nudge_targets([A], every, False)
    later = T0 + DAY + timedelta(minutes=1)
    assert await store.claim_nudges([_message(A, later, NudgeReason.QUIET)],
                                    later - timedelta(days=3), False, Cap(later - DAY, 2))


async def test_a_balance_note_nobody_has_room_for_is_not_marked_sent(store: SqlStore):
    poll = await store.create_poll(SPACE, A, spec(), b"s", T0)
    await store.claim_messages([_message(A), _message(B)], None)
    notes = [_message(A, reason=NudgeReason.BALANCE), _message(B, reason=NudgeReason.BALANCE)]
    assert await store.claim_balance_note(poll.id, T0, notes, Cap(T0 - DAY, 1)) == []
    later = T0 + timedelta(hours=1)
    sent = await store.claim_balance_note(poll.id, later, notes, Cap(later - DAY, 1, {B: 1}))
    assert sent == []  # still no room for anyone
    sent = await store.claim_balance_note(poll.id, later, notes, Cap(later - DAY, 2, {B: 1}))
    assert [n.member for n in sent] == [A]
    assert await store.claim_balance_note(poll.id, later, notes, None) == []  # sent once


def _reminder(due, lead_hours: int) -> NewJob:
    return NewJob(JobKind.REMIND, due, data=json.dumps({"before": lead_hours * 3600}))


async def test_last_calls_due_counts_each_persons_last_reminders_ahead(engine, store: SqlStore):
    await store.set_members(SPACE, [actor(1), actor(2), actor(3)], T0)
    hour = timedelta(hours=1)
    # Three polls: two with a last reminder at the same moment (one message), one later.
    first = await store.create_poll(SPACE, A, spec(closes_at=T0 + 5 * hour), b"1", T0,
                                    jobs=[_reminder(T0 + hour, 4), _reminder(T0 + 4 * hour, 1)])
    await store.create_poll(SPACE, A, spec(closes_at=T0 + 5 * hour), b"2", T0,
                            jobs=[_reminder(T0 + 4 * hour, 1)])
    await store.create_poll(SPACE, A, spec(closes_at=T0 + 9 * hour), b"3", T0,
                            jobs=[_reminder(T0 + 8 * hour, 1)])
    # Beyond the window, and a poll that has closed: not counted.
    await store.create_poll(SPACE, A, spec(closes_at=T0 + 30 * hour), b"4", T0,
                            jobs=[_reminder(T0 + 29 * hour, 1)])
    closed = await store.create_poll(SPACE, A, spec(closes_at=T0 + 3 * hour), b"5", T0,
                                     jobs=[_reminder(T0 + 2 * hour, 1)])
    async with engine.begin() as conn:
        await conn.exec_driver_sql(f"UPDATE poll SET status = 'closed' WHERE id = {closed.id}")
    await store.record_vote(first.id, tag(1), '{"p":[0]}', B, None)
    # A and C: the 4-hour moment (the first two polls, one message) and the 8-hour one. B
    # voted in the first poll, and still has the second's 4-hour reminder and the third's.
    assert await store.last_calls_due([A, B, C], T0, T0 + DAY) == {A: 2, B: 2, C: 2}
    await store.record_vote(first.id + 1, tag(2), '{"p":[0]}', B, None)
    assert await store.last_calls_due([A, B], T0, T0 + DAY) == {A: 2, B: 1}
    assert await store.last_calls_due([A], T0 + 5 * hour, T0 + DAY) == {A: 1}
    assert await store.last_calls_due(["someone else"], T0, T0 + DAY) == {}


async def test_racing_claims_never_pass_the_cap(engine, store: SqlStore):
    # Separate stores stand for separate processes on one database.
    others = [SqlStore(engine) for _ in range(3)]
    cap = Cap(T0 - DAY, 3)
    stores = [store, *others] * 2
    results = await asyncio.gather(*(s.claim_messages([_message(A, T0 + timedelta(seconds=n))],
                                                      cap)
                                     for n, s in enumerate(stores)))
    assert sum(len(r) for r in results) == 3
    results = await asyncio.gather(*(s.claim_nudges([_message(B, reason=NudgeReason.QUIET)],
                                                    T0 - timedelta(days=3), False,
                                                    Cap(T0 - DAY, 1, {B: 1}))
                                     for s in stores))
    assert sum(len(r) for r in results) == 0
