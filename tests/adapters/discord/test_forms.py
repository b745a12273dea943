"""Multi selects, a paged score form, autocomplete, and edits coalesced under load."""

from __future__ import annotations

import asyncio

from adapters.discord.adapter import DiscordAdapter
from adapters.edits import PostEditor
from bot.cards import Button, Card
from bot.effects import UpdatePost
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import (
    CALLBACKS,
    FOLLOWUPS,
    assert_within_limits,
    create_poll,
    inject,
    replies,
)
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
    form = (await fake.wait_for("POST", FOLLOWUPS, 2))[1].response
    assert p.custom_ids(form) == ["rt:f:1", "rt:f:2", "rt:f:3", "rt:f:4", "rt:f:more",
                                  "rt:f:send"]
    labels = [c.get("label") for row in form["components"] for c in row["components"]
              if c["type"] == 2]
    assert labels == ["Next: options 5-6", "Send my vote"]  # says what it pages to
    inject(adapter, p.click("rt:f:1", form, p.BOB, values=["5"]))
    inject(adapter, p.click("rt:f:more", form, p.BOB))
    page = (await fake.wait_for("POST", CALLBACKS, 4))[3]
    assert page.body["type"] == 7                      # the form itself turns the page
    second = {**form, "components": page.body["data"]["components"]}
    assert p.custom_ids(second) == ["rt:f:5", "rt:f:6", "rt:f:back", "rt:f:send"]
    assert "Back to options 1-4" in [c.get("label") for row in second["components"]
                                     for c in row["components"]]
    inject(adapter, p.click("rt:f:6", second, p.BOB, values=["2"]))
    await fake.wait_for("POST", CALLBACKS, 5)
    inject(adapter, p.click("rt:f:send", second, p.BOB))
    assert "Your scores: A 5, F 2." in (await replies(fake, 3))[2]


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


async def test_a_timed_edit_does_not_wait_out_the_interval() -> None:
    edits: list[str] = []

    async def edit(effect: UpdatePost) -> None:
        edits.append(effect.card.title)

    editor = PostEditor(edit, interval=3600)
    # A closing job waits for its edit, not for the hour before the next one may go.
    await asyncio.wait_for(editor.submit(UpdatePost(adapter_space(), "poll:1", Card("Closed"))),
                           timeout=2)
    assert edits == ["Closed"]
    await editor.drain()


async def test_a_late_open_card_never_replaces_the_closed_one() -> None:
    edits: list[str] = []
    release = asyncio.Event()

    async def edit(effect: UpdatePost) -> None:
        edits.append(effect.card.title)
        await release.wait()

    editor = PostEditor(edit, interval=0)
    space = adapter_space()
    vote = Button("Vote", "vote:1")
    first = editor.submit(UpdatePost(space, "poll:1", Card("3 have voted", buttons=(vote,))))
    await asyncio.sleep(0)                      # that edit is on its way
    closed = editor.submit(UpdatePost(space, "poll:1", Card("Closed")))
    # A vote's update, computed just before the close, arrives after it.
    stale = editor.submit(UpdatePost(space, "poll:1", Card("4 have voted", buttons=(vote,))))
    release.set()
    await asyncio.gather(first, closed, stale)
    later = editor.submit(UpdatePost(space, "poll:1", Card("5 have voted", buttons=(vote,))))
    await later
    await editor.drain()
    assert edits == ["3 have voted", "Closed"]


async def test_long_polls_stay_within_discord_limits(adapter: DiscordAdapter,
                                                     fake: FakeDiscord, store) -> None:
    options = "; ".join(f"{n:02d} " + "*_" * 38 + "@" for n in range(20))  # 80 each
    question = "Which *one* " + "_" * 280
    for kind in ("choice", "multi", "ranked"):
        post = await create_poll(adapter, fake, question, options, kind=kind)
        assert_within_limits(post.body)
    await replies(fake, 3)
    ranked = await store.find_poll(adapter_space(), 3)
    inject(adapter, p.click(f"rt:o:{ranked.id}", post.response, p.BOB))
    form = (await fake.wait_for("POST", FOLLOWUPS, 4))[3]
    assert_within_limits(form.body)
