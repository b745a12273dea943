"""Forged and stale requests, faults, and what reaches the logs."""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlencode

from adapters.slack import EVENTS_PATH, SlackAdapter
from bot.model import SpaceRef
from tests.adapters.slack.conftest import SECRET
from tests.adapters.slack.fake_slack import FakeSlack, SlackRequests, sign
from tests.adapters.slack.test_polls import blocks_of, texts

COMMAND = {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": "/roundtable",
           "text": 'poll "Lunch?" "Soup" "Pie"', "trigger_id": "t"}


async def test_forged_signature_is_rejected_and_nothing_is_called(slack, send, fake: FakeSlack):
    answer = await send.send_form(COMMAND, secret="not-the-secret")
    assert answer.status == 401
    body = urlencode(COMMAND)
    headers = sign(SECRET, body) | {"X-Slack-Signature": "v0=" + "0" * 64}
    answer = await send.raw(body, "application/x-www-form-urlencoded", headers)
    assert answer.status == 401
    assert fake.calls == []


async def test_stale_timestamp_is_rejected_and_nothing_is_called(slack, send, fake: FakeSlack):
    ten_minutes_ago = int(time.time()) - 600
    answer = await send.send_form(COMMAND, timestamp=ten_minutes_ago)
    assert answer.status == 401
    assert fake.calls == []
    # The same request, fresh, works: the rejection was the timestamp's.
    assert (await send.send_form(COMMAND)).status == 200
    assert len(fake.of("chat.postMessage")) == 1


async def test_unexpected_fault_becomes_a_polite_private_message(slack, send, fake: FakeSlack,
                                                                 core, monkeypatch, caplog):
    async def broken(command):
        raise RuntimeError("db exploded near U1 voting Soup")

    monkeypatch.setattr(core, "handle", broken)
    caplog.set_level(logging.DEBUG)
    await send.command("polls")
    [reply] = fake.of("chat.postEphemeral")
    shown = texts(blocks_of(reply))
    assert "Sorry, something went wrong" in shown and "try again" in shown
    assert "RuntimeError" in caplog.text
    assert "exploded" not in caplog.text and "Traceback" not in caplog.text


async def test_tokens_secrets_and_choices_never_reach_the_logs(core, fake: FakeSlack, caplog):
    sentinel = "xoxb-SENTINEL-0123456789"
    secret = "SENTINEL-SIGNING-SECRET"
    caplog.set_level(logging.DEBUG)
    for name in ("slack_sdk", "slack_bolt", "aiohttp", "adapters", "bot", "storage"):
        caplog.set_level(logging.DEBUG, logger=name)
    adapter = SlackAdapter(core, bot_token=sentinel, mode="http", signing_secret=secret,
                           port=0, host="127.0.0.1", api_url=fake.url + "/api/",
                           process_before_response=True)
    await adapter.start()
    try:
        send = SlackRequests(f"http://127.0.0.1:{adapter.port}{EVENTS_PATH}", secret)
        await send.command('poll "Lunch?" "Soupçon" "Pie"')
        await send.click("rt:pick:1:1", user="U2")
        await send.event({"type": "message", "user": "U2", "channel": "C1", "ts": "1.1",
                          "text": "hello WORDS-NEVER-KEPT"}, "Ev1")
        await send.event({"type": "something_unheard_of", "user": "U2"}, "Ev2")
        fake.errors["chat.postEphemeral"] = "internal_error"
        await send.click("rt:pick:1:2", user="U2")
    finally:
        await adapter.stop()
    assert all(call.token == sentinel for call in fake.calls)  # the token was really used
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret_text in (sentinel, secret, "SENTINEL", "WORDS-NEVER-KEPT", "Soupçon"):
        assert secret_text not in logged


async def test_command_is_acked_before_slow_work(core, fake: FakeSlack):
    # As in production: Bolt answers at ack() and the rest runs afterwards.
    adapter = SlackAdapter(core, bot_token="xoxb-1", mode="http", signing_secret=SECRET,
                           port=0, host="127.0.0.1", api_url=fake.url + "/api/")
    await adapter.start()
    try:
        send = SlackRequests(f"http://127.0.0.1:{adapter.port}{EVENTS_PATH}", SECRET)
        fake.held["users.list"] = asyncio.Event()
        answer = await send.command('poll "Lunch?" "Soup" "Pie"')
        assert answer.status == 200  # answered while the lookup is still waiting
        assert fake.of("chat.postMessage") == []
        fake.held["users.list"].set()
        await fake.wait_for("chat.postMessage")
        await fake.wait_for("chat.postEphemeral")
    finally:
        await adapter.stop()


async def test_channel_the_bot_cannot_see_gets_a_way_forward_and_stores_nothing(
        slack, send, fake: FakeSlack, store):
    fake.errors["conversations.members"] = "channel_not_found"
    fake.errors["chat.postEphemeral"] = "channel_not_found"
    await send.command('poll "Lunch?" "Soup" "Pie"', channel="G9")
    [dm] = fake.of("chat.postMessage")
    assert dm.args["channel"] == "U1"  # told privately, by DM, since the channel is closed
    assert "/invite @Roundtable" in texts(blocks_of(dm))
    assert await store.open_polls(SpaceRef("slack", "T1", "G9")) == []
