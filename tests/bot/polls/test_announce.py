"""Nothing decided goes unsaid (issue 12): a poll's card and an outcome reach the channel,
from the database, even when the first try fails or the process stops before it."""

from __future__ import annotations

from datetime import timedelta

from bot.cards import Card
from bot.commands import ClosePoll, CreatePoll, MembersSeen, Respond
from bot.effects import DirectMessage, Post, Reply
from bot.model import Actor, SpaceRef
from bot.timed_work import JobKind
from bot.timing.timekeeper import BACKOFF, Timekeeper
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
    # The failure stays on record for whoever runs the bot, too.
    assert [failure[1] for failure in await core.store.job_failures()] == ["announce"]


async def _give_up(keeper, clock) -> None:
    for wait in (timedelta(0), *BACKOFF):
        clock.advance(wait)
        await keeper.run_due(clock.now())


def _told(channel) -> list[str]:
    return [e.card.title + " " + " ".join(getattr(line, "text", "") for line in e.card.lines)
            for e in channel.sent if isinstance(e, DirectMessage)]


async def test_an_outcome_that_can_never_be_posted_is_told_to_its_creator(core, clock):
    # Closed on time, but the channel refuses every post: the creator hears the truth
    # once, privately, and where the outcome can still be read.
    await as_posted(core, await _create(core, closes="1h"))
    channel = Channel(core.store)
    channel.down = True
    keeper = Timekeeper(core, channel.deliver, worker="w")
    clock.advance(timedelta(hours=1))
    await _give_up(keeper, clock)
    told = _told(channel)
    assert len(told) == 1 and "could not post the outcome of your poll #1" in told[0]
    assert "results #1" in told[0]
    assert all(e.member == ALICE.key for e in channel.sent if isinstance(e, DirectMessage))
    clock.advance(timedelta(days=1))
    await keeper.run_due(clock.now())
    assert len(_told(channel)) == 1  # told once, not every tick


async def test_an_outcome_posted_in_the_end_is_not_reported_as_lost(core, clock):
    await as_posted(core, await _create(core, closes="1h"))
    channel = Channel(core.store)
    channel.down = True
    keeper = Timekeeper(core, channel.deliver, worker="w")
    clock.advance(timedelta(hours=1))
    await keeper.run_due(clock.now())
    channel.down = False
    await _give_up(keeper, clock)
    assert len(_posts(channel, "outcome:1")) == 1 and _told(channel) == []


async def _answered(driver, core):
    """A consent proposal with one reason, closed and posted; then the proposer's answer
    is stored but its posts never go out (the process stopped, or the channel refused)."""
    await driver.say("people bob carol dana")
    await driver.say('propose "Thursdays" --rule consent')
    await driver.say("bob: vote #1 agree")
    await driver.say("dana: vote #1 agree")
    await driver.say("carol: vote #1 disagree too late in the week")
    waiting = "Waiting for the person who proposed it to answer 1 reason"
    assert waiting in await driver.say("close #1")
    effects = await core.handle(Respond(ALICE, SPACE, poll=1, text="We will try it for a month"))
    keys = {e.key for e in effects if isinstance(e, Post)}
    assert keys == {"answer:1:1", "final:1"}
    return effects


async def test_an_answer_whose_post_was_lost_is_posted_from_the_database(driver, core, clock):
    await _answered(driver, core)
    channel = Channel(core.store)
    keeper = Timekeeper(core, channel.deliver, worker="w")
    clock.advance(timedelta(minutes=1))
    await keeper.run_due(clock.now())
    answer = _posts(channel, "answer:1:1")
    assert len(answer) == 1 and "An answer on #1" in answer[0].card.title
    assert "We will try it for a month" in str(answer[0].card.lines)
    final = _posts(channel, "final:1")
    assert len(final) == 1 and final[0].card.title.startswith("Now final — outcome of #1")
    clock.advance(timedelta(hours=2))
    await keeper.run_due(clock.now())
    assert len(channel.sent) == 2  # on record now: never posted twice


async def test_a_reply_about_an_answer_says_it_is_posted_only_if_it_is(driver, core):
    effects = await _answered(driver, core)
    reply = next(e for e in effects if isinstance(e, Reply))
    assert reply.after == "answer:1:1"
    assert "saved, but not posted yet" in reply.if_not_posted.title


async def test_an_answer_that_can_never_be_posted_is_told_to_the_proposer(driver, core, clock):
    await _answered(driver, core)
    channel = Channel(core.store)
    channel.down = True
    clock.advance(timedelta(minutes=1))
    await _give_up(Timekeeper(core, channel.deliver, worker="w"), clock)
    told = _told(channel)
    assert len(told) == 1 and "could not post your answer on your proposal #1" in told[0]


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
