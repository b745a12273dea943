"""Multi selects, a paged score form, autocomplete, and edits coalesced under load."""

from __future__ import annotations

import asyncio

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.send import PostEditor
from bot.cards import Card
from bot.effects import UpdatePost
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import CALLBACKS, create_poll, inject, replies
from tests.adapters.discord.test_polls import adapter_space


async def test_a_multi_poll_takes_several_options_from_its_select(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Which days?", "Mon; Wed; Fri", kind="multi",
                             max_picks=2)
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    select = post.body["components"][0]["components"][0]
    assert select["custom_id"] == f"rt:s:{poll.id}" and select["max_values"] == 2
    inject(adapter, p.click(f"rt:s:{poll.id}", post.response, p.BOB, values=["3", "1"]))
    assert "You chose: Mon, Fri." in (await replies(fake, 2))[1]


async def test_a_score_form_pages_through_many_options(adapter: DiscordAdapter,
                                                       fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Rate the ideas", "A; B; C; D; E; F",
                             kind="score")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.click(f"rt:o:{poll.id}", post.response, p.BOB))
    opened = (await fake.wait_for("POST", CALLBACKS, 2))[1]
    form = opened.response["resource"]["message"]
    assert p.custom_ids(form) == ["rt:f:1", "rt:f:2", "rt:f:3", "rt:f:4", "rt:f:more",
                                  "rt:f:send"]
    inject(adapter, p.click("rt:f:1", form, p.BOB, values=["5"]))
    inject(adapter, p.click("rt:f:more", form, p.BOB))
    page = (await fake.wait_for("POST", CALLBACKS, 4))[3]
    assert page.body["type"] == 7                      # the form itself turns the page
    second = {**form, "components": page.body["data"]["components"]}
    assert p.custom_ids(second) == ["rt:f:5", "rt:f:6", "rt:f:back", "rt:f:send"]
    inject(adapter, p.click("rt:f:6", second, p.BOB, values=["2"]))
    await fake.wait_for("POST", CALLBACKS, 5)
    inject(adapter, p.click("rt:f:send", second, p.BOB))
    assert "Your scores: A 5, F 2." in (await replies(fake, 2))[1]


async def test_poll_options_autocomplete_from_the_open_polls(adapter: DiscordAdapter,
                                                             fake: FakeDiscord) -> None:
    await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await create_poll(adapter, fake, "Where to meet?", "Library; Park")
    payload = p.slash("results", poll=0)
    payload["type"] = 4
    payload["data"]["options"][0]["options"] = [
        {"name": "poll", "type": 4, "value": "mee", "focused": True}]
    inject(adapter, payload)
    answer = (await fake.wait_for("POST", CALLBACKS, 3))[2].body
    assert answer["type"] == 8
    assert answer["data"]["choices"] == [{"name": "#2 Where to meet?", "value": 2}]


async def test_a_burst_of_updates_becomes_few_edits_showing_the_latest() -> None:
    edits: list[str] = []
    release = asyncio.Event()

    async def edit(effect: UpdatePost) -> None:
        edits.append(effect.card.title)
        await release.wait()                    # the first edit is still on its way

    editor = PostEditor(edit, interval=0)
    space = adapter_space()
    editor.submit(UpdatePost(space, "poll:1", Card("1 have voted")))
    await asyncio.sleep(0)                      # the first edit starts and waits on Discord
    for n in range(2, 501):
        editor.submit(UpdatePost(space, "poll:1", Card(f"{n} have voted")))
    release.set()
    await editor.drain()
    assert edits == ["1 have voted", "500 have voted"]
