"""/roundtable export contributions on Slack: the CSV goes to the facilitator's direct
message with the bot (files_upload_v2 into the IM channel), never to the channel."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from adapters.slack.translate import space
from bot.voices.involvement import CSV_COLUMNS, involvement_csv, involvement_rows
from tests.adapters.slack.fake_slack import TEAM, FakeSlack
from tests.adapters.slack.test_events import message
from tests.adapters.slack.test_polls import blocks_of, texts

COMMAND = "export contributions"


class FilesSlack(FakeSlack):
    """The fake Web API, plus direct-message channels and the three steps of an upload."""

    def __init__(self) -> None:
        super().__init__()
        #: file id -> the bytes uploaded to its upload URL.
        self.uploads: dict[str, bytes] = {}

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.open":
            return {"channel": {"id": f"D{args['users']}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.uploads) + 1}"
            self.uploads[file_id] = b""
            return {"file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            return {"files": [{"id": f["id"], "title": f["title"]}
                              for f in _files(args.get("files"))]}
        return super().answer(method, args)

    async def upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file"]] = await request.read()
        return web.Response(text="OK - 1")


def _files(value: Any) -> list[dict[str, Any]]:
    return json.loads(value) if isinstance(value, str) else list(value or [])


@pytest.fixture
async def fake():
    """The usual small workspace; the fake also serves upload URLs."""
    fake = FilesSlack()
    fake.add_user("U1", "alice")
    fake.add_user("U2", "bob")
    fake.add_user("U3", "carol")
    fake.add_user("UBOT", "roundtable", bot=True)
    fake.add_channel("C1", creator="U1", members=["U1", "U2", "U3", "UBOT"])
    app = web.Application()
    app.router.add_route("*", "/api/{method}", fake.handle)
    app.router.add_post("/upload/{file}", fake.upload)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    yield fake
    await runner.cleanup()


async def _meeting(send, fake: FakeSlack) -> None:
    await send.command('poll "Where should we meet?" "Library" "Park"')
    await send.command("vote #1 Park", user="U2")
    await send.event(message(user="U2"), "Ev1")
    await send.event(message(user="U3", ts="1700000002.000100"), "Ev2")
    await send.command("close #1")
    fake.calls.clear()


def _ephemeral(fake: FakeSlack) -> str:
    return texts(blocks_of(fake.of("chat.postEphemeral")[-1]))


async def test_the_file_goes_to_the_facilitators_direct_message(slack, send, fake: FilesSlack,
                                                                core, clock, caplog):
    caplog.set_level(logging.DEBUG)
    await _meeting(send, fake)
    assert (await send.command(COMMAND)).status == 200
    [opened] = fake.of("conversations.open")
    assert opened.args["users"] == "U1"
    [complete] = fake.of("files.completeUploadExternal")
    # Into the IM channel with the person who asked, and nowhere else.
    assert complete.args["channel_id"] == "DU1"
    assert "channels" not in complete.args or not complete.args["channels"]
    [content] = [bytes_ for bytes_ in fake.uploads.values()]
    text = content.decode("utf-8")
    assert tuple(next(csv.reader(io.StringIO(text)))) == CSV_COLUMNS
    today = clock.now().date()
    rows = await involvement_rows(core.store, today - timedelta(days=29), today,
                                  space=space(TEAM, "C1"))
    assert text == involvement_csv(rows)
    assert "Park" not in text  # counts only, never a choice
    assert "The record of who took part" in complete.args["initial_comment"]
    # Nothing public: no message in the channel, and the CSV is in no other call.
    assert fake.of("chat.postMessage") == []
    assert all("slack:T1:U2" not in str(call.args) for call in fake.calls)
    # The person is told, in the channel and only to them, where the file is.
    [note] = fake.of("chat.postEphemeral")
    assert (note.args["channel"], note.args["user"]) == ("C1", "U1")
    assert "direct messages" in _ephemeral(fake)
    assert "slack:T1:U2" not in caplog.text and "took_part_in_decisions" not in caplog.text


async def test_someone_who_is_not_a_facilitator_gets_no_file(slack, send, fake: FilesSlack):
    await _meeting(send, fake)
    await send.command(COMMAND, user="U2")
    assert fake.of("conversations.open") == [] and fake.uploads == {}
    assert "Only a facilitator" in _ephemeral(fake)


async def test_a_bad_date_says_what_to_type(slack, send, fake: FilesSlack):
    await send.command(f"{COMMAND} --from 31/01/2026")
    assert fake.uploads == {}
    assert "year-month-day" in _ephemeral(fake)


@pytest.mark.parametrize("method", ["conversations.open", "files.getUploadURLExternal",
                                    "files.completeUploadExternal"])
async def test_a_failed_upload_is_told_and_nothing_is_shared(slack, send, fake: FilesSlack,
                                                            method, caplog):
    await _meeting(send, fake)
    fake.errors[method] = "missing_scope"
    await send.command(COMMAND)
    shown = _ephemeral(fake)
    assert "could not send the file" in shown and "nobody got it" in shown
    assert "direct messages" not in shown
    assert fake.of("chat.postMessage") == []
    assert "missing_scope" in caplog.text and "contributions-" not in caplog.text


async def test_not_in_a_direct_message(slack, send, fake: FilesSlack):
    await send.command(COMMAND, channel="D1", channel_name="directmessage")
    assert fake.uploads == {} and "works in a channel" in _ephemeral(fake)


async def test_the_notes_about_the_file_are_in_the_readers_language(slack, send,
                                                                   fake: FilesSlack):
    await _meeting(send, fake)
    await send.command("language cy")
    await send.command(COMMAND)
    assert "Wedi anfon: contributions-" in _ephemeral(fake)
    assert "Dim ond chi sy'n gallu ei gweld." in _ephemeral(fake)
    fake.errors["conversations.open"] = "missing_scope"
    await send.command(COMMAND)
    assert "Doeddwn i ddim yn gallu anfon y ffeil" in _ephemeral(fake)
    assert "nobody got it" not in _ephemeral(fake)
