"""Socket Mode: the same app over Slack's websocket (a local fake of it)."""

from __future__ import annotations

import pytest
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from adapters.slack import SlackAdapter, create
from bot.model import SpaceRef
from bot.voice_model import ContributionKind
from roundtable.bootstrap import App
from roundtable.config import Config, ConfigError, SlackConfig
from tests.adapters.slack.conftest import TOKEN
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts

APP_TOKEN = "xapp-test-app-token"


def slash(text: str, user: str = "U1") -> dict:
    return {"envelope_id": f"env-{text}-{user}", "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {"team_id": "T1", "channel_id": "C1", "user_id": user,
                        "command": "/roundtable", "text": text, "trigger_id": "t1",
                        "api_app_id": "A1"}}


@pytest.fixture
async def socket_slack(core, fake: FakeSlack):
    adapter = SlackAdapter(core, bot_token=TOKEN, mode="socket", app_token=APP_TOKEN,
                           api_url=fake.url + "/api/", process_before_response=True)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_command_over_the_socket_posts_the_poll(socket_slack, fake: FakeSlack):
    [opened] = fake.of("apps.connections.open")
    assert opened.token == APP_TOKEN and fake.sockets == 1
    answer = await fake.push(slash('poll "Tea or coffee?" "Tea" "Coffee"'))
    assert answer["envelope_id"] == 'env-poll "Tea or coffee?" "Tea" "Coffee"-U1'
    [post] = fake.of("chat.postMessage")
    assert "Poll #1: Tea or coffee?" in texts(blocks_of(post))
    assert "Your poll #1 is up" in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))


async def test_event_envelope_is_counted_once(core, fake: FakeSlack, store):
    adapter = SlackAdapter(core, bot_token=TOKEN, mode="socket", app_token=APP_TOKEN,
                           api_url=fake.url + "/api/", process_before_response=True)
    envelope = {"envelope_id": "e1", "type": "events_api", "accepts_response_payload": False,
                "payload": {"team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                            "event_id": "Ev1", "event": {
                                "type": "message", "user": "U3", "channel": "C1",
                                "channel_type": "channel", "ts": "1.0", "text": "hi"}}}
    for _ in range(2):
        response = await run_async_bolt_app(adapter.bolt, SocketModeRequest.from_dict(envelope))
        assert response.status == 200
    await store.flush_contributions()
    counts = await store.contribution_counts("slack:T1:U3", SpaceRef("slack", "T1", "C1"))
    assert [(c.kind, c.count) for c in counts] == [(ContributionKind.MESSAGE, 1)]
    await adapter.stop()


def app_with(core, store, clock, **slack) -> App:
    return App(config=Config(slack=SlackConfig(**slack)), store=store, core=core, clock=clock)


def test_create_reads_secrets_from_env_and_names_what_is_missing(core, store, clock):
    socket_app = app_with(core, store, clock)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        create(socket_app, {})
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        create(socket_app, {"SLACK_BOT_TOKEN": "xoxb-1"})
    adapter = create(socket_app, {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert (adapter.platform, adapter.mode) == ("slack", "socket")
    http_app = app_with(core, store, clock, mode="http", port=3111)
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        create(http_app, {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    adapter = create(http_app, {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert (adapter.mode, adapter.port) == ("http", 3111)
