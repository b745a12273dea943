"""What each timed job does at its edges (bot/timing/job_runner.py), as people see it.

A closing held by another process is looked at again two minutes later; one job that
has nothing to do (its poll cancelled, extended, closed or gone) never stops the rest of
its batch; a reminder is sent up to exactly half its lead time late and dropped after;
an outcome is posted once, however often its closing job runs; a check-in missed while
the bot was down is posted once and the schedule goes on.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.console.render import render_card
from bot.anonymity import Keyring
from bot.commands import AddIdea, CancelPoll, CastVote, CreatePoll, MembersSeen, StartIdeas
from bot.effects import DirectMessage, Post
from bot.model import Actor, SpaceRef
from bot.polls.closing import CLOSING_LEASE
from bot.polls.counter import Counter
from bot.service import Roundtable, Settings
from bot.timed_work import Job, JobKind
from bot.timing import job_runner
from bot.timing.job_runner import JobRunner, take_turns
from bot.timing.timekeeper import Timekeeper
from tests.conftest import SECRET
from tests.storage.helpers import rows

ALICE = Actor("console", "local", "alice", "alice", frozenset({"facilitator"}))
BOB = Actor("console", "local", "bob", "bob")
CAROL = Actor("console", "local", "carol", "carol")
PEOPLE = (ALICE, BOB, CAROL)


def room(n: int) -> SpaceRef:
    return SpaceRef("console", "local", f"room{n}")


class Channel:
    """A platform that takes everything and keeps keyed posts on record, as adapters do."""

    def __init__(self, store) -> None:
        self.store = store
        self.sent: list = []

    async def deliver(self, effects) -> None:
        self.sent.extend(effects)
        await remember(self.store, effects)

    def outcomes(self) -> list[Post]:
        return [e for e in self.sent if isinstance(e, Post) and e.card.title.startswith("Outcome")]

    def reminded(self) -> list[tuple[str, str]]:
        """(member, title) of each private reminder."""
        return [(e.member, e.card.title) for e in self.sent
                if isinstance(e, DirectMessage) and e.card.title.startswith("Reminder")]


async def remember(store, effects) -> None:
    for effect in effects:
        if isinstance(effect, Post) and effect.key is not None:
            await store.remember_post(effect.key, effect.space.platform, "posted")


async def _poll(core, n: int, closes: str, remind: str | None = None):
    """Poll #1 in room ``n``, its card on record, bob's vote in."""
    await core.handle(MembersSeen(ALICE, room(n), PEOPLE))
    await remember(core.store, await core.handle(CreatePoll(
        ALICE, room(n), question=f"Lunch in room {n}?", options=("Soup", "Salad"),
        closes=closes, remind=remind, no_remind=remind is None)))
    await core.handle(CastVote(BOB, room(n), poll=1, choices=("Soup",)))
    return await core.store.find_poll(room(n), 1)


def _job(job_id: int, poll_id: int | None, due: datetime) -> Job:
    """A closing job as a worker holds it once claimed."""
    return Job(id=job_id, kind=JobKind.CLOSE, due_at=due, poll_id=poll_id, schedule_id=None,
               data="{}", attempts=0)


def _outcome_rooms(effects) -> list[str]:
    return sorted(e.space.channel for e in effects
                  if isinstance(e, Post) and e.card.title.startswith("Outcome"))


def _utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _pending_closings(core) -> list[tuple[int, datetime]]:
    found = await rows(core.store.engine, "SELECT poll_id, due_at FROM job WHERE kind = 'close' "
                       "AND done_at IS NULL ORDER BY due_at")
    return [(poll_id, _utc(due)) for poll_id, due in found]


async def _run(keeper: Timekeeper, now: datetime) -> int:
    # A lane that kept finding due work would never return: fail instead of hanging.
    return await asyncio.wait_for(keeper.run_due(now), timeout=60)


# -- a closing held by another process -----------------------------------------------------


async def test_a_closing_held_by_another_process_is_tried_again_every_two_minutes(core, clock):
    poll = await _poll(core, 0, closes="30m")
    other = await _poll(core, 1, closes="30m")
    clock.advance(timedelta(minutes=30))
    due = clock.now()
    # Another process claims poll 0's closing at its closing time, then stops.
    assert await core.store.claim_close(poll.id, due, due - CLOSING_LEASE)
    channel = Channel(core.store)
    keeper = Timekeeper(core, channel.deliver, worker="w")

    await _run(keeper, due)
    assert _outcome_rooms(channel.outcomes()) == ["room1"]  # the rest of the batch closed
    # Not a failure: a fresh closing job for that poll, two minutes on.
    assert await _pending_closings(core) == [(poll.id, due + timedelta(minutes=2))]
    assert await core.store.job_failures() == []

    # Two minutes later the claim is still fresh (held under five minutes): again later.
    clock.advance(timedelta(minutes=2))
    await _run(keeper, clock.now())
    assert await _pending_closings(core) == [(poll.id, due + timedelta(minutes=4))]
    clock.advance(timedelta(minutes=2))
    await _run(keeper, clock.now())
    assert await _pending_closings(core) == [(poll.id, due + timedelta(minutes=6))]
    assert _outcome_rooms(channel.outcomes()) == ["room1"]

    # Six minutes on, the stopped process's claim has gone stale: this one closes it, once.
    clock.advance(timedelta(minutes=2))
    await _run(keeper, clock.now())
    assert _outcome_rooms(channel.outcomes()) == ["room0", "room1"]
    assert await _pending_closings(core) == []
    assert (await core.store.get_poll(other.id)).status.value == "closed"
    assert len(await core.store.decisions()) == 2


# -- one job with nothing to do does not stop its batch --------------------------------------


async def test_a_cancelled_poll_first_in_a_batch_of_closings_holds_back_none(core, clock):
    first = await _poll(core, 0, closes="20m")
    await _poll(core, 1, closes="25m")
    await _poll(core, 2, closes="30m")
    await core.handle(CancelPoll(ALICE, room(0), poll=1))
    clock.advance(timedelta(minutes=30))
    channel = Channel(core.store)
    await _run(Timekeeper(core, channel.deliver, worker="w"), clock.now())
    assert _outcome_rooms(channel.outcomes()) == ["room1", "room2"]
    # The cancelled poll's closing job is done with nothing to say, not retried.
    assert await _pending_closings(core) == []
    assert await core.store.job_failures() == []
    assert (await core.store.get_poll(first.id)).status.value == "cancelled"


async def test_jobs_with_nothing_to_do_first_in_a_batch_hold_back_none(core, clock):
    extended = await _poll(core, 0, closes="30m")
    closing = await _poll(core, 1, closes="30m")
    clock.advance(timedelta(minutes=30))
    now = clock.now()
    # Poll 0 was extended in another process after this worker claimed its closing job.
    assert await core.store.extend_poll(extended.id, now + timedelta(days=1), [])
    jobs = [
        _job(1, None, now),            # a job with no poll
        _job(2, 9999, now),            # its poll forgotten
        _job(3, extended.id, now),     # extended meanwhile
        _job(4, closing.id, now),
        _job(5, closing.id, now),      # the same poll twice
    ]
    results = await JobRunner(core).run_batch(jobs, now)
    assert {job_id: result for job_id, result in results.items() if job_id != 4} == {
        1: ([], []), 2: ([], []), 3: ([], []), 5: ([], [])}
    effects, follow = results[4]
    assert _outcome_rooms(effects) == ["room1"] and follow == []
    assert (await core.store.get_poll(extended.id)).is_open


async def test_a_cancelled_polls_reminder_first_in_a_batch_holds_back_none(core, clock):
    first = await _poll(core, 0, closes="80m", remind="1h")    # reminder due at 20 minutes
    await _poll(core, 1, closes="90m", remind="1h")            # due at 30 minutes
    clock.advance(timedelta(minutes=30))
    now = clock.now()
    claimed = await core.store.claim_jobs("w", now, now + timedelta(minutes=1), 10,
                                          kinds=[JobKind.REMIND])
    assert [job.poll_id for job in claimed] == [first.id, first.id + 1]
    # Poll 0 is cancelled by hand while its reminder is being worked on.
    await core.handle(CancelPoll(ALICE, room(0), poll=1))
    results = await JobRunner(core).run_batch(claimed, now)
    assert results[claimed[0].id] == ([], [])
    effects, _ = results[claimed[1].id]
    assert sorted((e.platform, e.member) for e in effects if isinstance(e, DirectMessage)) == [
        ("console", ALICE.key), ("console", CAROL.key)]
    assert [e.space.channel for e in effects if isinstance(e, Post)] == ["room1"]


async def test_a_reminder_too_late_first_in_a_batch_holds_back_none(core, clock):
    await _poll(core, 0, closes="70m", remind="1h")    # due at 10 minutes: 31 minutes late
    await _poll(core, 1, closes="100m", remind="1h")   # due at 40 minutes: 1 minute late
    clock.advance(timedelta(minutes=41))
    channel = Channel(core.store)
    await _run(Timekeeper(core, channel.deliver, worker="w"), clock.now())
    assert sorted(channel.reminded()) == [
        (ALICE.key, "Reminder: #1 in #room1 closes in 59 minutes"),
        (CAROL.key, "Reminder: #1 in #room1 closes in 59 minutes")]


# -- late reminders: sent up to half their lead time late, dropped after ----------------------


@pytest.mark.parametrize(("late", "sent"), [
    (timedelta(0), True),
    (timedelta(minutes=1), True),
    (timedelta(minutes=30), True),                          # exactly half the hour: sent
    (timedelta(minutes=30, seconds=1), False),              # a second more: dropped
])
async def test_a_reminder_is_sent_up_to_half_its_lead_time_late(core, clock, late, sent):
    await _poll(core, 0, closes="2h", remind="1h")          # reminder due at 1 hour
    clock.advance(timedelta(hours=1) + late)
    channel = Channel(core.store)
    await _run(Timekeeper(core, channel.deliver, worker="w"), clock.now())
    left = timedelta(hours=1) - late
    when = "1 hour" if left == timedelta(hours=1) else f"{left.seconds // 60} minutes"
    public = [str(e.card.title) for e in channel.sent if isinstance(e, Post)
              and "closes in" in e.card.title]
    if sent:
        assert sorted(channel.reminded()) == [
            (ALICE.key, f"Reminder: #1 in #room0 closes in {when}"),
            (CAROL.key, f"Reminder: #1 in #room0 closes in {when}")]
        assert public == [f"#1 closes in {when}"]
    else:
        assert channel.reminded() == [] and public == []


async def test_a_reminders_public_line_and_private_note(store, clock):
    # The private note gives the closing time in the space's own time zone.
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="America/New_York"))
    clock.advance(timedelta(hours=10))  # 14:00 in New York: not in anyone's quiet hours
    await _poll(core, 0, closes="2h", remind="1h")
    clock.advance(timedelta(hours=1))
    channel = Channel(core.store)
    await _run(Timekeeper(core, channel.deliver, worker="w"), clock.now())
    [note] = [e for e in channel.sent if isinstance(e, Post) and "closes in" in e.card.title]
    assert render_card(note.card, "UTC") == [
        "#1 closes in 1 hour", "  Lunch in room 0? — 1 of 3 has voted.",
        "  To vote: For example: vote #1 2"]
    dms = [e for e in channel.sent if isinstance(e, DirectMessage) and e.member == CAROL.key]
    text = "\n".join(render_card(dms[0].card, "UTC"))
    assert "It closes Wed 25 Nov 2026 16:00 (America/New_York)" in text


# -- an outcome is posted once, however often its closing job runs ------------------------------


async def test_an_outcome_already_posted_is_not_posted_again_by_a_takeover(core, clock):
    await _poll(core, 0, closes="1h")
    clock.advance(timedelta(hours=1))
    now = clock.now()
    [job] = await core.store.claim_jobs("dead", now, now + timedelta(seconds=60), 10,
                                        kinds=[JobKind.CLOSE])
    # The first worker closed the poll and posted the outcome, then stopped before
    # marking its job done.
    first = Channel(core.store)
    effects, _ = (await JobRunner(core).run_batch([job], now))[job.id]
    await first.deliver(effects)
    assert len(first.outcomes()) == 1
    clock.advance(timedelta(minutes=2))
    second = Channel(core.store)
    await _run(Timekeeper(core, second.deliver, worker="w2"), clock.now())
    assert second.outcomes() == []


async def test_an_outcome_lost_after_the_close_is_posted_once_by_later_runs(core, clock):
    await _poll(core, 0, closes="1h")
    clock.advance(timedelta(hours=1))
    now = clock.now()
    [job] = await core.store.claim_jobs("dead", now, now + timedelta(seconds=60), 10,
                                        kinds=[JobKind.CLOSE])
    await JobRunner(core).run_batch([job], now)  # closed; its outcome never sent
    channel = Channel(core.store)
    for _ in range(3):  # the job taken over again and again (each run after a crash)
        effects, _ = (await JobRunner(core).run_batch([job], clock.now()))[job.id]
        await channel.deliver(effects)
    [outcome] = channel.outcomes()
    assert outcome.space == room(0) and outcome.card.title.startswith("Outcome of #1")


# -- a timer closing an ideas round beside polls -------------------------------------------------


async def test_an_ideas_round_closes_by_its_timer_beside_polls(core, clock):
    await core.handle(MembersSeen(ALICE, room(0), PEOPLE))
    await remember(core.store, await core.handle(
        StartIdeas(ALICE, room(0), question="What next?", closes="30m")))
    await core.handle(AddIdea(BOB, room(0), round=1, text="A picnic"))
    await _poll(core, 1, closes="30m")
    clock.advance(timedelta(minutes=30))
    channel = Channel(core.store)
    await _run(Timekeeper(core, channel.deliver, worker="w"), clock.now())
    assert _outcome_rooms(channel.outcomes()) == ["room0", "room1"]
    [ideas] = [e for e in channel.outcomes() if e.space == room(0)]
    assert "1. A picnic" in "\n".join(render_card(ideas.card, "UTC"))


# -- check-ins missed while down ---------------------------------------------------------------


async def test_check_ins_missed_while_down_are_posted_once_and_the_schedule_goes_on(
        driver, core, clock):
    await driver.say('schedule "Weekly check-in" --every 1w')
    clock.advance(timedelta(weeks=3, hours=1))   # down for three weeks
    channel = Channel(core.store)
    keeper = Timekeeper(core, channel.deliver, worker="w")
    await _run(keeper, clock.now())
    titles = [e.card.title for e in channel.sent if isinstance(e, Post)]
    assert titles == ["Check-in: Weekly check-in"]
    [(due,)] = await rows(core.store.engine, "SELECT due_at FROM job WHERE kind = 'occur' "
                          "AND done_at IS NULL")
    assert clock.now() < _utc(due) <= clock.now() + timedelta(weeks=1)
    clock.set(_utc(due))
    await _run(keeper, clock.now())
    assert [e.card.title for e in channel.sent if isinstance(e, Post)] == [
        "Check-in: Weekly check-in"] * 2


# -- long loops let other tasks run every 100 items --------------------------------------------


@pytest.mark.parametrize(("index", "yields"), [
    (0, False), (1, False), (99, False), (100, True), (101, False), (200, True)])
def test_long_loops_let_other_tasks_run_every_hundred_items(index, yields):
    # Stepped by hand: a turn is one bare yield to the event loop (sleep(0)), no timer.
    turn = take_turns(index)
    try:
        handed = turn.send(None)
    except StopIteration:
        assert not yields
    else:
        assert yields and handed is None
        with pytest.raises(StopIteration):
            turn.send(None)


# -- what a reminder and a check-in say, word for word -------------------------------------------


async def test_the_private_reminder_word_for_word(core, clock):
    await _poll(core, 0, closes="2h", remind="1h")
    clock.advance(timedelta(hours=1))
    channel = Channel(core.store)
    await _run(Timekeeper(core, channel.deliver, worker="w"), clock.now())
    [dm] = [e for e in channel.sent if isinstance(e, DirectMessage) and e.member == ALICE.key
            and e.card.title.startswith("Reminder")]
    assert render_card(dm.card, "UTC") == [
        "Reminder: #1 in #room0 closes in 1 hour",
        "  The group is deciding: Lunch in room 0?",
        "  You have not voted yet. For example: vote #1 2",
        "  It closes Wed 25 Nov 2026 11:00 (Europe/London). Need longer? Ask privately with "
        "more-time #1.",
        "  Only you got this message; nobody is told who has or has not voted.",
    ]


async def test_the_check_in_word_for_word(driver, core, clock):
    await driver.say('schedule "Weekly check-in" --every 1w')
    clock.advance(timedelta(weeks=1))
    channel = Channel(core.store)
    await _run(Timekeeper(core, channel.deliver, worker="w"), clock.now())
    [post] = [e for e in channel.sent if isinstance(e, Post)]
    assert render_card(post.card, "UTC") == [
        "Check-in: Weekly check-in",
        "  Reply in the channel, or start a poll if the group needs to decide something.",
        "  This is recurring schedule #1; a facilitator can stop it with unschedule #1.",
    ]


# -- a nudge sweep, and a lane whose batch fails as a whole ---------------------------------------


async def test_a_nudge_sweep_comes_round_again_while_its_poll_is_open(core, clock):
    poll = await _poll(core, 0, closes="1d")
    clock.advance(timedelta(hours=1))
    now = clock.now()
    [sweep] = await core.store.claim_jobs("w", now, now + timedelta(minutes=1), 10,
                                          kinds=[JobKind.NUDGE])
    [(job_id, result)] = (await JobRunner(core).run_batch([sweep], now)).items()
    assert job_id == sweep.id and not isinstance(result, Exception)
    _, follow = result
    assert [(job.kind, job.poll_id) for job in follow] == [(JobKind.NUDGE, poll.id)]
    assert follow[0].due_at > now


async def test_a_kind_whose_batch_fails_fails_each_of_its_jobs_and_no_other_kind(
        driver, core, clock, monkeypatch):
    await driver.say('schedule "Weekly check-in" --every 1w')
    await _poll(core, 0, closes="1w")
    clock.advance(timedelta(weeks=1))
    now = clock.now()
    claimed = await core.store.claim_jobs("w", now, now + timedelta(minutes=1), 50,
                                          kinds=[JobKind.CLOSE, JobKind.OCCUR])

    async def unreachable(ids):
        raise ConnectionError("database went away")

    monkeypatch.setattr(core.store, "get_polls", unreachable)
    results = await JobRunner(core).run_batch(claimed, now)
    kinds = {job.id: job.kind for job in claimed}
    [closing] = [job_id for job_id, kind in kinds.items() if kind is JobKind.CLOSE]
    [occurring] = [job_id for job_id, kind in kinds.items() if kind is JobKind.OCCUR]
    assert isinstance(results[closing], ConnectionError)
    effects, _ = results[occurring]
    assert [e.card.title for e in effects if isinstance(e, Post)] == ["Check-in: Weekly check-in"]


# -- an ideas round held by another process; a poll that cannot be counted ------------------------


async def test_an_ideas_round_held_by_another_process_is_tried_again_later(core, clock):
    await core.handle(MembersSeen(ALICE, room(0), PEOPLE))
    await remember(core.store, await core.handle(
        StartIdeas(ALICE, room(0), question="What next?", closes="30m")))
    round_ = await core.store.find_poll(room(0), 1)
    clock.advance(timedelta(minutes=30))
    due = clock.now()
    assert await core.store.claim_close(round_.id, due, due - CLOSING_LEASE)
    channel = Channel(core.store)
    keeper = Timekeeper(core, channel.deliver, worker="w")
    await _run(keeper, due)
    assert channel.outcomes() == []
    assert await _pending_closings(core) == [(round_.id, due + timedelta(minutes=2))]
    for _ in range(3):
        clock.advance(timedelta(minutes=2))
        await _run(keeper, clock.now())
    assert _outcome_rooms(channel.outcomes()) == ["room0"]
    assert await core.store.job_failures() == []


async def test_a_poll_that_cannot_be_counted_gets_its_own_error(core, clock, monkeypatch):
    broken = await _poll(core, 0, closes="30m")
    fine = await _poll(core, 1, closes="30m")
    clock.advance(timedelta(minutes=30))
    now = clock.now()
    original = Counter._decide

    def decide(self, poll, *args):
        if poll.id == broken.id:
            raise ValueError("broken ballot")
        return original(self, poll, *args)

    monkeypatch.setattr(Counter, "_decide", decide)
    results = await JobRunner(core).run_batch([_job(1, broken.id, now), _job(2, fine.id, now)],
                                              now)
    # The job's result is the error itself (what the operator's failure record names).
    assert isinstance(results[1], ValueError) and str(results[1]) == "broken ballot"
    assert _outcome_rooms(results[2][0]) == ["room1"]


# -- a long batch lets the other lanes go on every hundred jobs ----------------------------------


@pytest.mark.parametrize("lane", ["remind", "occur", "announce"])
async def test_a_long_batch_lets_another_lanes_waiting_read_go_on_after_100_jobs(
        driver, core, clock, monkeypatch, lane):
    await driver.say('schedule "Weekly check-in" --every 1w')
    [(schedule_id,)] = await rows(core.store.engine, "SELECT id FROM schedule")
    poll = await _poll(core, 0, closes="2d", remind="1d")
    now = clock.now()

    def job(job_id: int, kind: JobKind) -> Job:
        data = {JobKind.REMIND: '{"before": 86400}', JobKind.ANNOUNCE: '{"what": "poll"}'}
        return Job(id=job_id, kind=kind, due_at=now,
                   poll_id=None if kind is JobKind.OCCUR else poll.id,
                   schedule_id=schedule_id if kind is JobKind.OCCUR else None,
                   data=data.get(kind, "{}"), attempts=0)

    started = asyncio.Event()
    done: list[int] = []

    def counted(work):
        def count(*args):
            done.append(1)
            started.set()
            return work(*args)
        return count

    seen: list[int] = []

    def waiting(read):
        async def wait(ids):
            await started.wait()  # held until the long batch is under way
            seen.append(len(done))
            return await read(ids)
        return wait

    measured = {"remind": JobKind.REMIND, "occur": JobKind.OCCUR,
                "announce": JobKind.ANNOUNCE}[lane]
    if lane == "remind":
        # Each reminder's public line says how many have voted, once per job, as it goes.
        monkeypatch.setattr(job_runner, "participation", counted(job_runner.participation))
    elif lane == "announce":
        monkeypatch.setattr(job_runner, "announce", counted(job_runner.announce))
    else:
        monkeypatch.setattr(job_runner, "occurrence_effects",
                            counted(job_runner.occurrence_effects))
    if lane == "occur":   # the other lane: a reminder, whose read of its poll waits
        monkeypatch.setattr(core.store, "get_polls", waiting(core.store.get_polls))
        other = job(1000, JobKind.REMIND)
    else:                 # the other lane: a check-in, whose read of its schedule waits
        monkeypatch.setattr(core.store, "get_schedules", waiting(core.store.get_schedules))
        other = job(1000, JobKind.OCCUR)

    jobs = [job(n, measured) for n in range(1, 121)]
    results = await asyncio.wait_for(JobRunner(core).run_batch([*jobs, other], now), timeout=30)
    assert not any(isinstance(result, Exception) for result in results.values())
    assert len(done) == 120
    assert seen == [100]
