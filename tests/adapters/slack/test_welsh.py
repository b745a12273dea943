"""English and Welsh on Slack: what the adapter writes itself (forms, the Home tab, its own
notes, the controls on a poll message) is in the reader's language, or the space's."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from bot.cards import Card, Note
from bot.effects import DirectMessage
from bot.errors import BadInput
from bot.i18n import current
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts
from tests.adapters.slack.test_votes import select, view_of


def _ephemeral(fake: FakeSlack) -> str:
    return texts(blocks_of(fake.of("chat.postEphemeral")[-1]))


def _form(fake: FakeSlack) -> tuple[dict, str]:
    view = view_of(fake.of("views.open")[-1])
    return view, texts([view["title"], view.get("submit"), view.get("close"), view["blocks"]])


async def test_a_welsh_reader_gets_the_voting_form_in_welsh(slack, send, fake: FakeSlack):
    await send.command('poll "Venue?" "Library" "Park" --kind ranked')
    await send.command("language cy", user="U2")
    await send.click("rt:vote:1", user="U2")
    view, shown = _form(fake)
    assert view["title"]["text"] == "Pleidleisio: #1"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Pleidleisio", "Canslo")
    assert "Dewis 1af" in shown and "Dewis 2il" in shown and "Dewiswch opsiwn" in shown
    assert "Dienw: does neb yn gallu gweld beth ddewisoch chi." in shown
    assert "1st choice" not in shown and "Anonymous: nobody" not in shown
    # What people wrote stays as it is; the words read back are the same in every language.
    assert "Venue?" in shown and "1. Library" in shown
    # Someone who did not choose Welsh still gets English.
    await send.click("rt:vote:1", user="U3")
    view, shown = _form(fake)
    assert view["title"]["text"] == "Vote on #1" and "1st choice" in shown
    assert "Dewis" not in shown


async def test_a_welsh_reader_gets_the_proposal_form_and_the_new_poll_form_in_welsh(
        slack, send, fake: FakeSlack):
    await send.command("language cy", user="U2")
    await send.command('propose "Meet on Thursdays"')
    await send.click("rt:vote:1", user="U2")
    _view, shown = _form(fake)
    assert "Blocio: ddylai hyn ddim mynd yn ei flaen fel y mae" in shown
    assert "Eich rheswm" in shown and "Block: this must not" not in shown
    await send.command("", user="U2")
    view, shown = _form(fake)
    assert view["callback_id"] == "rt_create" and view["title"]["text"] == "Pôl newydd"
    assert "Sut mae pobl yn pleidleisio" in shown and "Pick one option" not in shown
    assert "Yng nghylchfa amser y sianel (Europe/London)." in shown
    assert "How people vote" not in shown
    await send.command("")  # alice reads English
    assert _form(fake)[0]["title"]["text"] == "New poll"


async def test_a_welsh_reader_gets_errors_in_welsh(slack, send, fake: FakeSlack):
    await send.command("language cy", user="U2")
    # A typed command is read in the person's language: what is wrong comes back in it.
    await send.command('poll "Lunch?', user="U2")
    shown = _ephemeral(fake)
    assert "Wnaeth hynny ddim gweithio" in shown
    assert "Cafodd dyfynnod ei agor ond nid ei gau." in shown and "quote mark" not in shown
    # The adapter's own notes too.
    await send.command('poll "Where?" "Library" "Park"')
    await send.command("close #1")
    await send.click("rt:vote:1", user="U2")
    assert "Mae'r pôl hwnnw wedi dod i ben" in _ephemeral(fake)
    await send.click("rt:vote:1", user="U3")
    assert "That poll has ended" in _ephemeral(fake)
    await send.click("rt:vote:9", user="U2", channel=None)  # no such poll: the same note
    assert "Mae'r pôl hwnnw wedi dod i ben" in _ephemeral(fake)


async def test_a_form_sent_after_the_poll_closed_says_so_in_welsh(slack, send, fake: FakeSlack):
    await send.command("language cy", user="U2")
    await send.command('poll "Venue?" "Library" "Park" --kind ranked')
    await send.click("rt:vote:1", user="U2", channel=None)
    meta = json.loads(view_of(fake.of("views.open")[-1])["private_metadata"])
    await send.command("close #1")
    answer = await send.submit("rt_vote", meta, {"rank-1": select("2")}, user="U2")
    assert "Mae'r pôl hwn wedi cau" in answer.json()["errors"]["rank-1"]


async def test_a_welsh_error_goes_under_the_field_it_is_about(slack, send, fake: FakeSlack,
                                                            core, monkeypatch):
    # The core says which part an error is about, so a Welsh message ("Cworwm",
    # "rheswm") lands under its field, not under the first one.
    async def check_poll(cmd):
        raise BadInput("Ni allaf ddarllen y cworwm." if current() == "cy"
                       else "I can't read that quorum.", about="quorum")

    def parse_ballot(spec, choices, ref):
        raise BadInput("Mae angen rheswm i flocio." if current() == "cy"
                       else "A block needs a reason.", about="reason")

    monkeypatch.setattr(core, "check_poll", check_poll)
    await send.command("language cy", user="U2")
    values = {"question": {"value": {"type": "plain_text_input", "value": "Lunch?"}},
              "options": {"value": {"type": "plain_text_input", "value": "Soup\nPie"}},
              "kind": {"value": {"type": "static_select", "selected_option": {"value": "choice"}}},
              "quorum": {"value": {"type": "plain_text_input", "value": "lots"}}}
    answer = await send.submit("rt_create", {"channel": "C1"}, values, user="U2")
    assert answer.json()["errors"] == {"quorum": "Ni allaf ddarllen y cworwm."}
    monkeypatch.undo()
    await send.command('propose "Meet on Thursdays"')
    monkeypatch.setattr("adapters.slack.listeners.parse_ballot", parse_ballot)
    stance = {"value": {"type": "radio_buttons", "selected_option": {"value": "block"}}}
    answer = await send.submit("rt_vote", {"poll": 1, "channel": "C1"}, {"stance": stance},
                               user="U2")
    assert answer.json()["errors"] == {"reason": "Mae angen rheswm i flocio."}


async def test_the_home_tab_is_in_the_readers_language(slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park"')
    await send.command("language cy", user="U2")
    for user, event in (("U2", "Ev1"), ("U3", "Ev2")):
        await send.event({"type": "app_home_opened", "user": user, "channel": "D1",
                          "tab": "home"}, event)
    welsh, english = (json.loads(v) if isinstance(v, str) else v
                      for v in (call.args["view"] for call in fake.of("views.publish")))
    shown = texts(welsh["blocks"])
    assert "Polau sy'n aros am eich pleidlais" in shown
    assert "Dydych chi ddim wedi pleidleisio eto." in shown and "Yn y sianel <#C1>" in shown
    [button] = [b["accessory"] for b in welsh["blocks"] if "accessory" in b]
    assert button["text"]["text"] == "Pleidleisio"
    assert button["accessibility_label"] == "Pleidleisio ar bôl 1: Where?"
    assert "Polls waiting" not in shown and "You have not voted yet." not in shown
    shown = texts(english["blocks"])
    assert "Polls waiting for your vote" in shown and "You have not voted yet." in shown


async def test_slacks_own_language_setting_is_used_until_someone_chooses(fake: FakeSlack, slack,
                                                                         send):
    fake.add_user("U5", "eleri", locale="cy-GB")
    fake.add_user("U6", "sam", locale="en-US")
    fake.channels["C1"]["members"] += ["U5", "U6"]
    await send.command('poll "Lunch?', user="U5")
    # The roster carries each person's locale: no extra call per person.
    assert all(c.args.get("include_locale") for c in fake.of("users.list"))
    assert fake.of("users.info") == []
    assert "Cafodd dyfynnod ei agor" in _ephemeral(fake)
    await send.command('poll "Lunch?', user="U6")
    assert "A quote mark was opened" in _ephemeral(fake)
    # A choice made with language beats Slack's setting.
    await send.command("language en", user="U5")
    await send.command('poll "Lunch?', user="U5")
    assert "A quote mark was opened" in _ephemeral(fake)


async def test_a_poll_message_in_a_welsh_space_has_welsh_controls(slack, send, fake: FakeSlack,
                                                                  core):
    core.settings = dataclasses.replace(core.settings, language="cy")
    await send.command('poll "Venue?" "Library" "Park" --kind ranked --closes 2d')
    post = fake.of("chat.postMessage")[-1]
    [vote] = [e for b in blocks_of(post) if b["type"] == "actions" for e in b["elements"]]
    assert vote["text"]["text"] == "Pleidleisio"
    assert vote["accessibility_label"] == "Pleidleisio ar bôl 1: Venue?"
    # Slack writes the date and time in each reader's zone, with our words around them.
    assert "{date_short_pretty} am {time}" in texts(blocks_of(post))
    # A reader who chose English gets the English words in what is shown only to them.
    await send.command("language en", user="U2")
    await send.command("polls", user="U2")
    assert "{date_short_pretty} at {time}" in _ephemeral(fake)


async def test_a_poll_message_in_a_bilingual_space_says_both(slack, send, fake: FakeSlack, core):
    core.settings = dataclasses.replace(core.settings, language="cy", bilingual=True)
    await send.command('poll "Where?" "Library" "Park"')
    post = fake.of("chat.postMessage")[-1]
    buttons = [e for b in blocks_of(post) if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["1. Library", "2. Park"]
    assert buttons[0]["accessibility_label"] == (
        "Pleidleisio ar bôl 1: Library / Vote Library on poll 1")
    await send.command('poll "Snacks?" "Fruit" "Cake" --kind multi')
    post = fake.of("chat.postMessage")[-1]
    send_button = blocks_of(post)[-1]["elements"][0]
    assert send_button["text"]["text"] == "Anfon fy newisiadau / Send my picks"


async def test_a_direct_message_is_worded_for_each_reader(slack, store, fake: FakeSlack):
    await store.set_member_language("slack:T1:U2", "cy")
    at = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    card = Card("Reminder", (Note("Closes {time}.", at=at, tz="Europe/London"),))
    await slack.deliver([DirectMessage("slack", f"slack:T1:{user}", card)
                         for user in ("U2", "U3")])
    sent = {c.args["channel"]: texts(blocks_of(c)) for c in fake.of("chat.postMessage")}
    assert "{date_short_pretty} am {time}|Gwen 4 Rhag 2026 17:00" in sent["U2"]
    assert "{date_short_pretty} at {time}|Fri 4 Dec 2026 17:00" in sent["U3"]



async def test_the_adapters_own_notes_follow_slacks_language(slack, send, fake: FakeSlack,
                                                             monkeypatch):
    fake.add_user("U5", "eleri", locale="cy-GB")
    fake.errors["conversations.members"] = "channel_not_found"
    await send.command('poll "Lunch?" "Soup" "Pie"', user="U5", channel="G9")
    shown = _ephemeral(fake)
    assert "Dydw i ddim yn gallu gweld y sianel hon" in shown and "/invite @Roundtable" in shown
    del fake.errors["conversations.members"]

    async def broken(*args, **kwargs):
        raise RuntimeError("a fault on our side")

    # A fault: the apology is in the person's language too (Slack's locale, already known).
    monkeypatch.setattr(slack.core, "read", broken)
    fake.channels["C1"]["members"].append("U5")
    await send.command("polls", user="U5")
    assert "Mae'n ddrwg gennym, aeth rhywbeth o'i le" in _ephemeral(fake)
