"""Voting: buttons and checkboxes in the message, forms for the other kinds."""

from __future__ import annotations

import json

from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts


def view_of(call) -> dict:
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def select(value: str | None) -> dict:
    return {"value": {"type": "static_select",
                      "selected_option": {"value": value} if value else None}}


async def test_vote_by_button_confirms_privately_and_updates_the_message(slack, send,
                                                                         fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    await send.click("rt:pick:1:2", user="U2", value="2")
    reply = fake.of("chat.postEphemeral")[-1]
    assert reply.args["user"] == "U2"
    shown = texts(blocks_of(reply))
    assert "Your vote is in on #1" in shown and "You chose: Park." in shown
    await slack.sender.drain()
    [update] = fake.of("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("C1", "1700000000.000001")
    assert "1 of 3 has voted" in texts(blocks_of(update))
    # Changing one's mind replaces the vote.
    await send.click("rt:pick:1:1", user="U2", value="1")
    assert "Your vote has been changed" in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))


async def test_multi_vote_by_checkboxes(slack, send, fake: FakeSlack):
    await send.command('poll "Snacks?" "Fruit" "Crisps" "Cake" --kind multi')
    state = {"values": {"rt-ticks-1": {"rt:ticks:1": {
        "type": "checkboxes", "selected_options": [{"value": "1"}, {"value": "3"}]}}}}
    await send.click("rt:ticks:1", user="U3")  # ticking a box alone does nothing
    assert len(fake.of("chat.postEphemeral")) == 1
    await send.click("rt:multi:1", user="U3", value="1", state=state)
    assert "You chose: Fruit, Cake." in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))


async def test_ranked_vote_through_the_form(slack, send, fake: FakeSlack):
    await send.command('poll "Venue?" "Library" "Park" "Hall" --kind ranked')
    await send.click("rt:vote:1", user="U2", value="1")
    view = view_of(fake.of("views.open")[-1])
    assert view["callback_id"] == "rt_vote"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "rank-1", "rank-2", "rank-3"]
    meta = json.loads(view["private_metadata"])
    # The same option twice: the form says so under the second place.
    answer = await send.submit("rt_vote", meta, {"rank-1": select("3"), "rank-2": select(None),
                                                 "rank-3": select("3")}, user="U2")
    assert answer.json()["response_action"] == "errors"
    assert "more than once" in answer.json()["errors"]["rank-3"]
    answer = await send.submit("rt_vote", meta, {"rank-1": select("3"), "rank-2": select("1"),
                                                 "rank-3": select(None)}, user="U2")
    assert answer.status == 200 and not answer.body
    reply = fake.of("chat.postEphemeral")[-1]
    assert "Your ranking: Hall, then Library." in texts(blocks_of(reply))


async def test_proposal_block_needs_a_reason(slack, send, fake: FakeSlack):
    await send.command('propose "Meet on Thursdays"')
    await send.click("rt:vote:1", user="U3")
    view = view_of(fake.of("views.open")[-1])
    meta = json.loads(view["private_metadata"])
    stance = {"value": {"type": "radio_buttons", "selected_option": {"value": "block"}}}
    no_reason = {"value": {"type": "plain_text_input", "value": None}}
    answer = await send.submit("rt_vote", meta, {"stance": stance, "reason": no_reason},
                               user="U3")
    assert "A block needs a reason" in answer.json()["errors"]["reason"]
    reason = {"value": {"type": "plain_text_input", "value": "Night workers can't come"}}
    await send.submit("rt_vote", meta, {"stance": stance, "reason": reason}, user="U3")
    shown = texts(blocks_of(fake.of("chat.postEphemeral")[-1]))
    assert "You said: block (Night workers can't come)." in shown


async def test_score_and_dots_forms(slack, send, fake: FakeSlack):
    await send.command('poll "Rate" "Tea" "Coffee" --kind score')
    await send.click("rt:vote:1", user="U2")
    meta = json.loads(view_of(fake.of("views.open")[-1])["private_metadata"])
    await send.submit("rt_vote", meta, {"score-1": select("5"), "score-2": select("2")},
                      user="U2")
    assert "Your scores: Tea 5, Coffee 2." in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))
    await send.command('poll "Spend" "Books" "Games" --kind dots --dots 3')
    await send.click("rt:vote:2", user="U2")
    meta = json.loads(view_of(fake.of("views.open")[-1])["private_metadata"])
    number = lambda v: {"value": {"type": "number_input", "value": v}}  # noqa: E731
    answer = await send.submit("rt_vote", meta, {"dots-1": number("3"), "dots-2": number("2")},
                               user="U2")
    assert "You have 3 dots to spread and used 5" in answer.json()["errors"]["dots-1"]
    await send.submit("rt_vote", meta, {"dots-1": number("2"), "dots-2": number("1")}, user="U2")
    assert "Your dots: Books 2, Games 1." in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))


async def test_vote_on_a_closed_poll_is_refused_politely(slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    await send.command("close #1")
    await send.click("rt:pick:1:1", user="U2")
    assert "has closed" in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))
    await send.click("rt:vote:1", user="U2")
    assert "has ended" in texts(blocks_of(fake.of("chat.postEphemeral")[-1]))
    assert fake.of("views.open") == []


async def test_form_sent_after_the_poll_closed_says_so_in_the_form(slack, send,
                                                                  fake: FakeSlack):
    # Someone opens the form (say from the Home tab), the poll closes, then they submit.
    await send.command('poll "Venue?" "Library" "Park" --kind ranked')
    await send.click("rt:vote:1", user="U2", channel=None)
    meta = json.loads(view_of(fake.of("views.open")[-1])["private_metadata"])
    await send.command("close #1")
    replies = len(fake.of("chat.postEphemeral"))
    answer = await send.submit("rt_vote", meta, {"rank-1": select("2")}, user="U2")
    assert answer.json()["response_action"] == "errors"
    assert "has closed" in answer.json()["errors"]["rank-1"]
    assert len(fake.of("chat.postEphemeral")) == replies  # nothing said elsewhere


async def test_home_tab_vote_on_a_closed_poll_is_answered_where_the_person_is(
        slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    await send.command("close #1")
    fake.errors["chat.postEphemeral"] = "channel_not_found"  # no channel in the Home tab
    await send.click("rt:vote:1", user="U2", channel=None)
    tried = fake.of("chat.postEphemeral")[-1]
    assert (tried.args["channel"], tried.args["user"]) == ("U2", "U2")  # not C1
    dm = fake.of("chat.postMessage")[-1]
    assert dm.args["channel"] == "U2" and "has ended" in texts(blocks_of(dm))
    assert fake.of("views.open") == []
