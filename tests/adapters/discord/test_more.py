"""Subcommands beyond polls: a private vote prompt, and an ideas round turned into a poll."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.discord.adapter import DiscordAdapter
from bot.voice_model import Contribution, ContributionKind
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import (
    CALLBACKS,
    FOLLOWUPS,
    POSTS,
    create_poll,
    embed_text,
    inject,
    replies,
)
from tests.adapters.discord.test_polls import adapter_space


def sub(group: str, name: str, user_id: int = p.ALICE, permissions: int = p.MEMBER,
        **options) -> dict:
    """``/roundtable <group> <name> option:value …``."""
    payload = p.slash(group, user_id, permissions=permissions)
    payload["data"]["options"][0] = {"name": group, "type": 2, "options": [
        {"name": name, "type": 1, "options": [p.option(k, v) for k, v in options.items()]}]}
    return payload


async def test_vote_without_a_choice_shows_the_poll_buttons_privately(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.slash("vote", p.BOB, poll=1))
    deferred = (await fake.wait_for("POST", CALLBACKS, 2))[1]
    assert deferred.body["type"] == 5 and deferred.body["data"]["flags"] & 64
    prompt = (await fake.wait_for("POST", FOLLOWUPS, 2))[1]
    assert prompt.body["flags"] & 64
    message = prompt.response
    assert p.custom_ids(message) == [f"rt:v:{poll.id}:1", f"rt:v:{poll.id}:2"]
    inject(adapter, p.click(f"rt:v:{poll.id}:1", message, p.BOB))
    assert "You chose: Tea" in (await replies(fake, 3))[2]


async def test_an_ideas_round_becomes_a_ranked_poll(adapter: DiscordAdapter,
                                                    fake: FakeDiscord) -> None:
    facilitator = p.MEMBER | p.MANAGE_GUILD
    inject(adapter, sub("ideas", "start", question="What should PeerFest focus on?"))
    await fake.wait_for("POST", POSTS)
    for n, idea in enumerate(("Music", "Food", "Art"), start=2):
        inject(adapter, sub("ideas", "add", p.BOB, round=1, idea=idea))
        await replies(fake, n)
    # Ideas are listed A to Z (Art, Food, Music), so 3,1 is Music then Art.
    inject(adapter, sub("ideas", "to-poll", permissions=facilitator, round=1, picks="3,1",
                        settings="--kind ranked --closes 2d"))
    posts = await fake.wait_for("POST", POSTS, check=lambda c: "Poll #2" in embed_text(c.body))
    await replies(fake, 5)
    text = embed_text(posts[0].body)
    assert "Poll #2: What should PeerFest focus on?" in text
    assert "1\\. Music" in text and "2\\. Art" in text and "put the options in order" in text


async def test_a_long_private_answer_arrives_whole(adapter: DiscordAdapter, fake: FakeDiscord,
                                                  store) -> None:
    # Most of a year of counted messages: a record longer than one embed can hold.
    space = adapter_space()
    member = f"discord:{space.workspace}:{p.ALICE}"
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for day in range(300):
        await store.record_contribution(Contribution(space, member, ContributionKind.MESSAGE,
                                                     start + timedelta(days=day)))
    await store.flush_contributions()
    inject(adapter, p.slash("my-data"))
    calls = await fake.wait_for("POST", FOLLOWUPS, 2)
    await fake.wait_for("POST", FOLLOWUPS, check=lambda c: "Only you can see this"
                        in embed_text(c.body))
    parts = [c.body["embeds"][0] for c in fake.matching("POST", FOLLOWUPS)]
    assert len(parts) >= 2 and all(c.body["flags"] & 64 for c in calls)
    assert all(len(part["description"]) <= 4096 for part in parts)
    assert parts[1]["title"].endswith("(continued)")
    # Put back together, the record is all there: every day, in order.
    whole = "\n".join(part["description"] for part in parts)
    assert all(f"2026-{(start + timedelta(days=day)):%m-%d}" in whole for day in range(300))
