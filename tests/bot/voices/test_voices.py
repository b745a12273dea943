"""Contributions, balance, me, payments, my-data and forget-me, as people use them."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.commands import CastVote
from bot.model import Actor, Group, SpaceRef
from bot.voice_model import ContributionKind
from bot.voices.handlers import Spoke
from bot.voices.involvement import involvement_csv, involvement_rows

SPACE = SpaceRef("console", "local", "playground")
KEY = "console:local:{}".format


def actor(name: str) -> Actor:
    return Actor("console", "local", name, name)


async def _groups(driver) -> None:
    """staff: alice, bob, dana; lived experience: carol, eli, fay."""
    await driver.say("people dana eli fay")
    store = driver.core.store
    await store.add_group(SPACE, Group("staff", "Staff"))
    await store.add_group(SPACE, Group("lived", "Lived experience"))
    for slug, names in (("staff", "alice bob dana"), ("lived", "carol eli fay")):
        for name in names.split():
            await store.join_group(SPACE, slug, KEY(name), "self")


async def _say(driver, name: str, times: int) -> None:
    for n in range(times):
        await driver.say(f'{name}: say "message {n}"')


async def test_say_is_counted_privately_and_its_words_are_not_kept(driver, db_url):
    out = await driver.say('bob: say "my secret plan for the garden"')
    assert "[private to bob]" in out and "(counted)" in out and "[public" not in out
    assert "1 message" in await driver.say("bob: me")
    path = db_url.removeprefix("sqlite+aiosqlite:///")
    assert "secret plan" not in "\n".join(sqlite3.connect(path).iterdump())


async def test_an_adapter_event_shows_nothing_and_a_replay_counts_once(driver, core):
    bob = actor("bob")
    for _ in range(3):  # a platform retrying the same event
        assert await core.handle(Spoke(bob, SPACE, event_id="Ev123")) == []
    assert await core.handle(Spoke(bob, SPACE, ContributionKind.REPLY, event_id="Ev124")) == []
    await driver.say("bob: say --event Ev123 hello again")
    assert "1 message, 1 reply" in await driver.say("bob: me")
    refused = await core.handle(Spoke(bob, SPACE, ContributionKind.VOTE))
    assert "Only messages and replies" in refused[0].card.lines[0].text


async def test_balance_shows_groups_with_numbers_and_never_members(driver):
    await _groups(driver)
    await _say(driver, "alice", 6)
    await _say(driver, "bob", 3)
    await _say(driver, "carol", 1)
    out = await driver.say("eli: balance")
    assert out.startswith("[private to eli]")
    assert "In the last 14 days, 3 of 6 members took part, 10 times in all." in out
    # Evenness 0.33 and 0.56, in words.
    assert "Across everyone, most of it came from a few people." in out
    assert ("Staff: 3 people (50% of everyone). They made 9 contributions (90% of all). 2 of 3 "
            "took part. They were heard more than their share. In this group, some people took "
            "part more than others.") in out
    assert ("Lived experience: 3 people (50% of everyone). They made 1 contribution (10% of "
            "all). 1 of 3 took part. They were heard less than their share.") in out
    # Every bar has its figure beside it.
    assert "##################..  90% of contributions, 50% of members" in out
    body = out.split("\n", 1)[1]
    for name in ("alice", "bob", "carol", "dana", "fay"):
        assert name not in body


async def test_small_groups_show_no_figures(driver):
    await _groups(driver)
    await driver.core.store.add_group(SPACE, Group("carers", "Carers"))
    await driver.core.store.join_group(SPACE, "carers", KEY("fay"), "self")
    out = await driver.say("balance")
    assert "Some groups are too small to show without singling people out: Carers." in out
    assert "Carers:" not in out


async def test_balance_window_and_bad_input(driver, clock):
    await _say(driver, "bob", 2)
    clock.advance(timedelta(days=20))
    await _say(driver, "carol", 1)
    assert "In the last 14 days, 1 of 3 members took part, 1 time in all." in await driver.say(
        "balance")
    assert "3 times in all" in await driver.say("balance --days 30")
    assert "No groups are declared here yet" in await driver.say("balance")
    for bad in ("balance --days 0", "balance --days 366", "balance --days two",
                "balance --weeks 2", "balance everything"):
        out = await driver.say(bad)
        assert "That didn't work" in out and "balance --days 30" in out, bad


async def test_me_shows_a_person_their_own_record_by_month(driver, core, clock):
    await driver.say('poll "Where should PeerFest be?" "Library" "Park"')
    await driver.say("bob: vote #1 Park")
    await driver.say("bob: vote #1 Library")  # changing one's mind is not another decision
    await _say(driver, "bob", 2)
    await driver.say("bob: say --reply thanks")
    await _say(driver, "carol", 5)
    out = await driver.say("bob: me")
    assert out.startswith("[private to bob]")
    assert "November 2026: took part in 1 decision, 2 messages, 1 reply" in out
    assert "5 messages" not in out and "Library" not in out and "Park" not in out
    votes = [c for c in await core.store.contribution_counts(KEY("bob"))
             if c.kind is ContributionKind.VOTE]
    assert votes == []  # credited when the poll ends, never at the vote (issue 11)
    await driver.say("close #1")
    votes = [c for c in await core.store.contribution_counts(KEY("bob"))
             if c.kind is ContributionKind.VOTE]
    assert sum(c.count for c in votes) == 1
    clock.advance(timedelta(days=10))
    await _say(driver, "bob", 1)
    out = await driver.say("bob: me")
    assert out.index("December 2026: 1 message") < out.index("November 2026")
    assert "Nothing has been counted for you here yet." in await driver.say("dana: me")
    assert "me takes nothing after it" in await driver.say("me everything")


async def test_nudges_and_payments_settings(driver):
    out = await driver.say("bob: nudges off")
    assert "Nudges are off" in out
    assert "Private nudges are off for you" in await driver.say("bob: me")
    assert "Private nudges are off for you" in await driver.say("bob: nudges")
    assert "Nudges are on" in await driver.say("bob: nudges on")
    out = await driver.say("bob: payments off")
    assert "Payments: no" in out and "you do not want to be paid" in out
    assert "Involvement payments: no, you said payments off" in await driver.say("bob: me")
    assert "Payments: no" in await driver.say("bob: payments")
    assert "Payments: yes" in await driver.say("bob: payments on")
    for bad in ("nudges maybe", "nudges off now", "payments 2", "my-data please",
                "forget-me now", "say", "say --event"):
        assert "That didn't work" in await driver.say(f"bob: {bad}"), bad


async def test_export_lists_counts_per_member_and_group_with_payments(driver, core, clock):
    await _groups(driver)
    await driver.say('poll "Q?" "A" "B"')
    await driver.say("bob: vote #1 A")
    await _say(driver, "bob", 2)
    await driver.say("bob: say --reply ok")
    await _say(driver, "carol", 1)
    await driver.say("carol: payments off")
    await driver.say("close #1")
    today = clock.now().date()
    rows = await involvement_rows(core.store, today, today)
    text = involvement_csv(rows)
    lines = text.strip().splitlines()
    assert lines[0] == ("space,member,display_name,groups,messages,replies,"
                        "took_part_in_decisions,ideas,responses,started,payments")
    # bob never said: the record says so, rather than assume he wants paying (issue 14).
    assert "console:local:playground,console:local:bob,bob,staff,2,1,1,0,0,0,not asked" in lines
    assert "console:local:playground,console:local:carol,carol,lived,1,0,0,0,0,0,no" in lines
    assert await involvement_rows(core.store, today - timedelta(days=9),
                                  today - timedelta(days=1)) == []


async def test_my_data_holds_everything_but_never_a_choice(driver, core):
    await _groups(driver)
    await driver.say('bob: poll "Which colour for the banner?" "Teal" "Amber" --closes 3d')
    await driver.say("bob: vote #1 Amber")
    await driver.say("bob: more-time #1")
    await driver.say("bob: timezone Europe/Paris")
    await driver.say("bob: payments off")
    await _say(driver, "bob", 2)
    out = await driver.say("bob: my-data")
    assert out.startswith("[private to bob]")
    data = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert data["member"] == KEY("bob")
    assert data["groups"] == {SPACE.key: ["staff"]}
    assert data["spaces"][0]["display_name"] == "bob"
    assert data["settings"]["timezone"] == "Europe/Paris"
    assert data["settings"]["payments"] is False
    assert data["participation"] == [{"space": SPACE.key, "poll": 1,
                                      "question": "Which colour for the banner?",
                                      "status": "open"}]
    assert data["polls_started"][0]["poll"] == 1
    assert data["time_requests"] == [{"space": SPACE.key, "poll": 1}]
    # The vote is credited when the poll ends, so while it is open only messages show, and
    # starting the poll (which is public).
    assert {(c["kind"], c["count"]) for c in data["contributions"]} == {("message", 2),
                                                                         ("start", 1)}
    assert "Amber" not in out and "Teal" not in out


def _dump_has(path: str, text: str) -> bool:
    conn = sqlite3.connect(path)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    raw = b"".join(p.read_bytes() for p in Path(path).parent.glob(Path(path).name + "*"))
    return text in dump or text.encode() in raw


async def test_forget_me_asks_first_then_erases_every_trace(driver, core, clock, db_url):
    path = db_url.removeprefix("sqlite+aiosqlite:///")
    await _groups(driver)
    await core.store.add_facilitator(SPACE, KEY("bob"))
    await driver.say('bob: poll "Picnic or pizza?" "Picnic" "Pizza" --closes 5d --no-remind')
    await driver.say("bob: vote #1 Pizza")
    await driver.say("carol: vote #1 Picnic")
    await driver.say("dana: vote #1 Pizza")
    await driver.say("bob: more-time #1")
    await driver.say("bob: timezone Europe/Paris")
    await driver.say("bob: payments off")
    await driver.say('bob: schedule "Weekly check-in" --every 1w')
    await _say(driver, "bob", 3)
    await driver.say('poll "Second question?" "Yes" "No" --closes 5d --no-remind')
    assert "[direct message to bob, private]" in await driver.say("clock +26h")  # a nudge

    out = await driver.say("bob: forget-me")
    assert "forget-me confirm" in out and "You cannot undo it." in out
    await core.store.flush_contributions()
    assert _dump_has(path, KEY("bob"))  # nothing erased yet

    out = await driver.say("bob: forget-me confirm")
    assert "You have been forgotten" in out
    assert not _dump_has(path, KEY("bob"))
    assert await core.store.member_groups(SPACE, KEY("bob")) == []
    # Anonymous aggregates stay: the ballot still counts, and so does the turnout.
    assert "3 of 5 have voted" in await driver.say("polls")
    out = await driver.say("close #1")
    assert "Pizza wins." in out and "2 votes (67%)" in out and "3 of 5 have voted" in out


async def test_forget_me_keeps_counting_after_a_new_start(driver, core):
    await _say(driver, "bob", 2)
    await driver.say("bob: forget-me confirm")
    assert await core.store.contribution_totals(SPACE, driver.clock.now().date()) == {}
    await driver.say("bob: say hello")
    assert "1 message" in await driver.say("bob: me")
    assert await core.handle(CastVote(actor("bob"), SPACE, 9)) != []


async def test_people_are_asked_once_about_payments_after_their_first_contribution(store,
                                                                                   clock):
    # Issue 14: payments are not assumed "yes" for everyone, staff included; the bot asks.
    from adapters.console.playground import Playground
    from bot.anonymity import Keyring
    from bot.service import Roundtable, Settings
    from roundtable.config import Config
    from tests.conftest import SECRET, Driver

    assert Config().payments.ask is True  # on unless the config turns it off
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="Europe/London"))
    lines: list[str] = []
    playground = Playground(core, clock, ["alice", "bob", "carol"], write=lines.append)
    await playground.start()
    driver = Driver(playground, lines)
    out = await driver.say('poll "Lunch?" "Soup" "Pie"')
    assert "[direct message to alice, private]" in out
    assert "Would you like to be paid for taking part?" in out
    out = await driver.say("bob: vote #1 Soup")
    assert "[direct message to bob, private]" in out and "payments on" in out
    assert "direct message" not in await driver.say("bob: vote #1 Pie")   # once only
    assert "direct message" not in await driver.say('alice: poll "Tea?" "Yes" "No"')
    await driver.say("carol: payments off")
    assert "direct message" not in await driver.say("carol: vote #1 Pie")  # she said
    assert "Payments: not said yet" in await driver.say("bob: payments")
    assert "Involvement payments: not said yet" in await driver.say("bob: me")
