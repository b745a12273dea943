"""Gateway events besides interactions: messages counted, roles followed; safety of output."""

from __future__ import annotations

import json
import logging

import discord
import pytest

from adapters.discord import create
from adapters.discord.adapter import DiscordAdapter
from bot.voice_model import ContributionKind
from roundtable.bootstrap import App
from roundtable.config import Config, ConfigError, DiscordConfig
from tests.adapters.discord import payloads as p
from tests.adapters.discord.conftest import TOKEN, start_adapter
from tests.adapters.discord.fake_discord import CHANNEL, GUILD, STAMP, FakeDiscord
from tests.adapters.discord.helpers import create_poll, embed_text, inject, replies
from tests.adapters.discord.test_polls import adapter_space

THREAD = 800000000000000009
ROLE = 810000000000000001


def add_guild(adapter: DiscordAdapter) -> None:
    """The guild as the gateway announces it (GUILD_CREATE): a channel, a thread, members."""
    channel = {"id": str(CHANNEL), "type": 0, "guild_id": str(GUILD), "name": "general",
               "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None}
    thread = {"id": str(THREAD), "type": 11, "guild_id": str(GUILD), "name": "Ideas",
              "parent_id": str(CHANNEL), "owner_id": str(p.ALICE), "member_count": 2,
              "message_count": 1, "thread_metadata": {"archived": False, "locked": False,
                                                       "auto_archive_duration": 1440,
                                                       "archive_timestamp": STAMP}}
    members = [{k: v for k, v in p.member(user_id).items() if k != "permissions"}
               for user_id in (p.ALICE, p.BOB)]
    adapter.client._connection._add_guild_from_data({  # type: ignore[arg-type]
        "id": str(GUILD), "name": "Peer group", "owner_id": str(p.ALICE), "roles": [
            {"id": str(GUILD), "name": "@everyone", "permissions": str(p.MEMBER),
             "position": 0, "color": 0, "hoist": False, "managed": False,
             "mentionable": False, "flags": 0}],
        "channels": [channel], "threads": [thread], "members": members, "emojis": [],
        "features": [], "member_count": 2, "large": False})


def message(message_id: int, channel: int, user_id: int, kind: int = 0) -> dict:
    """A MESSAGE_CREATE payload with no content, as a bot without the content intent sees."""
    return {"id": str(message_id), "channel_id": str(channel), "guild_id": str(GUILD),
            "author": p.user(user_id), "member": {k: v for k, v in p.member(user_id).items()
                                                   if k != "user"},
            "content": "", "type": kind, "embeds": [], "attachments": [], "mentions": [],
            "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False,
            "timestamp": STAMP, "edited_timestamp": None, "flags": 0}


async def test_messages_are_counted_threads_as_replies_and_replays_once(
        adapter: DiscordAdapter, store) -> None:
    add_guild(adapter)
    state = adapter.client._connection
    seen: list = []
    original = adapter.bridge.core.contribute

    async def spy(space, actor, kind, event_id=None):
        await original(space, actor, kind, event_id)
        seen.append(kind)

    adapter.bridge.core.contribute = spy
    state.parse_message_create(message(1001, CHANNEL, p.BOB))
    state.parse_message_create(message(1002, THREAD, p.BOB))
    state.parse_message_create(message(1001, CHANNEL, p.BOB))         # a gateway replay
    other_bot = 600000000000000099
    bot_message = {**message(1003, CHANNEL, other_bot),
                   "author": {**p.user(other_bot), "bot": True}}
    state.parse_message_create(bot_message)
    await _settled(adapter)
    assert len(seen) == 3      # the replay reaches the store, which counts it once
    await store.flush_contributions()
    counts = await store.contribution_counts(f"discord:{GUILD}:{p.BOB}", adapter_space())
    by_kind = {c.kind: c.count for c in counts}
    assert by_kind == {ContributionKind.MESSAGE: 1, ContributionKind.REPLY: 1}


async def test_role_changes_keep_a_mapped_group_in_step(adapter: DiscordAdapter,
                                                        fake: FakeDiscord, store) -> None:
    add_guild(adapter)
    inject(adapter, p.slash("polls", user_id=p.BOB))                  # Bob is in the channel
    await replies(fake)
    facilitator = p.MANAGE_GUILD | p.MEMBER
    # Alice has Manage Server, so she is a facilitator without being named.
    add = p.slash("group", permissions=facilitator)
    add["data"]["options"][0] = {"name": "group", "type": 2, "options": [
        {"name": "add", "type": 1, "options": [p.option("slug", "staff")]}]}
    inject(adapter, add)
    await fake.wait_for("POST", r"/channels/\d+/messages")
    role = {"id": str(ROLE), "name": "Staff", "permissions": "0", "position": 1, "color": 0,
            "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    mapping = p.slash("group", permissions=facilitator)
    mapping["data"]["options"][0] = {"name": "group", "type": 2, "options": [
        {"name": "map", "type": 1, "options": [p.option("slug", "staff"),
                                               {"name": "role", "type": 8, "value": str(ROLE)}]}]}
    mapping["data"]["resolved"] = {"roles": {str(ROLE): role}}
    inject(adapter, mapping)
    texts = await replies(fake, 3)
    assert "automatically" in texts[2]
    state = adapter.client._connection
    update = {"guild_id": str(GUILD), "user": p.user(p.BOB), "roles": [str(ROLE)],
              "joined_at": STAMP, "flags": 0}
    state.parse_guild_member_update(update)
    await _settled(adapter)
    assert (await store.group_members(adapter_space()))["staff"] == {f"discord:{GUILD}:{p.BOB}"}
    state.parse_guild_member_update({**update, "roles": []})
    await _settled(adapter)
    assert (await store.group_members(adapter_space()))["staff"] == set()


async def _settled(adapter: DiscordAdapter) -> None:
    """Let the dispatched event handlers run to the end."""
    import asyncio
    tasks = [t for t in asyncio.all_tasks() if t.get_name().startswith("discord.py:")]
    await asyncio.gather(*[t for t in tasks if t is not asyncio.current_task()])


async def test_mentions_in_poll_text_never_ping(adapter: DiscordAdapter,
                                                fake: FakeDiscord) -> None:
    post = await create_poll(adapter, fake, "@everyone lunch?", f"<@{p.BOB}>; @here")
    assert post.body["allowed_mentions"]["parse"] == []
    text = embed_text(post.body)
    assert "@\u200beveryone lunch?" in text and "@\u200bhere" in text
    assert f"<@\u200b{p.BOB}>" in text


async def test_the_token_and_choices_never_reach_the_logs(fake: FakeDiscord, store, core,
                                                          clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("discord", "discord.http", "discord.gateway", "discord.client"):
        caplog.set_level(logging.DEBUG, logger=name)
    adapter = await start_adapter(store, core, clock)
    try:
        post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
        poll = await store.find_poll(adapter_space(), 1)
        inject(adapter, p.click(f"rt:v:{poll.id}:2", post.response, user_id=p.BOB))
        assert "You chose: Coffee" in (await replies(fake, 2))[1]
        gone = json.loads(json.dumps(post.response).replace(f"rt:v:{poll.id}:", "rt:v:999:"))
        inject(adapter, p.click("rt:v:999:1", gone))       # a message of a poll not in the DB
        assert "not here any more" in (await replies(fake, 3))[2]
    finally:
        await adapter.stop()
    assert any(r.name.startswith("discord") for r in caplog.records)   # the loggers were on
    assert TOKEN not in caplog.text
    assert "Coffee" not in caplog.text and "itoken" not in caplog.text


async def test_commands_are_published_within_discord_limits(adapter: DiscordAdapter,
                                                            fake: FakeDiscord) -> None:
    published = (await fake.wait_for("PUT", r"/applications/\d+/commands"))[0].body
    assert [c["name"] for c in published] == ["roundtable"]
    subs = published[0]["options"]
    assert len(subs) <= 25
    names = {s["name"] for s in subs}
    assert {"poll", "propose", "amend", "vote", "results", "polls", "close", "cancel",
            "extend", "more-time", "decisions", "balance", "me", "group", "schedule",
            "settings", "help"} <= names

    def walk(options):
        for item in options:
            assert 1 <= len(item["description"]) <= 100, item["name"]
            yield item
            yield from walk(item.get("options", []))

    assert all(len(o["name"]) <= 32 for o in walk(subs))


def test_sharding_and_missing_settings(store, core, clock) -> None:
    config = Config(discord=DiscordConfig(shard_count=4, shard_ids=[2, 3]))
    adapter = create(App(config, store, core, clock), {"DISCORD_TOKEN": "x"})
    assert adapter.client.shard_count == 4 and adapter.client.shard_ids == [2, 3]
    assert "x" not in repr(adapter)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        create(App(Config(), store, core, clock), {})
    bad = Config(discord=DiscordConfig(shard_ids=[1]))
    with pytest.raises(ConfigError, match="shard_count"):
        create(App(bad, store, core, clock), {"DISCORD_TOKEN": "x"})


async def test_a_new_poll_counts_everyone_who_can_see_the_channel(
        adapter: DiscordAdapter, fake: FakeDiscord) -> None:
    add_guild(adapter)            # Alice and Bob are in the server's member cache
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    assert "0 of 2 have voted" in embed_text(post.body)


async def test_a_gateway_that_ends_for_good_is_reported_but_stop_is_not(
        adapter: DiscordAdapter, monkeypatch) -> None:
    async def refused(reconnect: bool = True) -> None:
        raise discord.PrivilegedIntentsRequired(shard_id=None)

    monkeypatch.setattr(adapter.client, "connect", refused)
    await adapter._run()
    # Roundtable's serve() stops the bot, so a supervisor can restart it or tell someone.
    assert adapter.ended.is_set()

    adapter.ended.clear()
    await adapter.stop()
    await adapter._run()
    assert not adapter.ended.is_set()  # ending because we stopped it is not a failure
