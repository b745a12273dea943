"""/roundtable typed in a direct message: what is about the person works there, the rest
is pointed to a channel, and the conversation never becomes a space."""

from __future__ import annotations

from adapters.slack.translate import space
from tests.adapters.slack.fake_slack import TEAM, FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts
from tests.storage.helpers import rows


async def dm(send, text: str):
    return await send.command(text, channel="D1", channel_name="directmessage")


async def test_help_and_personal_settings_work_in_a_direct_message(slack, send, fake: FakeSlack,
                                                                  store):
    assert (await dm(send, "help")).status == 200
    [reply] = fake.of("chat.postEphemeral")
    assert (reply.args["channel"], reply.args["user"]) == ("D1", "U1")
    shown = texts(blocks_of(reply))
    assert "poll" in shown and "can't see this channel" not in shown
    # /roundtable alone shows help too: no new-poll form in a private conversation.
    await dm(send, "")
    assert fake.of("views.open") == [] and len(fake.of("chat.postEphemeral")) == 2
    await dm(send, "timezone Europe/Paris")
    assert await store.member_timezone(f"slack:{TEAM}:U1") == "Europe/Paris"
    assert "Europe/Paris" in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))


async def test_a_poll_in_a_direct_message_is_pointed_to_a_channel(slack, send, fake: FakeSlack,
                                                                 store):
    await dm(send, 'poll "Lunch?" "Soup" "Salad"')
    [reply] = fake.of("chat.postEphemeral")
    assert "works in a channel" in texts(blocks_of(reply))
    assert fake.of("chat.postMessage") == []
    assert await store.find_poll(space(TEAM, "D1"), 1) is None
    # The conversation is not a space: nobody was recorded as one of its members.
    assert await rows(store.engine, "SELECT count(*) FROM space_member") == [(0,)]
