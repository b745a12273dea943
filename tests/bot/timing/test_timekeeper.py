"""Delivery failures are retried with back-off a bounded number of times, then recorded."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.commands import CreatePoll, MembersSeen
from bot.effects import Post
from bot.model import Actor, SpaceRef
from bot.timing.timekeeper import BACKOFF, MAX_ATTEMPTS, Timekeeper
from tests.conftest import as_posted

SPACE = SpaceRef("console", "local", "playground")
ALICE = Actor("console", "local", "alice", "alice", frozenset({"facilitator"}))


class FlakyChannel:
    """A fake platform that fails the first ``failures`` sends, recording what got through."""

    def __init__(self, store, failures: int) -> None:
        self.store = store
        self.failures = failures
        self.sent: list = []
        self.tries = 0

    async def deliver(self, effects) -> None:
        self.tries += 1
        if self.tries <= self.failures:
            raise ConnectionError("platform unavailable")
        self.sent.extend(effects)
        for effect in effects:  # keyed posts on record, as adapters keep them
            if isinstance(effect, Post) and effect.key is not None:
                await self.store.remember_post(effect.key, effect.space.platform, "posted")


async def _poll_closing_in(core, hours: int) -> None:
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    effects = await as_posted(core, await core.handle(CreatePoll(
        ALICE, SPACE, question="Tea?", options=("Yes", "No"), closes=f"{hours}h",
        no_remind=True)))
    assert isinstance(effects[0], Post)


async def test_failed_delivery_is_retried_with_backoff_and_sent_once(core, clock, caplog):
    await _poll_closing_in(core, 1)
    channel = FlakyChannel(core.store, failures=2)
    keeper = Timekeeper(core, channel.deliver, worker="w1")
    clock.advance(timedelta(hours=1))
    await keeper.run_due(clock.now())
    assert channel.sent == [] and channel.tries == 1
    # Not again before the back-off has passed...
    await keeper.run_due(clock.now() + BACKOFF[0] - timedelta(seconds=1))
    assert channel.tries == 1
    clock.advance(BACKOFF[0])
    await keeper.run_due(clock.now())
    assert channel.tries == 2 and channel.sent == []
    clock.advance(BACKOFF[1])
    await keeper.run_due(clock.now())
    outcomes = [e for e in channel.sent if isinstance(e, Post) and "Outcome" in e.card.title]
    assert len(outcomes) == 1
    clock.advance(timedelta(days=1))
    await keeper.run_due(clock.now())
    assert channel.tries == 3
    assert await core.store.job_failures() == []
    assert all("Tea" not in r.getMessage() for r in caplog.records)


async def test_a_job_that_never_gets_through_is_recorded_as_failed(core, clock, caplog):
    caplog.set_level(logging.WARNING)
    await _poll_closing_in(core, 1)
    channel = FlakyChannel(core.store, failures=10**6)
    keeper = Timekeeper(core, channel.deliver, worker="w1")
    clock.advance(timedelta(hours=1))
    for _ in range(MAX_ATTEMPTS + 3):
        await keeper.run_due(clock.now())
        clock.advance(timedelta(hours=2))
    # Each attempt, then one try to tell the creator privately (refused too).
    assert channel.tries == MAX_ATTEMPTS + 1
    failures = await core.store.job_failures()
    assert [(kind, attempts, error) for _, kind, attempts, error in failures] == [
        ("close", MAX_ATTEMPTS, "ConnectionError")]
    assert any("giving up" in r.getMessage() for r in caplog.records)
    assert any("could not report" in r.getMessage() for r in caplog.records)
