"""Fixtures: a fake Slack Web API, and the real adapter serving HTTP on a free port."""

from __future__ import annotations

import pytest

from adapters.slack import EVENTS_PATH, SlackAdapter
from tests.adapters.slack.fake_slack import FakeSlack, SlackRequests, start_fake

SECRET = "signing-secret-for-tests"
TOKEN = "xoxb-test-token"


@pytest.fixture
async def fake():
    """A small workspace: alice (U1) created #C1; bob (U2), carol (U3) and the bot are in it."""
    fake = FakeSlack()
    fake.add_user("U1", "alice")
    fake.add_user("U2", "bob")
    fake.add_user("U3", "carol")
    fake.add_user("U4", "dana", admin=True)
    fake.add_user("UBOT", "roundtable", bot=True)
    fake.add_channel("C1", creator="U1", members=["U1", "U2", "U3", "UBOT"])
    runner = await start_fake(fake)
    yield fake
    await runner.cleanup()


@pytest.fixture
def waits() -> list[float]:
    """How long the client was asked to wait before retrying (recorded, not slept)."""
    return []


@pytest.fixture
async def slack(core, fake, waits):
    """The adapter in HTTP mode, listening on a free port, finishing each request before
    answering it (``process_before_response``) so a test reads the calls right after."""

    async def record(seconds: float) -> None:
        waits.append(seconds)

    adapter = SlackAdapter(core, bot_token=TOKEN, mode="http", signing_secret=SECRET, port=0,
                           host="127.0.0.1", api_url=fake.url + "/api/",
                           process_before_response=True, sleep=record)
    # Edits of one message wait a second between them; tests of that set their own clock.
    adapter.sender.update_interval = 0
    await adapter.start()
    # Start-up checks the token (auth.test); tests look at what requests cause.
    fake.calls.clear()
    yield adapter
    await adapter.stop()


@pytest.fixture
def send(slack) -> SlackRequests:
    """Signed requests to the adapter's real endpoint."""
    return SlackRequests(f"http://127.0.0.1:{slack.port}{EVENTS_PATH}", SECRET)
