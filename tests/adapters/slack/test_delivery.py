"""Timed effects through ``deliver``, rate limits, paced DMs and coalesced edits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack.sender import Pacer
from bot.cards import Button, Card, Text
from bot.effects import DirectMessage, UpdatePost
from bot.model import SpaceRef
from bot.timing.timekeeper import Timekeeper
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts

SPACE = SpaceRef("slack", "T1", "C1")


async def test_poll_message_is_updated_at_close_with_the_outcome(slack, send, fake: FakeSlack,
                                                                 clock, core):
    await send.command('poll "Where?" "Library" "Park" --closes 2h --no-remind')
    await send.click("rt:pick:1:2", user="U2")
    await send.click("rt:pick:1:2", user="U3")
    clock.advance(timedelta(hours=2, minutes=1))
    ran = await Timekeeper(core, slack.deliver, worker="test").run_due(clock.now())
    assert ran >= 1
    outcome = fake.of("chat.postMessage")[-1]
    assert outcome.args["channel"] == "C1"
    assert "Park wins" in texts(blocks_of(outcome))
    last = fake.of("chat.update")[-1]
    assert (last.args["channel"], last.args["ts"]) == ("C1", "1700000000.000001")
    shown = texts(blocks_of(last))
    assert "This poll has closed." in shown and "2 of 3 have voted" in shown
    # No way to vote is left on the closed poll's message.
    assert not [b for b in blocks_of(last) if b["type"] == "actions"]


async def test_reminders_go_by_dm_and_a_short_note_to_the_channel(slack, send, fake: FakeSlack,
                                                                  clock, core):
    await send.command('poll "Where?" "Library" "Park" --closes 3h --remind 1h')
    await send.click("rt:pick:1:1", user="U2")
    clock.advance(timedelta(hours=2))
    await Timekeeper(core, slack.deliver, worker="test").run_due(clock.now())
    posts = fake.of("chat.postMessage")
    dms = sorted(c.args["channel"] for c in posts if c.args["channel"].startswith("U"))
    assert dms == ["U1", "U3"]  # not U2, who voted
    note = [c for c in posts if c.args["channel"] == "C1"][-1]
    assert "#1 closes in 1 hour" in texts(blocks_of(note))


async def test_rate_limit_is_retried_after_the_wait_slack_asked_for(slack, send,
                                                                    fake: FakeSlack, waits):
    fake.rate_limit_once("chat.postEphemeral", retry_after=7)
    await send.command("polls")
    assert len(fake.of("chat.postEphemeral")) == 2
    assert waits == [7.0]


async def test_burst_of_dms_is_paced_not_dropped(slack, fake: FakeSlack):
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    # A clock that stands still: each DM is asked to wait one more step after the first.
    slack.sender.pacer = Pacer(rate=20, sleep=record, now=lambda: 0.0)
    effects = [DirectMessage("slack", f"slack:T1:U{n:03d}", Card("Reminder", (Text("Vote"),)))
               for n in range(60)]
    fake.rate_limit_once("chat.postMessage", retry_after=1)
    await slack.deliver(effects)
    sent = {c.args["channel"] for c in fake.of("chat.postMessage")}
    assert sent == {f"U{n:03d}" for n in range(60)}
    assert len(fake.of("chat.postMessage")) == 61  # one 429, retried
    assert sorted(waits) == pytest.approx([n / 20 for n in range(1, 60)])


async def test_pacer_spaces_starts_at_the_rate():
    now = [100.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        now[0] += seconds

    pacer = Pacer(rate=4, sleep=sleep, now=lambda: now[0])
    for _ in range(5):
        await pacer.wait()
    assert waited == [0.25, 0.25, 0.25, 0.25]


async def test_person_who_cannot_be_reached_is_skipped_other_failures_raise(slack, store,
                                                                            fake: FakeSlack):
    card = Card("Nudge", (Text("Your voice counts"),))
    fake.errors["chat.postMessage"] = "cannot_dm_bot"
    await slack.deliver([DirectMessage("slack", "slack:T1:UBOT", card)])
    assert slack.sender.unreachable == 1
    # Recorded, and not tried again for a while.
    assert "slack:T1:UBOT" in await store.unreachable_since({"slack:T1:UBOT"})
    del fake.errors["chat.postMessage"]
    await slack.deliver([DirectMessage("slack", "slack:T1:UBOT", card)])
    assert slack.sender.unreachable == 2
    assert len(fake.of("chat.postMessage")) == 1
    fake.errors["chat.postMessage"] = "internal_error"
    with pytest.raises(SlackApiError):
        await slack.deliver([DirectMessage("slack", "slack:T1:U2", card)])


async def test_many_updates_to_one_message_become_one_edit(slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    vote = Button("Vote", "vote:1")
    for n in range(100):
        slack.sender.update(UpdatePost(SPACE, "poll:1", Card(f"Poll #1 ({n})", buttons=(vote,))))
    await slack.sender.drain()
    [edit] = fake.of("chat.update")
    assert "Poll #1 (99)" in texts(blocks_of(edit))


async def test_a_late_open_card_never_replaces_the_closed_one(slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    await slack.deliver([UpdatePost(SPACE, "poll:1", Card("Poll #1: closed"))])
    slack.sender.update(UpdatePost(SPACE, "poll:1", Card("Poll #1: open",
                                                         buttons=(Button("Vote", "vote:1"),))))
    await slack.sender.drain()
    assert [texts(blocks_of(c)) for c in fake.of("chat.update")] == ["Poll #1: closed"]


async def test_edits_of_one_message_are_a_second_apart(slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    now = [50.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    sender = slack.sender
    sender.update_interval, sender.sleep, sender.now = 1.0, sleep, lambda: now[0]
    vote = (Button("Vote", "vote:1"),)
    await sender.update(UpdatePost(SPACE, "poll:1", Card("first", buttons=vote)))
    now[0] += 0.25
    await sender.update(UpdatePost(SPACE, "poll:1", Card("second", buttons=vote)))
    assert waits == [0.75]
    assert [texts(blocks_of(c)).split("\n")[0] for c in fake.of("chat.update")] == [
        "first", "second"]


async def test_a_late_open_card_never_replaces_a_closed_one_still_waiting(slack, send,
                                                                         fake: FakeSlack):
    # A vote's edit is on its way when the poll closes, and another vote's edit (computed
    # before the close) is queued after the closed card: the closed card is what stays.
    await send.command('poll "Where?" "Library" "Park"')
    vote = (Button("Vote", "vote:1"),)
    fake.held["chat.update"] = asyncio.Event()
    first = slack.sender.update(UpdatePost(SPACE, "poll:1", Card("open 1", buttons=vote)))
    await fake.wait_for("chat.update")
    closed = slack.sender.update(UpdatePost(SPACE, "poll:1", Card("closed")))
    late = slack.sender.update(UpdatePost(SPACE, "poll:1", Card("open 2", buttons=vote)))
    fake.held["chat.update"].set()
    await asyncio.gather(first, closed, late)
    shown = [texts(blocks_of(c)).split("\n")[0] for c in fake.of("chat.update")]
    assert shown == ["open 1", "closed"]


async def test_one_dm_failing_on_the_network_still_lets_the_others_go_first(slack, monkeypatch,
                                                                            fake: FakeSlack):
    async def record(seconds: float) -> None:
        pass

    slack.sender.pacer = Pacer(rate=20, sleep=record, now=lambda: 0.0)
    real = slack.sender._dm

    async def flaky(effect: DirectMessage, language: str | None) -> None:
        if effect.member.endswith("U000"):
            raise TimeoutError
        await real(effect, language)

    monkeypatch.setattr(slack.sender, "_dm", flaky)
    card = Card("Reminder", (Text("Vote"),))
    effects = [DirectMessage("slack", f"slack:T1:U{n:03d}", card) for n in range(30)]
    with pytest.raises(TimeoutError):
        await slack.deliver(effects)
    # Every other DM was sent before the job was told it failed (it will be retried).
    assert {c.args["channel"] for c in fake.of("chat.postMessage")} == {
        f"U{n:03d}" for n in range(1, 30)}


async def test_an_app_wide_dm_error_fails_the_job_and_marks_nobody(slack, store,
                                                                   fake: FakeSlack, caplog):
    # The messages tab turned off in the app's settings is not the person's doing.
    fake.errors["chat.postMessage"] = "messages_tab_disabled"
    card = Card("Nudge", (Text("Your voice counts"),))
    with pytest.raises(SlackApiError):
        await slack.deliver([DirectMessage("slack", "slack:T1:U2", card)])
    assert await store.unreachable_since({"slack:T1:U2"}) == {}
    assert slack.sender.unreachable == 0
    assert "messages_tab_disabled" in caplog.text  # the operator can tell what to fix


async def test_a_poll_whose_card_cannot_be_posted_is_told_the_truth_and_posted_later(
        slack, send, fake: FakeSlack, clock, core):
    # Slack keeps refusing the card: the poll is saved, and the person is told so — never
    # "nothing was changed, please try again", which would make a second poll.
    fake.errors["chat.postMessage"] = "ratelimited"
    await send.command('poll "Where?" "Library" "Park"')
    told = " ".join(texts(blocks_of(c)) for c in fake.of("chat.postEphemeral"))
    assert "Your poll #1 is saved, but not posted yet" in told
    assert "Nothing was changed" not in told and "is up" not in told
    assert (await core.store.find_poll(SPACE, 1)) is not None
    # Slack takes messages again: the check posts the card from the database, once.
    del fake.errors["chat.postMessage"]
    clock.advance(timedelta(minutes=1))
    await Timekeeper(core, slack.deliver, worker="test").run_due(clock.now())
    cards = [c for c in fake.of("chat.postMessage") if c.args["channel"] == "C1"
             and "Where?" in texts(blocks_of(c))]
    assert len(cards) == 2  # the refused try, and the one that got through
    clock.advance(timedelta(hours=1))
    await Timekeeper(core, slack.deliver, worker="test").run_due(clock.now())
    assert len([c for c in fake.of("chat.postMessage") if c.args["channel"] == "C1"
                and "Where?" in texts(blocks_of(c))]) == 2
