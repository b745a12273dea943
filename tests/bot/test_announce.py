"""Nothing decided goes unsaid (issue 12): a poll's card and an outcome reach the channel,
from the database, even when the first try fails or the process stops before it."""

from __future__ import annotations

from datetime import timedelta

from bot.cards import Card
from bot.commands import ClosePoll, CreatePoll, MembersSeen
from bot.effects import DirectMessage, Post
from bot.model import Actor, SpaceRef
from bot.timed_work import JobKind
from bot.timing import BACKOFF, Timekeeper
from tests.conftest import as_posted

SPACE = SpaceRef("console", "local", "playground")
ALICE = Actor("console", "local", "alice", "alice", frozenset({"facilitator"}))


class Channel:
    """A fake platform that refuses posts while ``down``; what it takes is on record."""

    def __init__(self, store) -> None:
        self.store = store
        self.down = False
        self.sent: list = []

    async def deliver(self, effects) -> None:
        if self.down and any(isinstance(e, Post) for e in effects):
            raise ConnectionError("channel refuses the message")
        self.sent.extend(effects)
        for effect in effects:
            if isinstance(effect, Post) and effect.key is not None:
                await self.store.remember_post(effect.key, effect.space.platform, "posted")


async def _create(core, closes: str | None = None):
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    return await core.handle(CreatePoll(ALICE, SPACE, question="Tea?", options=("Yes", "No"),
                                        closes=closes, no_remind=True))


def _posts(channel, key: str) -> list[Post]:
    return [e for e in channel.sent if isinstance(e, Post) and e.key == key]


async def test_a_card_whose_first_post_failed_is_posted_from_the_database(core, clock):
    # The command's own post failed (nothing remembered): the check posts it, once.
    await _create(core)
    channel = Channel(core.store)
    keeper = Timekeeper(core, channel.deliver, worker="w")
    clock.advance(timedelta(seconds=31))
    await keeper.run_due(clock.now())
    assert len(_posts(channel, "poll:1")) == 1
    clock.advance(timedelta(hours=3))
    await keeper.run_due(clock.now())
    assert len(_posts(channel, "poll:1")) == 1  # on record now: never posted twice


async def test_a_card_posted_at_once_is_not_posted_again(core, clock):
    await as_posted(core, await _create(core))
    channel = Channel(core.store)
    clock.advance(timedelta(minutes=5))
    await Timekeeper(core, channel.deliver, worker="w").run_due(clock.now())
    assert channel.sent == []


async def test_a_card_that_can_never_be_posted_is_told_to_its_creator(core, clock):
    await _create(core)
    channel = Channel(core.store)
    channel.down = True
    keeper = Timekeeper(core, channel.deliver, worker="w")
    clock.advance(timedelta(seconds=31))
    for wait in (timedelta(0), *BACKOFF):
        clock.advance(wait)
        await keeper.run_due(clock.now())
    told = [e for e in channel.sent if isinstance(e, DirectMessage)]
    assert len(told) == 1 and told[0].member == ALICE.key
    card: Card = told[0].card
    text = card.title + " " + " ".join(getattr(line, "text", "") for line in card.lines)
    assert "could not post your poll #1" in text and "still vote" in text and "cancel #1" in text
    assert await core.store.job_failures() == []  # told, not silently given up on


async def test_an_outcome_is_announced_after_a_worker_stopped_between_commit_and_post(
        core, clock):
    # A worker claims the closing job, commits the closing and stops before posting
    # (kill -9): its job is taken over when the lease runs out, and the outcome goes out.
    await as_posted(core, await _create(core, closes="1h"))
    clock.advance(timedelta(hours=1))
    now = clock.now()
    claimed = await core.store.claim_jobs("dead", now, now + timedelta(seconds=60), 10,
                                          kinds=[JobKind.CLOSE])
    assert len(claimed) == 1 and claimed[0].attempts == 0
    poll = await core.store.find_poll(SPACE, 1)
    await core.close_poll(poll, now, by=None)  # committed; its effects never sent
    channel = Channel(core.store)
    clock.advance(timedelta(minutes=2))
    await Timekeeper(core, channel.deliver, worker="w2").run_due(clock.now())
    outcomes = _posts(channel, "outcome:1")
    assert len(outcomes) == 1 and "Outcome of #1" in outcomes[0].card.title


async def test_a_hand_closed_poll_whose_outcome_was_lost_is_announced(core, clock):
    await as_posted(core, await _create(core))
    effects = await core.handle(ClosePoll(ALICE, SPACE, poll=1))
    assert any(isinstance(e, Post) and e.key == "outcome:1" for e in effects)
    # ...and the process stopped before sending them.
    channel = Channel(core.store)
    clock.advance(timedelta(minutes=1))
    await Timekeeper(core, channel.deliver, worker="w").run_due(clock.now())
    assert len(_posts(channel, "outcome:1")) == 1
