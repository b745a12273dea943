"""Only people Slack lists in a channel take part in its polls (issue 11, item 8).

In the fake workspace dana (U4) is an admin who is not in #C1: she can see a public
channel's messages and press their buttons, but her vote, her form and her poll must
not count, and nothing about her may be stored.
"""

from __future__ import annotations

import json

from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts
from tests.adapters.slack.test_votes import select
from tests.storage.helpers import rows

REFUSED = "You can only vote in polls of channels you are a member of"


async def stored(store) -> dict[str, int]:
    found = {}
    for table in ("ballot", "participation", "poll"):
        [(n,)] = await rows(store.engine, f"SELECT count(*) FROM {table}")
        found[table] = n
    [(n,)] = await rows(store.engine, "SELECT count(*) FROM space_member WHERE member LIKE "
                                      "'%U4'")
    found["dana as member"] = n
    await store.flush_contributions()
    [(n,)] = await rows(store.engine, "SELECT count(*) FROM contribution WHERE member LIKE "
                                      "'%U4'")
    found["dana's contributions"] = n
    return found


def last_reply_to(fake: FakeSlack, user: str) -> str:
    replies = [c for c in fake.of("chat.postEphemeral") if c.args["user"] == user]
    return texts(blocks_of(replies[-1]))


async def test_a_button_press_from_outside_the_channel_is_refused(slack, send, fake: FakeSlack,
                                                                 store):
    await send.command('poll "Where?" "Library" "Park"')
    await send.click("rt:pick:1:2", user="U4", value="2")
    assert REFUSED in last_reply_to(fake, "U4")
    assert await stored(store) == {"ballot": 0, "participation": 0, "poll": 1,
                                   "dana as member": 0, "dana's contributions": 0}
    # A member's vote still counts, out of the channel's 3 people.
    await send.click("rt:pick:1:1", user="U2", value="1")
    await slack.sender.drain()
    assert "1 of 3 has voted" in texts(blocks_of(fake.of("chat.update")[-1]))


async def test_a_signed_vote_form_from_outside_the_channel_is_refused(slack, send,
                                                                     fake: FakeSlack, store):
    await send.command('poll "Where?" "Library" "Park" "Hall" --kind ranked')
    answer = await send.submit("rt_vote", {"poll": 1, "channel": "C1"},
                               {"rank-1": select("2"), "rank-2": select(None),
                                "rank-3": select(None)}, user="U4")
    assert answer.status == 200
    assert REFUSED in last_reply_to(fake, "U4")
    assert (await stored(store))["ballot"] == 0


async def test_a_new_poll_form_naming_another_channel_is_refused(slack, send, fake: FakeSlack,
                                                                store):
    values = {"question": {"value": {"type": "plain_text_input", "value": "Pizza?"}},
              "options": {"value": {"type": "plain_text_input", "value": "Yes\nNo"}},
              "kind": select("choice"),
              "anonymity": {"value": {"type": "radio_buttons",
                                      "selected_option": {"value": "anonymous"}}}}
    answer = await send.submit("rt_create", {"channel": "C1"}, values, user="U4")
    assert answer.status == 200
    assert "start a poll in a channel you are a member of" in last_reply_to(fake, "U4")
    assert fake.of("chat.postMessage") == []
    assert (await stored(store))["poll"] == 0


async def test_a_workspace_admin_outside_the_channel_cannot_cancel_its_poll(slack, send,
                                                                           fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"', user="U2")
    await send.command("cancel #1", user="U4")
    assert "Ask to be added to the channel first" in last_reply_to(fake, "U4")
    assert not any("was cancelled" in texts(blocks_of(c)) for c in fake.of("chat.postMessage"))


async def test_leaving_and_joining_the_channel_follow_slack_s_events(slack, send,
                                                                    fake: FakeSlack, store):
    await send.command('poll "Where?" "Library" "Park"')
    fake.channels["C1"]["members"].remove("U2")
    await send.event({"type": "member_left_channel", "user": "U2", "channel": "C1",
                      "team": "T1"}, "Ev1")
    await send.click("rt:pick:1:1", user="U2", value="1")
    assert REFUSED in last_reply_to(fake, "U2")
    fake.channels["C1"]["members"].append("U4")
    await send.event({"type": "member_joined_channel", "user": "U4", "channel": "C1",
                      "team": "T1"}, "Ev2")
    await send.click("rt:pick:1:2", user="U4", value="2")
    assert "Your vote is in on #1" in last_reply_to(fake, "U4")
    await slack.sender.drain()
    assert "1 of 3 has voted" in texts(blocks_of(fake.of("chat.update")[-1]))


async def test_a_message_from_outside_the_channel_is_not_counted(slack, send, store):
    await send.event({"type": "message", "user": "U4", "channel": "C1",
                      "channel_type": "channel", "ts": "1.0", "text": "hi"}, "Ev1")
    assert (await stored(store))["dana's contributions"] == 0
    assert json.dumps(await stored(store))  # nothing else was stored about her either
    assert (await stored(store))["dana as member"] == 0
