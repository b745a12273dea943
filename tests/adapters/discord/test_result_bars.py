"""Result bars on Discord (issue 14): drawn in the embed, each with its figure in words,
and never in the message content, which is what a notification shows."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from bot.cards import Card, Text
from bot.effects import Post, Reply
from bot.model import Actor
from bot.polls.views import place_bars
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import POSTS, embed_text
from tests.adapters.discord.test_polls import adapter_space

BAR_CHARACTERS = ("█", "░")
OUTCOME = Card("Outcome of #1: Where?", (
    Text("Park wins."), *place_bars((("Park", 1), ("Library", 1), ("Pier", 3)))))


async def test_bars_carry_their_figure_and_stay_out_of_the_message_content(
        adapter: DiscordAdapter, fake: FakeDiscord) -> None:
    await adapter.deliver([Post(adapter_space(), OUTCOME)])
    body = fake.matching("POST", POSTS)[-1].body
    text = embed_text(body)
    assert "Park: `██████████` 1st place (tie with Library, settled by the draw order)" in text
    assert "Pier: `███░░░░░░░` 3rd place" in text
    # Notifications show the content: there is none, so no bar is read out there.
    assert not any(mark in (body.get("content") or "") for mark in BAR_CHARACTERS)


async def test_a_private_answer_keeps_bars_out_of_its_content_too(
        adapter: DiscordAdapter, fake: FakeDiscord) -> None:
    alice = Actor("discord", "800000000000000001", "100", "alice")
    before = len(fake.calls)
    await adapter.deliver([Reply(alice, adapter_space(), OUTCOME)])
    # Without an interaction to answer, it goes as a direct message.
    [sent] = [call for call in fake.calls[before:]
              if isinstance(call.body, dict) and call.body.get("embeds")]
    assert "Park: `██████████` 1st place" in embed_text(sent.body)
    assert not any(mark in (sent.body.get("content") or "") for mark in BAR_CHARACTERS)
