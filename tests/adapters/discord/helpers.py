"""Driving the adapter as Discord would, and reading what it sent."""

from __future__ import annotations

from typing import Any

from adapters.discord.adapter import DiscordAdapter
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import CHANNEL, Call, FakeDiscord

POSTS = rf"/channels/{CHANNEL}/messages"
FOLLOWUPS = r"/webhooks/\d+/[^/]+"
CALLBACKS = r"/interactions/\d+/[^/]+/callback"


def inject(adapter: DiscordAdapter, payload: dict[str, Any]) -> None:
    """Hand an event to the client exactly as the gateway would."""
    adapter.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]


def embed_text(body: dict[str, Any]) -> str:
    """The title and description of every embed in a message body."""
    return "\n".join(f"{e.get('title', '')}\n{e.get('description', '')}"
                     for e in body.get("embeds") or [])


async def replies(fake: FakeDiscord, count: int = 1) -> list[str]:
    """The texts of the first ``count`` ephemeral follow-ups."""
    calls = await fake.wait_for("POST", FOLLOWUPS, count)
    assert all(c.body["flags"] & 64 for c in calls), "follow-ups must be ephemeral"
    return [embed_text(c.body) for c in calls]


async def create_poll(adapter: DiscordAdapter, fake: FakeDiscord, question: str,
                      options: str, **flags: Any) -> Call:
    """Run /roundtable poll and return the public poll message it posted."""
    before = len(fake.matching("POST", POSTS))
    inject(adapter, p.slash("poll", question=question, options=options, **flags))
    calls = await fake.wait_for("POST", POSTS, before + 1)
    return calls[before]


def posted_message(fake: FakeDiscord, call: Call) -> dict[str, Any]:
    """The message object the fake returned for a post (what Discord stored)."""
    return call.response


def assert_within_limits(body: dict[str, Any]) -> None:
    """What the real API would refuse (discord.py checks none of the lengths)."""
    for embed in body.get("embeds") or []:
        assert len(embed.get("title") or "") <= 256
        assert len(embed.get("description") or "") <= 4096
        assert len(embed.get("title") or "") + len(embed.get("description") or "") <= 6000
    rows = body.get("components") or []
    assert len(rows) <= 5
    for row in rows:
        assert row["type"] == 1 and 1 <= len(row["components"]) <= 5
        for item in row["components"]:
            assert 1 <= len(item["custom_id"]) <= 100
            assert len(item.get("label") or "") <= 80
            assert len(item.get("placeholder") or "") <= 150
            if item["type"] == 3:
                assert 1 <= len(item["options"]) <= 25
                assert item["max_values"] <= len(item["options"])
                assert all(len(o["label"]) <= 100 and len(o["value"]) <= 100
                           for o in item["options"])
