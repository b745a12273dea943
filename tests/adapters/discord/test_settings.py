"""``/roundtable settings …`` (language, time zone, nudges, payments) and ``/roundtable
amend``: room made in Discord's 25 subcommands for the language and new rounds."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import GUILD, FakeDiscord
from tests.adapters.discord.helpers import CALLBACKS, POSTS, embed_text, inject, replies
from tests.adapters.discord.test_more import sub
from tests.adapters.discord.test_polls import adapter_space

COMMANDS = r"/applications/\d+/commands"
BOB = f"discord:{GUILD}:{p.BOB}"


async def published(fake: FakeDiscord) -> list[dict]:
    """The ``/roundtable`` subcommands and groups as published to Discord."""
    body = (await fake.wait_for("PUT", COMMANDS))[0].body
    return body[0]["options"]


async def test_the_tree_has_room_for_settings_and_amend(adapter: DiscordAdapter,
                                                        fake: FakeDiscord) -> None:
    subs = await published(fake)
    assert len(subs) <= 25
    names = [s["name"] for s in subs]
    assert "settings" in names and "amend" in names
    # The person's settings moved into the group: no longer at the top.
    assert not {"timezone", "nudges", "payments", "language"} & set(names)
    [settings] = [s for s in subs if s["name"] == "settings"]
    assert settings["type"] == 2                                     # a group
    assert [c["name"] for c in settings["options"]] == ["language", "timezone", "nudges",
                                                        "payments"]
    language = settings["options"][0]["options"]
    assert [o["name"] for o in language] == ["language"] and not language[0].get("required")
    assert [(c["name"], c["value"]) for c in language[0]["choices"]] == [
        ("Cymraeg (cy)", "cy"), ("English (en)", "en"), ("default", "default")]
    # The moved ones keep their options.
    options = {c["name"]: [o["name"] for o in c.get("options", [])]
               for c in settings["options"]}
    assert options["timezone"] == ["zone"]
    assert options["nudges"] == ["setting"] and options["payments"] == ["setting"]
    [amend] = [s for s in subs if s["name"] == "amend"]
    assert [(o["name"], o["type"], o.get("required")) for o in amend["options"]] == [
        ("poll", 4, True), ("wording", 3, True)]
    assert amend["options"][1]["max_length"] == 300


async def test_choosing_welsh_makes_private_answers_welsh(adapter: DiscordAdapter,
                                                          fake: FakeDiscord, store) -> None:
    inject(adapter, sub("settings", "language", p.BOB, language="cy"))
    [said] = await replies(fake)
    assert "Bydda i'n ysgrifennu atoch chi yn Gymraeg o hyn ymlaen." in said
    assert await store.member_languages([BOB]) == {BOB: "cy"}
    # Bob's Discord says en-GB; his choice wins from now on.
    inject(adapter, p.slash("polls", p.BOB))
    said = (await replies(fake, 2))[1]
    assert "Does dim polau agored yma." in said and "There are no open polls" not in said
    # With no value, it says which language is in use, in it.
    inject(adapter, sub("settings", "language", p.BOB))
    assert "Rydw i'n ysgrifennu atoch chi yn Gymraeg." in (await replies(fake, 3))[2]
    # Someone else is not changed by Bob's choice.
    inject(adapter, p.slash("polls", p.CAROL))
    assert "There are no open polls here." in (await replies(fake, 4))[3]
    # default goes back to the space's language (English here).
    inject(adapter, sub("settings", "language", p.BOB, language="default"))
    said = (await replies(fake, 5))[4]
    assert "I will write to you in English from now on." in said
    assert await store.member_languages([BOB]) == {}


async def test_the_moved_settings_still_work(adapter: DiscordAdapter, fake: FakeDiscord,
                                             store) -> None:
    inject(adapter, sub("settings", "timezone", zone="Europe/London"))
    assert "Your time zone is now Europe/London." in (await replies(fake))[0]
    assert await store.member_timezone(f"discord:{GUILD}:{p.ALICE}") == "Europe/London"
    inject(adapter, sub("settings", "timezone"))
    assert "Your time zone is Europe/London." in (await replies(fake, 2))[1]
    inject(adapter, sub("settings", "nudges", setting="off"))
    assert "Nudges are off" in (await replies(fake, 3))[2]
    inject(adapter, sub("settings", "payments"))
    assert "Payments: not said yet" in (await replies(fake, 4))[3]


async def _blocked_proposal(adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    """Alice proposes, Bob blocks with a reason, Alice closes it: not passed."""
    inject(adapter, p.slash("propose", proposal="Move the meeting to Thursdays"))
    post = (await fake.wait_for("POST", POSTS))[0]
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.click(f"rt:c:{poll.id}:block", post.response, user_id=p.BOB))
    await fake.wait_for("POST", CALLBACKS, 2)
    inject(adapter, p.modal_submit(f"rt:r:{poll.id}:block",
                                   {"reason": "it clashes with school pick-up"},
                                   user_id=p.BOB))
    await replies(fake, 2)
    inject(adapter, p.slash("close", poll=1))
    await fake.wait_for("POST", POSTS, check=lambda c: "Not passed" in embed_text(c.body))
    await replies(fake, 3)


async def test_amend_opens_a_new_round_of_a_blocked_proposal(adapter: DiscordAdapter,
                                                             fake: FakeDiscord, store) -> None:
    await _blocked_proposal(adapter, fake, store)
    inject(adapter, p.slash("amend", poll=1, wording="Move the meeting to Thursday evenings"))
    [card] = await fake.wait_for("POST", POSTS, check=lambda c: "Proposal #2" in
                                 embed_text(c.body))
    assert "Move the meeting to Thursday evenings" in embed_text(card.body)
    assert "Round 2 of proposal #1" in embed_text(card.body)
    assert [c["label"] for row in card.response["components"] for c in row["components"]] \
        == ["Agree", "Abstain", "Disagree", "Block"]
    history = "\n".join(embed_text(c.body) for c in fake.matching("POST", POSTS))
    assert "New round of proposal #1: what was said before" in history
    assert "it clashes with school pick-up" in history and "bob" not in history
    assert "Your new round #2 is up" in (await replies(fake, 4))[3]
    new = await store.find_poll(adapter_space(), 2)
    assert new.is_open and new.spec.question == "Move the meeting to Thursday evenings"


async def test_amend_refuses_politely(adapter: DiscordAdapter, fake: FakeDiscord,
                                      store) -> None:
    inject(adapter, p.slash("propose", proposal="Move the meeting to Thursdays"))
    await fake.wait_for("POST", POSTS)
    await replies(fake)
    inject(adapter, p.slash("amend", poll=1, wording="Thursday evenings"))
    said = (await replies(fake, 2))[1]
    assert "#1 is still open" in said and "close #1" in said
    inject(adapter, p.slash("amend", p.BOB, poll=1, wording="Thursday evenings"))
    assert "Only the person who proposed #1" in (await replies(fake, 3))[2]
    assert await store.find_poll(adapter_space(), 2) is None


async def test_amend_suggests_the_proposals_that_can_go_again(adapter: DiscordAdapter,
                                                              fake: FakeDiscord, store) -> None:
    await _blocked_proposal(adapter, fake, store)
    inject(adapter, p.slash("propose", proposal="Buy a new kettle"))   # #2, still open
    await fake.wait_for("POST", POSTS, check=lambda c: "#2" in embed_text(c.body))
    await replies(fake, 4)
    typing = p.slash("amend", poll="")
    typing["type"] = 4
    typing["data"]["options"][0]["options"] = [
        {"name": "poll", "type": 4, "value": "", "focused": True}]
    inject(adapter, typing)
    [answer] = await fake.wait_for("POST", CALLBACKS, check=lambda c: c.body["type"] == 8)
    assert answer.body["data"]["choices"] == [
        {"name": "#1 Move the meeting to Thursdays", "value": 1}]
