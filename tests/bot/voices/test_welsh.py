"""The voices wing in Welsh (issue 14): each person reads their own language.

Replies (me, balance, nudges, payments, my-data, forget-me, export contributions) are in
the language of whoever asked. Nudges and notes to facilitators, sent by the hourly sweep,
are in the language each reader chose: two people nudged in the same sweep may read two
languages. The playground's space reads English unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date

from bot.i18n import speaking
from bot.model import Group, SpaceRef
from bot.voices.export import record_card
from tests.bot.voices.test_nudges import POLL, _lopsided, _poll_with_dana, dms

SPACE = SpaceRef("console", "local", "playground")
KEY = "console:local:{}".format
DAY = date(2026, 11, 25)


async def test_a_welsh_reader_reads_their_record_balance_and_settings_in_welsh(driver):
    await driver.say("bob: language cy")
    await driver.say('poll "Where should PeerFest be?" "Library" "Park"')
    await driver.say("bob: vote #1 Park")
    await driver.say('bob: say "hello"')
    await driver.say('bob: say "again"')

    out = await driver.say("bob: me")
    assert "Eich cofnod yn #playground" in out and "Your record in" not in out
    assert "Tachwedd 2026: wedi cymryd rhan mewn 1 penderfyniad, 2 neges" in out
    assert "November" not in out and "took part in" not in out
    assert "Mae hybiau preifat ymlaen i chi" in out
    assert "Taliadau am gymryd rhan: heb ddweud eto" in out

    out = await driver.say("bob: balance")
    assert "Cydbwysedd y lleisiau — y 14 diwrnod diwethaf" in out
    assert "Yn ystod y 14 diwrnod diwethaf, cymerodd 2 o 3 aelod ran, 3 gwaith i gyd." in out
    assert "Balance of voices" not in out and "In the last" not in out

    out = await driver.say("bob: payments on")
    assert "Taliadau: ie" in out and "Payments: yes" not in out
    out = await driver.say("bob: nudges off")
    assert "Mae hybiau i ffwrdd" in out and "Nudges are off" not in out
    out = await driver.say("bob: my-data")
    assert "Popeth rydyn ni'n ei gadw amdanoch chi" in out and "All we keep" not in out
    out = await driver.say("bob: balance --days two")
    assert "Mae'r cyfnod yn nifer cyfan o ddyddiau rhwng 1 a 365" in out
    # alice, who chose nothing, still reads English.
    assert "Your record in #playground" in await driver.say("alice: me")


async def test_group_figures_in_welsh_keep_the_names_people_gave(driver):
    await driver.say("people dana eli fay gwen hal ian")
    store = driver.core.store
    await store.add_group(SPACE, Group("staff", "Staff"))
    for name in ("alice", "bob", "dana"):
        await store.join_group(SPACE, "staff", KEY(name), "self")
    await driver.say("eli: language cy")
    for name in ("alice", "bob", "carol"):
        await driver.say(f'{name}: say "hi"')
    out = await driver.say("eli: balance")
    assert "Staff: 3 pherson (33% o bawb). Gwnaethon nhw 2 gyfraniad (67% o'r cyfan)." in out
    assert "Ddim mewn unrhyw grŵp: 6 pherson" in out and "Not in any group" not in out
    assert "67% o'r cyfraniadau, 33% o'r aelodau" in out


async def test_one_sweep_nudges_each_member_in_their_own_language(driver):
    await _poll_with_dana(driver)
    await driver.say('carol: say "hello"')
    await driver.say("dana: language cy")
    out = await driver.say("clock +25h")
    letters = dms(out)
    dana, carol = letters["dana"], letters["carol"]
    assert "Eich llais ar #1 yn #playground" in dana
    assert "Mae'r grŵp yn penderfynu: Where should PeerFest be?" in dana
    assert "Dydyn ni ddim wedi clywed gennych chi yma ers tro" in dana
    assert "I stopio'r hybiau hyn, teipiwch: nudges off" in dana
    assert "The group is deciding" not in dana and "nudges off" in dana
    # carol chose nothing: English, in the same sweep.
    assert "The group is deciding: Where should PeerFest be?" in carol
    assert "You have not voted on this one yet" in carol and "hybiau" not in carol


async def test_the_balance_note_reaches_each_facilitator_in_their_language(driver):
    await _lopsided(driver)
    await driver.say("eli: language cy")
    await driver.say(POLL)
    letters = dms(await driver.say("clock +1h"))
    eli, alice = letters["eli"], letters["alice"]
    assert "Nodyn am gydbwysedd y lleisiau yn #playground" in eli
    assert "mae Staff wedi gwneud llawer mwy o'r cyfraniadau yma na'i gyfran o'r aelodau" in eli
    assert "Mae hyn dros y 14 diwrnod diwethaf." in eli
    assert "balance of voices" not in eli
    assert "Staff has made a much bigger share of the contributions" in alice
    assert "That is over the last 14 days." in alice
    out = await driver.say("eli: nudges")
    assert "2 neges breifat yn ystod y 30 diwrnod diwethaf: 2 nodyn am y cydbwysedd" in out


async def test_balance_windows_count_days_in_each_languages_plurals(driver):
    titles = {"en": {}, "cy": {}}
    await driver.say("bob: language cy")
    for days in (1, 2, 3, 6):
        titles["en"][days] = (await driver.say(f"balance --days {days}")).split("\n")[1]
        titles["cy"][days] = (await driver.say(f"bob: balance --days {days}")).split("\n")[1]
    assert titles["en"] == {
        1: "Balance of voices — last 1 day", 2: "Balance of voices — last 2 days",
        3: "Balance of voices — last 3 days", 6: "Balance of voices — last 6 days"}
    assert titles["cy"] == {
        1: "Cydbwysedd y lleisiau — y diwrnod diwethaf",
        2: "Cydbwysedd y lleisiau — y 2 ddiwrnod diwethaf",
        3: "Cydbwysedd y lleisiau — y 3 diwrnod diwethaf",
        6: "Cydbwysedd y lleisiau — y 6 diwrnod diwethaf"}
    # Nothing counted yet: zero.
    assert "0 times in all" in await driver.say("balance")
    assert "0 gwaith i gyd" in await driver.say("bob: balance")


def test_people_in_an_export_are_counted_in_each_languages_plurals():
    def who(people: int) -> str:
        return record_card(DAY, DAY, people).lines[1].text

    assert [who(n) for n in (1, 2, 3, 6)] == [
        "1 person took part in these days.", "2 people took part in these days.",
        "3 people took part in these days.", "6 people took part in these days."]
    with speaking("cy"):
        assert [who(n) for n in (0, 1, 2, 3, 6, 7)] == [
            "Wnaeth neb gymryd rhan yn ystod y dyddiau hyn, felly dim ond y penawdau sydd yn y "
            "ffeil.",
            "Cymerodd 1 person ran yn ystod y dyddiau hyn.",
            "Cymerodd 2 berson ran yn ystod y dyddiau hyn.",
            "Cymerodd 3 pherson ran yn ystod y dyddiau hyn.",
            "Cymerodd 6 pherson ran yn ystod y dyddiau hyn.",
            "Cymerodd 7 person ran yn ystod y dyddiau hyn."]
        assert record_card(DAY, DAY, 1).title == "Cofnod o bwy gymerodd ran"


async def test_a_welsh_facilitator_gets_the_export_note_and_errors_in_welsh(driver):
    await driver.say("alice: language cy")
    await driver.say('bob: say "hi"')
    out = await driver.say("alice: export contributions")
    assert "Cymerodd 1 person ran yn ystod y dyddiau hyn." in out
    assert "took part in these days" not in out
    out = await driver.say("alice: export contributions --from 2026-13-01")
    assert "Dydw i ddim yn gallu darllen --from '2026-13-01' fel diwrnod." in out
    out = await driver.say("alice: forget-me")
    assert "Anghofio fi: ydych chi'n siŵr?" in out and "forget-me confirm" in out
