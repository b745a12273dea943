"""/roundtable export contributions on Discord: the CSV is attached to an ephemeral
answer, so only the facilitator who asked sees it; nobody else gets a file."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import replace
from datetime import timedelta

import discord
import pytest
from aiohttp import web

from adapters.discord.adapter import DiscordAdapter
from bot.voice_model import Contribution, ContributionKind
from bot.voices.involvement import CSV_COLUMNS, involvement_csv, involvement_rows
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import FOLLOWUPS, POSTS, embed_text, inject
from tests.adapters.discord.test_more import sub
from tests.adapters.discord.test_polls import adapter_space

FACILITATOR = p.MEMBER | p.MANAGE_GUILD


class FilesDiscord(FakeDiscord):
    """The fake API, keeping the files attached to each follow-up as well."""

    def __post_init__(self) -> None:
        super().__post_init__()
        #: (path, filename, bytes) of every file attached to a message.
        self.files: list[tuple[str, str, bytes]] = []

    async def _handle(self, request: web.Request) -> web.Response:
        if request.content_type.startswith("multipart/"):
            raw = await request.read()  # aiohttp keeps it, so the fake reads it again
            for name, data in re.findall(
                    rb'name="files\[\d+\]"; filename="([^"]+)"\r\n(?:[^\r\n]+\r\n)*\r\n'
                    rb"(.*?)\r\n--", raw, re.S):
                self.files.append((request.path, name.decode(), data))
        return await super()._handle(request)


@pytest.fixture
async def fake(monkeypatch):
    server = FilesDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.url + "/api/v10")
    yield server
    await server.stop()


async def _record(store, clock) -> None:
    """bob spoke here twice and carol once; dana spoke in another channel."""
    here, elsewhere = adapter_space(), replace(adapter_space(), channel="123")
    when = clock.now() - timedelta(days=2)
    for name, space, times in ((p.BOB, here, 2), (p.CAROL, here, 1), (4242, elsewhere, 1)):
        for _ in range(times):
            await store.record_contribution(Contribution(
                space, f"discord:{space.workspace}:{name}", ContributionKind.MESSAGE, when))
    await store.flush_contributions()


async def test_the_file_is_attached_to_an_answer_only_the_facilitator_sees(
        adapter: DiscordAdapter, fake: FilesDiscord, store, clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    await _record(store, clock)
    inject(adapter, sub("export", "contributions", permissions=FACILITATOR))
    [call] = await fake.wait_for("POST", FOLLOWUPS, check=lambda c: bool(
        (c.body or {}).get("attachments")))
    assert call.body["flags"] & 64, "the file must be ephemeral"
    assert "The record of who took part" in embed_text(call.body)
    [(path, name, data)] = fake.files
    assert re.search(FOLLOWUPS, path) and name.startswith("contributions-")
    text = data.decode("utf-8")
    assert tuple(next(csv.reader(io.StringIO(text)))) == CSV_COLUMNS
    today = clock.now().date()
    rows = await involvement_rows(store, today - timedelta(days=29), today,
                                  space=adapter_space())
    assert text == involvement_csv(rows) and len(rows) == 2  # this channel only
    assert ":4242," not in text
    # Nothing public, no DM: the ephemeral answer is the only place it went.
    assert fake.matching("POST", POSTS) == []
    assert fake.matching("POST", r"/users/@me/channels") == []
    assert f"{p.BOB}" not in caplog.text and "took_part_in_decisions" not in caplog.text


async def test_a_member_who_is_not_a_facilitator_gets_no_file(adapter: DiscordAdapter,
                                                              fake: FilesDiscord, store,
                                                              clock) -> None:
    await _record(store, clock)
    inject(adapter, sub("export", "contributions", p.BOB))
    [call] = await fake.wait_for("POST", FOLLOWUPS)
    assert call.body["flags"] & 64 and "Only a facilitator" in embed_text(call.body)
    assert fake.files == []


async def test_days_are_chosen_with_from_and_to_and_checked(adapter: DiscordAdapter,
                                                            fake: FilesDiscord, store,
                                                            clock) -> None:
    await _record(store, clock)
    inject(adapter, sub("export", "contributions", permissions=FACILITATOR,
                        **{"from": "2026-11-24", "to": "11/30/2026"}))
    [call] = await fake.wait_for("POST", FOLLOWUPS)
    assert "year-month-day" in embed_text(call.body) and fake.files == []
    early = (clock.now() - timedelta(days=10)).date().isoformat()
    inject(adapter, sub("export", "contributions", permissions=FACILITATOR,
                        **{"from": early, "to": early}))
    await fake.wait_for("POST", FOLLOWUPS, 2)
    [(_, name, data)] = fake.files
    assert name == f"contributions-{adapter_space().channel}-{early}-to-{early}.csv"
    assert data.decode().strip() == ",".join(CSV_COLUMNS)


async def test_a_file_discord_refuses_is_told_not_lost_in_silence(
        adapter: DiscordAdapter, fake: FilesDiscord, store, clock, caplog) -> None:
    await _record(store, clock)
    refused: list[bool] = []
    original = fake._answer

    def refuse_files(method, path, body):
        if body and body.get("attachments") and not refused:
            refused.append(True)
            return 413, {"code": 40005, "message": "Request entity too large"}
        return original(method, path, body)

    fake._answer = refuse_files
    inject(adapter, sub("export", "contributions", permissions=FACILITATOR))
    calls = await fake.wait_for("POST", FOLLOWUPS, 2)
    assert refused and calls[1].body["flags"] & 64
    assert "could not send the file" in embed_text(calls[1].body)
    assert "nobody got it" in embed_text(calls[1].body)
    assert "40005" in caplog.text and "contributions-" not in caplog.text


async def test_the_command_is_published_under_export(adapter: DiscordAdapter,
                                                     fake: FilesDiscord) -> None:
    published = (await fake.wait_for("PUT", r"/applications/\d+/commands"))[0].body
    [group] = [s for s in published[0]["options"] if s["name"] == "export"]
    [command] = group["options"]
    assert command["name"] == "contributions"
    assert [o["name"] for o in command["options"]] == ["from", "to"]
    assert len(published[0]["options"]) <= 25
