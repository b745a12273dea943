"""Ranked votes through the private form, consent blocks through the modal, restarts."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from bot.anonymity import Keyring
from bot.service import Roundtable, Settings
from storage import SqlStore, make_engine
from tests.adapters.discord import payloads as p
from tests.adapters.discord.conftest import start_adapter
from tests.adapters.discord.fake_discord import CHANNEL, FakeDiscord
from tests.adapters.discord.helpers import (
    CALLBACKS,
    FOLLOWUPS,
    create_poll,
    embed_text,
    inject,
    replies,
)
from tests.adapters.discord.test_polls import adapter_space
from tests.conftest import SECRET


async def test_a_ranked_vote_through_one_select_per_rank(adapter: DiscordAdapter,
                                                         fake: FakeDiscord, store) -> None:
    post = await create_poll(adapter, fake, "Where?", "Library; Park; Pier", kind="ranked")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.click(f"rt:o:{poll.id}", post.response, user_id=p.BOB))
    deferred = (await fake.wait_for("POST", CALLBACKS, 2))[1]
    assert deferred.body["type"] == 5 and deferred.body["data"]["flags"] & 64  # only Bob
    opened = (await fake.wait_for("POST", FOLLOWUPS, 2))[1]
    assert opened.body["flags"] & 64
    form = opened.response
    assert p.custom_ids(form) == ["rt:f:1", "rt:f:2", "rt:f:3", "rt:f:send"]
    placeholders = [c["placeholder"] for row in form["components"] for c in row["components"]
                    if c["type"] == 3]
    assert placeholders == ["Your 1st choice (pick an option)", "Your 2nd choice (pick an option)",
                            "Your 3rd choice (pick an option)"]
    inject(adapter, p.click("rt:f:1", form, user_id=p.BOB, values=["3"]))
    inject(adapter, p.click("rt:f:2", form, user_id=p.BOB, values=["1"]))
    await fake.wait_for("POST", CALLBACKS, 4)    # each pick is acknowledged silently
    inject(adapter, p.click("rt:f:send", form, user_id=p.BOB))
    texts = await replies(fake, 3)
    assert "Your ranking: Pier, then Library." in texts[2]
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


async def test_poll_buttons_outlive_a_private_copy_of_them(adapter: DiscordAdapter,
                                                           fake: FakeDiscord, store,
                                                           monkeypatch) -> None:
    # discord.py stops a kept ephemeral view after 15 minutes, and stopping a view that
    # holds dynamic items unregisters their patterns: every poll button would go dead.
    kept: list = []
    view_store = adapter.client._connection._view_store
    add_view = view_store.add_view

    def keep(view, message_id=None):
        kept.append(view)
        add_view(view, message_id)

    monkeypatch.setattr(view_store, "add_view", keep)
    post = await create_poll(adapter, fake, "Tea or coffee?", "Tea; Coffee")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    inject(adapter, p.slash("vote", p.BOB, poll=1))            # a private copy of the buttons
    await replies(fake, 2)
    for view in kept:
        view._dispatch_timeout()                                # what 15 minutes would do
    inject(adapter, p.click(f"rt:v:{poll.id}:2", post.response, user_id=p.CAROL))
    assert "You chose: Coffee" in (await replies(fake, 3))[2]
    assert not kept                       # and no poll message view is kept forever either


async def test_the_vote_button_and_command_defer_before_reading_the_store(
        adapter: DiscordAdapter, fake: FakeDiscord, store, monkeypatch) -> None:
    post = await create_poll(adapter, fake, "Where?", "Library; Park; Pier", kind="ranked")
    await replies(fake)
    poll = await store.find_poll(adapter_space(), 1)
    answered_first: list[bool] = []
    deferrals = {"needed": 0}
    bridge_store = adapter.bridge.store
    for name in ("get_poll", "find_poll"):
        original = getattr(bridge_store, name)

        def checked(*args, _original=original):
            deferred = [c for c in fake.matching("POST", CALLBACKS) if c.body["type"] == 5]
            answered_first.append(len(deferred) >= deferrals["needed"])
            return _original(*args)

        monkeypatch.setattr(bridge_store, name, checked)
    deferrals["needed"] = 2                     # the poll command's, then the button's
    inject(adapter, p.click(f"rt:o:{poll.id}", post.response, user_id=p.BOB))
    await replies(fake, 2)
    deferrals["needed"] = 3
    inject(adapter, p.slash("vote", p.CAROL, poll=1))
    await replies(fake, 3)
    assert answered_first and all(answered_first)


async def test_a_click_on_a_form_from_before_a_restart_is_answered(
        adapter: DiscordAdapter, fake: FakeDiscord) -> None:
    old_form = {**fake.message(CHANNEL, {}), "flags": 64, "components": [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "Send my vote",
                                    "custom_id": "rt:f:send"}]}]}
    inject(adapter, p.click("rt:f:send", old_form, user_id=p.BOB))
    answer = (await fake.wait_for("POST", CALLBACKS))[0].body
    assert answer["type"] == 4 and answer["data"]["flags"] & 64
    text = embed_text(answer["data"])
    assert "This form has expired" in text and "Press Vote" in text
