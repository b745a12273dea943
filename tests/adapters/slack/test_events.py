"""Counted messages, the Home tab, facilitators and user groups."""

from __future__ import annotations

import json

from bot.model import SpaceRef
from bot.voice_model import ContributionKind
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts

SPACE = SpaceRef("slack", "T1", "C1")


def message(user: str = "U2", ts: str = "1700000001.000100", **extra) -> dict:
    return {"type": "message", "user": user, "channel": "C1", "channel_type": "channel",
            "ts": ts, "text": "words are never kept", **extra}


async def counts(store, member: str) -> dict[ContributionKind, int]:
    await store.flush_contributions()
    totals: dict[ContributionKind, int] = {}
    for item in await store.contribution_counts(member, SPACE):
        totals[item.kind] = totals.get(item.kind, 0) + item.count
    return totals


async def test_same_event_delivered_twice_is_counted_once(slack, send, store):
    assert (await send.event(message(), "Ev1")).status == 200
    assert (await send.event(message(), "Ev1", retry=1)).status == 200
    await send.event(message(ts="1700000002.000200", thread_ts="1700000001.000100"), "Ev2")
    # Not contributions: a bot's post, an edit, a join, and a DM with the bot.
    await send.event(message(bot_id="B9", subtype="bot_message"), "Ev3")
    await send.event(message(subtype="message_changed"), "Ev4")
    await send.event(message(subtype="channel_join"), "Ev5")
    await send.event(message(channel_type="im"), "Ev6")
    assert await counts(store, "slack:T1:U2") == {ContributionKind.MESSAGE: 1,
                                                 ContributionKind.REPLY: 1}


async def test_thread_starter_is_a_message_and_broadcast_reply_a_reply(slack, send, store):
    await send.event(message(ts="5.0", thread_ts="5.0"), "Ev1")
    await send.event(message(ts="6.0", thread_ts="5.0", subtype="thread_broadcast"), "Ev2")
    assert await counts(store, "slack:T1:U2") == {ContributionKind.MESSAGE: 1,
                                                 ContributionKind.REPLY: 1}


async def test_home_tab_lists_polls_to_vote_on_and_the_persons_record(slack, send,
                                                                      fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    await send.command('poll "When?" "Monday" "Friday"')
    await send.click("rt:pick:2:1", user="U2")
    await send.event({"type": "app_home_opened", "user": "U2", "channel": "D1", "tab": "home"},
                     "Ev9")
    [published] = fake.of("views.publish")
    assert published.args["user_id"] == "U2"
    view = published.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    shown = texts(view["blocks"])
    assert "<#C1> #1: Where?\nYou have not voted yet. 0 of 3 have voted." in shown
    assert "You have voted; you can change your vote" in shown
    buttons = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    assert [(b["action_id"], b["text"]["text"]) for b in buttons] == [
        ("rt:vote:1", "Vote"), ("rt:vote:2", "Change my vote")]
    assert "balance" in shown.lower()
    # The Home tab's Vote button opens the same form, for the poll's own channel.
    await send.click("rt:vote:1", user="U2", channel=None)
    form = fake.of("views.open")[-1].args["view"]
    form = json.loads(form) if isinstance(form, str) else form
    assert json.loads(form["private_metadata"]) == {"poll": 1, "channel": "C1"}


async def test_channel_creator_and_workspace_admins_facilitate(slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"', user="U2")
    await send.command("close #1", user="U3")
    assert "Only the person who started #1" in texts(
        blocks_of(fake.of("chat.postEphemeral")[-1]))
    await send.command("close #1", user="U1")  # U1 created the channel
    outcome = fake.of("chat.postMessage")[-1]
    assert "Outcome of #1" in texts(blocks_of(outcome))
    await send.command('poll "Again?" "Yes" "No"', user="U2")
    # U4 is a workspace admin; like anyone, she acts in a channel only once she is in it.
    fake.channels["C1"]["members"].append("U4")
    await send.event({"type": "member_joined_channel", "user": "U4", "channel": "C1"}, "Ev1")
    await send.command("cancel #2", user="U4")
    assert "was cancelled" in texts(blocks_of(fake.of("chat.postMessage")[-1]))


async def test_slack_user_group_keeps_a_mapped_group_in_step(slack, send, fake: FakeSlack,
                                                             store):
    fake.usergroups["S1"] = ["U2"]
    await send.command('group add staff "Staff"')
    await send.command("group map staff S1")
    await send.command("groups", user="U2")
    assert await store.member_groups(SPACE, "slack:T1:U2") == ["staff"]
    assert "1 person, you too, linked to a role" in texts(
        blocks_of(fake.of("chat.postEphemeral")[-1]))


async def test_members_are_looked_up_once_and_again_after_someone_joins(slack, send,
                                                                        fake: FakeSlack):
    await send.command("polls")
    await send.command("polls", user="U2")
    assert len(fake.of("conversations.members")) == 1
    assert len(fake.of("users.list")) == 1
    fake.channels["C1"]["members"].append("U4")
    await send.event({"type": "member_joined_channel", "user": "U4", "channel": "C1"}, "Ev7")
    await send.command('poll "Where?" "Library" "Park"')
    assert len(fake.of("conversations.members")) == 2
    assert "0 of 4 have voted" in texts(blocks_of(fake.of("chat.postMessage")[-1]))
