"""Issue 12: malformed and unsigned requests, odd forms and clicks, unheard events, a
wrong token, a port in use, and what the notification text carries."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import socket
import time

import aiohttp
import pytest

from adapters.base import StartFailed
from adapters.slack import SlackAdapter
from adapters.slack.blocks import fallback_text
from bot.cards import Bar, Card, Items, Text
from roundtable.bootstrap import App, serve
from roundtable.config import Config
from tests.adapters.slack.conftest import SECRET, TOKEN
from tests.adapters.slack.fake_slack import FakeSlack, sign
from tests.adapters.slack.test_polls import blocks_of, texts

FORM = "application/x-www-form-urlencoded"
MALFORMED = [("{not json", "application/json"), ("[1,2]", "application/json"),
             ("payload=%7Bnope", FORM), ("payload=%5B1%5D", FORM)]


def _no_traceback(caplog) -> None:
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


async def test_unsigned_malformed_bodies_get_401_without_a_traceback(slack, send, fake, caplog):
    caplog.set_level(logging.DEBUG)
    for body, kind in MALFORMED:
        answer = await send.raw(body, kind, {})
        assert answer.status == 401, body
        answer = await send.raw(body, kind, sign("wrong-secret", body))
        assert answer.status == 401, body
    # Raw bytes that are not text at all, unsigned.
    answer = await send.raw(b"\xff\xfe\x00junk".decode("latin-1"), FORM, {})
    assert answer.status == 401
    stale = sign(SECRET, "{not json", int(time.time()) - 600)
    assert (await send.raw("{not json", "application/json", stale)).status == 401
    _no_traceback(caplog)
    assert fake.calls == []


async def test_signed_malformed_bodies_get_400_without_a_traceback(slack, send, fake, caplog):
    caplog.set_level(logging.DEBUG)
    for body, kind in MALFORMED:
        answer = await send.raw(body, kind, sign(SECRET, body))
        assert answer.status == 400, body
    _no_traceback(caplog)
    assert fake.calls == []


async def test_signed_binary_body_gets_400(slack, send, caplog):
    body = b"\xff\xfe\x00\x80junk"
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    async with aiohttp.ClientSession() as session, session.post(send.url, data=body, headers={
            "Content-Type": FORM, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + digest.hexdigest()}) as response:
        assert response.status == 400
    _no_traceback(caplog)


@pytest.mark.parametrize("callback", ["rt_vote", "rt_create"])
async def test_form_with_unreadable_metadata_is_answered_politely(slack, send, fake, caplog,
                                                                  callback):
    caplog.set_level(logging.DEBUG)
    await send.command('poll "Where?" "Library" "Park"')
    answer = await send.interaction({
        "type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U2", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t",
        "view": {"id": "V1", "type": "modal", "callback_id": callback,
                 "private_metadata": "{not json", "state": {"values": {}}}})
    assert answer.status == 200
    said = [c for c in fake.calls if c.method in ("chat.postEphemeral", "chat.postMessage")
            and (c.args.get("user") == "U2" or c.args.get("channel") == "U2")]
    assert said and "could not be read" in texts(blocks_of(said[-1]))
    _no_traceback(caplog)


async def test_pick_for_an_unknown_poll_says_there_is_no_such_poll(slack, send, fake, caplog):
    caplog.set_level(logging.DEBUG)
    await send.click("rt:pick:999:1", user="U2", value="1")
    shown = texts(blocks_of(fake.of("chat.postEphemeral")[-1]))
    assert "no such poll" in shown.lower()
    assert "fault on our side" not in shown
    assert "LookupError" not in caplog.text


async def test_vote_on_a_cancelled_poll_says_it_was_cancelled(slack, send, fake):
    await send.command('poll "Where?" "Library" "Park"')
    await send.command("cancel #1")
    await send.click("rt:pick:1:1", user="U2", value="1")
    shown = texts(blocks_of(fake.of("chat.postEphemeral")[-1]))
    assert "cancelled" in shown
    assert "see the outcome" not in shown


async def test_unheard_event_is_acked_with_200(slack, send):
    answer = await send.event({"type": "reaction_added", "user": "U2"}, "Ev9")
    assert answer.status == 200


def test_fallback_text_carries_list_items_and_figures_in_words_not_bars():
    card = Card("Poll #1: Where?", (Text("Pick one."), Items(("Library", "Park")),
                                    Items(("March 2026: took part in 2 decisions",),
                                          numbered=False),
                                    Bar("Library", 3, 4, "3 votes (75%)")))
    text = fallback_text(card, "UTC")
    for part in ("Poll #1: Where?", "1. Library", "2. Park",
                 "March 2026: took part in 2 decisions", "Library: 3 votes (75%)"):
        assert part in text
    assert "█" not in text and "░" not in text


async def test_wrong_bot_token_fails_at_start_with_a_clear_message(core, fake: FakeSlack,
                                                                     caplog):
    caplog.set_level(logging.DEBUG)
    for code in ("invalid_auth", "not_authed", "account_inactive"):
        fake.errors["auth.test"] = code
        for mode in ("http", "socket"):
            adapter = SlackAdapter(core, bot_token=TOKEN, mode=mode, signing_secret=SECRET,
                                   app_token="xapp-1", port=0, host="127.0.0.1",
                                   api_url=fake.url + "/api/")
            with pytest.raises(StartFailed) as failed:
                await adapter.start()
            assert "SLACK_BOT_TOKEN" in failed.value.message
            assert "OAuth & Permissions" in failed.value.message
            await adapter.stop()
    assert fake.of("apps.connections.open") == []
    assert "responded" not in caplog.text


async def test_bolt_authorization_failure_logs_no_response_body(slack, send, fake, caplog):
    caplog.set_level(logging.DEBUG)
    fake.errors["auth.test"] = "invalid_auth"
    await send.command("polls")
    assert fake.of("auth.test")
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "responded" not in logged and "'ok': False" not in logged


async def test_port_in_use_fails_at_start_with_a_clear_message(core, fake: FakeSlack):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        adapter = SlackAdapter(core, bot_token=TOKEN, mode="http", signing_secret=SECRET,
                               port=port, host="127.0.0.1", api_url=fake.url + "/api/")
        with pytest.raises(StartFailed) as failed:
            await adapter.start()
        await adapter.stop()
    assert failed.value.message == (f"port {port} is in use: set [slack] port to a free one or "
                                    "stop the other program")


async def test_ctrl_c_while_socket_mode_is_still_connecting_stops_cleanly(core, store, clock,
                                                                            fake: FakeSlack):
    app = App(config=Config(), store=store, core=core, clock=clock)
    adapter = SlackAdapter(core, bot_token=TOKEN, mode="socket", app_token="xapp-1",
                           api_url=fake.url + "/api/")
    fake.held["apps.connections.open"] = asyncio.Event()  # Slack never answers
    stop = asyncio.Event()
    said: list[str] = []
    running = asyncio.create_task(serve(app, [adapter], stop,
                                        on_running=lambda: said.append("running")))
    await fake.wait_for("apps.connections.open")
    stop.set()
    try:
        assert await asyncio.wait_for(running, timeout=10) is True
    finally:
        fake.held["apps.connections.open"].set()
    assert said == []
