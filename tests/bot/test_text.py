"""Look-alike and hidden characters: what people write is cleaned before it is kept or shown.

Issue 11 (A): "Yes" and "Ye\u200bs" look the same, so they must not be two options; escape
sequences and right-to-left overrides must never be stored or echoed.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from bot.text import clean_text

HIDDEN = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062",
          "\u2063", "\u2064", "\ufeff", "\u180e", "\u00ad", "\u202a", "\u202b", "\u202c",
          "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\x00", "\x07",
          "\x1b", "\x7f", "\x9b", "\U000e0041"]


# -- the function -------------------------------------------------------------------------


@pytest.mark.parametrize("hidden", HIDDEN)
def test_hidden_characters_are_removed(hidden):
    assert clean_text(f"Ye{hidden}s") == "Yes"


def test_escape_sequences_and_overrides_lose_their_control_characters():
    assert clean_text("\x1b[31mRed\x1b[0m") == "[31mRed[0m"
    assert clean_text("\u202eevil\u202c text") == "evil text"


def test_look_alike_forms_become_the_plain_letters():
    assert clean_text("Ｙｅｓ") == "Yes"          # full-width letters
    assert clean_text("ﬁsh") == "fish"            # a ligature
    assert clean_text("Cafe\u0301") == "Café"     # e + combining accent, composed


def test_whitespace_of_every_kind_collapses_to_one_space():
    assert clean_text("  Town\u00a0\u00a0hall\n\tnow\u2028ok \r\n") == "Town hall now ok"
    assert clean_text("\u200b \u202e \x1b") == ""


def test_emoji_keep_working():
    assert clean_text("Pizza 🍕") == "Pizza 🍕"
    assert clean_text("❤\ufe0f yes") == "❤\ufe0f yes"          # variation selector kept
    assert clean_text("👍🏽 fine") == "👍🏽 fine"                  # skin tone kept
    family = "👨\u200d👩\u200d👧"
    assert clean_text(family) == family                       # joiner kept between emoji
    assert clean_text("Ye\u200ds") == "Yes"                   # but not between letters


@given(st.text(max_size=60))
def test_clean_text_is_idempotent_and_leaves_nothing_hidden(raw):
    once = clean_text(raw)
    assert clean_text(once) == once
    assert once == once.strip() and "  " not in once
    for index, char in enumerate(once):
        if char == "\u200d":  # only ever between emoji
            assert 0 < index < len(once) - 1
            continue
        assert unicodedata.category(char) not in ("Cc", "Cf", "Cs"), repr(char)


# -- in the playground ----------------------------------------------------------------------


async def _stored(driver, sql: str) -> list[str]:
    async with driver.core.store.engine.connect() as conn:
        return [str(row[0]) for row in await conn.execute(text(sql))]


async def test_yes_and_yes_with_a_hidden_space_are_the_same_option(driver):
    out = await driver.say('poll "Go?" "Yes" "Ye\u200bs" "No"')
    assert "That didn't work" in out
    assert "Options 1 and 2" in out and "the same" in out
    assert "Give each option once" in out
    assert "\u200b" not in out
    assert await _stored(driver, "SELECT count(*) FROM poll") == ["0"]
    out = await driver.say('poll "Go?" "yes" "ＹＥＳ"')
    assert "Options 1 and 2" in out and "the same" in out


async def test_escape_and_override_characters_are_not_stored_or_echoed(driver):
    out = await driver.say('poll "\x1b[31mWhere?\u202e" "Park\u202e" "\x1b[2JPier" "Lib\u200brary"')
    assert "Poll #1: [31mWhere?" in out
    assert "Park" in out and "[2JPier" in out and "Library" in out
    for bad in ("\x1b", "\u202e", "\u200b"):
        assert bad not in out
    stored = " ".join(await _stored(driver, "SELECT question || options FROM poll"))
    assert "[31mWhere?" in stored and "[2JPier" in stored
    for bad in ("\x1b", "\u202e", "\u200b", "\\u001b", "\\u202e", "\\u200b"):
        assert bad not in stored.lower()
    # A vote by the clean name finds the option.
    assert "Park" in await driver.say("bob: vote #1 Park")


async def test_reasons_answers_and_proposals_are_cleaned(driver):
    out = await driver.say('propose "Tea\u202e at four\x1b"')
    assert "Proposal #1: Tea at four" in out
    out = await driver.say("bob: vote #1 block\u200b too\u202e late\x07")
    assert "That didn't work" not in out
    out = await driver.say("carol: vote #1 block \u200b\u202e")
    assert "A block needs a reason" in out
    out = await driver.say("close #1")
    assert "Reason given with a block: too late" in out
    out = await driver.say('respond #1 1 "We\u202e moved\x1b it\u200b"')
    assert "The answer: We moved it" in out
    for bad in ("\x1b", "\u202e", "\u200b", "\x07"):
        assert bad not in out


async def test_an_empty_answer_after_cleaning_gets_the_empty_message(driver):
    await driver.say('propose "Tea at four"')
    await driver.say("bob: vote #1 block too late")
    await driver.say("close #1")
    out = await driver.say('respond #1 1 "\u200b\u202e"')
    assert "Write your answer in quotes" in out


async def test_empty_options_and_questions_after_cleaning(driver):
    assert "Option 2 is empty" in await driver.say('poll "Go?" "Yes" "\u200b\u2060" "No"')
    assert "needs a question" in await driver.say('poll "\u202e\u200b" "Yes" "No"')


async def test_ideas_group_names_and_schedules_are_cleaned(driver):
    await driver.say('ideas "What\u202e next?"')
    await driver.say('bob: idea #1 "A pic\u200bnic\x1b"')
    out = await driver.say('carol: idea #1 "A picnic"')
    assert "already in round #1" in out
    out = await driver.say("bob: ideas #1")
    assert "1. A picnic" in out and "\u200b" not in out and "\u202e" not in out
    out = await driver.say('group add carers "Car\u202eers\x1b"')
    assert "New group: Carers" in out
    out = await driver.say('schedule "Check\u202e-in\x1b" --every 1w')
    assert "Check-in —" in out
    assert "\u202e" not in out and "\x1b" not in out
