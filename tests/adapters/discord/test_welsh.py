"""Welsh on Discord: what the adapter writes itself follows the reader's language (their
choice, else their Discord's), and a poll message's buttons follow the space's."""

from __future__ import annotations

from dataclasses import replace

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.render import card_embeds
from bot.cards import Card, Text
from bot.i18n import speaking
from tests.adapters.discord import payloads as p
from tests.adapters.discord.fake_discord import CHANNEL, GUILD, FakeDiscord
from tests.adapters.discord.helpers import (
    CALLBACKS,
    FOLLOWUPS,
    assert_within_limits,
    create_poll,
    embed_text,
    inject,
    replies,
)
from tests.adapters.discord.test_polls import adapter_space

POSTS = rf"/channels/{CHANNEL}/messages"
STANCES_CY = ["Cytuno", "Ymatal", "Anghytuno", "Blocio"]
STANCES_EN = ["Agree", "Abstain", "Disagree", "Block"]


async def speaks_welsh(store, user_id: int) -> None:
    """The person chose Welsh (``/roundtable settings language cy``, see test_settings)."""
    await store.set_member_language(f"discord:{GUILD}:{user_id}", "cy")


def labels(message: dict) -> list[str]:
    return [c.get("label") for row in message.get("components", [])
            for c in row["components"] if c["type"] == 2]


def placeholders(message: dict) -> list[str]:
    return [c["placeholder"] for row in message.get("components", [])
            for c in row["components"] if c["type"] == 3]


def modal_of(call) -> tuple[str, list[str]]:
    data = call.body["data"]
    return data["title"], [c["label"] for row in data["components"] for c in row["components"]]


async def test_a_welsh_reader_gets_the_ranked_form_in_welsh(adapter: DiscordAdapter,
                                                            fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Ble?", "Llyfrgell; Parc; Pier; Neuadd; Caffi; "
                             "Traeth", kind="ranked")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    await speaks_welsh(store, p.BOB)
    inject(adapter, p.click(f"rt:o:{poll.id}", post.response, p.BOB))
    opened = (await fake.wait_for("POST", FOLLOWUPS, 2))[1]
    assert_within_limits(opened.body)
    form = opened.response
    assert placeholders(form)[:3] == ["Eich dewis 1af (dewiswch opsiwn)",
                                      "Eich dewis 2il (dewiswch opsiwn)",
                                      "Eich dewis 3ydd (dewiswch opsiwn)"]
    assert labels(form) == ["Nesaf: dewisiadau 5-6", "Anfon fy mhleidlais"]
    text = embed_text(opened.body)
    assert "Eich pleidlais ar #1: Ble?" in text
    assert "Rhowch yr opsiynau mewn trefn, y gorau yn gyntaf." in text
    assert "Your vote" not in text and "Only you see this form" not in text
    # The next page is Welsh too: the form keeps the voter's language.
    inject(adapter, p.click("rt:f:more", form, p.BOB))
    page = (await fake.wait_for("POST", CALLBACKS, 3))[2].body["data"]
    assert placeholders(page) == ["Eich dewis 5ed (dewiswch opsiwn)",
                                  "Eich dewis 6ed (dewiswch opsiwn)"]
    assert labels(page) == ["Yn ôl i ddewisiadau 1-4", "Anfon fy mhleidlais"]
    # The public message stays in the space's language (English here).
    assert labels(post.response) == ["Vote"]


async def test_an_english_reader_still_gets_the_form_in_english(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Rate", "A; B", kind="dots", dots=3)
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    await speaks_welsh(store, p.CAROL)                 # someone else's choice changes nothing
    inject(adapter, p.click(f"rt:o:{poll.id}", post.response, p.BOB))
    opened = (await fake.wait_for("POST", FOLLOWUPS, 2))[1]
    assert embed_text(opened.body).endswith(
        "Spread your dots across the options. Choose a value for the options you want to give "
        "dots to. You have 3 dots to spread. Then press Send my vote. Only you see this form.")
    assert placeholders(opened.response) == ["Points for 1. A", "Points for 2. B"]


async def test_a_welsh_reader_gets_the_reason_and_poll_forms_in_welsh(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    inject(adapter, p.slash("propose", proposal="Cyfarfod ar ddydd Iau"))
    post = (await fake.wait_for("POST", POSTS))[0]
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    await speaks_welsh(store, p.BOB)
    inject(adapter, p.click(f"rt:c:{poll.id}:block", post.response, user_id=p.BOB))
    title, [label] = modal_of((await fake.wait_for("POST", CALLBACKS, 2))[1])
    assert title == "Blocio: eich rheswm"
    assert label == "Pam? Bydd y grŵp yn ei weld heb eich enw" and len(label) <= 45
    inject(adapter, p.slash("poll", p.BOB, question="Cinio?"))
    title, boxes = modal_of((await fake.wait_for("POST", CALLBACKS, 3))[2])
    assert title == "Dechrau pôl"
    assert boxes == ["Cwestiwn", "Opsiynau, un ar bob llinell (2-20)", "Gosodiadau (dewisol)"]
    assert all(len(box) <= 45 for box in boxes)          # Discord's limit for a label
    # What was wrong in the form comes back in Welsh, in a Welsh frame.
    inject(adapter, p.modal_submit("rt:p", {"question": "Cinio?", "options": "Cawl\nPastai",
                                            "settings": "gormod o eiriau"}, user_id=p.BOB))
    said = (await replies(fake, 2))[1]
    assert "Wnaeth hynny ddim gweithio" in said
    assert "Dim ond --flags sy'n mynd yn y gosodiadau" in said
    assert "Settings are only" not in said


async def test_a_welsh_reader_gets_the_private_vote_buttons_in_welsh(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    inject(adapter, p.slash("propose", proposal="Cyfarfod ar ddydd Iau"))
    post = (await fake.wait_for("POST", POSTS))[0]
    await replies(fake)
    await speaks_welsh(store, p.BOB)
    inject(adapter, p.slash("vote", p.BOB, poll=1))
    prompt = (await fake.wait_for("POST", FOLLOWUPS, 2))[1]
    assert prompt.body["flags"] & 64
    assert "Pleidleisio ar #1: Cyfarfod ar ddydd Iau" in embed_text(prompt.body)
    assert "Dim ond chi sy'n gweld hyn." in embed_text(prompt.body)
    assert labels(prompt.response) == STANCES_CY
    # Everyone else's copy, the public message, is unchanged.
    assert labels(post.response) == STANCES_EN


async def test_discords_language_is_used_until_a_person_chooses(adapter: DiscordAdapter,
                                                                 fake: FakeDiscord) -> None:
    message = fake.message(CHANNEL, {"components": []})
    click = p.click("oldbot:vote:3", message)
    # Discord has no Welsh locale today; were a client to send one, it would be used.
    click["locale"] = "cy"
    inject(adapter, click)
    calls = await fake.wait_for("POST", f"{CALLBACKS}|{FOLLOWUPS}", check=lambda c: "Dydy hyn"
                                in embed_text((c.body or {}).get("data") or c.body or {}))
    body = calls[0].body.get("data") if "/callback" in calls[0].path else calls[0].body
    assert "Teipiwch /roundtable polls i weld beth sydd ar agor." in embed_text(body)
    assert "older version" not in embed_text(body)


async def test_poll_buttons_follow_the_spaces_language(adapter: DiscordAdapter,
                                                       fake: FakeDiscord, core) -> None:
    core.settings = replace(core.settings, language="cy")
    inject(adapter, p.slash("propose", proposal="Cyfarfod ar ddydd Iau"))
    welsh = (await fake.wait_for("POST", POSTS))[0]
    assert labels(welsh.response) == STANCES_CY
    await replies(fake)
    core.settings = replace(core.settings, bilingual=True)
    await create_poll(adapter, fake, "Ble?", "Llyfrgell; Parc", kind="score")
    both = fake.matching("POST", POSTS)[-1]
    assert labels(both.response) == ["Pleidleisio / Vote"]
    assert_within_limits(both.body)


def test_a_long_answer_goes_on_in_the_readers_language() -> None:
    card = Card("Eich data", (Text("gair " * 1200),))
    with speaking("cy"):
        assert card_embeds(card)[1].title == "Eich data (parhad)"
    assert card_embeds(card)[1].title == "Eich data (continued)"
