"""Issue 12: long text shown whole, every interaction answered, clean start failures,
quiet voice warnings, and one true answer when a poll could not be posted."""

from __future__ import annotations

import asyncio
import logging
import re

import discord
import pytest

from adapters.base import StartFailed
from adapters.discord.adapter import DiscordAdapter
from bot.cards import Card, Items, Text
from bot.effects import Post
from roundtable.bootstrap import App
from roundtable.config import Config
from tests.adapters.discord import payloads as p
from tests.adapters.discord.conftest import TOKEN
from tests.adapters.discord.fake_discord import CHANNEL, FakeDiscord
from tests.adapters.discord.helpers import (
    CALLBACKS,
    FOLLOWUPS,
    POSTS,
    assert_within_limits,
    create_poll,
    embed_text,
    inject,
)
from tests.adapters.discord.test_polls import adapter_space

OLD_VERSION = "older version of Roundtable"


def descriptions(body: dict) -> list[str]:
    return [e.get("description") or "" for e in body.get("embeds") or []]


def assert_message_fits(body: dict) -> None:
    """Discord's limits for one message: 10 embeds, 6,000 characters across them."""
    assert_within_limits(body)
    embeds = body.get("embeds") or []
    assert 1 <= len(embeds) <= 10
    assert sum(len(e.get("title") or "") + len(e.get("description") or "")
               for e in embeds) <= 6000


async def test_a_300_character_question_is_shown_whole(adapter: DiscordAdapter,
                                                       fake: FakeDiscord) -> None:
    words = " ".join(f"word{n}" for n in range(60))
    question = (words + " end")[:300].rstrip()
    assert len(question) > 250
    post = await create_poll(adapter, fake, question, "Yes; No")
    assert_message_fits(post.body)
    text = " ".join(embed_text(post.body).split())
    assert question in text


async def test_a_long_outcome_reaches_the_channel_whole_and_never_cut_mid_word(
        adapter: DiscordAdapter, fake: FakeDiscord, store) -> None:
    reasons = tuple(f"Reason given with a block: reason{n} " + " ".join(
        f"r{n}w{k}" for k in range(80)) for n in range(1, 14))
    assert all(450 < len(r) <= 600 for r in reasons)
    long_line = " ".join(f"long{k}" for k in range(1200))       # one line over 4,096
    card = Card("Outcome of #1: Should we move?", (Text("Blocked."), Items(reasons),
                                                   Text(long_line)))
    await adapter.deliver([Post(adapter_space(), card, key="outcome:1")])
    sent = fake.matching("POST", POSTS)
    assert len(sent) >= 2
    for call in sent:
        assert_message_fits(call.body)
    parts = [d for call in sent for d in descriptions(call.body)]
    for reason in reasons:                       # each reason whole, inside one embed
        assert any(reason in part for part in parts), reason[:20]
    words = [w for part in parts for w in part.split()]
    assert [w for w in words if w.startswith("long")] == long_line.split()
    assert "…" not in "".join(parts)
    assert await store.find_post("outcome:1", "discord") == (
        f"{CHANNEL}:{sent[0].response['id']}")


@pytest.mark.parametrize("custom_id", ["oldbot:vote:3", "rt:x:12", "rt:c:5:maybe"])
async def test_a_button_from_an_older_version_is_answered(adapter: DiscordAdapter,
                                                          fake: FakeDiscord,
                                                          custom_id: str) -> None:
    message = fake.message(CHANNEL, {"components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Vote", "custom_id": custom_id}]}]})
    inject(adapter, p.click(custom_id, message))
    calls = await fake.wait_for("POST", f"{CALLBACKS}|{FOLLOWUPS}", check=lambda c: OLD_VERSION
                                in embed_text((c.body or {}).get("data") or c.body or {}))
    body = calls[0].body.get("data") if "/callback" in calls[0].path else calls[0].body
    assert body["flags"] & 64
    assert "/roundtable polls" in embed_text(body)


@pytest.mark.parametrize("custom_id", ["legacy:poll", "rt:zz:1"])
async def test_a_modal_from_an_older_version_is_answered(adapter: DiscordAdapter,
                                                         fake: FakeDiscord,
                                                         custom_id: str) -> None:
    inject(adapter, p.modal_submit(custom_id, {"question": "Lunch?"}))
    calls = await fake.wait_for("POST", f"{CALLBACKS}|{FOLLOWUPS}", check=lambda c: OLD_VERSION
                                in embed_text((c.body or {}).get("data") or c.body or {}))
    body = calls[0].body.get("data") if "/callback" in calls[0].path else calls[0].body
    assert body["flags"] & 64


async def test_a_wrong_token_fails_start_cleanly(fake: FakeDiscord, store, core, clock) -> None:
    fake.fail_once("GET", "/users/@me", 401, 0)
    app = App(config=Config(), store=store, core=core, clock=clock)
    adapter = DiscordAdapter(app, TOKEN, connect=False)
    with pytest.raises(StartFailed) as failure:
        await adapter.start()
    assert "DISCORD_TOKEN" in failure.value.message
    assert TOKEN not in failure.value.message
    assert adapter.client.is_closed()
    session = adapter.client.http._HTTPClient__session  # type: ignore[attr-defined]
    assert session.closed                               # no "Unclosed connector"


async def test_voice_warnings_are_silenced_but_others_are_not(
        fake: FakeDiscord, store, core, clock, caplog, monkeypatch) -> None:
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    app = App(config=Config(), store=store, core=core, clock=clock)
    with caplog.at_level(logging.WARNING):
        DiscordAdapter(app, TOKEN, connect=False)
        logging.getLogger("discord.client").warning("something else went wrong")
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "voice will NOT be supported" in m]
    assert "something else went wrong" in messages


async def test_a_poll_that_could_not_be_posted_gets_one_true_answer(
        adapter: DiscordAdapter, fake: FakeDiscord, store, monkeypatch) -> None:
    done = asyncio.Event()
    run = adapter.bridge.run

    async def run_and_mark(*args, **kwargs) -> None:
        await run(*args, **kwargs)
        done.set()

    monkeypatch.setattr(adapter.bridge, "run", run_and_mark)
    fake.fail_once("POST", f"/channels/{CHANNEL}/messages", 403, 50013)
    inject(adapter, p.slash("poll", question="Tea or coffee?", options="Tea; Coffee"))
    await asyncio.wait_for(done.wait(), 5)
    texts = [embed_text(c.body) for c in fake.matching("POST", FOLLOWUPS)]
    assert len(texts) == 1, texts
    text = " ".join(texts[0].split())
    assert "Your poll #1 is saved, but I could not post it in this channel" in text
    assert "View Channel" in text and "/roundtable vote" in text
    assert not re.search(r"is up|could not post in this channel\n", texts[0])
    assert await store.find_poll(adapter_space(), 1) is not None


def test_an_edit_that_cannot_fit_one_message_is_cut_at_a_word() -> None:
    from adapters.discord.render import card_messages, one_message
    card = Card("Poll #1: " + "q " * 200, (Text(" ".join(f"w{k}" for k in range(3000))),))
    assert len(card_messages(card)) > 1
    embeds = one_message(card)
    body = {"embeds": [e.to_dict() for e in embeds]}
    assert_message_fits(body)
    last = embeds[-1].description or ""
    assert last.endswith("…")
    shown = last.removesuffix("…").split("\n")[-1].split()
    assert shown == [f"w{k}" for k in range(len(shown))]        # whole words only


async def test_an_answer_that_could_not_be_posted_is_not_called_posted(
        adapter: DiscordAdapter, fake: FakeDiscord, core, monkeypatch) -> None:
    from bot.commands import CastVote, ClosePoll, CreatePoll, MembersSeen
    from bot.model import Actor, PollKind
    from tests.adapters.discord.fake_discord import GUILD

    space = adapter_space()
    people = [Actor("discord", str(GUILD), str(who), name) for who, name in
              ((p.ALICE, "alice"), (p.BOB, "bob"), (p.CAROL, "carol"))]
    alice, bob, carol = people
    await core.handle(MembersSeen(alice, space, tuple(people)))
    await core.handle(CreatePoll(alice, space, question="Thursdays?", kind=PollKind.CONSENT,
                                 rule="consent", no_remind=True))
    await core.handle(CastVote(bob, space, poll=1, choices=("agree",)))
    await core.handle(CastVote(alice, space, poll=1, choices=("agree",)))
    await core.handle(CastVote(carol, space, poll=1, choices=("disagree", "too", "late")))
    await core.handle(ClosePoll(alice, space, poll=1))

    done = asyncio.Event()
    run = adapter.bridge.run

    async def run_and_mark(*args, **kwargs) -> None:
        await run(*args, **kwargs)
        done.set()

    monkeypatch.setattr(adapter.bridge, "run", run_and_mark)
    fake.fail_once("POST", f"/channels/{CHANNEL}/messages", 403, 50013)
    inject(adapter, p.slash("respond", poll=1, answer="We will try it for a month"))
    await asyncio.wait_for(done.wait(), 5)
    texts = [" ".join(embed_text(c.body).split()) for c in fake.matching("POST", FOLLOWUPS)]
    assert any("Your answer is saved, but not posted yet" in t for t in texts), texts
    assert not any("It is posted in the channel" in t for t in texts), texts
