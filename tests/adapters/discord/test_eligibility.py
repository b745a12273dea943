"""Only members Discord reports in a channel take part in its polls (issue 11, item 8).

Discord sends a member's permissions in the channel with every interaction: someone
who may not view the channel (an old private form, a channel closed to them since) is
refused, and nothing about them is stored.
"""

from __future__ import annotations

import discord

from adapters.discord.adapter import DiscordAdapter
from bot.model import SpaceRef
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import CHANNEL, GUILD, FakeDiscord
from tests.adapters.discord.helpers import create_poll, embed_text, inject, replies

SPACE = SpaceRef("discord", str(GUILD), str(CHANNEL))
#: Send messages and embed links, but not view the channel.
BLIND = (1 << 11) | (1 << 14)
REFUSED = "You can only vote in polls of channels you are a member of"


def bob_key() -> str:
    return f"discord:{GUILD}:{p.BOB}"


async def test_a_click_from_someone_who_cannot_view_the_channel_is_refused(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    poll = await store.find_poll(SPACE, 1)
    click = p.click(f"rt:v:{poll.id}:2", post.response, user_id=p.BOB)
    click["member"]["permissions"] = str(BLIND)
    inject(adapter, click)
    texts = await replies(fake, 2)
    assert REFUSED in texts[1]
    assert await store.voted_count(poll.id) == 0
    assert not await store.is_member(SPACE, bob_key())
    assert await store.member_count(SPACE) == 1
    # The same person, once Discord lets them see the channel, votes.
    inject(adapter, p.click(f"rt:v:{poll.id}:2", post.response, user_id=p.BOB))
    assert "Your vote is in on #1" in (await replies(fake, 3))[2]


async def test_a_member_who_loses_sight_of_the_channel_stops_counting(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    poll = await store.find_poll(SPACE, 1)
    inject(adapter, p.click(f"rt:v:{poll.id}:1", post.response, user_id=p.BOB))
    await replies(fake, 2)
    assert await store.is_member(SPACE, bob_key())
    slash = p.slash("vote", p.BOB, permissions=BLIND, poll=1, choice="2")
    inject(adapter, slash)
    assert REFUSED in (await replies(fake, 3))[2]
    assert not await store.is_member(SPACE, bob_key())
    assert await store.member_count(SPACE) == 1


async def test_leaving_the_server_leaves_its_channels(adapter: DiscordAdapter,
                                                      fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    poll = await store.find_poll(SPACE, 1)
    inject(adapter, p.click(f"rt:v:{poll.id}:1", post.response, user_id=p.BOB))
    await replies(fake, 2)
    assert await store.member_count(SPACE) == 2
    state = adapter.client._connection
    event = discord.RawMemberRemoveEvent({"guild_id": str(GUILD), "user": p.user(p.BOB)},
                                         state.store_user(p.user(p.BOB)))
    await adapter.client.on_raw_member_remove(event)
    assert not await store.is_member(SPACE, bob_key())
    assert await store.member_count(SPACE) == 1
    assert "Poll #1" in embed_text(post.body)
