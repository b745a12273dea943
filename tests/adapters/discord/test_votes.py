"""Ranked votes through the private form, consent blocks through the modal, restarts."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from bot.anonymity import Keyring
from bot.service import Roundtable, Settings
from storage import SqlStore, make_engine
from tests.adapters.discord import payloads as p
from tests.adapters.discord.conftest import start_adapter
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import CALLBACKS, create_poll, inject, replies
from tests.adapters.discord.test_polls import adapter_space
from tests.conftest import SECRET


async def test_a_ranked_vote_through_one_select_per_rank(adapter: DiscordAdapter,
                                                         fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Where?", "Library; Park; Pier", kind="ranked")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.click(f"rt:o:{poll.id}", post.response, user_id=p.BOB))
    opened = (await fake.wait_for("POST", CALLBACKS, 2))[1]
    assert opened.body["type"] == 4 and opened.body["data"]["flags"] & 64  # only Bob sees it
    form = opened.response["resource"]["message"]
    assert p.custom_ids(form) == ["rt:f:1", "rt:f:2", "rt:f:3", "rt:f:send"]
    placeholders = [c["placeholder"] for row in form["components"] for c in row["components"]
                    if c["type"] == 3]
    assert placeholders == ["1st choice", "2nd choice", "3rd choice"]
    inject(adapter, p.click("rt:f:1", form, user_id=p.BOB, values=["3"]))
    inject(adapter, p.click("rt:f:2", form, user_id=p.BOB, values=["1"]))
    await fake.wait_for("POST", CALLBACKS, 4)    # each pick is acknowledged silently
    inject(adapter, p.click("rt:f:send", form, user_id=p.BOB))
    texts = await replies(fake, 2)
    assert "Your ranking: Pier, then Library." in texts[1]
    assert await store.voted_count(poll.id) == 1


async def test_a_block_with_its_reason_through_the_modal(adapter: DiscordAdapter,
                                                         fake: FakeDiscord, store) -> None:
    inject(adapter, p.slash("propose", proposal="Move the meeting to Thursdays"))
    post = (await fake.wait_for("POST", r"/channels/\d+/messages"))[0]
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    assert p.custom_ids(post.response) == [f"rt:c:{poll.id}:{s}" for s in
                                           ("agree", "abstain", "disagree", "block")]
    inject(adapter, p.click(f"rt:c:{poll.id}:block", post.response, user_id=p.BOB))
    modal = (await fake.wait_for("POST", CALLBACKS, 2))[1].body
    assert modal["type"] == 9 and modal["data"]["custom_id"] == f"rt:r:{poll.id}:block"
    inject(adapter, p.modal_submit(f"rt:r:{poll.id}:block",
                                   {"reason": "it leaves out night workers"}, user_id=p.BOB))
    texts = await replies(fake, 2)
    assert "You said: block (it leaves out night workers)." in texts[1]
    # A block without a reason is refused, kindly, and nothing is stored.
    inject(adapter, p.modal_submit(f"rt:r:{poll.id}:block", {"reason": "  "}, user_id=p.CAROL))
    texts = await replies(fake, 3)
    assert "A block needs a reason" in texts[2]
    assert await store.voted_count(poll.id) == 1


async def test_buttons_still_vote_after_a_restart(fake: FakeDiscord, store, core, clock,
                                                  db_url) -> None:
    first = await start_adapter(store, core, clock)
    post = await create_poll(first, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(first, p.slash("propose", proposal="Move the meeting to Thursdays"))
    await replies(fake, 2)
    proposal = await store.find_poll(adapter_space(), 2)
    await first.stop()
    # A new process: new client, new store and core, the same database.
    store2 = SqlStore(make_engine(db_url))
    await store2.start()
    core2 = Roundtable(store2, clock, Keyring(SECRET), Settings(timezone="Europe/London"))
    second = await start_adapter(store2, core2, clock)
    try:
        inject(second, p.click(f"rt:v:{poll.id}:1", post.response, user_id=p.CAROL))
        texts = await replies(fake, 3)
        assert "You chose: Tea" in texts[2]
        assert await store2.voted_count(poll.id) == 1
        # A reason modal opened before the restart is still read after it.
        inject(second, p.modal_submit(f"rt:r:{proposal.id}:disagree", {"reason": "too late"},
                                      user_id=p.CAROL))
        assert "You said: disagree (too late)." in (await replies(fake, 4))[3]
    finally:
        await second.stop()
        await store2.close()
