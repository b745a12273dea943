"""Creating polls and voting with buttons, against the fake Discord API."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import CHANNEL, FakeDiscord
from tests.adapters.discord.helpers import (
    CALLBACKS,
    POSTS,
    create_poll,
    embed_text,
    inject,
    replies,
)


async def test_slash_command_posts_a_poll_with_buttons(adapter: DiscordAdapter,
                                                       fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Where should PeerFest be?",
                             "Library; Park; Town hall", closes="2d")
    text = embed_text(post.body)
    assert "Poll #1: Where should PeerFest be?" in text
    assert "1\\. Library" in text and "3\\. Town hall" in text
    assert "pick one option" in text and "Rule:" in text
    assert "<t:" in text and ":R>" in text          # closing time as a Discord timestamp
    assert "anonymous" in text.lower()
    assert "0 of 1 have voted" in text
    ids = p.custom_ids(post.response)
    poll = await store.find_poll(adapter_space(), 1)
    assert ids == [f"rt:v:{poll.id}:1", f"rt:v:{poll.id}:2", f"rt:v:{poll.id}:3"]
    assert all(len(i) < 100 for i in ids)
    # The command was deferred at once, privately, and the creator told privately.
    callback = (await fake.wait_for("POST", CALLBACKS))[0]
    assert callback.body["type"] == 5 and callback.body["data"]["flags"] & 64
    assert "Your poll #1 is up" in (await replies(fake))[0]
    assert await store.find_post(f"poll:{poll.id}", "discord") == (
        f"{CHANNEL}:{post.response['id']}")


async def test_a_button_click_votes_and_the_message_shows_participation(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.click(f"rt:v:{poll.id}:2", post.response, user_id=p.BOB))
    texts = await replies(fake, 2)
    assert "Your vote is in on #1" in texts[1] and "You chose: Coffee" in texts[1]
    edit = (await fake.wait_for("PATCH", rf"{POSTS}/{post.response['id']}"))[-1]
    assert "1 of 2 has voted" in embed_text(edit.body)
    assert await store.voted_count(poll.id) == 1


async def test_many_options_open_a_form_and_the_form_starts_the_poll(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    inject(adapter, p.slash("poll", question="Which focus?", kind="ranked", closes="3d"))
    modal = (await fake.wait_for("POST", CALLBACKS))[0].body
    assert modal["type"] == 9 and modal["data"]["custom_id"] == "rt:p"
    inputs = {c["custom_id"]: c for row in modal["data"]["components"]
              for c in row["components"]}
    assert inputs["question"]["value"] == "Which focus?"
    assert inputs["settings"]["value"] == "--kind ranked --closes 3d"
    options = "\n".join(f"Idea {n}" for n in range(1, 13))
    inject(adapter, p.modal_submit("rt:p", {"question": "Which focus?", "options": options,
                                            "settings": "--kind ranked --closes 3d"}))
    post = (await fake.wait_for("POST", POSTS))[0]
    assert "12\\. Idea 12" in embed_text(post.body)
    poll = await store.find_poll(adapter_space(), 1)
    assert poll.spec.kind == "ranked" and len(poll.spec.options) == 12
    assert p.custom_ids(post.response) == [f"rt:o:{poll.id}"]


async def test_bad_input_gets_a_polite_private_answer(adapter: DiscordAdapter,
                                                      fake: FakeDiscord) -> None:
    inject(adapter, p.slash("poll", question="Lunch?", options="Soup; Soup"))
    text = (await replies(fake))[0]
    assert "appears twice" in text
    assert not fake.matching("POST", POSTS)


def adapter_space():
    from bot.model import SpaceRef
    from tests.adapters.discord.fake_discord import GUILD
    return SpaceRef("discord", str(GUILD), str(CHANNEL))


async def test_the_poll_form_fits_what_was_typed_and_keeps_a_lone_option(
        adapter: DiscordAdapter, fake: FakeDiscord) -> None:
    inject(adapter, p.slash("poll", question="Which focus?", options="Music",
                            closes="friday 17:00 " + "x" * 400))
    modal = (await fake.wait_for("POST", CALLBACKS))[0].body
    assert modal["type"] == 9
    inputs = {c["custom_id"]: c for row in modal["data"]["components"]
              for c in row["components"]}
    assert inputs["options"]["value"] == "Music"
    # Discord refuses a modal whose pre-filled value is longer than the box allows.
    for box in inputs.values():
        assert len(box.get("value") or "") <= box["max_length"] <= 4000
        assert len(box["label"]) <= 45
    assert len(modal["data"]["title"]) <= 45
