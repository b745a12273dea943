"""Effects from timed jobs: closings, reminders and DMs, rate limits and closed inboxes."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from adapters.discord.adapter import DiscordAdapter
from bot.cards import Card, Text
from bot.effects import DirectMessage, Post, UpdatePost
from bot.timing.timekeeper import Timekeeper
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import CHANNEL, GUILD, FakeDiscord
from tests.adapters.discord.helpers import POSTS, create_poll, embed_text, inject, replies
from tests.adapters.discord.test_polls import adapter_space

DMS = r"/users/@me/channels"


def dm(user_id: int, text: str = "Reminder") -> DirectMessage:
    return DirectMessage("discord", f"discord:{GUILD}:{user_id}", Card(text, (Text(text),)))


async def test_the_poll_message_is_edited_at_close(adapter: DiscordAdapter, fake: FakeDiscord,
                                                   store, core, clock) -> None:
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee", closes="2h")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.click(f"rt:v:{poll.id}:1", post.response, user_id=p.BOB))
    await replies(fake, 2)
    await adapter.sender.drain()
    clock.advance(timedelta(hours=3))
    await Timekeeper(core, adapter.deliver, worker="test").run_due(clock.now())
    # The outcome is posted, and the poll's own message says it closed, without buttons.
    outcome = fake.matching("POST", POSTS)[-1]
    assert "Outcome of #1: Tea or coffee?" in embed_text(outcome.body)
    edit = fake.matching("PATCH", rf"{POSTS}/{post.response['id']}")[-1]
    assert "This poll has closed." in embed_text(edit.body)
    assert edit.body["components"] == []


async def test_a_member_with_closed_dms_is_recorded_and_not_retried(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    fake.closed_dms.add(p.BOB)
    await adapter.deliver([dm(p.BOB), dm(p.CAROL)])      # no exception: not a failure
    assert [str(c.body["recipient_id"]) for c in fake.matching("POST", DMS)] == [
        str(p.BOB), str(p.CAROL)]
    assert f"discord:{GUILD}:{p.BOB}" in await store.unreachable_since(
        [f"discord:{GUILD}:{p.BOB}", f"discord:{GUILD}:{p.CAROL}"])
    sent = fake.matching("POST", rf"/channels/{p.CAROL + 1}/messages")
    assert "Reminder" in embed_text(sent[0].body)
    # The next reminder skips Bob without a call: no loop of refusals.
    await adapter.deliver([dm(p.BOB, "Second"), dm(p.CAROL, "Second")])
    assert len(fake.matching("POST", rf"/channels/{p.BOB + 1}/messages")) == 1
    assert len(fake.matching("POST", rf"/channels/{p.CAROL + 1}/messages")) == 2


async def test_a_rate_limited_post_is_retried(adapter: DiscordAdapter, fake: FakeDiscord,
                                              store) -> None:
    fake.rate_limit_once("POST", f"/channels/{CHANNEL}/messages")
    card = Card("Check-in: how did this week go?", (Text("Reply in the channel."),))
    await adapter.deliver([Post(adapter_space(), card, key="checkin:1")])
    calls = fake.matching("POST", POSTS)
    assert [c.status for c in calls] == [429, 200]
    assert await store.find_post("checkin:1", "discord") == (
        f"{CHANNEL}:{calls[1].response['id']}")


async def test_reminders_are_dms_and_a_short_channel_message(adapter: DiscordAdapter,
                                                             fake: FakeDiscord, store, core,
                                                             clock) -> None:
    clock.advance(timedelta(hours=3))  # noon: the reminder does not fall in quiet hours
    await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee", closes="2d",
                      remind="1h")
    await replies(fake)
    inject(adapter, p.slash("polls", user_id=p.BOB))      # Bob is a member who has not voted
    await replies(fake, 2)
    clock.advance(timedelta(days=2) - timedelta(minutes=59))
    await Timekeeper(core, adapter.deliver, worker="test").run_due(clock.now())
    public = fake.matching("POST", POSTS)[-1]
    assert "#1 closes in" in embed_text(public.body)
    recipients = {str(c.body["recipient_id"]) for c in fake.matching("POST", DMS)}
    assert recipients == {str(p.ALICE), str(p.BOB)}


async def test_a_failed_edit_fails_the_job_but_a_deleted_message_does_not(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    await adapter.sender.drain()
    poll = await store.find_poll(adapter_space(), 1)
    card = Card("Poll #1 has closed", (Text("This poll has closed."),))
    edit = UpdatePost(adapter_space(), f"poll:{poll.id}", card)
    path = f"{POSTS}/{post.response['id']}"
    fake.fail_once("PATCH", path, 400, 50035)          # Discord refused it: retry the job
    with pytest.raises(discord.HTTPException):
        await adapter.deliver([edit])
    fake.fail_once("PATCH", path, 404, 10008)          # Unknown Message: nothing to retry
    await adapter.deliver([edit])
    assert [c.status for c in fake.matching("PATCH", path)][-2:] == [400, 404]


async def test_members_who_left_every_shared_server_are_not_retried(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    fake.dm_refusals[p.BOB] = 50278          # "no mutual guilds": retrying cannot help
    await adapter.deliver([dm(p.BOB), dm(p.CAROL)])
    assert f"discord:{GUILD}:{p.BOB}" in await store.unreachable_since([f"discord:{GUILD}:{p.BOB}"])
    await adapter.deliver([dm(p.BOB, "Second")])
    assert len(fake.matching("POST", rf"/channels/{p.BOB + 1}/messages")) == 1


async def test_everything_sent_says_no_mentions(adapter: DiscordAdapter, fake: FakeDiscord,
                                                 store, core, clock) -> None:
    post = await create_poll(adapter, fake, "@everyone lunch?", "Soup; Pie", closes="2h",
                             remind="1h")
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.click(f"rt:v:{poll.id}:1", post.response, user_id=p.BOB))
    await replies(fake, 2)
    await adapter.sender.drain()
    clock.advance(timedelta(hours=3))
    await Timekeeper(core, adapter.deliver, worker="test").run_due(clock.now())
    sent = [c for c in fake.calls if c.method in ("POST", "PATCH") and isinstance(c.body, dict)
            and ("embeds" in c.body or "embeds" in (c.body.get("data") or {}))]
    kinds = {("callback" if "/callback" in c.path else "followup" if "/webhooks/" in c.path
              else c.method) for c in sent}
    assert {"followup", "POST", "PATCH"} <= kinds          # posts, edits, private answers
    for call in sent:
        body = call.body.get("data", call.body) if "/callback" in call.path else call.body
        assert body.get("allowed_mentions") == {"parse": []}, (call.method, call.path, body)


async def test_a_burst_of_dms_is_paced(adapter: DiscordAdapter, fake: FakeDiscord) -> None:
    waits: list[tuple[int, float]] = []

    async def sleep(seconds: float) -> None:
        waits.append((len(fake.matching("POST", DMS)), seconds))   # DMs opened so far

    adapter.sender.dms.sleep = sleep
    adapter.sender.dms.interval = 0.1
    await adapter.deliver([dm(p.ALICE), dm(p.BOB), dm(p.CAROL)])
    assert waits == [(1, 0.1), (2, 0.1), (3, 0.1)]                # a wait after each one
