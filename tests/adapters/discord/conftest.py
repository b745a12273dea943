"""Fixtures: the fake Discord API and a logged-in adapter on the test core."""

from __future__ import annotations

import discord
import pytest

from adapters.discord.adapter import DiscordAdapter
from roundtable.bootstrap import App
from roundtable.config import Config
from tests.adapters.discord.fake_discord import FakeDiscord

#: A sentinel: it must never appear in a log line.
TOKEN = "SENTINEL-TOKEN-7f3a9c"


@pytest.fixture
async def fake(monkeypatch):
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.url + "/api/v10")
    yield server
    await server.stop()


async def start_adapter(store, core, clock, config: Config | None = None) -> DiscordAdapter:
    """A logged-in adapter without a gateway: tests inject events as the gateway would."""
    app = App(config=config or Config(), store=store, core=core, clock=clock)
    adapter = DiscordAdapter(app, TOKEN, connect=False, edit_interval=0, dm_interval=0)
    await adapter.start()
    return adapter


@pytest.fixture
async def adapter(fake, store, core, clock):
    running = await start_adapter(store, core, clock)
    yield running
    await running.stop()
